"""Handlers for expressions that name their own calendar unit: explicit dates, months
with years, year ranges, quarters, seasons, decades, years, clock times and holidays.

A handler returns None to reject a match (the scan then tries the later rules at the
same offset), so precision guards live here, next to the value logic they protect.
Underspecified dates ("Jan. 5", "in July", "Easter") take their year from the tense of
the governing clause when it has one (resolve.py).
"""
from __future__ import annotations

import re

from . import resolve as R
from .context import BLOCK, Ctx, Hit
from .lexicon import (
    DAY_ORDINAL_WORDS, EVENT_NOUNS, HOLIDAY_NOUNS, NUMBER_WORDS, ORDINALS, SEASONS,
    SPOKEN_DECADES, STREET_SUFFIXES,
)
from .values import (
    XDAY, day_num, month_num, norm, rel_offset, spoken_year, two_digit_year, weekday_num, ymd,
)


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
    direction, cue = ctx.date_cue() if weekday is None else (0, 99)
    y = R.year_for_month_day(ctx.dct, month, day, weekday=weekday, direction=direction, cue=cue)
    if y is None:
        return None
    return Hit(m.start(), m.end(), "DATE", f"{y:04d}-{month:02d}-{day:02d}", True)


_SMALL_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _day_of(ctx: Ctx) -> int | None:
    if ctx.g("dword"):
        w = norm(ctx.g("dword"))
        # "March second quarter", "May first said": an ordinal word, not a day
        if w in _SMALL_ORDINALS and re.match(r"[-\s]+[a-z]", ctx.after(3)):
            return None
        return DAY_ORDINAL_WORDS.get(w)
    return day_num(ctx.g("day"))


def date_mdy(ctx: Ctx):
    year = ctx.g("year")
    day = _day_of(ctx)
    if day is None:
        return None
    y = int(year) if year else (two_digit_year(ctx.g("yy"), ctx.dct) if ctx.g("yy") else None)
    wd = weekday_num(ctx.g("wd")) if ctx.g("wd") else None
    return _explicit_or_anchored(ctx, month_num(ctx.g("month")), day, y, wd)


def date_dmy(ctx: Ctx):
    if ctx.g("dword") and not re.search(r"(?i)\sof\s", ctx.match.group()):
        return None
    day = _day_of(ctx)
    if day is None:
        return None
    y = int(ctx.g("year")) if ctx.g("year") else None
    wd = weekday_num(ctx.g("wd")) if ctx.g("wd") else None
    return _explicit_or_anchored(ctx, month_num(ctx.g("month")), day, y, wd)


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


def _month_year_guess(ctx: Ctx, month: int) -> int | None:
    if ctx.dct is None:
        return None
    return R.year_for_month(ctx.dct, month, *ctx.date_cue())


def week_of(ctx: Ctx):
    """'the last week of March' (ISO week), 'the week of March 6'."""
    m = ctx.match
    ord_, day = ctx.g("ord"), ctx.g("day")
    if bool(ord_) == bool(day):
        return None
    month = month_num(ctx.g("month"))
    year = int(ctx.g("year")) if ctx.g("year") else _month_year_guess(ctx, month)
    if year is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX-WXX")
    if day:
        d = R.safe_date(year, month, day_num(day))
        if d is None:
            return None
        return Hit(m.start(), m.end(), "DATE", R.iso_week(d), not ctx.g("year"))
    o = norm(ord_)
    k = -1 if o in ("last", "final") else ORDINALS[o]
    return Hit(m.start(), m.end(), "DATE", R.week_of_month(year, month, k), not ctx.g("year"))


