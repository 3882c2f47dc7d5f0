"""JSON and JSONL article records, with the field names common exporters use.

Built in: news-please (`maintext`, `date_publish`, `source_domain`...), Wikinews
dumps (`text` opening with its own date line), Reuters-21578 conversions
(`body` hard-wrapped with indented paragraphs, a separate `dateline`, a "Reuter"
sign-off), NewsAPI (`content`, `publishedAt`, `source.name`) and schema.org
names. A project adds its own exporter's names with the `json_fields` setting;
they are tried before the built-in ones. A name may be a dotted path into nested
objects ("meta.published"); a key that itself holds a dot is tried first.

A JSON file may hold one record, a list of them, a wrapper object with the list
under "articles"/"items"/..., or (misnamed) one record a line. In JSONL a bad
line is rejected with its line number and the good lines around it are kept.

Hostile input is refused with a reason rather than trusted: JSON nested deeper than
`MAX_JSON_DEPTH` is never handed to the parser (which recurses once per level), and a
field of the wrong JSON type (a number for a title) rejects its record, saying which
field and which types it may hold, rather than being dropped or guessed at.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator, Mapping, Sequence

from newslake.readers.publication_dates import is_date_line
from newslake.readers.base import DEFAULT_OPTIONS, RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers.text import (
    decode_character_references,
    drop_promo,
    outlet_from,
    split_authors,
    split_paragraphs,
    trim_trailer,
    unwrap_indented,
)

# First field found wins. Order matters: a specific name beats a generic one.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "title_page", "title_rss"),
    "body": ("maintext", "text", "body", "content", "article", "articleBody"),
    "published": (
        "date_publish", "published", "published_at", "publishedAt", "date", "pubDate", "date_iso", "datePublished",
    ),
    "url": ("url", "link", "canonical_url"),
    "authors": ("authors", "author", "byline"),
    # not a bare "source": dumps use it for provenance ("Wikinews via github.com/...")
    "outlet": ("source_domain", "outlet", "site_name", "source.name", "publisher.name", "publisher"),
    "language": ("language", "lang", "inLanguage"),
    "dateline": ("dateline",),
}
JSONL_SUFFIXES = (".jsonl", ".ndjson")
WRAPPER_KEYS = ("articles", "items", "data", "results", "records", "docs", "entries")

# JSON nested deeper than this is quarantined before it is parsed: the standard parser
# recurses once per level (a RecursionError near 1,000), and every later walk over the
# value would too. News exports nest a few levels; 100 leaves room for any real one.
MAX_JSON_DEPTH = 100
# A string (closing quote optional: a truncated file), or one bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


def nesting_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> int | None:
    """The offset of the first bracket nested deeper than `limit`, or None; without
    parsing or recursing (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _TOKENS.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def _too_deep(text: str, offset: int, line: int | None = None) -> Rejection:
    where = f"line {line} column {offset + 1}" if line is not None else (
        f"line {text.count(chr(10), 0, offset) + 1} column {offset - text.rfind(chr(10), 0, offset)}"
    )
    return Rejection("malformed_json", f"nested deeper than {MAX_JSON_DEPTH} levels (at {where}); not parsed", line)


# What each article field may hold, as JSON types; anything else is a wrong type.
ACCEPTED = {
    "title": (str,),
    "body": (str,),
    "published": (str, int, float),
    "url": (str,),
    "authors": (str, list, dict),
    "outlet": (str, dict),
    "language": (str,),
    "dateline": (str,),
}
_JSON_TYPE = {type(None): "null", str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "a list", dict: "an object"}


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, with its article: "a number", "an object"."""
    return _JSON_TYPE.get(type(value), type(value).__name__)


def _expected(types: tuple[type, ...]) -> str:
    names = list(dict.fromkeys(_JSON_TYPE[t] for t in types))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def wrong_type(field: str, name: str, value: Any) -> str | None:
    """Why `value`, found under the source name `name` for article field `field`, has the
    wrong JSON type, or None when it is fine."""
    accepted = ACCEPTED[field]
    if isinstance(value, bool) or not isinstance(value, accepted):
        return f"field '{name}' is {json_type(value)}, expected {_expected(accepted)}"
    if field == "authors" and isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                item = item.get("name", "")
            if item is not None and not isinstance(item, str):
                return f"field '{name}' holds {json_type(item)}, expected strings or objects with a string name"
    return None

KeyPath = tuple[str, ...]  # a dotted name split at its dots
FieldTable = dict[str, tuple[tuple[str, KeyPath], ...]]


@lru_cache(maxsize=32)
def _table(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> FieldTable:
    table: FieldTable = {}
    extras = dict(extra)
    for field, names in FIELDS.items():
        ordered = list(dict.fromkeys([*extras.get(field, ()), *names]))
        table[field] = tuple((name, tuple(name.split("."))) for name in ordered)
    return table


def validate_json_fields(json_fields: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The mapping as {field: [names]}; a ValueError names any unknown field or bad name list."""
    checked: dict[str, list[str]] = {}
    for field, names in json_fields.items():
        if field not in FIELDS:
            raise ValueError(f"json_fields: unknown article field {field!r}; known: {', '.join(FIELDS)}")
        names = [names] if isinstance(names, str) else list(names)
        if not all(isinstance(name, str) and name.strip(".") for name in names):
            raise ValueError(f"json_fields[{field!r}]: expected a list of field names, got {names!r}")
        checked[field] = names
    return checked


def field_table(json_fields: Mapping[str, Sequence[str]]) -> FieldTable:
    """Source names to try per article field, the project's own first. Cached per mapping."""
    checked = validate_json_fields(json_fields)
    return _table(tuple(sorted((field, tuple(names)) for field, names in checked.items())))


def _lookup(record: Mapping[str, Any], name: str, path: KeyPath) -> Any:
    if name in record or len(path) == 1:
        return record.get(name)
    value: Any = record
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _absent(value: Any) -> bool:
    """Null, or an empty or blank string, list or object: as if the field were not there."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


def _found(record: Mapping[str, Any], names: tuple[tuple[str, KeyPath], ...]) -> tuple[str | None, Any]:
    """The first source name with a value, and that value (any JSON type)."""
    for name, path in names:
        value = _lookup(record, name, path)
        if not _absent(value):
            return name, value
    return None, None


def _first(record: Mapping[str, Any], names: tuple[tuple[str, KeyPath], ...]) -> Any:
    return _found(record, names)[1]


def _fields(record: Mapping[str, Any], table: FieldTable, line: int | None) -> dict[str, Any]:
    """Each article field's value; a value of the wrong JSON type rejects the record."""
    values = {}
    for field, names in table.items():
        name, value = _found(record, names)
        why = wrong_type(field, name, value) if name is not None else None
        if why:
            where = f"line {line}: " if line is not None else ""
            raise Rejected("malformed_json", where + why, line)
        values[field] = value
    return values


def _authors(value: Any) -> list[str]:
    """Author names from a string ('By A and B'), a list of strings, or objects with a name."""
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        text = value.strip()
        return split_authors(text.removeprefix("By ").removeprefix("by ")) or ([text] if text else [])
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and name.strip() not in out:
            out.append(name.strip())
    return out


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = decode_character_references(value).strip()
    return value or None


def _body_paragraphs(body: str, dateline: str | None) -> list[str]:
    paragraphs = split_paragraphs(unwrap_indented(body))
    # A dateline kept apart from the body is the story's own first words: put it back.
    if dateline and paragraphs and not paragraphs[0].startswith(dateline):
        paragraphs[0] = f"{dateline} {paragraphs[0]}"
    return paragraphs


def record_to_article(
    record: Any, source_format: str, line: int | None = None, options: ReaderOptions = DEFAULT_OPTIONS
) -> RawArticle:
    if not isinstance(record, dict):
        raise Rejected("malformed_json", f"expected an object, found {type(record).__name__}", line)
    fields = field_table(options.json_fields)
    value = _fields(record, fields, line)
    body = value["body"]
    if body is None:
        tried = "/".join(name for name, _ in fields["body"])
        where = f"line {line}: " if line is not None else ""
        empty = next((name for name, path in fields["body"] if _lookup(record, name, path) is not None), None)
        why = f": '{empty}' is empty" if empty else ""
        raise Rejected("no_article_text", f"{where}record has no text field ({tried}){why}", line)
    paragraphs = _body_paragraphs(body, _text(value["dateline"]))
    published = value["published"]
    # Wikinews-style text opens with its own date line (a paragraph, or just the first line
    # of one); it is metadata, not body.
    first_line, _, rest = paragraphs[0].partition("\n") if paragraphs else ("", "", "")
    if is_date_line(first_line):
        published = published or first_line
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    paragraphs, signoff = trim_trailer(drop_promo(paragraphs))
    if not paragraphs:
        raise Rejected("no_article_text", "text field holds only a date line or boilerplate", line)
    language = _text(value["language"])
    outlet = value["outlet"].get("name") if isinstance(value["outlet"], dict) else value["outlet"]
    return RawArticle(
        source_format=source_format,
        title=_text(value["title"]),
        body="\n\n".join(paragraphs),
        published=published,
        url=_text(value["url"]),
        authors=_authors(value["authors"]),
        outlet=_text(outlet) or outlet_from(paragraphs, signoff),
        language=language.lower() if language else None,
        line=line,
    )


def _describe(exc: json.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno} column {exc.colno}"


def _records(data: Any, fields: FieldTable) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and _first(data, fields["body"]) is None:
        for key in WRAPPER_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
    return [data]


def read_json(text: str, options: ReaderOptions = DEFAULT_OPTIONS) -> Iterator[RawArticle | Rejection]:
    deep = nesting_too_deep(text)
    if deep is not None:
        yield _too_deep(text, deep)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{") and exc.lineno > 1:
            # one record a line in a file named .json: read it as the JSONL it is
            yield from _read_lines(text, "json", options)
            return
        yield Rejection("malformed_json", _describe(exc), exc.lineno)
        return
    records = _records(data, field_table(options.json_fields))
    if not records:
        yield Rejection("no_article_text", "JSON list is empty")
    for index, record in enumerate(records):
        try:
            article = record_to_article(record, "json", options=options)
            if len(records) > 1:  # each item its own source_uri (`list.json#item-3`), as a JSONL line has
                article.part = f"item-{index}"
            yield article
        except Rejected as rejected:
            detail = rejected.rejection.detail + (f" (item {index})" if len(records) > 1 else "")
            yield Rejection(rejected.rejection.reason, detail)


def _read_lines(text: str, source_format: str, options: ReaderOptions) -> Iterator[RawArticle | Rejection]:
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            found = True
            yield from read_jsonl_line(line, number, options, source_format)
    if not found:
        yield Rejection("empty", "JSONL file holds only blank lines")


def read_jsonl_line(
    line: str, number: int, options: ReaderOptions = DEFAULT_OPTIONS, source_format: str = "jsonl"
) -> Iterator[RawArticle | Rejection]:
    """The record on one line (line `number` of its file): an article or a rejection;
    nothing for a blank line."""
    if not line.strip():
        return
    deep = nesting_too_deep(line)
    if deep is not None:
        yield _too_deep(line, deep, number)
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Rejection("malformed_json", f"line {number}: {exc.msg} at column {exc.colno}", number)
        return
    try:
        yield record_to_article(record, source_format, number, options)
    except Rejected as rejected:
        yield rejected.rejection


def read_jsonl(text: str, options: ReaderOptions = DEFAULT_OPTIONS) -> Iterator[RawArticle | Rejection]:
    return _read_lines(text, "jsonl", options)
