"""HTML news pages: main text and metadata with trafilatura (2.x) and htmldate.

One page is one article. Boilerplate (navigation, footers, cookie banners, comment
threads, "related stories") is left out by trafilatura's main-text extraction; a
page where nothing article-like is left is rejected as `no_article_text`.

Metadata, in order of preference:
- title, authors, site name and canonical URL: trafilatura's metadata pass
  (JSON-LD, OpenGraph/meta tags, then the markup itself);
- publication date: htmldate tuned for news, i.e. the *original* publication date
  (not the last update) with the extensive search of the page. htmldate's
  extensive search falls back to "January 1st of the copyright year" when it only
  finds a year; that is not a publication date, so such a guess is dropped (the
  page then has no date) unless the quick, markup-only search agrees with it;
- language: the page's declared language (`<html lang>`, `Content-Language`,
  `og:locale`), cut to its 2-letter code;
- outlet: the site name, else the host of the URL.

Bytes are decoded with the charset the page (or its HTTP response) declares, then
UTF-8, then `decode_text`'s detection, which also rejects empty and binary input.
"""

from __future__ import annotations

import codecs
import logging
import re
from datetime import date, timedelta
from typing import Iterator
from urllib.parse import urlsplit

import htmldate
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newslake.readers.base import RawArticle, Rejected, Rejection
from newslake.readers.decode import decode_text

SOURCE_FORMAT = "html"
MIN_BODY_CHARS = 60  # non-space characters: less is a menu or an error line, not an article
MAX_CAPTIONS = 20
MAX_CAPTION_CHARS = 500

# trafilatura and htmldate log every page they find wanting; those are not our errors.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 in practice.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
_AUTHOR_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*", re.IGNORECASE)
_BLOCK_SPLIT = re.compile(r"\n\s*")


# ---------------------------------------------------------------- decoding


def declared_charset(data: bytes) -> str | None:
    """The charset named by a `<meta charset>` / `http-equiv` tag in the first 4 KB, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Page bytes to text. `charset` is what an HTTP header declared, if anything.

    Raises `Rejected` ("empty", "binary", "undecodable") like `decode_text`.
    """
    if not data.strip():
        raise Rejected("empty", "file is empty" if not data else "file holds only white space")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    head = data[:8192]
    if data.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return decode_text(data)[0]  # raises "binary" for what is not text
    for encoding in dict.fromkeys((_codec(charset), declared_charset(data), "utf-8")):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return decode_text(data)[0]


# ---------------------------------------------------------------- metadata helpers


def split_authors(value: str | None) -> list[str]:
    """trafilatura's author string ("A; B") to names. Also splits "A, B and C",
    but keeps "Doe, Jane" (every piece one word) as one name."""
    if not value:
        return []
    names: list[str] = []
    for part in value.split(";"):
        part = _AUTHOR_PREFIX.sub("", part).strip(" ,")
        if not part:
            continue
        pieces = [p.strip() for p in _AUTHOR_SPLIT.split(part) if p and p.strip()]
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    seen: dict[str, None] = {}
    for name in names:
        if name.casefold() not in (n.casefold() for n in seen):
            seen[name] = None
    return list(seen)


def declared_language(tree: HtmlElement) -> str | None:
    """The 2-letter code of the language the page declares, or None."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath('//meta[translate(@http-equiv,"CONTENTLANGUAGE","contentlanguage")="content-language"]/@content')
    candidates += tree.xpath('//meta[@property="og:locale" or @name="language" or @name="lang"]/@content')
    for value in candidates:
        match = _LANG.match((value or "").split(",")[0].strip())
        if match and len(match.group(1)) == 2:
            return match.group(1).lower()
    return None


def _captions(tree: HtmlElement) -> list[str]:
    """Figure captions inside the article element (not thumbnails elsewhere on the page)."""
    scope = tree.xpath("//article") or tree.xpath("//main")
    captions: list[str] = []
    for root in scope[:1]:
        for node in root.iter("figcaption"):
            text = " ".join(node.text_content().split())
            if text and len(text) <= MAX_CAPTION_CHARS and text not in captions:
                captions.append(text)
            if len(captions) >= MAX_CAPTIONS:
                break
    return captions


def _date_params(extensive: bool) -> dict:
    return {
        "original_date": True,
        "extensive_search": extensive,
        "max_date": (date.today() + timedelta(days=1)).isoformat(),
    }


def publication_date(page: str, url: str | None, quick: str | None) -> str | None:
    """htmldate's original publication date with the extensive search, run on the page
    text (its raw-string patterns see more than a re-serialized tree does).

    `quick` is the markup-only (non-extensive) answer. The extensive search falls back to
    "January 1st of the copyright year" when it finds only a year; that is not a
    publication date, so such an answer is dropped unless the markup backs it up."""
    found = htmldate.find_date(page, url=url, **_date_params(extensive=True))
    if found and found.endswith("-01-01") and quick != found:
        return None
    return found


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


# ---------------------------------------------------------------- the reader


def parse_html_article(data: bytes | str, *, url: str | None = None, charset: str | None = None) -> RawArticle:
    """One HTML page to a `RawArticle`; raises `Rejected` when the page holds no article.

    `url` is where the page came from if known (a WARC's target URI); it helps the
    URL and date extraction, and is used as `url` when the page names no canonical URL.
    """
    text = decode_html(data, charset) if isinstance(data, bytes) else data
    try:
        return _extract(text, url)
    except Rejected:
        raise
    except Exception as exc:  # a page that breaks the extractor must not stop the run
        raise Rejected("no_article_text", f"HTML extraction failed: {type(exc).__name__}: {exc}"[:500]) from exc


def _extract(text: str, url: str | None) -> RawArticle:
    tree = load_html(text)
    if tree is None:
        raise Rejected("no_article_text", "not parseable as HTML")
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        # the quick, markup-only date here; the extensive search runs on the page text below
        date_extraction_params=_date_params(extensive=False),
    )
    if document is None:
        raise Rejected("no_article_text", "no main text in the page besides boilerplate")
    paragraphs = [p.strip() for p in _BLOCK_SPLIT.split(document.text or "") if p.strip()]
    title = (document.title or "").strip() or None
    if paragraphs and title and _same_text(paragraphs[0], title):
        paragraphs = paragraphs[1:]  # the headline is the title, not the body
    size = sum(len("".join(p.split())) for p in paragraphs)
    if size < MIN_BODY_CHARS:
        found = f"only {size} characters of text" if size else "no main text"
        raise Rejected("no_article_text", f"{found} in the page besides boilerplate (need {MIN_BODY_CHARS})")
    page_url = document.url or url
    return RawArticle(
        source_format=SOURCE_FORMAT,
        body="\n\n".join(paragraphs),
        title=title,
        captions=_captions(tree),
        published=publication_date(text, page_url, document.date),
        url=page_url,
        authors=split_authors(document.author),
        outlet=(document.sitename or "").strip() or _host(page_url),
        language=declared_language(tree),
    )


def read_html(data: bytes) -> Iterator[RawArticle | Rejection]:
    """`read_document`'s HTML branch: one article or one rejection."""
    try:
        yield parse_html_article(data)
    except Rejected as rejected:
        yield rejected.rejection


__all__ = ["parse_html_article", "read_html", "decode_html", "split_authors", "declared_language"]
