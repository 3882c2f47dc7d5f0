"""Readers: one module per input format, all behind `read_document`.

`read_document` turns one file's bytes into raw article records and rejections;
it never raises for bad input, so one bad file never stops a run.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from newslake.readers.base import DEFAULT_OPTIONS, RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers.decode import decode_text
from newslake.readers.html import read_html
from newslake.readers import jsonrec
from newslake.readers.jsonrec import read_json, read_jsonl
from newslake.readers.text import parse_text_article
from newslake.readers.warc import read_warc

TEXT_SUFFIXES = {".txt", ".text", ""}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = set(jsonrec.JSONL_SUFFIXES)
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
WARC_SUFFIXES = {".warc", ".warc.gz"}  # matched on the full name ending: "x.warc.gz" is a WARC, not a .gz archive
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES | WARC_SUFFIXES
HTML_SNIFF_BYTES = 1024


def looks_like_html(data: bytes) -> bool:
    """`<!doctype html` or `<html` in the first KB (for files without an extension)."""
    head = data[:HTML_SNIFF_BYTES].lower()
    return b"<!doctype html" in head or b"<html" in head


def format_of(name: str, data: bytes | None = None) -> str | None:
    """The reader for a file: "text", "json", "jsonl", "html", "warc", or None (no reader;
    archives such as .zip/.tar.gz/.gz are None too, see `newslake.readers.archives`).
    `data`, if given, lets an extensionless file that sniffs as HTML read as "html"."""
    lowered = name.lower()
    if lowered.endswith(tuple(WARC_SUFFIXES)):
        return "warc"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == "" and data is not None and looks_like_html(data):
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def read_document(name: str, data: bytes, options: ReaderOptions = DEFAULT_OPTIONS) -> Iterator[RawArticle | Rejection]:
    kind = format_of(name, data)
    if kind is None:
        yield Rejection("unsupported_type", f"no reader for '{PurePosixPath(name).suffix}' files")
        return
    if kind == "html":  # decodes by the page's declared charset itself
        yield from read_html(data)
        return
    if kind == "warc":  # binary container, possibly gzipped
        yield from read_warc(data)
        return
    try:
        text, _encoding = decode_text(data)
    except Rejected as rejected:
        yield rejected.rejection
        return
    if kind == "json":
        yield from read_json(text, options)
    elif kind == "jsonl":
        yield from read_jsonl(text, options)
    else:
        try:
            yield parse_text_article(text)
        except Rejected as rejected:
            yield rejected.rejection


__all__ = ["RawArticle", "ReaderOptions", "Rejection", "Rejected", "read_document", "format_of"]
