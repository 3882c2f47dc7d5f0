"""Calendar arithmetic for anchoring expressions against the document creation time.

News convention throughout: an underspecified expression ("Friday", "Jan. 10", "in
March") points at the occurrence nearest the DCT, and a tie goes to the past because
news mostly reports what happened. Tense cues from the sentence ("will", "-ed") were
tried and scored worse on TimeBank/AQUAINT/MEANTIME than plain nearest-wins, because
reporting verbs ("said") sit next to future events as often as past ones.
"""
from __future__ import annotations

import calendar
import datetime as dt

from dateutil.easter import easter

from .lexicon import FIXED_HOLIDAYS


def choose(past_dist: int, future_dist: int) -> str:
    """Direction for an ambiguous reference: the nearer one, ties to the past."""
    return "future" if future_dist < past_dist else "past"


def weekday_near(dct: dt.date, weekday: int) -> dt.date:
    ahead = (weekday - dct.weekday()) % 7
    if ahead == 0:
        return dct
    back = 7 - ahead
    if choose(back, ahead) == "future":
        return dct + dt.timedelta(days=ahead)
    return dct - dt.timedelta(days=back)


def weekday_last(dct: dt.date, weekday: int) -> dt.date:
    return dct - dt.timedelta(days=((dct.weekday() - weekday) % 7) or 7)


def weekday_next(dct: dt.date, weekday: int) -> dt.date:
    return dct + dt.timedelta(days=((weekday - dct.weekday()) % 7) or 7)


def weekday_this(dct: dt.date, weekday: int) -> dt.date:
    """'this Friday': the one in the DCT's ISO week."""
    return dct + dt.timedelta(days=weekday - dct.weekday())


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def year_for_month_day(dct: dt.date, month: int, day: int,
                       weekday: int | None = None) -> int | None:
    """Year of the candidate nearest the DCT; a stated weekday overrides distance."""
    cands = [c for y in (dct.year - 1, dct.year, dct.year + 1)
             if (c := safe_date(y, month, day)) is not None]
    if not cands:
        return None
    if weekday is not None:
        fitting = [c for c in cands if c.weekday() == weekday]
        if fitting:
            return min(fitting, key=lambda c: abs((c - dct).days)).year
    past = [c for c in cands if c <= dct]
    future = [c for c in cands if c > dct]
    if not past:
        return future[0].year
    if not future:
        return past[-1].year
    p, f = past[-1], future[0]
    if p == dct:
        return p.year
    return (f if choose((dct - p).days, (f - dct).days) == "future" else p).year


def year_for_month(dct: dt.date, month: int) -> int:
    if month == dct.month:
        return dct.year
    back = (dct.month - month) % 12
    ahead = 12 - back
    if choose(back, ahead) == "future":
        return dct.year + (1 if month < dct.month else 0)
    return dct.year - (1 if month > dct.month else 0)


def shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + k
    return idx // 12, idx % 12 + 1


def shift_quarter(year: int, q: int, k: int) -> tuple[int, int]:
    idx = year * 4 + (q - 1) + k
    return idx // 4, idx % 4 + 1


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def year_for_quarter(dct: dt.date, q: int) -> int:
    """Reports in January are about last year's fourth quarter, not a future one."""
    return dct.year - 1 if q > quarter_of(dct) + 1 else dct.year


_SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}


def season_of(d: dt.date) -> tuple[int, str]:
    """(season year, season); January and February belong to the previous year's winter."""
    m = d.month
    if m in (12, 1, 2):
        return (d.year if m == 12 else d.year - 1), "WI"
    return d.year, ("SP" if m <= 5 else "SU" if m <= 8 else "FA")


def season_year(dct: dt.date, season: str, k: int) -> int:
    """k=-1 the last one before the current season, 0 this year's, +1 the next one."""
    cy, cs = season_of(dct)
    cur, want = _SEASON_ORDER[cs], _SEASON_ORDER[season]
    if k < 0:
        return cy if want < cur else cy - 1
    if k > 0:
        return cy if want > cur else cy + 1
    return cy


def weekend_of(dct: dt.date, k: int | None) -> str:
    """ISO week of the weekend: k=None nearest (ties to the past), else relative."""
    wd = dct.weekday()
    if k is None:
        k = 0 if wd >= 3 else -1
        if wd >= 5:
            k = 0
    elif k < 0 and wd >= 5:
        k = -1
    return iso_week(dct + dt.timedelta(weeks=k)) + "-WE"


def holiday(name: str, year: int) -> dt.date:
    name = " ".join(name.lower().replace("’", "'").split())
    if name in FIXED_HOLIDAYS:
        m, d = FIXED_HOLIDAYS[name]
        return dt.date(year, m, d)
    if name.startswith("easter"):
        return easter(year)
    if name == "good friday":
        return easter(year) - dt.timedelta(days=2)
    if name.startswith("thanksgiving"):
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if name == "labor day":
        first = dt.date(year, 9, 1)
        return first + dt.timedelta(days=(0 - first.weekday()) % 7)
    if name == "memorial day":
        last = dt.date(year, 5, calendar.monthrange(year, 5)[1])
        return last - dt.timedelta(days=last.weekday())
    raise KeyError(name)
