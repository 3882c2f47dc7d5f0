"""Handlers for expressions read relative to the DCT or to the text: weekdays, day words,
last/this/next, anaphora ("that day", "the following year"), "N units ago", durations,
sets and the PRESENT/PAST/FUTURE references.
"""
from __future__ import annotations

import datetime as dt
import re

from . import resolve as R
from .context import BLOCK, Ctx, Hit
from .lexicon import COMPARATIVES, PARTS_OF_DAY, SEASONS
from .rules_absolute import _clock_hit
from .values import (
    XDAY, duration_value, month_num, norm, number_value, pod_suffix, rel_offset, unit_info,
    weekday_num, ymd,
)

_AUX_BEFORE = re.compile(
    r"(?i)\b(?:will|would|could|can|may|might|should|must|to|did|does|do|not|n['’]t|shall|"
    r"['’]ll|won['’]t|usually|often|typically|generally|normally)\s+$")


def _last_is_verb(ctx: Ctx, rel: str | None) -> bool:
    """'would last three days': 'last' the verb, not the adjective."""
    return bool(rel) and norm(rel) == "last" and bool(_AUX_BEFORE.search(ctx.before(16)))


def _sentence_start(ctx: Ctx, at: int | None = None) -> bool:
    s = ctx.match.start() if at is None else at
    return not ctx.text[max(0, s - 4):s].strip() or bool(
        re.search(r"[.!?\"“:(]\s*$", ctx.text[max(0, s - 4):s]))


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
    if _last_is_verb(ctx, ctx.g("rel")):
        return None
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
    if ctx.g("hol"):
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", XDAY)
        cands = sorted(R.holiday(ctx.g("hol"), y) for y in range(dct.year - 2, dct.year + 3))
        if off < 0:
            d = [c for c in cands if c < dct][-1]
        elif off > 0:
            d = [c for c in cands if c > dct][0]
        else:
            d = R.holiday(ctx.g("hol"), dct.year)
        return Hit(m.start(), m.end(), "DATE", ymd(d), True)
    wd = weekday_num(ctx.g("wd"))
    suffix = pod_suffix(ctx)
    typ = "TIME" if suffix else "DATE"
    if dct is None:
        return Hit(m.start(), m.end(), typ, f"XXXX-WXX-{wd + 1}{suffix}")
    fn = R.weekday_last if off < 0 else R.weekday_next if off > 0 else R.weekday_this
    return Hit(m.start(), m.end(), typ, ymd(fn(dct, wd)) + suffix, True)


_UNIT_DUR = {"week": "P1W", "weekend": "P2D", "month": "P1M", "year": "P1Y", "quarter": "P3M",
             "decade": "P10Y", "century": "P100Y", "fiscal year": "P1Y", "day": "P1D"}
_ANAPHORIC = ("that", "the same", "that same")
_POD_UNITS = ("morning", "afternoon", "evening", "night")


def _day_ref(ctx: Ctx) -> dt.date:
    return ctx.last_day() or ctx.dct


def _anaphoric_value(ctx: Ctx, unit: str, k: int) -> str | None:
    """Value of the last mention of `unit` granularity (else the DCT's), shifted by k units."""
    dct = ctx.dct
    if unit == "day":
        return ymd(_day_ref(ctx) + dt.timedelta(days=k))
    if unit in ("week", "weekend"):
        w = ctx.last_week()
        if w is None:
            base = dct
        else:
            base = dt.date.fromisocalendar(int(w[:4]), int(w[6:8]), 1)
        v = R.iso_week(base + dt.timedelta(weeks=k))
        return v + "-WE" if unit == "weekend" else v
    if unit == "month":
        y, mo = ctx.last_month() or (dct.year, dct.month)
        y, mo = R.shift_month(y, mo, k)
        return f"{y:04d}-{mo:02d}"
    if unit in ("year", "fiscal year"):
        return f"{(ctx.last_year() or dct.year) + k:04d}"
    if unit == "quarter":
        y, q = ctx.last_quarter or (dct.year, R.quarter_of(dct))
        y, q = R.shift_quarter(y, q, k)
        return f"{y:04d}-Q{q}"
    return None


