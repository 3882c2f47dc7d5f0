"""Handlers for expressions read relative to the DCT: weekdays, day words, last/this/next,
"N units ago", durations, sets and the PRESENT/PAST/FUTURE references.
"""
from __future__ import annotations

import datetime as dt
import re

from . import resolve as R
from .context import Ctx, Hit
from .lexicon import PARTS_OF_DAY, SEASONS
from .values import (
    XDAY, duration_value, month_num, norm, number_value, pod_suffix, rel_offset, unit_info,
    weekday_num, ymd,
)


def pod_rel(ctx: Ctx):
    m = ctx.match
    if ctx.g("tonight"):
        rel, pod = "today", "NI"
    else:
        rel, pod = norm(ctx.g("rel")), PARTS_OF_DAY[norm(ctx.g("pod"))]
        if rel == "last" and pod != "NI" and pod != "EV":
            return None
    off = {"last": -1, "yesterday": -1, "this": 0, "today": 0, "tomorrow": 1}[rel]
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "TIME", f"{XDAY}T{pod}")
    d = ctx.dct + dt.timedelta(days=off)
    return Hit(m.start(), m.end(), "TIME", f"{ymd(d)}T{pod}", True)


def rel_named(ctx: Ctx):
    m = ctx.match
    off = rel_offset(ctx.g("rel"))
    if off is None:
        off = -1  # bare "past November"
    dct = ctx.dct
    if ctx.g("month"):
        mo = month_num(ctx.g("month"))
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", f"XXXX-{mo:02d}")
        y = dct.year
        if off < 0 and mo >= dct.month:
            y -= 1
        elif off > 0 and mo <= dct.month:
            y += 1
        return Hit(m.start(), m.end(), "DATE", f"{y:04d}-{mo:02d}", True)
    if ctx.g("season"):
        s = SEASONS[norm(ctx.g("season"))]
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", f"XXXX-{s}")
        return Hit(m.start(), m.end(), "DATE", f"{R.season_year(dct, s, off):04d}-{s}", True)
    wd = weekday_num(ctx.g("wd"))
    suffix = pod_suffix(ctx)
    typ = "TIME" if suffix else "DATE"
    if dct is None:
        return Hit(m.start(), m.end(), typ, f"XXXX-WXX-{wd + 1}{suffix}")
    fn = R.weekday_last if off < 0 else R.weekday_next if off > 0 else R.weekday_this
    return Hit(m.start(), m.end(), typ, ymd(fn(dct, wd)) + suffix, True)


_UNIT_DUR = {"week": "P1W", "weekend": "P2D", "month": "P1M", "year": "P1Y", "quarter": "P3M",
             "decade": "P10Y", "century": "P100Y", "fiscal year": "P1Y"}


def rel_unit(ctx: Ctx):
    m = ctx.match
    unit = norm(ctx.g("unit"))
    off = rel_offset(ctx.g("rel"))
    if off is None and unit != "weekend":
        return Hit(m.start(), m.end(), "DURATION", _UNIT_DUR[unit])
    off = -1 if off is None else off
    dct = ctx.dct
    if dct is None:
        xv = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
              "quarter": "XXXX-QX", "decade": "XXX", "century": "XX"}.get(unit, "XXXX")
        return Hit(m.start(), m.end(), "DATE", xv)
    if unit == "week":
        v = R.iso_week(dct + dt.timedelta(weeks=off))
    elif unit == "weekend":
        v = R.weekend_of(dct, off)
    elif unit == "month":
        y, mo = R.shift_month(dct.year, dct.month, off)
        v = f"{y:04d}-{mo:02d}"
    elif unit == "quarter":
        y, q = R.shift_quarter(dct.year, R.quarter_of(dct), off)
        ctx.last_quarter = (y, q)
        v = f"{y:04d}-Q{q}"
    elif unit == "decade":
        v = f"{dct.year // 10 + off:03d}"
    elif unit == "century":
        v = f"{dct.year // 100 + off:02d}"
    else:
        v = f"{dct.year + off:04d}"
    return Hit(m.start(), m.end(), "DATE", v, True)


def the_weekend(ctx: Ctx):
    m = ctx.match
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX-WXX-WE")
    return Hit(m.start(), m.end(), "DATE", R.weekend_of(ctx.dct, None), True)


_SET_LEFT = re.compile(r"(?i)(?:\d|once|twice|times|illion|percent|cents?|dollars?|euros?|pounds?)\S*\s+$")


_DURATIVE_LEFT = re.compile(
    r"(?i)\b(?:first|highest|lowest|biggest|largest|most|least|best|worst|strongest|weakest|"
    r"longest|fastest|time|record|level|low|high|since|ever)\b[^.]{0,40}$")


_QUANT_PREPS = ("about", "nearly", "almost", "more than", "less than")


