"""What every reader produces: raw article records, or a reason the input was rejected.

Readers never raise for bad input. A rejection carries a reason code from
`newslake.schema.QUARANTINE_REASONS`, a human detail and, for line-oriented
files, the line number, so the quarantine table can point at the exact spot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence


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
    part: str | None = None  # where in a multi-article file this came from, e.g. "record-3" in a WARC


@dataclass(frozen=True)
class ReaderOptions:
    """Settings that change how files are read (from newslake.config)."""

    # extra JSON field names per article field, tried before the built-in ones,
    # e.g. {"body": ["story_text"], "published": ["pub_ts"]}
    json_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)


DEFAULT_OPTIONS = ReaderOptions()


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
