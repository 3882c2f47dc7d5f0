"""Shared parsing of matched words into numbers, months, units and TIMEX3 pieces."""
from __future__ import annotations

import datetime as dt
import re

from .context import Ctx
from .lexicon import MONTH_ABBR, MONTHS, NUMBER_WORDS, PARTS_OF_DAY, UNITS, WEEKDAY_ABBR, WEEKDAYS

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


def number_value(s: str) -> float | None:
    """Cardinal value of a NUM match, None for vague quantities ("several")."""
    s = " ".join(s.lower().replace(",", "").split())
    if s in NUMBER_WORDS:
        return NUMBER_WORDS[s]
    if s in ("half a", "half an"):
        return 0.5
    if s == "one and a half":
        return 1.5
    parts = re.split(r"[-\s]", s)
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
    try:
        return float(s)
    except ValueError:
        return None


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


def duration_value(n: float | None, unit: str) -> str:
    code, mult, clock = unit_info(unit)
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
