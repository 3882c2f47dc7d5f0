"""A quote as a plain record: the shape `newslake tag` prints and the scorer reads."""

from __future__ import annotations

from typing import Any

from newslake.quotes.rules import Quote


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
