"""Per-call state shared by the rule handlers.

A handler sees one regex match; the context gives it the text, the DCT, accessors for
its rule's groups, the tense of the governing clause, and a little document memory: the
last quarter mentioned (so "a year ago" in an earnings story means the year-ago quarter)
and the mentions so far, from which anaphoric expressions ("that day", "the following
year") take the last date of matching granularity (HeidelTime's narrative strategy),
falling back to the DCT (its news strategy).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .patterns import GROUP_SEP
from .tense import tense_cue

BLOCK = "BLOCK"  # Hit.type of a span that is consumed but not reported ("Good Friday Agreement")

_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_MONTH = re.compile(r"(\d{4})-(\d\d)(?!\d)")
_WEEK = re.compile(r"(\d{4})-W(\d\d)")
_YEAR = re.compile(r"(\d{4})(?![\d])")
_LIMIT_BEFORE = re.compile(r"(?i)\b(?:to|until|till|through|by|before|effective|as\s+of)\s+$")
_LIMIT_START = re.compile(r"(?i)(?:to|until|till|through|by|before)\s")


@dataclass
class Hit:
    """What a handler returns: a span plus TIMEX3 type/value.

    `clock_default` marks a clock time whose day was only filled in from the DCT, so a
    day expression nearby may still re-date it.
    """
    start: int
    end: int
    type: str
    value: str
    anchored: bool = False
    clock_default: bool = False


@dataclass
class Ctx:
    text: str
    dct: dt.date | None
    rule: str = ""
    match: re.Match[str] | None = None
    last_quarter: tuple[int, int] | None = None
    period: tuple[dt.date, dt.date] | None = None  # first and last day a coarse reference leaves open
    hits: list[Hit] = field(default_factory=list)
    _tense: tuple[int, int] | None = None

    def g(self, name: str) -> str | None:
        return self.match.group(self.rule + GROUP_SEP + name)

    def span(self, name: str) -> tuple[int, int]:
        return self.match.span(self.rule + GROUP_SEP + name)

    def start_of(self, *names: str) -> int:
        """Start of the first named group that matched (used to drop a leading preposition)."""
        for n in names:
            if self.g(n) is not None:
                return self.span(n)[0]
        return self.match.start()

    def before(self, n: int = 30) -> str:
        s = self.match.start()
        return self.text[max(0, s - n):s]

    def after(self, n: int = 30) -> str:
        e = self.match.end()
        return self.text[e:e + n]

    def tense(self) -> int:
        """-1/0/+1 for the current match (computed once per match)."""
        return self.tense_cue()[0]

    def tense_cue(self) -> tuple[int, int]:
        """(direction, distance of the deciding cue) for the current match."""
        if self._tense is None:
            self._tense = tense_cue(self.text, self.match.start(), self.match.end())
        return self._tense

    def date_cue(self) -> tuple[int, int]:
        """tense_cue for a date or month; after "to/until/by/effective" (a deadline, often in
        the future whatever the verb's tense) the cue counts as a weak one."""
        d, cue = self.tense_cue()
        if d and (_LIMIT_BEFORE.search(self.text, max(0, self.match.start() - 14), self.match.start())
                  or _LIMIT_START.match(self.match.group())):
            cue = max(cue, 2)
        return d, cue

    # --- document memory ----------------------------------------------------------------
    def _dated(self):
        for h in reversed(self.hits):
            if h.type in ("DATE", "TIME") and h.value[:1].isdigit():
                yield h

    def last_day(self) -> dt.date | None:
        for h in self._dated():
            m = _DAY.match(h.value)
            if m:
                try:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    return None
        return None

    def last_month(self) -> tuple[int, int] | None:
        for h in self._dated():
            m = _MONTH.match(h.value)
            if m:
                return int(m.group(1)), int(m.group(2))
        return None

    def last_week(self) -> str | None:
        for h in self._dated():
            m = _WEEK.match(h.value)
            if m:
                return h.value[:8]
            m = _DAY.match(h.value)
            if m:
                try:
                    y, w, _ = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isocalendar()
                except ValueError:
                    return None
                return f"{y:04d}-W{w:02d}"
        return None

    def last_year(self) -> int | None:
        for h in self._dated():
            m = _YEAR.match(h.value)
            if m:
                return int(m.group(1))
        return None

    def last_hit(self, within: int = 400) -> Hit | None:
        """The previous DATE (non-REF) or DURATION mention, if it is close enough."""
        s = self.match.start()
        for h in reversed(self.hits):
            if s - h.end > within:
                return None
            if h.type == "DURATION" or (h.type in ("DATE", "TIME") and h.value[:1].isdigit()):
                return h
        return None
