"""The scan loop: one compiled alternation, dispatch to handlers, build mentions.

Matches come out leftmost-first and never overlap; among rules that could start at the
same offset the pattern order in patterns.RULES already prefers the longest reading. A
match never runs past the end of its line (so never across a paragraph break). When a
handler rejects its match (a precision guard), the rules after it in RULES are tried at
the same offset one by one. A handler may return one Hit, a list of Hits (a range such as
"1998-99"), a BLOCK hit (consume the words, report nothing) or None.

A reference of month or year precision (`tag_dates(text, dct, precision)`: the writing
month or year is known, not the day) is probed at both ends of its period: a match whose
value comes out the same from the period's first and last day ("last year", "this year",
"that day" after a named date; "next month" for a month) keeps it; one that differs ("on
Monday", "yesterday", "last week"; "in March" for a year) is read as without a reference.

After the scan, clock times take their day from a day expression next to them or in the
same sentence, ranges of clock times share their day, and a set followed by a clock time
("every Monday at 9am") becomes one SET.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable

from .context import BLOCK, Ctx, Hit
from .handlers import HANDLERS
from .model import DateMention
from .patterns import ANCHOR_WORDS, GROUP_SEP, MASTER, PREFIX_WORDS, RULES, TOKEN, WEAK_ANCHORS

_DAY_VALUE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T|$)")
_CLOCK_VALUE = re.compile(r"T\d\d:\d\d")
_GLUE = re.compile(r"(?i)[ \t]*(?:,|\bon\b|\bat\b|,[ \t]*on)?[ \t]*")
_RANGE_GLUE = re.compile(r"(?i)[ \t]*(?:-|–|to|until|till|and|through)[ \t]*")
_SET_GLUE = re.compile(r"(?i)[ \t]+(?:at|from)[ \t]+(?:around[ \t]+|about[ \t]+)?")
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z\"“])|\n")
_RULE_NAMES = [name for name, _ in RULES]
_NEWLINE = re.compile("\n")
_NOT_A_TIME_NUMBER = re.compile(r"(?:[.,]\d+)*(?:%|\s*(?i:percent|per\s+cent|million|billion|trillion)\b)")
_SINGLE = {}  # rule name -> that rule alone, compiled lazily for the fallback


def _single(name: str) -> re.Pattern[str]:
    pat = _SINGLE.get(name)
    if pat is None:
        src = dict(RULES)[name]
        src = re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{name}{GROUP_SEP}{m.group(1)}>", src)
        src = re.sub(r"\(\?P=(\w+)\)", lambda m: f"(?P={name}{GROUP_SEP}{m.group(1)})", src)
        pat = _SINGLE[name] = re.compile(rf"(?<![\w])(?P<{name}>{src})")
    return pat


def coerce_dct(dct) -> dt.date | None:
    """A DCT given as a date, a datetime or an ISO string; None when absent or unreadable."""
    if dct is None or isinstance(dct, str) and not dct.strip():
        return None
    if isinstance(dct, dt.datetime):
        return dct.date()
    if isinstance(dct, dt.date):
        return dct
    try:
        return dt.date.fromisoformat(str(dct)[:10])
    except ValueError:
        return None


def granularity(type_: str, value: str) -> str:
    """Coarse unit of a value. Seasons and halves report as 'quarter' (sub-year periods)."""
    if type_ == "DURATION":
        return "duration"
    if type_ == "SET":
        return "set"
    if value.endswith("_REF"):
        return "ref"
    if type_ == "TIME":
        return "time"
    head = value.split("T", 1)[0]
    if "-W" in head:
        return "week"
    if re.search(r"-(?:Q|H)[\dX]$|-(?:SP|SU|FA|WI)$", head):
        return "quarter"
    parts = head.split("-")
    if len(parts) == 3:
        return "day"
    if len(parts) == 2:
        return "month"
    return {4: "year", 3: "decade", 2: "century"}.get(len(head), "year")


def _resolved(type_: str, value: str) -> dt.date | None:
    if type_ not in ("DATE", "TIME"):
        return None
    m = _DAY_VALUE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _redate(h: Hit, day_value: str, anchored: bool, start: int | None = None,
            end: int | None = None) -> Hit:
    clock = h.value.split("T", 1)[1]
    return Hit(h.start if start is None else start, h.end if end is None else end, "TIME",
               day_value[:10] + "T" + clock, anchored)


def _is_clock(h: Hit) -> bool:
    return h.type == "TIME" and _CLOCK_VALUE.search(h.value) is not None


def _is_day(h: Hit) -> bool:
    return h.type == "DATE" and _DAY_VALUE.match(h.value) is not None


def _attach_clock_dates(text: str, hits: list[Hit]) -> list[Hit]:
    """A clock time takes the day of an adjacent day expression.

    "noon Thursday" / "5 p.m. EST, Nov. 6" (clock first, only a space or comma between)
    become one TIME, as TimeML annotates them; "Friday at 6 p.m." keeps two mentions, the
    time re-dated. Nothing is joined across a line break.
    """
    out: list[Hit] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        if _is_clock(h) and h.clock_default:
            for j in (i + 1, i - 1):
                o = hits[j] if 0 <= j < len(hits) else None
                if o is None or not _is_day(o):
                    continue
                gap = text[min(h.end, o.end):max(h.start, o.start)]
                if not _GLUE.fullmatch(gap):
                    continue
                if j == i + 1 and (gap.isspace() or gap.strip() == ","):
                    h = _redate(h, o.value, o.anchored, end=o.end)
                    i += 1
                else:
                    h = _redate(h, o.value, o.anchored)
                break
        out.append(h)
        i += 1
    return out


def _share_range_dates(text: str, hits: list[Hit]) -> None:
    """'from 2 p.m. to 4 p.m. on Jan. 8': a clock in a range takes its partner's day."""
    for _ in range(2):
        for i in range(len(hits) - 1):
            a, b = hits[i], hits[i + 1]
            if not (_is_clock(a) and _is_clock(b)):
                continue
            if not _RANGE_GLUE.fullmatch(text[a.end:b.start]):
                continue
            if a.clock_default and not b.clock_default:
                hits[i] = _redate(a, b.value, b.anchored)
            elif b.clock_default and not a.clock_default:
                hits[i + 1] = _redate(b, a.value, a.anchored)