def month_year(ctx: Ctx):
    m = ctx.match
    mo = month_num(ctx.g("month"))
    if ctx.g("year"):
        return Hit(m.start(), m.end(), "DATE", f"{int(ctx.g('year')):04d}-{mo:02d}")
    if ctx.g("syear"):
        y = spoken_year(ctx.g("syear"))
        if y is None:
            return None
        return Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}")
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", f"XXXX-{mo:02d}")
    rel = norm(ctx.g("rel"))
    base = ctx.dct.year
    if rel in ("that", "the same", "the following", "the previous"):
        base = ctx.last_year() or base
        base += {"the following": 1, "the previous": -1}.get(rel, 0)
    else:
        base += rel_offset(rel) or 0
    rs = ctx.span("rel")[0]
    if re.search(r"(?i)\sof\s+$", ctx.text[ctx.span("month")[1]:rs]):
        # "October of next year": the month and the year are two TIMEX3s (MEANTIME); the
        # month takes its year from the second one. "February this year" stays one.
        return [Hit(m.start(), ctx.span("month")[1], "DATE", f"{base:04d}-{mo:02d}", True),
                Hit(rs, m.end(), "DATE", f"{base:04d}", True)]
    return Hit(m.start(), m.end(), "DATE", f"{base:04d}-{mo:02d}", True)


def year_span(ctx: Ctx):
    """'1998-99', '2009-2011', 'fiscal 1989-90': two DATEs, as TimeML marks range ends."""
    y1 = int(ctx.g("y1"))
    y2s = ctx.g("y2")
    if len(y2s) == 2:
        y2 = y1 // 100 * 100 + int(y2s)
        if y2 <= y1:
            y2 += 100
        if y2 - y1 > 10:
            return None
    else:
        y2 = int(y2s)
        if not y1 < y2 <= y1 + 30:
            return None
    prep = norm(ctx.g("prep") or "")
    s1 = ctx.start_of("prep") if prep == "fiscal" else ctx.span("y1")[0]
    return [Hit(s1, ctx.span("y1")[1], "DATE", f"{y1:04d}"),
            Hit(ctx.span("y2")[0], ctx.span("y2")[1], "DATE", f"{y2:04d}")]


def half_quarter(ctx: Ctx):
    m = ctx.match
    o = norm(ctx.g("ord"))
    kind = norm(ctx.g("kind"))
    two = re.search(r"(?i)\btwo\b", m.group()) is not None
    if kind == "quarters" or two:
        if not (kind == "quarters" and two and o in ("first", "1st")):
            return None
        kind, n = "half", 1                      # "the first two quarters" = H1
    elif o == "last":
        n = 2 if kind == "half" else 4
    else:
        n = ORDINALS[o]
        if kind == "half":
            n = 2 if o == "final" else n
            if n > 2:
                return None
    year = None
    for key in ("py", "qy"):
        if ctx.g(key):
            year = int(ctx.g(key))
    if ctx.g("ago") and year is None and ctx.dct is not None:
        # "the year-ago third quarter": that quarter, one year before the one meant now
        if kind == "quarter":
            y = ctx.last_quarter[0] if ctx.last_quarter else R.year_for_quarter(ctx.dct, n)
        else:
            y = ctx.dct.year
        return Hit(m.start(), m.end(), "DATE", f"{y - 1:04d}-{'Q' if kind == 'quarter' else 'H'}{n}", True)
    rel = ctx.g("prel") or ctx.g("qrel")
    if year is None and rel and ctx.dct:
        off = rel_offset(rel)
        year = ctx.dct.year + (off or 0)
    anchored = False
    if year is None and ctx.dct is not None:
        anchored = True
        if o == "last" and kind == "quarter":   # "the last quarter": the one before the DCT's
            year, n = R.shift_quarter(ctx.dct.year, R.quarter_of(ctx.dct), -1)
        elif kind == "quarter":
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


_YEAR_AGO = ("year-ago", "year-earlier", "year-before", "comparable", "corresponding")


def _reference_quarter(ctx: Ctx) -> tuple[int, int]:
    return ctx.last_quarter or R.shift_quarter(ctx.dct.year, R.quarter_of(ctx.dct), -1)


