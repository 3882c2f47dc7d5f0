"""HTML reader on small pages written here, with the real trafilatura/htmldate."""

from __future__ import annotations

import pytest

from newslake.readers.publication_dates import parse_published
from newslake.readers import Rejection, format_of, read_document
from newslake.readers.html import decode_html, split_authors
from conftest import only_article

PARAGRAPHS = [
    "The Harbour Bridge reopened to traffic on Sunday morning after eight months of repairs "
    "to its steel deck, the Port Authority said.",
    "Engineers replaced more than four hundred corroded plates and repainted the main span, "
    "work that cost the city about 40 million euros.",
    "Commuters had faced detours of up to forty minutes while the bridge was closed, and local "
    "shops reported a sharp fall in trade.",
    '"We are delighted to welcome drivers, cyclists and pedestrians back," said the authority\'s '
    "director, Maria Alvarez, at a short ceremony.",
]


def page(
    *,
    lang: str = ' lang="en-GB"',
    head_extra: str = "",
    charset: str = '<meta charset="utf-8">',
    body: str | None = None,
    published: str = '<meta property="article:published_time" content="2021-03-14T09:30:00+00:00">',
) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = body if body is not None else f"""
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies or manage your preferences.</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Harbour bridge reopens after repairs</h1>
<p class="byline">By Jane Doe and John Roe</p>
<figure><img src="bridge.jpg"><figcaption>The bridge at dawn on Sunday (Photo: Port Authority)</figcaption></figure>
{paragraphs}
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/x">Celebrity chef opens a third restaurant downtown</a></li></ul></aside>
<footer><p>Copyright 2021 The Coastal Times. All rights reserved. Privacy policy. Terms of use. Contact us.</p></footer>
"""
    return f"""<!DOCTYPE html>
<html{lang}>
<head>
{charset}
<title>Harbour bridge reopens after repairs | The Coastal Times</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="og:site_name" content="The Coastal Times">
<meta name="author" content="Jane Doe, John Roe">
{published}
<link rel="canonical" href="https://coastaltimes.example/news/2021/03/14/harbour-bridge-reopens">
{head_extra}
</head>
<body>{body}</body>
</html>
"""


def only_rejection(items) -> Rejection:
    items = list(items)
    assert len(items) == 1 and isinstance(items[0], Rejection), items
    return items[0]


def test_article_text_and_metadata():
    article = only_article(read_document("bridge.html", page().encode("utf-8")))
    assert article.source_format == "html"
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.body.split("\n\n") == PARAGRAPHS
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.url == "https://coastaltimes.example/news/2021/03/14/harbour-bridge-reopens"
    assert article.outlet == "The Coastal Times"
    assert article.language == "en"
    assert article.captions == ["The bridge at dawn on Sunday (Photo: Port Authority)"]
    published, precision = parse_published(article.published)
    assert published.date().isoformat() == "2021-03-14" and precision == "day"


def test_boilerplate_is_not_body():
    body = only_article(read_document("bridge.html", page().encode("utf-8"))).body
    for boilerplate in ("cookies", "Home", "Weather", "Most read", "Celebrity chef", "Copyright", "Privacy policy"):
        assert boilerplate not in body
    assert not body.startswith("Harbour bridge reopens")  # the headline is the title, not body


def test_json_ld_metadata_and_original_date():
    json_ld = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "Harbour bridge reopens after repairs", "datePublished": "2021-03-12T08:00:00Z",
      "dateModified": "2021-03-15T10:00:00Z",
      "author": [{"@type": "Person", "name": "Ana Lima"}, {"@type": "Person", "name": "Tom Berg"}],
      "publisher": {"@type": "Organization", "name": "Coastal Times"}}</script>"""
    html = page(head_extra=json_ld, published="").replace("/2021/03/14", "")  # no date in the URL
    html = html.replace('<meta name="author" content="Jane Doe, John Roe">', "")
    article = only_article(read_document("bridge.htm", html.encode("utf-8")))
    assert article.published == "2021-03-12"  # the original date, not the update
    assert article.authors == ["Ana Lima", "Tom Berg"]


def test_date_in_the_text_only():
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = f'<article><h1>Bridge</h1><p class="date">Published on 5 May 2019</p>{paragraphs}</article>'
    html = page(body=body, published="").replace("/2021/03/14", "")
    assert only_article(read_document("bridge.html", html.encode("utf-8"))).published == "2019-05-05"


def test_copyright_year_is_not_a_publication_date():
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = f"<article>{paragraphs}</article><footer><p>© 2019 Some Outlet</p></footer>"
    html = page(body=body, published="").replace("/2021/03/14", "")
    article = only_article(read_document("bridge.html", html.encode("utf-8")))
    assert article.published is None


def test_language_declared_other_ways():
    html = page(lang="", head_extra='<meta http-equiv="Content-Language" content="pt-BR">')
    assert only_article(read_document("a.html", html.encode("utf-8"))).language == "pt"
    assert only_article(read_document("a.html", page(lang="").encode("utf-8"))).language is None


def test_declared_charset_is_honoured():
    html = page(charset='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
    html = html.replace("Maria Alvarez", "María Álvarez").replace("40 million euros", "€40 million")
    article = only_article(read_document("a.html", html.encode("cp1252")))
    assert "María Álvarez" in article.body and "€40 million" in article.body
    # "iso-8859-1" means windows-1252 on the web (curly quotes at 0x93/0x94)
    assert decode_html(b"<meta charset='iso-8859-1'><p>caf\xe9 \x93ok\x94</p>").endswith("café “ok”</p>")


def test_xhtml_with_xml_declaration():
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page().replace("<!DOCTYPE html>\n", "")
    article = only_article(read_document("a.xhtml", html.encode("utf-8")))
    assert article.title == "Harbour bridge reopens after repairs"


def test_page_without_article_text():
    menu = (
        '<html lang="en"><head><title>Home</title></head><body><nav><a href="/">Home</a> '
        '<a href="/about">About</a> <a href="/contact">Contact</a></nav>'
        "<footer>Copyright 2021 Example Ltd. All rights reserved.</footer></body></html>"
    )
    assert only_rejection(read_document("menu.html", menu.encode())).reason == "no_article_text"
    assert only_rejection(read_document("blank.html", b"<html><body></body></html>")).reason == "no_article_text"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"  \n ", "empty"), (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary")],
)
def test_not_a_page(data, reason):
    assert only_rejection(read_document("x.html", data)).reason == reason


def test_dispatch_by_name_and_sniffing():
    html = page().encode("utf-8")
    assert format_of("a.HTML") == format_of("a.htm") == format_of("a.xhtml") == "html"
    assert format_of("a.warc") == format_of("a.WARC.GZ") == "warc"
    assert format_of("a.gz") is None and format_of("a.zip") is None and format_of("a.tar.gz") is None
    assert format_of("inbox/page", html) == "html"
    assert format_of("inbox/note", b"Just a title\n\nAnd a body.") == "text"
    assert only_article(read_document("inbox/page", html)).source_format == "html"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe, John Roe and Ana Lima", ["Jane Doe", "John Roe", "Ana Lima"]),
        ("Doe, Jane", ["Doe, Jane"]),
        ("Reuters", ["Reuters"]),
        ("Jane Doe; jane doe", ["Jane Doe"]),
        (None, []),
    ],
)
def test_split_authors(raw, names):
    assert split_authors(raw) == names