_DAY_RANGE_GLUE = re.compile(r"(?i)[ \t]*(?:-|–|to|until|till|through|and)[ \t]*")


def _order_day_ranges(text: str, hits: list[Hit]) -> None:
    """'from Monday to Wednesday': a weekday range ends after it starts (the second end is
    resolved on its own, so move it on by a week when it came out before the first)."""
    for i in range(len(hits) - 1):
        a, b = hits[i], hits[i + 1]
        if not (_is_day(a) and _is_day(b) and a.anchored and b.anchored):
            continue
        if not _DAY_RANGE_GLUE.fullmatch(text[a.end:b.start]):
            continue
        if not (_WEEKDAY_ONLY.fullmatch(text[a.start:a.end]) and _WEEKDAY_ONLY.fullmatch(text[b.start:b.end])):
            continue
        da, db = _resolved(a.type, a.value), _resolved(b.type, b.value)
        if da and db and db < da:
            hits[i + 1] = Hit(b.start, b.end, b.type, (db + dt.timedelta(days=7)).isoformat(), True)


def _sentence_day_for_clocks(text: str, hits: list[Hit]) -> None:
    """A clock still dated from the DCT takes the day named in its own sentence."""
    for i, h in enumerate(hits):
        if not (_is_clock(h) and h.clock_default):
            continue
        best = None
        for j in (i - 1, i + 1, i - 2, i + 2):
            if not 0 <= j < len(hits) or not _is_day(hits[j]):
                continue
            o = hits[j]
            lo, hi = (o.end, h.start) if j < i else (h.end, o.start)
            if hi - lo > 80 or _SENTENCE_BREAK.search(text, lo, hi):
                continue
            if best is None or hi - lo < best[0]:
                best = (hi - lo, o)
        if best is not None:
            hits[i] = _redate(h, best[1].value, best[1].anchored)


_WEEKDAY_ONLY = re.compile(r"(?i)(?:(?:this|next|last|this\s+coming|this\s+past)\s+)?"
                           r"(?:mon|tues|wednes|thurs|fri|satur|sun)day")


def _join_pairs(hits: list[Hit], join: Callable[[Hit, Hit], Hit | None]) -> list[Hit]:
    """The hits in order, each pair of neighbours that `join` makes one hit replaced by it."""
    out: list[Hit] = []
    i = 0
    while i < len(hits):
        joined = join(hits[i], hits[i + 1]) if i + 1 < len(hits) else None
        out.append(joined if joined is not None else hits[i])
        i += 2 if joined is not None else 1
    return out


def _weekday_then_date(text: str, hits: list[Hit]) -> list[Hit]:
    """'this coming Sunday, March eighth' -> one DATE with the explicit date's value."""
    def join(h: Hit, nxt: Hit) -> Hit | None:
        if (_is_day(h) and _is_day(nxt) and text[h.end:nxt.start] in (", ", " ", ",")
                and _WEEKDAY_ONLY.fullmatch(text[h.start:h.end])):
            return Hit(h.start, nxt.end, "DATE", nxt.value, nxt.anchored)
        return None

    return _join_pairs(hits, join)


def _sets_with_time(text: str, hits: list[Hit]) -> list[Hit]:
    """'every Monday at 9am' -> one SET XXXX-WXX-1T09:00 (TimeML)."""
    def join(h: Hit, nxt: Hit) -> Hit | None:
        if h.type == "SET" and _is_clock(nxt) and _SET_GLUE.fullmatch(text[h.end:nxt.start]):
            base = "XXXX-XX-XX" if h.value == "P1D" else h.value
            if base.startswith("XXXX") and "T" not in base:
                return Hit(h.start, nxt.end, "SET", base + "T" + nxt.value.split("T", 1)[1])
        return None

    return _join_pairs(hits, join)