def quarter_anchor(ctx: Ctx):
    """'the quarter', 'the latest quarter', 'the year-ago period', 'the 1988 period'."""
    m = ctx.match
    rel = norm(ctx.g("rel") or "")
    period = norm(ctx.g("unit")) == "period"
    if period and not (ctx.last_quarter and (rel or ctx.g("y"))):
        return None                              # "the period" outside an earnings story
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX-QX")
    if ctx.g("y"):
        q = _reference_quarter(ctx)[1]
        return Hit(m.start(), m.end(), "DATE", f"{ctx.g('y')}-Q{q}", True)
    if rel == "current":
        ref = (ctx.dct.year, R.quarter_of(ctx.dct))
    elif rel in ("latest", "most recent", "just-ended", "just ended"):
        ref = R.shift_quarter(ctx.dct.year, R.quarter_of(ctx.dct), -1)
        if ctx.last_quarter and ctx.last_quarter[0] * 4 + ctx.last_quarter[1] <= ref[0] * 4 + ref[1]:
            ref = ctx.last_quarter
    else:
        ref = _reference_quarter(ctx)
        if rel in _YEAR_AGO:
            ref = (ref[0] - 1, ref[1])
        elif rel in ("previous", "prior"):
            ref = R.shift_quarter(ref[0], ref[1], -1)
    if rel not in _YEAR_AGO and rel not in ("previous", "prior"):
        ctx.last_quarter = ref
    return Hit(m.start(), m.end(), "DATE", f"{ref[0]:04d}-Q{ref[1]}", True)


def year_period(ctx: Ctx):
    """'for the year' (the DCT's year), 'the year ended March 31' (a 12-month DURATION)."""
    s, e = ctx.span("yr")
    if ctx.g("ended"):
        return Hit(s, e, "DURATION", "P1Y")
    if norm(ctx.g("lead")) == "of" and not re.search(
            r"(?i)\b(?:months|weeks|days|half|quarter|part|rest|remainder|balance|end|start|"
            r"beginning|most|much|bulk|first|second|third|fourth|last)\s+$", ctx.before(20)):
        return None                              # "album of the year"
    if ctx.dct is None:
        return Hit(s, e, "DATE", "XXXX")
    return Hit(s, e, "DATE", f"{ctx.dct.year:04d}", True)


def year_adj(ctx: Ctx):
    """'year-earlier profit': the year-ago quarter in an earnings story, else last year."""
    m = ctx.match
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX")
    if ctx.last_quarter:
        y, q = ctx.last_quarter
        return Hit(m.start(), m.end(), "DATE", f"{y - 1:04d}-Q{q}", True)
    return Hit(m.start(), m.end(), "DATE", f"{ctx.dct.year - 1:04d}", True)


def same_period(ctx: Ctx):
    """'the same period last year', 'the year-ago period', 'the same month a year ago'."""
    m = ctx.match
    unit, det = norm(ctx.g("unit")), norm(ctx.g("det"))
    shift = -1 if (ctx.g("ago") or det not in ("the same",)) else 0
    if unit == "time" and not ctx.g("ago"):
        return None                              # "at the same time"
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", {"week": "XXXX-WXX", "quarter": "XXXX-QX"}.get(unit, "XXXX-XX"))
    if unit == "time":
        return Hit(m.start(), m.end(), "DATE", f"{ctx.dct.year + shift:04d}", True)
    if unit == "quarter" or (unit == "period" and ctx.last_quarter):
        y, q = _reference_quarter(ctx)
        return Hit(m.start(), m.end(), "DATE", f"{y + shift:04d}-Q{q}", True)
    if unit == "week":
        w = ctx.last_week() or R.iso_week(ctx.dct)
        return Hit(m.start(), m.end(), "DATE", f"{int(w[:4]) + shift:04d}{w[4:]}", True)
    y, mo = ctx.last_month() or (ctx.dct.year, ctx.dct.month)
    return Hit(m.start(), m.end(), "DATE", f"{y + shift:04d}-{mo:02d}", True)


def season_year(ctx: Ctx):
    m = ctx.match
    y = int(ctx.g("year")) if ctx.g("year") else spoken_year(ctx.g("syear"))
    if y is None:
        return None
    return Hit(m.start(), m.end(), "DATE", f"{y:04d}-{SEASONS[norm(ctx.g('season'))]}")


_SEASON_NOT_AFTER = re.compile(
    r"(?i)[-\s]+(?:olympics?|games|paralympics|water|waters|roll|rolls|loaded|training|"
    r"collection|solstice|up|back|into|onto|of|in)\b")
_CLAUSE_START = re.compile(r"(?:^|[.!?;:,\"“]\s*|\b(?:but|and|as|while|when|until|since|because)\s+)$")


