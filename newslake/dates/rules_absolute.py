"""Handlers for expressions that name their own calendar unit: explicit dates, months
with years, quarters, seasons, decades, years, clock times and holidays.

A handler returns None to reject a match (the scan then tries the next start), so
precision guards live here, next to the value logic they protect.
"""
from __future__ import annotations

import re

from . import resolve as R
from .context import Ctx, Hit
from .lexicon import NUMBER_WORDS, ORDINALS, SEASONS
from .values import XDAY, day_num, month_num, norm, rel_offset, two_digit_year, weekday_num, ymd


def _explicit_or_anchored(ctx: Ctx, month: int, day: int, year: int | None,
                          weekday: int | None) -> Hit | None:
    m = ctx.match
    if year is not None:
        if R.safe_date(year, month, day) is None:
            return None
        return Hit(m.start(), m.end(), "DATE", f"{year:04d}-{month:02d}-{day:02d}")
    if day > 31 or (month == 2 and day > 29) or (day == 31 and month in (4, 6, 9, 11)):
        return None
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", f"XXXX-{month:02d}-{day:02d}")
    y = R.year_for_month_day(ctx.dct, month, day, weekday=weekday)
    if y is None:
        return None
    return Hit(m.start(), m.end(), "DATE", f"{y:04d}-{month:02d}-{day:02d}", True)


def date_mdy(ctx: Ctx):
    year = ctx.g("year")
    y = int(year) if year else (two_digit_year(ctx.g("yy"), ctx.dct) if ctx.g("yy") else None)
    wd = weekday_num(ctx.g("wd")) if ctx.g("wd") else None
    return _explicit_or_anchored(ctx, month_num(ctx.g("month")), day_num(ctx.g("day")), y, wd)


def date_dmy(ctx: Ctx):
    y = int(ctx.g("year")) if ctx.g("year") else None
    wd = weekday_num(ctx.g("wd")) if ctx.g("wd") else None
    return _explicit_or_anchored(ctx, month_num(ctx.g("month")), day_num(ctx.g("day")), y, wd)


def date_iso(ctx: Ctx):
    d = R.safe_date(int(ctx.g("y")), int(ctx.g("m")), int(ctx.g("d")))
    if d is None:
        return None
    m = ctx.match
    if ctx.g("hh"):
        return Hit(m.start(), m.end(), "TIME", f"{ymd(d)}T{ctx.g('hh')}:{ctx.g('mi')}")
    return Hit(m.start(), m.end(), "DATE", ymd(d))


def date_us(ctx: Ctx):
    y = ctx.g("y")
    year = int(y) if len(y) == 4 else two_digit_year(y, ctx.dct)
    d = R.safe_date(year, int(ctx.g("m")), int(ctx.g("d")))
    if d is None:
        return None
    return Hit(ctx.match.start(), ctx.match.end(), "DATE", ymd(d))


def month_year(ctx: Ctx):
    m = ctx.match
    return Hit(m.start(), m.end(), "DATE", f"{int(ctx.g('year')):04d}-{month_num(ctx.g('month')):02d}")


def half_quarter(ctx: Ctx):
    m = ctx.match
    n = ORDINALS[norm(ctx.g("ord"))]
    kind = norm(ctx.g("kind"))
    if kind == "half":
        n = 2 if norm(ctx.g("ord")) == "final" else n
        if n > 2:
            return None
    year = None
    for key in ("py", "qy"):
        if ctx.g(key):
            year = int(ctx.g(key))
    rel = ctx.g("prel") or ctx.g("qrel")
    if year is None and rel and ctx.dct:
        off = rel_offset(rel)
        year = ctx.dct.year + (off or 0)
    anchored = False
    if year is None and ctx.dct is not None:
        anchored = True
        if kind == "quarter":
            year = R.year_for_quarter(ctx.dct, n)
        else:
            year = ctx.dct.year - 1 if (n == 2 and ctx.dct.month <= 2) else ctx.dct.year
    elif year is not None and ctx.g("py") is None and ctx.g("qy") is None:
        anchored = True
    ystr = "XXXX" if year is None else f"{year:04d}"
    if kind == "quarter" and year is not None:
        ctx.last_quarter = (year, n)
    return Hit(m.start(), m.end(), "DATE", f"{ystr}-{'Q' if kind == 'quarter' else 'H'}{n}", anchored)


def q_code(ctx: Ctx):
    m = ctx.match
    q = ctx.g("q")
    if ctx.g("qy"):
        year, anchored = int(ctx.g("qy")), False
    elif ctx.g("yy"):
        year, anchored = two_digit_year(ctx.g("yy"), ctx.dct), False
    elif ctx.dct:
        n = int(q[1])
        year = R.year_for_quarter(ctx.dct, n) if q[0] == "Q" else ctx.dct.year
        anchored = True
    else:
        return Hit(m.start(), m.end(), "DATE", f"XXXX-{q}")
    if q[0] == "Q":
        ctx.last_quarter = (year, int(q[1]))
    return Hit(m.start(), m.end(), "DATE", f"{year:04d}-{q}", anchored)


def quarter_anchor(ctx: Ctx):
    m = ctx.match
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX-QX")
    rel = norm(ctx.g("rel") or "")
    if ctx.g("y"):
        q = ctx.last_quarter[1] if ctx.last_quarter else R.shift_quarter(
            ctx.dct.year, R.quarter_of(ctx.dct), -1)[1]
        return Hit(m.start(), m.end(), "DATE", f"{ctx.g('y')}-Q{q}", True)
    if rel == "current":
        ref = (ctx.dct.year, R.quarter_of(ctx.dct))
    else:
        ref = ctx.last_quarter or R.shift_quarter(ctx.dct.year, R.quarter_of(ctx.dct), -1)
        if rel in ("year-ago", "year-earlier"):
            ref = (ref[0] - 1, ref[1])
        elif rel in ("previous", "prior"):
            ref = R.shift_quarter(ref[0], ref[1], -1)
    if rel not in ("year-ago", "year-earlier", "previous", "prior"):
        ctx.last_quarter = ref
    return Hit(m.start(), m.end(), "DATE", f"{ref[0]:04d}-Q{ref[1]}", True)


