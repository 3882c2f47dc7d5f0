"""Per-call state shared by the rule handlers.

A handler sees one regex match; the context gives it the text, the DCT, accessors for
its rule's groups, and a little document memory (last quarter mentioned, last mention)
that lets "a year ago" in an earnings story mean the year-ago quarter.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .patterns import GROUP_SEP


@dataclass
class Hit:
    """What a handler returns: a span plus TIMEX3 type/value."""
    start: int
    end: int
    type: str
    value: str
    anchored: bool = False


@dataclass
class Ctx:
    text: str
    dct: dt.date | None
    rule: str = ""
    match: re.Match[str] | None = None
    last_quarter: tuple[int, int] | None = None
    hits: list[Hit] = field(default_factory=list)

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