def _ago_value(ctx: Ctx, n: float | None, unit: str, sign: int) -> tuple[str, bool]:
    try:
        value, anchored = _shifted_value(ctx, n, unit, sign)
    except (OverflowError, ValueError):
        value, anchored = "", False
    if not anchored or not 1000 <= int(value[:4]) <= 9999:
        if ctx.dct is not None or not value:
            return ("PAST_REF" if sign < 0 else "FUTURE_REF"), False
    return value, anchored


def _shifted_value(ctx: Ctx, n: float | None, unit: str, sign: int) -> tuple[str, bool]:
    code, mult, clock = unit_info(unit)
    dct = ctx.dct
    if n is None or clock or not float(n * mult).is_integer():
        return ("PAST_REF" if sign < 0 else "FUTURE_REF"), False
    k = int(n * mult) * sign
    name = norm(unit).rstrip("s")
    if dct is None:
        return {"D": XDAY, "W": "XXXX-WXX", "M": "XXXX-XX"}.get(code, "XXXX"), False
    if name == "year" and int(n) == 1 and sign < 0 and ctx.last_quarter:
        y, q = ctx.last_quarter
        return f"{y - 1:04d}-Q{q}", True
    if code == "D":
        return ymd(dct + dt.timedelta(days=k)), True
    if code == "W":
        return R.iso_week(dct + dt.timedelta(weeks=k)), True
    if code == "M" and name == "quarter":
        y, q = R.shift_quarter(dct.year, R.quarter_of(dct), k // 3)
        return f"{y:04d}-Q{q}", True
    if code == "M":
        y, mo = R.shift_month(dct.year, dct.month, k)
        return f"{y:04d}-{mo:02d}", True
    return f"{dct.year + k:04d}", True


def duration(ctx: Ctx):
    m = ctx.match
    num_s, unit_s = ctx.g("num"), ctx.g("unit")
    num_n = norm(num_s)
    unit_n = norm(unit_s)
    n = number_value(num_s)
    plural = unit_n.endswith("s")
    if num_n in ("a", "an", "one") and unit_n.startswith("second") and num_n != "one":
        return None
    if unit_n.startswith("quarter") and (num_n in ("a", "an") or ctx.after(4).lower().startswith(" of")):
        return None
    if n is None and not plural:
        return None
    if re.fullmatch(r"(?:1[6-9]|20)\d\d", num_s) and not plural:
        return None  # "the 1988 quarter", "the 1988 second quarter": a year, not a count
    if unit_n.startswith("second") and re.match(r"(?i)[-\s]+(?:quarter|half)\b", ctx.after(9)):
        return None
    if "-" in ctx.g("sep") and re.match(r"(?i)[-\s]+old\b", ctx.after(6)):
        return None
    prep = norm(ctx.g("prep") or "")
    start = m.start() if prep in _QUANT_PREPS else ctx.start_of("mod", "the", "adj", "num")
    if "-" in ctx.g("sep") and not ctx.g("adj") and not ctx.g("mod"):
        start = ctx.span("num")[0]  # "the 10-day event": the article belongs to the noun
    if num_n in ("a", "an") and not prep and not ctx.g("the") and not ctx.g("adj") \
            and not ctx.g("dir") and _SET_LEFT.search(ctx.before(25)):
        return Hit(start, m.end(), "SET", duration_value(1, unit_s))
    direction = norm(ctx.g("dir") or "")
    if direction:
        sign = 1 if direction in ("from now", "hence") else -1
        value, anchored = _ago_value(ctx, n, unit_s, sign)
        return Hit(start, m.end(), "DATE", value, anchored)
    if prep == "in" and not ctx.g("the") and not ctx.g("adj") and n is not None \
            and not _DURATIVE_LEFT.search(ctx.before(60)):
        value, anchored = _ago_value(ctx, n, unit_s, 1)
        if not value.endswith("_REF"):
            return Hit(start, m.end(), "DATE", value, anchored)
    return Hit(start, m.end(), "DURATION", duration_value(n, unit_s))


def vague_unit(ctx: Ctx):
    s, e = ctx.span("unit")
    unit = norm(ctx.g("unit"))
    if unit == "decades":
        return Hit(s, e, "DURATION", "PXDE")
    if unit == "centuries":
        return Hit(s, e, "DURATION", "PXCE")
    return Hit(s, e, "DURATION", duration_value(None, unit))


_ADVERB_SET = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y",
               "annually": "P1Y", "hourly": "PT1H", "nightly": "P1D",
               "biweekly": "P2W", "fortnightly": "P2W", "semiannually": "P6M",
               "semi-annually": "P6M", "bimonthly": "P2M"}


