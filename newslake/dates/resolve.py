"""Calendar arithmetic for anchoring expressions against the document creation time.

News convention: an underspecified expression ("Friday", "Jan. 10", "in March") points
at the occurrence nearest the DCT, ties to the past, unless the governing verb gives a
direction (tense.py). A weekday then simply takes the occurrence on that side of the DCT
(the DCT's own day counts on both sides). Dates and months can be a year apart, and a
past verb governs a future deadline as often as not ("extended the offer to Nov. 20"),
so the tense only overrides nearest-wins when the occurrence on its side is not much
farther than the nearest one: for a cue right next to the expression always for a month
("happened in February") and up to 12x as far for a day; up to 2x as far for a cue a
few words away or after "to/until/by" (a deadline); 1.3x beyond. `direction` is -1 past, +1 future, 0 unknown;
`cue` is the distance of the deciding word (tense.tense_cue).
"""
from __future__ import annotations

import calendar
import datetime as dt

from dateutil.easter import easter

from .lexicon import HOLIDAYS


def choose(past_dist: int, future_dist: int) -> str:
    """Direction for an ambiguous reference: the nearer one, ties to the past."""
    return "future" if future_dist < past_dist else "past"


def weekday_near(dct: dt.date, weekday: int, direction: int = 0) -> dt.date:
    ahead = (weekday - dct.weekday()) % 7
    if ahead == 0:
        return dct
    back = 7 - ahead
    if direction > 0 or (direction == 0 and choose(back, ahead) == "future"):
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


def flip_ratio(cue: int, day_level: bool = False) -> float:
    if cue <= 1:
        return 12.0 if day_level else float("inf")
    return 2.0 if cue <= 4 else 1.3


def nearest(dct: dt.date, cands: list[dt.date], direction: int = 0, slack: int = 1,
            cue: int = 0) -> dt.date:
    """The candidate nearest the DCT (ties to the past), or the nearest on the side
    `direction` points to when that one is not much farther (see the module doc).

    `slack` days of tolerance keep a date a day off the DCT on the "wrong" side (a
    dateline written the evening before) from jumping a whole year.
    """
    cands = sorted(cands)
    best = _nearest_wins(dct, cands)
    if direction == 0:
        return best
    if direction < 0:
        side = [c for c in cands if c <= dct + dt.timedelta(days=slack)]
        alt = side[-1] if side else None
    else:
        side = [c for c in cands if c >= dct - dt.timedelta(days=slack)]
        alt = side[0] if side else None
    if alt is None or alt == best:
        return best
    d0 = max(abs((best - dct).days), 1)
    return alt if abs((alt - dct).days) <= flip_ratio(cue, True) * d0 else best


def _nearest_wins(dct: dt.date, cands: list[dt.date]) -> dt.date:
    past = [c for c in cands if c <= dct]
    future = [c for c in cands if c > dct]
    if not past:
        return future[0]
    if not future:
        return past[-1]
    p, f = past[-1], future[0]
    return f if choose((dct - p).days, (f - dct).days) == "future" else p


def year_for_month_day(dct: dt.date, month: int, day: int, weekday: int | None = None,
                       direction: int = 0, cue: int = 0) -> int | None:
    """Year of the candidate nearest the DCT; a stated weekday overrides distance."""
    cands = [c for y in (dct.year - 1, dct.year, dct.year + 1)
             if (c := safe_date(y, month, day)) is not None]
    if not cands:
        return None
    if weekday is not None:
        fitting = [c for c in cands if c.weekday() == weekday]
        if fitting:
            return min(fitting, key=lambda c: abs((c - dct).days)).year
    return nearest(dct, cands, direction, cue=cue).year


def year_for_month(dct: dt.date, month: int, direction: int = 0, cue: int = 0) -> int:
    if month == dct.month:
        return dct.year
    back = (dct.month - month) % 12
    ahead = 12 - back
    past_year = dct.year - (1 if month > dct.month else 0)
    future_year = dct.year + (1 if month < dct.month else 0)
    near_future = choose(back, ahead) == "future"
    if direction < 0 and near_future and back <= flip_ratio(cue) * ahead:
        return past_year
    if direction > 0 and not near_future and ahead <= flip_ratio(cue) * back:
        return future_year
    return future_year if near_future else past_year


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


def season_bare(dct: dt.date, season: str, direction: int) -> int:
    """'in the summer': the current season, else the last (past) or next (future) one."""
    cy, cs = season_of(dct)
    if season == cs:
        return cy
    if direction > 0:
        return season_year(dct, season, 1)
    if direction < 0:
        return season_year(dct, season, -1)
    last, nxt = season_year(dct, season, -1), season_year(dct, season, 1)
    mid = {"SP": (4, 15), "SU": (7, 15), "FA": (10, 15), "WI": (1, 15)}[season]

    def _dist(y: int) -> int:
        return abs((dt.date(y + (1 if season == "WI" else 0), *mid) - dct).days)
    return nxt if _dist(nxt) < _dist(last) else last


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


def week_of_month(year: int, month: int, ordinal: int) -> str:
    """ISO week of 'the first/second/.../last week of <month>' (-1 = last)."""
    if ordinal < 0:
        last = calendar.monthrange(year, month)[1]
        return iso_week(dt.date(year, month, last - 3))
    return iso_week(dt.date(year, month, min(28, 4 + 7 * (ordinal - 1))))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n < 0:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def holiday_key(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").split())


def holiday(name: str, year: int) -> dt.date:
    rule = HOLIDAYS[holiday_key(name)]
    kind = rule[0]
    if kind == "fixed":
        return dt.date(year, rule[1], rule[2])
    if kind == "easter":
        return easter(year) + dt.timedelta(days=rule[1])
    if kind == "nth":
        extra = rule[4] if len(rule) > 4 else 0
        return _nth_weekday(year, rule[1], rule[2], rule[3]) + dt.timedelta(days=extra)
    return holiday(rule[1], year) + dt.timedelta(days=rule[2])
