"""The scan loop: one compiled alternation, dispatch to handlers, build mentions.

Matches come out leftmost-first and never overlap; among rules that could start at the
same offset the pattern order in patterns.RULES already prefers the longest reading.
"""
from __future__ import annotations

import datetime as dt
import re

from .context import Ctx, Hit
from .handlers import HANDLERS
from .model import DateMention
from .patterns import ANCHOR_WORDS, MASTER, PREFIX_WORDS, TOKEN

_DAY_VALUE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T|$)")
_CLOCK_VALUE = re.compile(r"T\d\d:\d\d")
_GLUE = re.compile(r"(?i)\s*(?:,|\bon\b|\bat\b|,\s*on)?\s*")


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


def _attach_clock_dates(text: str, hits: list[Hit]) -> list[Hit]:
    """A clock time takes the day of an adjacent day expression.

    "noon Thursday" / "6 p.m. Friday" (only whitespace between) become one TIME, as
    TimeML annotates them; "Friday at 6 p.m." keeps two mentions, the time re-dated.
    """
    out: list[Hit] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        if h.type == "TIME" and _CLOCK_VALUE.search(h.value):
            clock = h.value.split("T")[1]
            for j in (i + 1, i - 1):
                o = hits[j] if 0 <= j < len(hits) else None
                if o is None or o.type != "DATE" or not _DAY_VALUE.match(o.value):
                    continue
                gap = text[min(h.end, o.end):max(h.start, o.start)]
                if not _GLUE.fullmatch(gap):
                    continue
                day = o.value[:10] + "T" + clock
                if gap.isspace() and j == i + 1:
                    h = Hit(h.start, o.end, "TIME", day, o.anchored)
                    i += 1
                else:
                    h = Hit(h.start, h.end, "TIME", day, o.anchored)
                break
        out.append(h)
        i += 1
    return out


_GAP_OK = frozenset(" \t\n,.-–'’")


def _candidate_starts(text: str) -> list[int]:
    """Offsets where a rule match may begin, in text order (see patterns.ANCHOR_WORDS)."""
    toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    starts: list[int] = []
    reach = False  # does an anchor follow through an unbroken prefix chain?
    prev_start = None
    for s, e, w in reversed(toks):
        if w[0].isdigit():
            anchor, prefix = True, False
        else:
            lw = w.lower()
            anchor, prefix = lw in ANCHOR_WORDS, lw in PREFIX_WORDS
        if prev_start is not None:
            gap = text[e:prev_start]
            if len(gap) > 3 or not _GAP_OK.issuperset(gap):
                reach = False
        if anchor:
            reach = True
        elif not prefix:
            reach = False
        if reach:
            starts.append(s)
            if s and text[s - 1] in "'’(" and w[0].isdigit():
                starts.append(s - 1)
        prev_start = s
    starts.reverse()
    return starts


def tag_dates(text: str, dct: dt.date | None) -> list[DateMention]:
    """Temporal expressions in `text`, sorted by start and non-overlapping.

    Relative and underspecified expressions are resolved against `dct`; without a DCT
    they keep X placeholders (e.g. "XXXX-01-10") and are reported unanchored.
    """
    if not text:
        return []
    ctx = Ctx(text=text, dct=coerce_dct(dct))
    hits = ctx.hits
    match = MASTER.match
    pos = 0
    for start in _candidate_starts(text):
        if start < pos:
            continue
        m = match(text, start)
        if m is None:
            continue
        ctx.rule, ctx.match = m.lastgroup, m
        hit = HANDLERS[m.lastgroup](ctx)
        if hit is None or hit.end <= hit.start:
            continue
        hits.append(hit)
        pos = m.end()
    hits = _attach_clock_dates(text, hits)
    return [
        DateMention(h.start, h.end, text[h.start:h.end], h.type, h.value,
                    _resolved(h.type, h.value), granularity(h.type, h.value), h.anchored)
        for h in hits
    ]