def rel_unit(ctx: Ctx):
    m = ctx.match
    unit = norm(ctx.g("unit"))
    rel_s = ctx.g("rel")
    rel = norm(rel_s)
    if _last_is_verb(ctx, rel_s):
        return None
    if rel_s[0].isupper() and ctx.g("unit")[0].isupper() and (
            not _sentence_start(ctx) or re.search(r"[\"“]\s*$", ctx.before(3))):
        return None                              # ABC's "This Week": a programme
    dct = ctx.dct
    if unit == "time":
        if rel not in ("that", "that same"):
            return None                          # "this time", "the last time": not dates
        prev = ctx.last_hit()
        if prev is None:
            return Hit(m.start(), m.end(), "DATE", "PAST_REF")
        return Hit(m.start(), m.end(), prev.type, prev.value, prev.anchored)
    if unit == "day" or unit in _POD_UNITS:
        if rel in _ANAPHORIC:
            k = 0
        elif rel in ("the following", "the next"):
            k = 1
        elif rel in ("the previous", "the prior", "the preceding"):
            k = -1
        elif rel == "the past" and unit == "day":
            return Hit(m.start(), m.end(), "DURATION", "P1D")
        else:
            return None                          # "this day", "the last day", "next morning"...
        suffix = "" if unit == "day" else "T" + PARTS_OF_DAY[unit]
        typ = "DATE" if unit == "day" else "TIME"
        if dct is None:
            return Hit(m.start(), m.end(), typ, XDAY + suffix)
        return Hit(m.start(), m.end(), typ, _anaphoric_value(ctx, "day", k) + suffix, True)
    if unit == "quarter" and rel in _ANAPHORIC and dct is not None:
        for h in reversed(ctx.hits):             # "that quarter": the last one named
            if re.fullmatch(r"\d{4}-Q[1-4]", h.value):
                return Hit(m.start(), m.end(), "DATE", h.value, True)
    if rel in _ANAPHORIC + ("the following",):
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", {"week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"))
        v = _anaphoric_value(ctx, unit, 1 if rel == "the following" else 0)
        if v is None:
            return None
        return Hit(m.start(), m.end(), "DATE", v, True)
    if rel == "the prior":
        rel = "the previous"
    off = rel_offset(rel)
    if off is None and unit != "weekend":
        return Hit(m.start(), m.end(), "DURATION", _UNIT_DUR[unit])
    off = -1 if off is None else off
    if dct is None:
        xv = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
              "quarter": "XXXX-QX", "decade": "XXX", "century": "XX"}.get(unit, "XXXX")
        return Hit(m.start(), m.end(), "DATE", xv)
    if unit == "weekend":
        v = R.weekend_of(dct, off)
    else:
        if unit == "quarter":  # "that quarter", later, is this one
            ctx.last_quarter = R.shift_quarter(dct.year, R.quarter_of(dct), off)
        v = _unit_value(dct, unit, off, ctx.last_quarter)
    return Hit(m.start(), m.end(), "DATE", v, True)


def _unit_value(dct: dt.date, unit: str, off: int, quarter: tuple[int, int] | None) -> str:
    """The TIMEX3 value of the week, month, quarter, decade, century or year `off` of
    them from the one holding `dct`; a quarter is `quarter` (year, q) when one is given."""
    if unit == "week":
        return R.iso_week(dct + dt.timedelta(weeks=off))
    if unit == "month":
        y, mo = R.shift_month(dct.year, dct.month, off)
        return f"{y:04d}-{mo:02d}"
    if unit == "quarter":
        y, q = quarter or R.shift_quarter(dct.year, R.quarter_of(dct), off)
        return f"{y:04d}-Q{q}"
    if unit == "decade":
        return f"{dct.year // 10 + off:03d}"
    if unit == "century":
        return f"{dct.year // 100 + off:02d}"
    return f"{dct.year + off:04d}"