def season_bare(ctx: Ctx):
    """'in the summer', 'spring shows signs of hope': a season without a year."""
    m = ctx.match
    word = ctx.g("season")
    s = SEASONS[norm(word)]
    prep = norm(ctx.g("prep") or "")
    if prep in ("this", "last", "next"):
        return None                              # rel_named's job
    has_ctx = bool(ctx.g("the") or prep or ctx.g("mod"))
    if word[0].isupper() and not re.search(r"(?:^|[.!?\"“:]\s*)$", ctx.before(3).strip()):
        return None                              # "Winter Olympics", "Summer Rae"
    if norm(word) == "fall" and not ((ctx.g("the") and prep) or ctx.g("mod")):
        return None                              # the verb, or "the fall in profits"
    if _SEASON_NOT_AFTER.match(ctx.after(12)):
        return None                              # "the winter of discontent", "spring water"
    if not has_ctx and not _CLAUSE_START.search(ctx.text, max(0, m.start() - 12), m.start()):
        return None                              # "Labour's spring conference", "winter storm"
    if ctx.g("the") and not prep and not ctx.g("mod") and re.match(r"\s+[a-z]", ctx.after(3)):
        return None                              # "the spring conference", "the winter fuel allowance"
    start = ctx.start_of("the", "mod", "season") if prep else m.start()
    if ctx.dct is None:
        return Hit(start, m.end(), "DATE", f"XXXX-{s}")
    y = R.season_bare(ctx.dct, s, ctx.tense())
    return Hit(start, m.end(), "DATE", f"{y:04d}-{s}", True)


def _decade_century(ctx: Ctx, d: int) -> int:
    ref_year = ctx.dct.year if ctx.dct else 2000
    return ref_year // 100 if d * 10 <= ref_year % 100 else ref_year // 100 - 1


def decade(ctx: Ctx):
    m = ctx.match
    if ctx.g("dec"):
        return Hit(m.start(), m.end(), "DATE", ctx.g("dec")[:3])
    if ctx.g("bd") or ctx.g("sd"):
        # "the 70s", "the nineties": need the article, a modifier or a decade just before
        prev = ctx.hits[-1] if ctx.hits else None
        coord = (prev is not None and len(prev.value) == 3 and prev.value.isdigit()
                 and m.start() - prev.end <= 6 and re.fullmatch(r"(?i)\s*(?:,|and|or|to|-)\s*",
                                                                ctx.text[prev.end:m.start()]))
        if not (ctx.g("the") or ctx.g("mod") or coord):
            return None
        d = int(ctx.g("bd")[0]) if ctx.g("bd") else SPOKEN_DECADES[norm(ctx.g("sd")).lstrip("'’")]
        return Hit(m.start(), m.end(), "DATE", f"{_decade_century(ctx, d)}{d}")
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
_YEAR_EVENT_LEFT = re.compile(rf"\b(?:{'|'.join(EVENT_NOUNS)})\s+$")
_STREET_RIGHT = re.compile(rf"\s+(?:[A-Z][a-z]+\.?\s+){{1,3}}(?:{'|'.join(STREET_SUFFIXES)})\b")
_PHONE_LEFT = re.compile(r"(?:\d[-.]|\(\d{3}\)\s?)$")
_SPAN_PREPS = ("fiscal", "fiscal year", "calendar", "calendar year", "model year", "fy",
               "the year", "in the year", "year", "by the year", "post-", "pre-")
_WEAK_PREPS = ("to", "and", "or")
_SPOKEN_FREE = ("sixteen", "seventeen", "eighteen", "nineteen")


