"""WARC web archives (`.warc`, `.warc.gz`, read whole with warcio): one article per HTML page.

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
    ordinal = 0  # records started
    complete = 0  # records read to their end
    pages = 0
    try:
        records = ArchiveIterator(io.BytesIO(data))
        for record in records:
            ordinal += 1
            if record.rec_type != "response" or record.http_headers is None:
                _finish(record, ordinal)
                complete = ordinal
                continue
            mime, charset = _content_type(record.http_headers.get_header("Content-Type"))
            status = _status(record)
            if mime not in HTML_TYPES or status is None or not 200 <= status < 300:
                _finish(record, ordinal)
                complete = ordinal
                continue
            pages += 1
            target = record.rec_headers.get_header("WARC-Target-URI")
            fetched = record.rec_headers.get_header("WARC-Date")
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
        end = records.offset if records.member_info or ordinal else 0
        if data[end:].strip():
            raise _CutShort(f"{len(data) - end} bytes after it are not a complete record")
    except Exception as exc:  # warcio, gzip and zlib all signal damage in their own way
        hint = " (not a WARC file?)" if ordinal == 0 else ""
        what = str(exc) if isinstance(exc, _CutShort) else f"{type(exc).__name__}: {exc}"
        detail = f"truncated or corrupt WARC after record {complete}{hint}: {what}"
        yield Rejection("undecodable", detail[:500])
        return
    if pages == 0:
        yield Rejection("no_article_text", f"WARC holds no HTML response records ({ordinal} records)")


__all__ = ["read_warc"]