def the_unit(ctx: Ctx):
    """'the day before', 'the end of the year', 'ended the day higher', 'year-end'."""
    m = ctx.match
    dct = ctx.dct
    if ctx.g("yend"):
        w = norm(ctx.g("yend"))
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", "XXXX-XX" if "month" in w else "XXXX")
        v = f"{dct.year:04d}-{dct.month:02d}" if "month" in w else f"{dct.year:04d}"
        return Hit(m.start(), m.end(), "DATE", v, True)
    if ctx.g("tday"):
        s, e = ctx.span("tday")
        if dct is None:
            return Hit(s, e, "DATE", XDAY)
        return Hit(s, e, "DATE", ymd(_day_ref(ctx)), True)
    if ctx.g("pre"):
        unit = norm(ctx.g("pre")).split()[-1]
        k = 1 if norm(ctx.g("post")) in ("after", "later") else -1
        if dct is None:
            return Hit(m.start(), m.end(), "DATE", {"day": XDAY, "week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"))
        return Hit(m.start(), m.end(), "DATE", _anaphoric_value(ctx, unit, k), True)
    unit = norm(ctx.g("unit")).split()[-1]
    mod = norm(ctx.g("mod"))
    if unit == "day" and "end of" in mod and re.search(r"(?i)\bat\s+$", ctx.before(4)):
        return Hit(m.start(), m.end(), BLOCK, "")  # "at the end of the day": the idiom
    if dct is None:
        return Hit(m.start(), m.end(), "DATE", {"day": XDAY, "week": "XXXX-WXX", "month": "XXXX-XX",
                                                "quarter": "XXXX-QX"}.get(unit, "XXXX"))
    v = ymd(_day_ref(ctx)) if unit == "day" else _unit_value(dct, unit, 0, ctx.last_quarter)
    return Hit(m.start(), m.end(), "DATE", v, True)


def pod_trading(ctx: Ctx):
    """'in morning trading': that part of the (last mentioned, else publication) day."""
    s, e = ctx.span("pod")
    pod = PARTS_OF_DAY[norm(ctx.g("pod"))]
    if ctx.dct is None:
        return Hit(s, e, "TIME", f"{XDAY}T{pod}")
    return Hit(s, e, "TIME", f"{ymd(_day_ref(ctx))}T{pod}", True)


def the_weekend(ctx: Ctx):
    m = ctx.match
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", "XXXX-WXX-WE")
    return Hit(m.start(), m.end(), "DATE", R.weekend_of(ctx.dct, None), True)


def streak(ctx: Ctx):
    """'for a third straight session': the current session (day, week...) of the streak."""
    m = ctx.match
    unit = norm(ctx.g("unit"))
    unit = "day" if unit == "session" else unit
    if ctx.dct is None:
        return Hit(m.start(), m.end(), "DATE", {"day": XDAY, "week": "XXXX-WXX", "month": "XXXX-XX",
                                                "quarter": "XXXX-QX"}.get(unit, "XXXX"))
    if unit == "quarter" and not ctx.last_quarter:
        y, q = R.shift_quarter(ctx.dct.year, R.quarter_of(ctx.dct), -1)
        return Hit(m.start(), m.end(), "DATE", f"{y:04d}-Q{q}", True)
    return Hit(m.start(), m.end(), "DATE", _anaphoric_value(ctx, unit, 0), True)


def race_time(ctx: Ctx):
    """'2:41:07' is a race time (PT2H41M7S); 'at 10:30:00' a clock time."""
    h, mi, s = int(ctx.g("h")), int(ctx.g("mi")), int(ctx.g("s"))
    if re.search(r"(?i)\b(?:at|by|from|until|till|since)\s+$", ctx.before(8)):
        if h > 23:
            return None
        return _clock_hit(ctx, h, mi, s)
    frac = ctx.g("frac")
    sec = f"{s}.{frac}" if frac else str(s)
    parts = (f"{h}H" if h else "") + (f"{mi}M" if mi or h else "") + f"{sec}S"
    return Hit(ctx.match.start(), ctx.match.end(), "DURATION", "PT" + parts)


_SET_LEFT = re.compile(r"(?i)(?:\d|once|twice|times|illion|percent|cents?|dollars?|euros?|pounds?)\S*\s+$")
_RATE_LEFT = re.compile(r"(?i)\b(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|"
                        r"dozen|hundred|thousand)\s+[a-z]+\s+$")
