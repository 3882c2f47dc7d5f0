"""What every reader produces: raw article records, or a reason the input was rejected.

Readers never raise for bad input. A rejection carries a reason code from
`newslake.schema.QUARANTINE_REASONS`, a human detail and, for line-oriented
files, the line number, so the quarantine table can point at the exact spot.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawArticle:
    source_format: str
    body: str
    title: str | None = None
    captions: list[str] = field(default_factory=list)
    published: object | None = None  # as found: a string, a number, or None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    language: str | None = None
    line: int | None = None  # 1-based line of the record in a JSONL file


@dataclass(frozen=True)
class Rejection:
    reason: str
    detail: str
    line: int | None = None


class Rejected(Exception):
    """Raised inside a reader to turn the current input into a `Rejection`."""

    def __init__(self, reason: str, detail: str, line: int | None = None):
        super().__init__(f"{reason}: {detail}")
        self.rejection = Rejection(reason, detail, line)