def season_year(ctx: Ctx):
    m = ctx.match
    return Hit(m.start(), m.end(), "DATE", f"{int(ctx.g('year')):04d}-{SEASONS[norm(ctx.g('season'))]}")


def decade(ctx: Ctx):
    m = ctx.match
    if ctx.g("dec"):
        return Hit(m.start(), m.end(), "DATE", ctx.g("dec")[:3])
    dd = int(ctx.g("dd"))
    ref_year = ctx.dct.year if ctx.dct else 2000
    century = ref_year // 100 if dd <= ref_year % 100 else ref_year // 100 - 1
    return Hit(m.start(), m.end(), "DATE", f"{century}{dd // 10}")


def century(ctx: Ctx):
    m = ctx.match
    o = norm(ctx.g("ord"))
    n = ORDINALS.get(o) if o in ORDINALS and not o[0].isdigit() else int(re.match(r"\d+", o).group())
    if o == "final" or not 1 <= n <= 21:
        return None
    return Hit(m.start(), m.end(), "DATE", f"{n - 1:02d}")


_YEAR_RANGE_LEFT = re.compile(r"(?:1[6-9]|20)\d\d\s*(?:[-–/]|and|to|or)\s*$")


_YEAR_DATELINE_LEFT = re.compile(r"(?:[A-Z][a-z]+\.?|\d{1,2}(?:st|nd|rd|th)?),\s+$")
# "the 1996 Olympic bombing", "his 1990 earnings projection", "Mixte's 1989 results"


_YEAR_DET_LEFT = re.compile(
    r"(?:\b(?i:the|a|an|his|her|its|their|our|your|that|this|into|due|both|whose)|['’]s)\s+$")


_SPAN_PREPS = ("fiscal", "fiscal year", "calendar", "calendar year", "model year", "fy",
               "the year", "in the year", "year")


_WEAK_PREPS = ("to", "and", "or")


def year(ctx: Ctx):
    prep = norm(ctx.g("prep") or "")
    ys, ye = ctx.span("year")
    if prep in _WEAK_PREPS:
        last = ctx.hits[-1] if ctx.hits else None
        if not (last and ys - last.end < 16 and re.fullmatch(r"\d{3,4}(?:-\w+)?", last.value)):
            return None
    if not prep and not ctx.g("mod") and not ctx.g("poss"):
        before = ctx.text[max(0, ys - 12):ys]
        if not (_YEAR_RANGE_LEFT.search(before) or _YEAR_DATELINE_LEFT.search(before)
                or _YEAR_DET_LEFT.search(before)):
            return None
    if prep in ("in the year", "the year"):
        start = ctx.start_of("prep") + (3 if prep.startswith("in ") else 0)
    elif prep in _SPAN_PREPS:
        start = ctx.start_of("prep")
    else:
        start = ctx.start_of("mod", "year")
    return Hit(start, ye, "DATE", ctx.g("year"))


def clock(ctx: Ctx):
    m = ctx.match
    if ctx.g("noon"):
        hh, mm = (12, 0) if norm(ctx.g("noon")) in ("noon", "midday") else (24, 0)
    elif ctx.g("mil"):
        hh, mm = int(ctx.g("mil")[:2]), int(ctx.g("mil")[2:])
    elif ctx.g("h24"):
        hh, mm = int(ctx.g("h24")), int(ctx.g("m24"))
    elif ctx.g("hw"):
        h = ctx.g("hw")
        hh, mm = (int(h) if h.isdigit() else NUMBER_WORDS[norm(h)]), 0
    else:
        hh, mm = int(ctx.g("h")), int(ctx.g("mi") or 0)
        pm = norm(ctx.g("ap")).startswith("p")
        if hh > 12 or hh == 0:
            return None
        hh = (hh % 12) + (12 if pm else 0)
    day = ymd(ctx.dct) if ctx.dct else XDAY
    zone = "Z" if ctx.g("tz") in ("UTC", "GMT") else ""
    return Hit(m.start(), m.end(), "TIME", f"{day}T{hh:02d}:{mm:02d}{zone}", ctx.dct is not None)


_HOLIDAY_NOUNS = re.compile(
    r"(?i)\s+(?:trees?|cards?|gifts?|lights?|markets?|carols?|decorations?|presents?|spirit|"
    r"music|songs?|island|shopping|season|rising|message|address)\b")


def holiday(ctx: Ctx):
    m = ctx.match
    if _HOLIDAY_NOUNS.match(ctx.after(16)):
        return None
    name = ctx.g("hol")
    if ctx.g("year"):
        return Hit(m.start(), m.end(), "DATE", ymd(R.holiday(name, int(ctx.g("year")))))
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", XDAY)
    dct = ctx.dct
    cands = [R.holiday(name, y) for y in (dct.year - 1, dct.year, dct.year + 1)]
    past = max(c for c in cands if c <= dct)
    future = min(c for c in cands if c > dct) if any(c > dct for c in cands) else None
    best = past
    if future and R.choose((dct - past).days, (future - dct).days) == "future":
        best = future
    return Hit(m.start(), m.end(), "DATE", ymd(best), True)
