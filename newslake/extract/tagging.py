"""Raw-text tagging: entities and dates of plain text, no article parsing.

The interface behind `newslake tag` and the evaluations in `bench/`. Offsets are
Python str indices into the exact input text (`text[start:end] == item["text"]`).

Output of one text::

    {"entities": [{"start", "end", "text", "label", "name", "id", "role",
                   "country_code", "latitude", "longitude", "geonames_id"}],
     # name and id: the canonical entity the text resolves the mention to (newslake.canonical)
     "dates":    [{"start", "end", "text", "type", "value",            # TIMEX3 type and value
                   "resolved_date", "granularity", "anchored"}],     # as in date_mentions
     "quotes":   [{"content": [[start, end], ...], "speaker": [start, end] | None,
                   "speaker_name", "cue": [start, end] | None,
                   "kind", "text", "speaker_id"}]}  # newslake.quotes; speaker_id is a canonical id
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from newslake.extract.entities import ENTITY_LABELS, EntitySpan, iter_entities

if TYPE_CHECKING:
    import spacy


def _entity_dicts(resolved: list) -> list[dict[str, Any]]:
    """The text's mentions, as `newslake.canonical.resolve` resolved them as one article."""
    return [
        {
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "name": m.name,
            "id": m.alias_id,
            "role": m.role,
            "country_code": m.country_code,
            "latitude": m.latitude,
            "longitude": m.longitude,
            "geonames_id": m.geonames_id,
        }
        for m in resolved
    ]


def _quote_dicts(text: str, resolved: list) -> list[dict[str, Any]]:
    """The text's quotes (`newslake.quotes`), speakers keyed by the canonical id."""
    from newslake.quotes import Mention, find_quotes
    from newslake.quotes.records import quote_record

    mentions = [Mention(m.start, m.end, m.label, m.alias_id) for m in resolved]
    return [quote_record(q) for q in find_quotes(text, mentions)]


def _tag_one(text: str, spans: list[EntitySpan], dct: dt.date | None, dates: bool) -> dict[str, list[dict[str, Any]]]:
    from newslake.canonical.resolve import resolve_article

    resolved = resolve_article([("text", text, spans)])
    return {
        "entities": _entity_dicts(resolved),
        "dates": _date_dicts(text, dct) if dates else [],
        "quotes": _quote_dicts(text, resolved),
    }


def _date_dicts(text: str, dct: dt.date | None) -> list[dict[str, Any]]:
    from newslake.dates import tag_dates  # lazy: the temporal tagger is its own module

    return [
        {**m.record(), "resolved_date": m.resolved_date.isoformat() if m.resolved_date else None}  # JSON: a string
        for m in tag_dates(text, dct)
    ]


def _parse_dct(value: Any, record_id: Any = None) -> dt.date | None:
    """Like the tagger's own reading of a DCT, but a present, unreadable one is an error
    naming the record: a silent None would leave its dates unanchored."""
    from newslake.dates import coerce_dct

    dct = coerce_dct(value)
    if dct is None and value not in (None, ""):
        raise ValueError(f"record {record_id!r}: dct must be 'YYYY-MM-DD' or null, got {value!r}")
    return dct


def tag_text(
    nlp: "spacy.Language", text: str, dct: dt.date | None, *, dates: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """Entities (labels in `ENTITY_LABELS`) and dates of one text.

    `dct` is the document creation (publication) date that relative dates
    resolve against; None leaves them unanchored. `dates=False` skips the
    temporal tagger ("dates" is then an empty list).
    """
    spans = next(iter_entities(nlp, [text], labels=ENTITY_LABELS))
    return _tag_one(text, spans, dct, dates)


def tag_records(
    nlp: "spacy.Language",
    records: Iterable[dict[str, Any]],
    batch_size: int = 64,
    n_process: int = 1,
    *,
    dates: bool = True,
) -> Iterator[dict[str, Any]]:
    """Tag a stream of `{"id", "text", "dct"}` records; yield `{"id", "entities", "dates"}`.

    Results come in input order. The NER runs as one streaming `nlp.pipe` in
    batches of `batch_size` texts, so only about one batch per worker of records is
    held in memory at a time. `dct` is a "YYYY-MM-DD" string (or a date) or null.
    `dates=False` skips the temporal tagger ("dates" is then an empty list).
    """
    pending: deque[tuple[Any, str, dt.date | None]] = deque()

    def texts() -> Iterator[str]:
        for record in records:
            rid = record.get("id")
            text = record.get("text") or ""
            if not isinstance(text, str):
                raise TypeError(f"record {rid!r}: text must be a string, got {type(text).__name__}")
            pending.append((rid, text, _parse_dct(record.get("dct"), rid)))
            yield text

    for spans in iter_entities(
        nlp, texts(), batch_size=batch_size, n_process=n_process, labels=ENTITY_LABELS
    ):
        rid, text, dct = pending.popleft()
        yield {"id": rid, **_tag_one(text, spans, dct, dates)}


class BadRecord(ValueError):
    """A line of a `tag --jsonl` file that is no record; its message names the line."""


def read_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file, each checked as `tag_records` will read it, so that
    a bad line is found before the model loads or anything is written."""
    import json

    from newslake.readers.jsonrec import MAX_JSON_DEPTH, nesting_too_deep

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        deep = nesting_too_deep(line)
        if deep is not None:
            raise BadRecord(f"line {number}: nested deeper than {MAX_JSON_DEPTH} levels at column {deep + 1}")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadRecord(f"line {number}: {exc.msg} at column {exc.colno}") from None
        if not isinstance(record, dict) or "text" not in record:
            raise BadRecord(f'line {number}: expected an object with "id", "text", "dct"')
        if not isinstance(record["text"], (str, type(None))):
            raise BadRecord(f"line {number}: record {record.get('id')!r}: text must be a string")
        try:
            _parse_dct(record.get("dct"), record.get("id"))
        except ValueError as exc:
            raise BadRecord(f"line {number}: {exc}") from None
        yield record