def set_rule(ctx: Ctx):
    m = ctx.match
    if ctx.g("adv"):
        if ctx.g("adv")[0].isupper() and not re.search(r"(?:^|[.!?\"“:]\s*)$", ctx.before(3).strip()):
            return None  # "Screen Daily", "the Daily Mail": a title, not a frequency
        return Hit(m.start(), m.end(), "SET", _ADVERB_SET[norm(ctx.g("adv"))])
    if ctx.g("wds"):
        s, e = ctx.span("wds")
        return Hit(s, e, "SET", f"XXXX-WXX-{weekday_num(ctx.g('wds')[:-1]) + 1}")
    if ctx.g("freq"):
        return Hit(m.start(), m.end(), "SET", duration_value(1, ctx.g("funit").split()[-1]))
    q = norm(ctx.g("q"))
    if ctx.g("unit"):
        unit = norm(ctx.g("unit"))
        if unit.rstrip("s") == "weekend":
            return Hit(m.start(), m.end(), "SET", "XXXX-WXX-WE")
        n = number_value(ctx.g("num")) if ctx.g("num") else 1
        if "other" in norm(m.group()):
            n = (n or 1) * 2
        return Hit(m.start(), m.end(), "SET", duration_value(n, unit))
    if q == "per":
        return None
    if ctx.g("pod"):
        return Hit(m.start(), m.end(), "SET", f"{XDAY}T{PARTS_OF_DAY[norm(ctx.g('pod'))]}")
    if ctx.g("wd"):
        return Hit(m.start(), m.end(), "SET", f"XXXX-WXX-{weekday_num(ctx.g('wd')) + 1}")
    if ctx.g("month"):
        return Hit(m.start(), m.end(), "SET", f"XXXX-{month_num(ctx.g('month')):02d}")
    return Hit(m.start(), m.end(), "SET", f"XXXX-{SEASONS[norm(ctx.g('season'))]}")


_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1,
                "the day before yesterday": -2, "the day after tomorrow": 2}


def dayword(ctx: Ctx):
    m = ctx.match
    day = norm(ctx.g("day"))
    suffix = pod_suffix(ctx)
    typ = "TIME" if suffix else "DATE"
    dct = ctx.dct
    if day in _DAY_OFFSETS:
        if day == "today" and re.search(r"(?:USA|[A-Z]\w+)\s+$", ctx.before(12)) \
                and ctx.g("day")[0] == "T" and not re.search(r"[.!?\"“]\s+$|^\s*$", ctx.before(12)):
            return None
        if dct is None:
            return Hit(m.start(), m.end(), typ, XDAY + suffix)
        return Hit(m.start(), m.end(), typ,
                   ymd(dct + dt.timedelta(days=_DAY_OFFSETS[day])) + suffix, True)
    wd = weekday_num(day)
    if dct is None:
        return Hit(m.start(), m.end(), typ, f"XXXX-WXX-{wd + 1}{suffix}")
    off = rel_offset(ctx.g("rel")) if ctx.g("rel") else None
    if off is None:
        d = R.weekday_near(dct, wd)
    else:
        d = (R.weekday_last if off < 0 else R.weekday_next if off > 0 else R.weekday_this)(dct, wd)
    return Hit(m.start(), m.end(), typ, ymd(d) + suffix, True)


_NAME_MONTHS = {"April", "June", "August", "May", "March", "January"}


def bare_month(ctx: Ctx):
    m = ctx.match
    name = ctx.g("month")
    has_ctx = ctx.g("prep") or ctx.g("mod")
    if not has_ctx:
        if name in ("May", "March", "MAY", "MARCH"):
            return None
        if name in _NAME_MONTHS and re.match(r"\s+[A-Z][a-z]", ctx.after(3)):
            return None
    start = ctx.start_of("mod", "month")
    mo = month_num(name)
    if ctx.dct is None:
        return Hit(start, m.end(), "DATE", f"XXXX-{mo:02d}")
    y = R.year_for_month(ctx.dct, mo)
    return Hit(start, m.end(), "DATE", f"{y:04d}-{mo:02d}", True)


_REF = {"right now": "PRESENT_REF", "just now": "PRESENT_REF", "now": "PRESENT_REF",
        "currently": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
        "nowadays": "PRESENT_REF", "these days": "PRESENT_REF", "the present": "PRESENT_REF",
        "the present day": "PRESENT_REF", "recently": "PAST_REF", "lately": "PAST_REF",
        "the past": "PAST_REF", "the future": "FUTURE_REF",
        "the near future": "FUTURE_REF", "the years ahead": "FUTURE_REF"}


def ref(ctx: Ctx):
    m = ctx.match
    phrase = norm(ctx.g("ref"))
    start = m.start()
    if phrase.startswith("in recent"):
        start += 3
        phrase = phrase[3:]
    if phrase in _REF:
        value = _REF[phrase]
    elif phrase.startswith("recent"):
        value = "PAST_REF"
    else:
        value = "FUTURE_REF"
    return Hit(start, m.end(), "DATE", value)
