"""Raw article records to rows of the `articles` table.

The article id is a hash of the normalized title and body, not of the file, so the
same story arriving twice (another file name, another export format, other white
space) gets the same id and is counted once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from newslake.config import MAX_EXTRACT_CHARS  # the cap on what extraction reads: see config
from newslake.readers.publication_dates import parse_published
from newslake.readers.base import RawArticle
from newslake.ingest.reference_dates import reference_date, reference_precision

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n{3,}")
ID_CHARS = 16

# Terminal escape sequences, removed whole so that no "[31m" is left behind: CSI (ESC [
# or its C1 form), OSC (ESC ], to BEL or ST), and two-character ESC sequences.
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
# Every C0 control but tab and newline, DEL and every C1 control go; the vertical tab,
# form feed and NEL separate lines, so they become newlines rather than glue two words.
CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
_KEPT = "\t\n"
_AS_NEWLINE = "\x0b\x0c\x85"
_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in CONTROLS if chr(c) not in _KEPT) + "]+")


def _replace_controls(match: re.Match) -> str:
    return "\n" * sum(ch in _AS_NEWLINE for ch in match.group())


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences and control characters but tab and
    newline (carriage returns included: `clean_text` turns them into newlines first)."""
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPES.sub("", text)
    return _CONTROL.sub(_replace_controls, text)


def clean_text(text: str) -> str:
    """NFC, no control or zero-width characters, single spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    # `_SPACES` never spans a newline: folding the whole text is folding each line
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def article_id(title: str, body: str) -> str:
    """Stable across runs, files and formats: casefolded, whitespace-folded title and body."""
    key = " ".join(f"{title}\n{body}".casefold().split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_CHARS]


def outlet_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def source_uri_of(file_uri: str, raw: RawArticle) -> str:
    """The file's URI, plus the record's place inside it for multi-article files."""
    if raw.part:
        return f"{file_uri}#{raw.part}"
    if raw.line is not None:
        return f"{file_uri}#L{raw.line}"
    return file_uri


def fallback_title(body: str, words: int = 12) -> str:
    """A headline for an article that came without one: its first sentence, cut short."""
    first = re.split(r"(?<=[.!?])\s", body.split("\n", 1)[0], maxsplit=1)[0]
    parts = first.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


_CUT_WINDOW = 200  # how far back from the cap a cut looks for white space


def cap_fields(fields: list[tuple[str, str]], cap: int = MAX_EXTRACT_CHARS) -> tuple[list[tuple[str, str]], bool]:
    """The (field, text) pairs extraction reads, within `cap` characters in all, and
    whether any was cut. A cut text is a prefix (offsets into it are offsets into the
    whole field), ending at white space when some is near the cap; a field past the
    cap is dropped."""
    left, out, cut = cap, [], False
    for name, text in fields:
        if left <= 0:
            cut = cut or bool(text)
            continue
        if len(text) > left:
            start = max(left - _CUT_WINDOW, 0)
            space = max(text.rfind(" ", start, left + 1), text.rfind("\n", start, left + 1))
            text, cut = text[: space if space > 0 else left], True
        out.append((name, text))
        left -= len(text)
    return out, cut


def article_fields(title: str | None, captions: list[str] | None, body: str | None) -> list[tuple[str, str]]:
    """(field, text) pairs that extraction reads, in a fixed order: the title, the captions
    joined by newlines (when there are any), the body."""
    fields = [("title", title or "")]
    if captions:
        fields.append(("caption", "\n".join(c for c in captions if c is not None)))
    fields.append(("body", body or ""))
    return fields


def _clean_field(value: str | None) -> str | None:
    """A one-line field (url, outlet) without control characters; None when nothing is left."""
    return (strip_controls(value).strip() or None) if value else None


def normalize_article(
    raw: RawArticle,
    *,
    language: str,
    source_uri: str,
    source_sha256: str,
    run_id: str,
    ingested_at: datetime,
    file_mtime: datetime | None = None,
    use_file_mtime: bool = False,
    use_text_year: bool = True,
    use_text_day: bool = False,
    max_extract_chars: int = MAX_EXTRACT_CHARS,
) -> dict:
    body = clean_text(raw.body)
    url = _clean_field(raw.url)
    title = clean_text(raw.title or "") or fallback_title(body)
    captions = [clean_text(c) for c in raw.captions]
    _, truncated = cap_fields(article_fields(title, captions, body), max_extract_chars)
    # the reference date reads the title as given and the body, within the same cap
    read = dict(cap_fields(article_fields(clean_text(raw.title or ""), [], body), max_extract_chars)[0])
    published_at, precision = parse_published(raw.published, now=ingested_at)
    reference, dct_source = reference_date(
        published_at, read.get("title", ""), read.get("body", ""), file_mtime=file_mtime, use_file_mtime=use_file_mtime,
        use_text_year=use_text_year, use_text_day=use_text_day,
    )
    return {
        "article_id": article_id(title, body),
        "source_uri": source_uri_of(source_uri, raw),
        "source_sha256": source_sha256,
        "source_format": raw.source_format,
        "outlet": _clean_field(raw.outlet) or outlet_of(url),
        "url": url,
        "title": title,
        "authors": [clean_text(a) for a in raw.authors],
        "published_at": published_at,
        "published_precision": precision,
        "reference_date": reference,
        "dct_source": dct_source,
        "reference_precision": reference_precision(dct_source, precision),
        "captions": captions,
        "body": body,
        "language": language,
        "word_count": len(body.split()),
        "text_truncated": truncated,
        "duplicate_of": None,
        "ingested_at": ingested_at,
        "run_id": run_id,
    }
