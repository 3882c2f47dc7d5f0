"""JSON and JSONL article records, with the field names common exporters use.

A JSON file may hold one record or a list of them; a JSONL file holds one record a
line. In JSONL a bad line is rejected with its line number and the good lines
around it are kept.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping

from newslake.published import is_date_line
from newslake.readers.base import RawArticle, Rejected, Rejection
from newslake.readers.text import split_paragraphs

# First field found wins. Order matters: a specific name beats a generic one.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("maintext", "text", "body", "content", "article", "articleBody"),
    "published": ("date_publish", "published", "published_at", "date", "pubDate", "date_iso", "datePublished"),
    "url": ("url", "link", "canonical_url"),
    "authors": ("authors", "author", "byline"),
    "outlet": ("source_domain", "outlet", "site_name", "source"),
    "language": ("language", "lang"),
}


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _authors(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        out = []
        for item in value:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and name.strip():
                out.append(name.strip())
        return out
    return []


def record_to_article(record: Any, source_format: str, line: int | None = None) -> RawArticle:
    if not isinstance(record, dict):
        raise Rejected("malformed_json", f"expected an object, found {type(record).__name__}", line)
    body = _first(record, FIELDS["body"])
    if not isinstance(body, str) or not body.strip():
        raise Rejected("no_article_text", "record has no text field (" + "/".join(FIELDS["body"]) + ")", line)
    paragraphs = split_paragraphs(body)
    published = _first(record, FIELDS["published"])
    # Wikinews-style text opens with its own date line; it is metadata, not body.
    if paragraphs and is_date_line(paragraphs[0]):
        published = published or paragraphs[0]
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise Rejected("no_article_text", "text field holds only a date line", line)
    title = _first(record, FIELDS["title"])
    outlet = _first(record, FIELDS["outlet"])
    language = _first(record, FIELDS["language"])
    url = _first(record, FIELDS["url"])
    return RawArticle(
        source_format=source_format,
        title=title.strip() if isinstance(title, str) else None,
        body="\n\n".join(paragraphs),
        published=published,
        url=url if isinstance(url, str) else None,
        authors=_authors(_first(record, FIELDS["authors"])),
        outlet=outlet if isinstance(outlet, str) else None,
        language=language.lower() if isinstance(language, str) else None,
        line=line,
    )


def _describe(exc: json.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno} column {exc.colno}"


def read_json(text: str) -> Iterator[RawArticle | Rejection]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Rejection("malformed_json", _describe(exc), exc.lineno)
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        yield Rejection("no_article_text", "JSON list is empty")
    for index, record in enumerate(records):
        try:
            yield record_to_article(record, "json")
        except Rejected as rejected:
            detail = rejected.rejection.detail + (f" (item {index})" if len(records) > 1 else "")
            yield Rejection(rejected.rejection.reason, detail)


def read_jsonl(text: str) -> Iterator[RawArticle | Rejection]:
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        found = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection("malformed_json", f"line {number}: {exc.msg} at column {exc.colno}", number)
            continue
        try:
            yield record_to_article(record, "jsonl", number)
        except Rejected as rejected:
            yield rejected.rejection
    if not found:
        yield Rejection("empty", "JSONL file holds only blank lines")
