"""WARC reader on archives written here with warcio's own WARCWriter."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newslake.readers.publication_dates import parse_published
from newslake.readers import RawArticle, Rejection, read_document

BODY = (
    "The council voted on Tuesday to approve the new budget for the city's schools and parks, "
    "after a debate that lasted most of the afternoon."
)
FETCHED = "2022-06-01T12:34:56Z"


def html_page(title: str, *, dated: bool, text: str = BODY) -> bytes:
    meta = '<meta property="article:published_time" content="2022-05-30T08:00:00Z">' if dated else ""
    paragraphs = "".join(f"<p>{text} ({n})</p>" for n in range(3)) if text else ""
    return (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>'
        f'<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article></body></html>'
    ).encode("utf-8")


def build_warc(*, gzip: bool, third_page_empty: bool = False) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "newslake tests"}))  # record 1

    def response(url: str, content_type: str, payload: bytes, status: str = "200 OK"):
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Date": FETCHED},
        )
        writer.write_record(record)

    request = StatusAndHeaders("GET /news/budget HTTP/1.1", [("Host", "example.org")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://example.org/news/budget", "request", payload=io.BytesIO(b""), http_headers=request))  # 2
    response("https://example.org/news/budget", "text/html; charset=utf-8", html_page("Budget approved", dated=True))  # 3
    response("https://example.org/img/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))  # 4
    response("https://example.org/news/parks", "text/html", html_page("Parks get more money", dated=False))  # 5
    if third_page_empty:
        response("https://example.org/news/empty", "text/html", html_page("Nothing here", dated=False, text=""))  # 6
    return buffer.getvalue()


def articles(items) -> list[RawArticle]:
    return [item for item in items if isinstance(item, RawArticle)]


@pytest.mark.parametrize(("gzip", "name"), [(True, "crawl.warc.gz"), (False, "crawl.warc")])
def test_html_responses_become_articles(gzip, name):
    items = list(read_document(name, build_warc(gzip=gzip)))
    assert all(isinstance(item, RawArticle) for item in items), items  # image, request, warcinfo: skipped
    first, second = items
    assert [first.part, second.part] == ["record-3", "record-5"]
    assert {first.source_format, second.source_format} == {"warc"}
    assert first.url == "https://example.org/news/budget"  # the WARC-Target-URI
    assert first.title == "Budget approved"
    assert first.body.startswith(BODY) and "Home" not in first.body
    assert first.language == "nl"
    assert first.outlet == "example.org"
    assert first.published == "2022-05-30"  # the page's own date wins over the fetch date


def test_fetch_date_is_the_fallback():
    second = articles(read_document("crawl.warc.gz", build_warc(gzip=True)))[1]
    assert second.url == "https://example.org/news/parks"
    assert second.published == FETCHED
    published, precision = parse_published(second.published)
    assert published.isoformat() == "2022-06-01T12:34:56+00:00" and precision == "second"


def test_html_response_without_text_is_rejected_by_record():
    items = list(read_document("crawl.warc", build_warc(gzip=False, third_page_empty=True)))
    assert len(articles(items)) == 2
    (rejection,) = [item for item in items if isinstance(item, Rejection)]
    assert rejection.reason == "no_article_text"
    assert "record 6" in rejection.detail and "https://example.org/news/empty" in rejection.detail


@pytest.mark.parametrize(("gzip", "name"), [(True, "crawl.warc.gz"), (False, "crawl.warc")])
def test_truncated_warc_keeps_the_good_records(gzip, name):
    data = build_warc(gzip=gzip)
    items = list(read_document(name, data[: len(data) - 40]))  # cut inside the last page
    assert [a.part for a in articles(items)] == ["record-3"]
    rejection = items[-1]
    assert isinstance(rejection, Rejection) and rejection.reason == "undecodable"
    assert rejection.detail.startswith("truncated or corrupt WARC after record 4")


def test_not_a_warc():
    rejection = list(read_document("x.warc", b"<html><body>hello</body></html>"))[-1]
    assert rejection.reason == "undecodable" and "after record 0" in rejection.detail
    assert list(read_document("x.warc", b"")) == [Rejection("empty", "file is empty")]


def test_warc_without_pages_is_accounted_for():
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record("empty.warc.gz", {"software": "newslake tests"}))
    (rejection,) = read_document("empty.warc.gz", buffer.getvalue())
    assert rejection.reason == "no_article_text"