_DURATIVE_LEFT = re.compile(
    r"(?i)\b(?:first|highest|lowest|biggest|largest|most|least|best|worst|strongest|weakest|"
    r"longest|fastest|time|record|level|low|high|since|ever)\b[^.]{0,40}$")
_AGE_LEFT = re.compile(r"(?i)\b(?:aged?|ages|aging)\s+(?:between\s+|from\s+|of\s+)?$")
_AGE_RIGHT = re.compile(r"(?i)(?:[-\s]+old\b|\s+of\s+age\b|\s+(?:and|or)\s+(?:older|younger|over|under)\b)")
_COMPARATIVE_RIGHT = re.compile(rf"(?i)\s+(?:{'|'.join(COMPARATIVES)})\b")
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


def _not_a_duration(ctx: Ctx, start: int) -> bool:
    """Ages ('aged 3 months', 'a 45-year-old') and comparisons ('two seconds faster')."""
    after = ctx.text[ctx.match.end():ctx.match.end() + 24]
    return bool(_AGE_LEFT.search(ctx.text[max(0, start - 16):start]) or _AGE_RIGHT.match(after)
                or _COMPARATIVE_RIGHT.match(after))


def dur_between(ctx: Ctx):
    """'between 60 and 90 days': two durations, the first borrowing the unit."""
    unit = ctx.g("unit")
    n1, n2 = number_value(ctx.g("n1")), number_value(ctx.g("n2"))
    if n1 is None or n2 is None or _not_a_duration(ctx, ctx.span("n1")[0]):
        return None
    s1, e1 = ctx.span("n1")
    return [Hit(s1, e1, "DURATION", duration_value(n1, unit)),
            Hit(ctx.span("n2")[0], ctx.match.end(), "DURATION", duration_value(n2, unit))]


def duration(ctx: Ctx):
    m = ctx.match
    num_s, unit_s = ctx.g("num"), ctx.g("unit")
    num_n = norm(num_s)
    unit_n = norm(unit_s)
    n = number_value(num_s)
    if ctx.g("num2"):
        n = None                                 # "two to three weeks": PXW
    elif n is not None and ctx.g("half"):
        n += 0.5
    plural = unit_n.endswith("s")
    adj = ctx.g("adj")
    if _last_is_verb(ctx, adj) or (adj and norm(adj) == "last" and _AUX_BEFORE.search(
            ctx.text[max(0, ctx.span("adj")[0] - 16):ctx.span("adj")[0]])):
        adj = None                               # "would last three days"
    if num_n in ("a", "an", "one") and unit_n.startswith("second") and num_n != "one":
        return None
    if num_n in ("a", "an") and plural and not ctx.g("half"):
        return None                              # "a decades-long dispute"
    if unit_n.startswith("quarter") and (num_n in ("a", "an") or ctx.after(4).lower().startswith(" of")):
        return None
    if n is None and not plural and not ctx.g("num2"):
        return None
    if re.fullmatch(r"(?:1[6-9]|20)\d\d", num_s) and not plural:
        return None  # "the 1988 quarter", "the 1988 second quarter": a year, not a count
    if unit_n.startswith("second") and re.match(r"(?i)[-\s]+(?:quarter|half)\b", ctx.after(9)):
        return None
    prep = norm(ctx.g("prep") or "")
    if adj is None and ctx.g("adj"):
        start = ctx.span("num")[0]
    elif prep in _QUANT_PREPS or (prep == "over" and not (ctx.g("the") or ctx.g("adj") or ctx.g("mod"))):
        start = m.start()
    else:
        start = ctx.start_of("mod", "the", "adj", "num")
    if "-" in ctx.g("sep") and not ctx.g("adj") and not ctx.g("mod"):
        start = ctx.span("num")[0]  # "the 10-day event": the article belongs to the noun
    if _not_a_duration(ctx, ctx.span("num")[0]):
        return None
    if unit_n.startswith("session") and not (ctx.g("mid") or adj):
        return None                              # "a session of parliament"
    if num_n in ("a", "an") and not prep and not ctx.g("the") and not adj \
            and not ctx.g("dir") and (_SET_LEFT.search(ctx.before(25))
                                      or _RATE_LEFT.search(ctx.before(30))):
        return Hit(start, m.end(), "SET", duration_value(1, unit_s))
    direction = norm(ctx.g("dir") or "")
    if direction:
        sign = 1 if direction in ("from now", "hence") else -1
        value, anchored = _ago_value(ctx, n, unit_s, sign)
        return Hit(start, m.end(), "DATE", value, anchored)
    if prep == "in" and not ctx.g("the") and not adj and n is not None \
            and not _DURATIVE_LEFT.search(ctx.before(60)):
        value, anchored = _ago_value(ctx, n, unit_s, 1)
        if not value.endswith("_REF"):
            return Hit(start, m.end(), "DATE", value, anchored)
    return Hit(start, m.end(), "DURATION", duration_value(n, unit_s))