_GAP_OK = frozenset(" \t\n,.-–'’")


def _candidate_starts(text: str) -> list[int]:
    """Offsets where a rule match may begin, in text order (see patterns.ANCHOR_WORDS)."""
    toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    starts: list[int] = []
    reach = False  # does an anchor follow through an unbroken prefix chain?
    prev_start = None
    for s, e, w in reversed(toks):
        weak = False
        prev_c = text[s - 1] if s else " "
        if w[0].isdigit():
            anchor, prefix = True, False
            if (prev_c in ".,:" and s > 1 and text[s - 2].isdigit()) or prev_c in "$£€#" \
                    or _NOT_A_TIME_NUMBER.match(text, e):
                weak = True                      # "1.5", "3,000", "$40", "20%": never a start
        else:
            lw = w.lower()
            anchor, prefix = lw in ANCHOR_WORDS, lw in PREFIX_WORDS
            weak = lw in WEAK_ANCHORS or prev_c in "'’"   # the "s" of "Mother's Day"
        if prev_start is not None:
            gap = text[e:prev_start]
            if len(gap) > 3 or not _GAP_OK.issuperset(gap):
                reach = False
        if anchor:
            reach = True
        elif not prefix:
            reach = False
        if reach and not weak:
            starts.append(s)
            if s and text[s - 1] in "'’(" and w[0].isdigit():
                starts.append(s - 1)
        prev_start = s
    starts.reverse()
    return starts


PRECISIONS = ("day", "month", "year")


def period(dct: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """First and last day of the month or year holding `dct` (the day itself for `day`)."""
    if precision == "year":
        return dt.date(dct.year, 1, 1), dt.date(dct.year, 12, 31)
    if precision == "month":
        nxt = dt.date(dct.year + dct.month // 12, dct.month % 12 + 1, 1)
        return dt.date(dct.year, dct.month, 1), nxt - dt.timedelta(days=1)
    return dct, dct


def _run(ctx: Ctx, m: re.Match[str]):
    ctx.rule, ctx.match, ctx._tense = m.lastgroup, m, None
    if ctx.period is None:
        return HANDLERS[m.lastgroup](ctx)
    first, last = ctx.period
    quarter = ctx.last_quarter
    ctx.dct = last
    late = HANDLERS[m.lastgroup](ctx)
    ctx.dct, ctx.last_quarter = first, quarter
    early = HANDLERS[m.lastgroup](ctx)
    if early != late:  # the value depends on the day the reference leaves open
        ctx.dct, ctx.last_quarter = None, quarter
        early = HANDLERS[m.lastgroup](ctx)
        ctx.dct = first
    return early


def _accept(hit) -> list[Hit] | None:
    if hit is None:
        return None
    hits = hit if isinstance(hit, list) else [hit]
    hits = [h for h in hits if h is not None and h.end > h.start]
    return hits or None


def tag_dates(text: str, dct: dt.date | None, precision: str = "day") -> list[DateMention]:
    """Temporal expressions in `text`, sorted by start and non-overlapping.

    Relative and underspecified expressions are resolved against `dct`; without a DCT
    they keep X placeholders (e.g. "XXXX-01-10") and are reported unanchored. With a
    `precision` of month or year only the DCT's month or year is taken as known (see
    the module doc).
    """
    if not text:
        return []
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    dct = coerce_dct(dct)
    span = period(dct, precision) if dct is not None and precision != "day" else None
    ctx = Ctx(text=text, dct=span[0] if span else dct, period=span)
    hits = ctx.hits
    match = MASTER.match
    newlines = [nl.start() for nl in _NEWLINE.finditer(text)]
    n = len(text)
    pos = 0
    for start in _candidate_starts(text):
        if start < pos:
            continue
        k = bisect.bisect_left(newlines, start)
        endpos = newlines[k] if k < len(newlines) else n
        m = match(text, start, endpos)
        if m is None:
            continue
        got = _accept(_run(ctx, m))
        end = m.end()
        if got is None:  # a guard said no: try the later rules at this offset
            for name in _RULE_NAMES[_RULE_NAMES.index(m.lastgroup) + 1:]:
                m2 = _single(name).match(text, start, endpos)
                if m2 is None or m2.end() < end:   # a shorter reading loses to the next start
                    continue
                got = _accept(_run(ctx, m2))
                if got is not None:
                    end = m2.end()
                    break
        if got is None:
            continue
        for h in got:
            if h.type != BLOCK:
                hits.append(h)
        pos = max(end, got[-1].end)
    hits.sort(key=lambda h: h.start)
    hits = _weekday_then_date(text, hits)
    _order_day_ranges(text, hits)
    hits = _attach_clock_dates(text, hits)
    _share_range_dates(text, hits)
    _sentence_day_for_clocks(text, hits)
    hits = _sets_with_time(text, hits)
    return [
        DateMention(h.start, h.end, text[h.start:h.end], h.type, h.value,
                    _resolved(h.type, h.value), granularity(h.type, h.value), h.anchored)
        for h in hits
    ]
