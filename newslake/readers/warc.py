"""WARC web archives (`.warc`, `.warc.gz`, read with warcio): one article per HTML page.

Which records are articles: `response` records with an HTTP 2xx status whose HTTP
`Content-Type` is HTML (`text/html`, `application/xhtml+xml`). Everything else
(warcinfo, request, metadata, revisit records, images, scripts, redirects, error
pages) is not an article and is skipped silently: it is not counted as an item.

Each article is read by the HTML reader, then:
- `url` is the record's `WARC-Target-URI` (what was fetched), not the page's canonical URL;
- `published` falls back to the record's `WARC-Date` (the fetch time) when the page
  states no publication date;
- `part` is `record-<n>`, n = the 1-based ordinal of the record among ALL records of the
  file (warcinfo and requests included), so it points at the same record every run.

An HTML response with no article text yields `Rejection("no_article_text", ...)` naming
the record and URL. A truncated or corrupt file yields the good records before the
damage, then `Rejection("undecodable", "truncated or corrupt WARC after record N: ...")`.
A WARC with no HTML page at all yields one `no_article_text` rejection, so the file is
accounted for.

A large WARC is read in pieces (`newslake.ingest.splits`): `read_warc_piece` starts at a
record's byte offset (in a `.warc.gz`, a gzip member: one per record, as WARC writers
compress them) with the record number it has in the whole file, so its articles keep the
names the whole-file read gives them; `record_starts` finds those offsets.
"""

from __future__ import annotations

import io
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

from newslake.readers.base import RawArticle, Rejected, Rejection
from newslake.readers.html import parse_html_article

SOURCE_FORMAT = "warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _content_type(value: str | None) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset=UTF-8'."""
    if not value:
        return "", None
    mime, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return mime.strip().lower(), charset


def _status(record) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError, AttributeError):
        return None


class _CutShort(Exception):
    pass


def _finish(record, ordinal: int) -> None:
    """Read the record to its declared end; a record shorter than its Content-Length
    means the file was cut (warcio itself just returns the short read)."""
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not declared.strip().isdigit():
        raise _CutShort(f"record {ordinal} has no valid Content-Length (header cut short?)")
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    missing = getattr(stream, "limit", 0)
    if missing > 0:
        raise _CutShort(f"record {ordinal} ends {missing} bytes short of its Content-Length")


def read_warc(data: bytes) -> Iterator[RawArticle | Rejection]:
    if not data.strip():
        yield Rejection("empty", "file is empty" if not data else "file holds only white space")
        return
    yield from _read(io.BytesIO(data), 1, None, None)


def read_warc_piece(path, start: int, first: int, stop: int | None, max_bytes: int) -> Iterator[RawArticle | Rejection]:
    """The records from byte `start` (the start of record number `first`, a gzip member
    of its own in a `.warc.gz`) up to byte `stop` (None: to the file's end, with what
    follows the last record checked); a page over `max_bytes` is rejected unread."""
    with open(path, "rb") as handle:
        handle.seek(start)
        yield from _read(handle, first, stop, max_bytes)


def is_page(record) -> bool:
    """An HTML response with a 2xx status: the records that are articles."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    mime, _charset = _content_type(record.http_headers.get_header("Content-Type"))
    status = _status(record)
    return mime in HTML_TYPES and status is not None and 200 <= status < 300


def record_starts(handle, start: int, first: int) -> Iterator[tuple[int, int, bool]]:
    """(byte offset, ordinal, is_page) of each record from byte `start`, read with its
    payload skipped; ends quietly where the file is damaged (its reader says how)."""
    handle.seek(start)
    try:
        records = ArchiveIterator(handle)
        for ordinal, record in enumerate(records, start=first):
            yield records.offset, ordinal, is_page(record)
    except Exception:  # damage: the records before it are cut as usual; the reader reports it
        return


def _read(stream, first: int, stop: int | None, max_bytes: int | None) -> Iterator[RawArticle | Rejection]:
    begin = stream.tell()
    ordinal = first - 1  # records started
    complete = ordinal  # records read to their end
    pages = 0
    try:
        records = ArchiveIterator(stream)
        for record in records:
            if stop is not None and records.offset >= stop:
                return
            ordinal += 1
            if not is_page(record):
                _finish(record, ordinal)
                complete = ordinal
                continue
            _mime, charset = _content_type(record.http_headers.get_header("Content-Type"))
            pages += 1
            target = record.rec_headers.get_header("WARC-Target-URI")
            fetched = record.rec_headers.get_header("WARC-Date")
            declared = record.rec_headers.get_header("Content-Length")
            if max_bytes is not None and declared and declared.strip().isdigit() and int(declared) > max_bytes:
                _finish(record, ordinal)
                complete = ordinal
                yield Rejection("too_large", f"record {ordinal} ({target}): {int(declared):,} bytes, over the {max_bytes:,} byte limit")
                continue
            body = record.content_stream().read()  # de-chunked and content-decoded
            _finish(record, ordinal)
            complete = ordinal
            try:
                article = parse_html_article(body, url=target, charset=charset)
            except Rejected as rejected:
                yield Rejection(rejected.rejection.reason, f"record {ordinal} ({target}): {rejected.rejection.detail}")
                continue
            article.source_format = SOURCE_FORMAT
            article.url = target or article.url
            article.published = article.published or fetched
            article.part = f"record-{ordinal}"
            yield article
        # warcio ends quietly at a record header cut short; what it did not consume is damage
        end = records.offset if records.member_info or ordinal >= first else begin
        left = _left_over(stream, end)
        if left:
            raise _CutShort(f"{left} bytes after it are not a complete record")
    except Exception as exc:  # warcio, gzip and zlib all signal damage in their own way
        hint = " (not a WARC file?)" if ordinal == 0 else ""
        what = str(exc) if isinstance(exc, _CutShort) else f"{type(exc).__name__}: {exc}"
        detail = f"truncated or corrupt WARC after record {complete}{hint}: {what}"
        yield Rejection("undecodable", detail[:500])
        return
    if pages == 0 and first == 1:
        yield Rejection("no_article_text", f"WARC holds no HTML response records ({ordinal} records)")


def _left_over(stream, end: int) -> int:
    """How many bytes from `end` to the stream's end, if any of them is not white space."""
    stream.seek(end)
    size, dirty = 0, False
    while block := stream.read(1 << 16):
        size += len(block)
        dirty = dirty or bool(block.strip())
    return size if dirty else 0


__all__ = ["is_page", "read_warc", "read_warc_piece", "record_starts"]