def dur_adj(ctx: Ctx):
    """'decades-long' (PXY, as both MEANTIME and TimeBank mark it), 'single-day', 'intraday'."""
    m = ctx.match
    if ctx.g("one"):
        return Hit(m.start(), m.end(), "DURATION", "P1D")
    unit = norm(ctx.g("vu"))
    if unit == "decades":
        return Hit(m.start(), m.end(), "DURATION", "PXY")
    if unit == "centuries":
        return Hit(m.start(), m.end(), "DURATION", "PXCE")
    return Hit(m.start(), m.end(), "DURATION", duration_value(None, unit))


def vague_unit(ctx: Ctx):
    s, e = ctx.span("unit")
    unit = norm(ctx.g("unit"))
    prep = norm(ctx.g("prep"))
    if prep.endswith(" the"):
        s = ctx.span("prep")[1] - 3              # "over the years": TimeML leaves out "over"
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
        if norm(ctx.g("adv")) == "daily" and re.search(r"(?i)\bparty\s+$|\bcommunist\s+$", ctx.before(12)):
            return None  # "the Communist Party daily Granma": a newspaper
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
        if re.search(r"(?i)\bother\b", m.group()):
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
    if re.search(r"\b(?:Mail|Independent|Observer|Express|Mirror|Telegraph|Post)\s+on\s+$", ctx.before(20)) \
            or (day == "wednesday" and re.search(r"\bSheffield\s+$", ctx.before(12))):
        return None                              # "the Mail on Sunday", "Sheffield Wednesday"
    wd = weekday_num(day)
    if dct is None:
        return Hit(m.start(), m.end(), typ, f"XXXX-WXX-{wd + 1}{suffix}")
    off = rel_offset(ctx.g("rel")) if ctx.g("rel") else None
    if off is None:
        direction, cue = ctx.tense_cue()
        if (direction > 0 and cue > 4) or ctx.text.startswith(("'s", "’s"), m.end()):
            direction = 0                        # a far "will"; "Wednesday's ruling"
        d = R.weekday_near(dct, wd, direction)
    else:
        d = (R.weekday_last if off < 0 else R.weekday_next if off > 0 else R.weekday_this)(dct, wd)
    return Hit(m.start(), m.end(), typ, ymd(d) + suffix, True)


_NAME_MONTHS = {"April", "June", "August", "May", "March", "January"}
_RANGE_PREPS = ("and", "or", "to", "through")


def bare_month(ctx: Ctx):
    m = ctx.match
    name = ctx.g("month")
    prep = norm(ctx.g("prep") or "")
    if prep in _RANGE_PREPS:
        # "between March and May", "from June to August": only right after another month
        prev = ctx.hits[-1] if ctx.hits else None
        if not (prev and ctx.span("prep")[0] - prev.end <= 2
                and re.fullmatch(r"(?:\d{4}|XXXX)-\d\d", prev.value)):
            if prep != "to" and prep != "through":
                return None
            if name in ("May", "March", "MAY", "MARCH"):
                return None
    has_ctx = prep or ctx.g("mod")
    if not has_ctx:
        if name in ("May", "March", "MAY", "MARCH"):
            return None
        if name in _NAME_MONTHS and re.match(r"\s+[A-Z][a-z]", ctx.after(3)):
            return None
    start = ctx.start_of("mod", "month")
    mo = month_num(name)
    if ctx.dct is None:
        return Hit(start, m.end(), "DATE", f"XXXX-{mo:02d}")
    y = R.year_for_month(ctx.dct, mo, *ctx.date_cue())
    return Hit(start, m.end(), "DATE", f"{y:04d}-{mo:02d}", True)


