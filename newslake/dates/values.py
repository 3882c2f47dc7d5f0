"""Shared parsing of matched words into numbers, months, units and TIMEX3 pieces."""
from __future__ import annotations

import datetime as dt
import re

from .context import Ctx
from .lexicon import (
    MONTH_ABBR, MONTHS, NUMBER_WORDS, PARTS_OF_DAY, SCALE_WORDS, SPOKEN_CENTURY, UNITS,
    WEEKDAY_ABBR, WEEKDAYS,
)

XDAY = "XXXX-XX-XX"


def norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").replace(".", "").split())


def month_num(s: str) -> int:
    s = norm(s)
    return MONTHS.get(s) or MONTH_ABBR[s]


def weekday_num(s: str) -> int:
    s = norm(s)
    return WEEKDAYS[s] if s in WEEKDAYS else WEEKDAY_ABBR[s]


def day_num(s: str) -> int:
    return int(re.match(r"\d+", s).group())


def ymd(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def two_digit_year(s: str, dct: dt.date | None) -> int:
    y = int(s)
    pivot = (dct.year % 100 if dct else 30) + 10
    return 2000 + y if y <= pivot else 1900 + y


def _small_number(words: list[str]) -> int | None:
    """'ninety six', 'twelve', 'forty' -> int (0..99)."""
    if len(words) == 1 and words[0] in NUMBER_WORDS:
        return NUMBER_WORDS[words[0]]
    if len(words) == 2 and words[0] in NUMBER_WORDS and words[1] in NUMBER_WORDS:
        a, b = NUMBER_WORDS[words[0]], NUMBER_WORDS[words[1]]
        if a >= 20 and a % 10 == 0 and 0 < b < 10:
            return a + b
    return None


def number_value(s: str) -> float | None:
    """Cardinal value of a NUM match, None for vague quantities ("several")."""
    s = " ".join(s.lower().replace(",", "").split())
    half = 0.0
    if s.endswith(" and a half"):
        s, half = s[:-len(" and a half")], 0.5
    m = re.fullmatch(r"(\d+)(?:[\s-]1/2|½)", s)
    if m:
        return int(m.group(1)) + 0.5
    scale = 1
    for word, mult in SCALE_WORDS.items():
        if s.endswith(" " + word):
            s, scale = s[:-len(word) - 1], mult
    if s in NUMBER_WORDS:
        return NUMBER_WORDS[s] * scale + half
    if s in ("half a", "half an"):
        return 0.5
    if s == "one and a half":
        return 1.5
    small = _small_number(re.split(r"[-\s]", s))
    if small is not None:
        return small * scale + half
    try:
        return float(s) * scale + half
    except ValueError:
        return None


def spoken_year(s: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand and one' -> 2001, 'eighteen hundred' -> 1800."""
    w = [x for x in re.split(r"[-\s]+", s.lower()) if x and x != "and"]
    if w[:2] == ["two", "thousand"]:
        if len(w) == 2:
            return 2000
        rest = _small_number(w[2:])
        return None if rest is None else 2000 + rest
    century = SPOKEN_CENTURY.get(w[0]) or (20 if w[0] == "twenty" else None)
    if century is None or len(w) < 2:
        return None
    if w[1:] == ["hundred"]:
        return century * 100
    if w[1] == "oh" and len(w) == 3 and w[2] in NUMBER_WORDS:
        return century * 100 + NUMBER_WORDS[w[2]]
    rest = _small_number(w[1:])
    if rest is None or rest < 10:
        return None
    return century * 100 + rest


def qty(n: float | None) -> str:
    if n is None:
        return "X"
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def unit_info(s: str) -> tuple[str, int, bool]:
    s = norm(s)
    if s == "centuries":
        s = "century"
    elif s.endswith("s") and s[:-1] in UNITS:
        s = s[:-1]
    return UNITS[s]


# a fractional amount of a unit written as whole units of the next smaller one
_SPLIT = {"Y": ("M", 12, False), "D": ("H", 24, True), "H": ("M", 60, True),
          "M_clock": ("S", 60, True)}


def duration_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration: 'P2Y', 'PT16H', 'PXY'; 2.5 years -> 'P2Y6M', 1.5 minutes -> 'PT1M30S'."""
    code, mult, clock = unit_info(unit)
    if n is not None:
        q = n * mult
        split = _SPLIT.get("M_clock" if (code == "M" and clock) else code)
        if not float(q).is_integer() and split is not None:
            small_code, factor, small_clock = split
            whole, rest = int(q), (q - int(q)) * factor
            if float(rest).is_integer():
                big = f"{whole}{code}" if whole else ""
                if clock:
                    return f"PT{big}{int(rest)}{small_code}"
                if small_clock:
                    return f"P{big}T{int(rest)}{small_code}"
                return f"P{big}{int(rest)}{small_code}"
    q = qty(None if n is None else n * mult)
    return f"PT{q}{code}" if clock else f"P{q}{code}"


def rel_offset(rel: str | None) -> int | None:
    """last/this/next and their synonyms -> -1/0/+1; None for 'the past' (a duration)."""
    r = norm(rel or "this")
    if r in ("last", "the previous", "the preceding", "this past", "previous", "this last"):
        return -1
    if r in ("next", "the coming", "the next", "this coming", "coming"):
        return 1
    if r in ("this", "the current", "current"):
        return 0
    return None


def pod_suffix(ctx: Ctx) -> str:
    return "T" + PARTS_OF_DAY[norm(ctx.g("pod"))] if ctx.g("pod") else ""