def year(ctx: Ctx):
    prep = norm(ctx.g("prep") or "")
    if ctx.g("syear"):
        ys, ye = ctx.span("syear")
        value = spoken_year(ctx.g("syear"))
        if value is None:
            return None
        first = norm(ctx.g("syear")).split()[0].split("-")[0]
        if first not in _SPOKEN_FREE:
            # "twenty ten", "two thousand": a year only after "the year" / a preposition,
            # and "two thousand" not before a noun ("two thousand people")
            if not prep or prep in _WEAK_PREPS:
                return None
            if "thousand" in norm(ctx.g("syear")) and not prep.endswith("year") \
                    and re.match(r"\s+[a-z]", ctx.after(3)):
                return None
    else:
        ys, ye = ctx.span("year")
        value = int(ctx.g("year"))
        if _STREET_RIGHT.match(ctx.text, ye) or _PHONE_LEFT.search(ctx.text, max(0, ys - 6), ys):
            return None                          # "1600 Pennsylvania Avenue", "555-2019"
    if prep in _WEAK_PREPS:
        last = ctx.hits[-1] if ctx.hits else None
        if not (last and ys - last.end < 16 and re.fullmatch(r"\d{3,4}(?:-\w+)?", last.value)):
            return None
    if not prep and not ctx.g("mod") and not ctx.g("poss") and not ctx.g("syear"):
        before = ctx.text[max(0, ys - 14):ys]
        if not (_YEAR_RANGE_LEFT.search(before) or _YEAR_DATELINE_LEFT.search(before)
                or _YEAR_DET_LEFT.search(before) or _YEAR_EVENT_LEFT.search(before)):
            return None
    if prep in ("in the year", "the year", "by the year"):
        start = ctx.start_of("prep") + (0 if prep == "the year" else 3)
    elif prep in _SPAN_PREPS:
        start = ctx.start_of("prep")
    else:
        start = ctx.start_of("mod", "year", "syear")
    return Hit(start, ye, "DATE", f"{value:04d}")


def _clock_hit(ctx: Ctx, hh: int, mm: int, ss: int | None = None, start=None, end=None) -> Hit:
    m = ctx.match
    tz = ctx.g("tz") or ctx.g("tzp") if ctx.rule == "clock" else None
    zone = "Z" if tz in ("UTC", "GMT") else ""
    day = ymd(ctx.dct) if ctx.dct else XDAY
    sec = f":{ss:02d}" if ss is not None else ""
    return Hit(m.start() if start is None else start, m.end() if end is None else end, "TIME",
               f"{day}T{hh:02d}:{mm:02d}{sec}{zone}", ctx.dct is not None, clock_default=True)


def clock(ctx: Ctx):
    if ctx.g("noon"):
        if re.search(r"(?i)\bhigh\s+$", ctx.before(6)):
            return None                          # "High Noon"
        hh, mm = (12, 0) if norm(ctx.g("noon")) in ("noon", "midday") else (24, 0)
    elif ctx.g("mil"):
        hh, mm = int(ctx.g("mil")[:2]), int(ctx.g("mil")[2:])
    elif ctx.g("hn"):
        h = ctx.g("hn")
        hh = int(h) if h.isdigit() else NUMBER_WORDS[norm(h)]
        mm = int(ctx.g("mn") or 0)
        pod = norm(ctx.g("ipod") or ctx.g("inight") or "")
        if pod == "morning":
            hh = hh % 12
        elif pod in ("afternoon", "evening") or (pod == "night" and hh >= 6):
            hh = hh % 12 + 12
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
    return _clock_hit(ctx, hh, mm)


def _holiday_nouns_after(ctx: Ctx) -> bool:
    w = re.match(r"\s+([A-Za-z]+)", ctx.after(20))
    return bool(w) and w.group(1).lower() in HOLIDAY_NOUNS


def holiday(ctx: Ctx):
    m = ctx.match
    name = ctx.g("hol")
    if _holiday_nouns_after(ctx):
        return Hit(m.start(), m.end(), BLOCK, "")  # "Good Friday Agreement": not a date at all
    if name[0].islower() and norm(name) in ("may day", "easter", "pentecost"):
        return None
    if ctx.g("year"):
        return Hit(m.start(), m.end(), "DATE", ymd(R.holiday(name, int(ctx.g("year")))))
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", XDAY)
    dct = ctx.dct
    cands = [R.holiday(name, y) for y in (dct.year - 1, dct.year, dct.year + 1)]
    direction, cue = ctx.date_cue()
    return Hit(m.start(), m.end(), "DATE", ymd(R.nearest(dct, cands, direction, 0, cue)), True)