_REF = {"right now": "PRESENT_REF", "just now": "PRESENT_REF", "now": "PRESENT_REF",
        "currently": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
        "nowadays": "PRESENT_REF", "these days": "PRESENT_REF", "the present": "PRESENT_REF",
        "the present day": "PRESENT_REF", "recently": "PAST_REF", "lately": "PAST_REF",
        "more recently": "PAST_REF", "most recently": "PAST_REF", "the recent past": "PAST_REF",
        "the past": "PAST_REF", "the future": "FUTURE_REF", "future": "FUTURE_REF",
        "the near future": "FUTURE_REF", "the distant future": "FUTURE_REF",
        "the foreseeable future": "FUTURE_REF", "the years ahead": "FUTURE_REF",
        "current": "PRESENT_REF", "recent": "PAST_REF", "soon": "FUTURE_REF",
        "very soon": "FUTURE_REF", "as soon as possible": "FUTURE_REF",
        "recent times": "PAST_REF"}
_CURRENT_NOT = re.compile(
    r"\s+(?:accounts?|assets|liabilit\w+|affairs|account-deficit|events|members?|employees?|"
    r"and\s+former|or\s+former|models?|customers?|owners?|holders?|users?|players?|names?)\b")
_SOON_NOT = re.compile(r"(?i)\s+(?:after|afterwards?|thereafter|enough|as|to\s+be)\b")
_UNIT_CODES = {"years": "PXY", "months": "PXM", "weeks": "PXW", "days": "PXD",
               "decades": "PXDE", "quarters": "PXM"}


def ref(ctx: Ctx):
    m = ctx.match
    phrase = norm(ctx.g("ref"))
    start, end = m.start(), m.end()
    after = ctx.text[end:end + 24]
    if phrase.startswith("in recent ") or (phrase.startswith("recent ") and phrase != "recent times"):
        if phrase.startswith("in "):
            start += 3
        unit = phrase.split()[-1]
        return Hit(start, end, "DURATION", _UNIT_CODES[unit])   # "in recent years": PXY
    if phrase in ("current", "recent"):
        if not re.match(r"\s+[a-z]", after) or (phrase == "current" and _CURRENT_NOT.match(after)):
            return None                          # "the current" (a flow), "current accounts"
        if phrase == "recent" and re.search(r"(?i)\bmost\s+$", ctx.before(6)):
            return None                          # "their most recent iPhone model"
    if phrase.startswith("then"):
        return Hit(start, end, "DATE", "PAST_REF")
    if phrase in ("soon", "very soon"):
        if _SOON_NOT.match(after) or re.search(r"(?i)\bas\s+$", ctx.before(4)) or ctx.tense() < 0:
            return None
    if phrase == "for the time being":
        return Hit(start + 4, end, "DATE", "PRESENT_REF")
    if phrase == "at the time":
        if re.match(r"(?i)\s+(?:of|when|for|and|in\s+which)\b", after):
            return None
        return Hit(start + 3, end, "DATE", "PAST_REF")
    if phrase.endswith(" term"):
        return Hit(ctx.text.lower().index("the", start, end), end, "DATE", "FUTURE_REF")
    if " later " in f" {phrase} ":
        if phrase == "later on":
            return None
        return Hit(ctx.text.lower().index("a", start + 2, end), end, "DATE", "FUTURE_REF")
    if phrase.endswith("future") and phrase not in _REF:
        return Hit(end - len("future"), end, "DATE", "FUTURE_REF")
    if phrase in _REF:
        value = _REF[phrase]
    elif phrase.startswith("recent"):
        value = "PAST_REF"
    else:
        value = "FUTURE_REF"
    return Hit(start, end, "DATE", value)
