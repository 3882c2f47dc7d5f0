"""A quote and the mentions it reads, as records: the rules fill them, the speaker
resolution and `newslake tag` read them (`quote_record` is the shape it prints)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Mention:
    """An NER span of the text, with the key of the entity it names (any hashable)."""

    start: int
    end: int
    label: str
    key: object = None


@dataclass
class Quote:
    content: list[Span]
    kind: str  # direct | indirect | mixed
    cue: Span | None = None
    speaker: Span | None = None
    #: the mention the speaker resolves to (itself, or what a pronoun or role refers to)
    speaker_mention: Mention | None = None
    text: str = ""
    speaker_text: str | None = None

    @property
    def start(self) -> int:
        return self.content[0][0]


def quote_record(q: Quote) -> dict[str, Any]:
    m = q.speaker_mention
    return {
        "content": [list(s) for s in q.content],
        "speaker": list(q.speaker) if q.speaker else None,
        "speaker_name": q.speaker_text,
        "cue": list(q.cue) if q.cue else None,
        "kind": q.kind,
        "text": q.text,
        "speaker_id": m.key if m is not None else None,
    }
