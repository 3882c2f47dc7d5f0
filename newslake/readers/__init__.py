"""Readers: one module per input format, all behind `read_document`.

`read_document` turns one file's bytes into raw article records and rejections;
it never raises for bad input, so one bad file never stops a run.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from newslake.readers.base import DEFAULT_OPTIONS, RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers.decode import decode_text
from newslake.readers.jsonrec import read_json, read_jsonl
from newslake.readers.text import parse_text_article

TEXT_SUFFIXES = {".txt", ".text", ""}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES


def format_of(name: str) -> str | None:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def read_document(name: str, data: bytes, options: ReaderOptions = DEFAULT_OPTIONS) -> Iterator[RawArticle | Rejection]:
    kind = format_of(name)
    if kind is None:
        yield Rejection("unsupported_type", f"no reader for '{PurePosixPath(name).suffix}' files")
        return
    try:
        text, _encoding = decode_text(data)
    except Rejected as rejected:
        yield rejected.rejection
        return
    if kind == "json":
        yield from read_json(text)
    elif kind == "jsonl":
        yield from read_jsonl(text)
    else:
        try:
            yield parse_text_article(text)
        except Rejected as rejected:
            yield rejected.rejection


__all__ = ["RawArticle", "ReaderOptions", "Rejection", "Rejected", "read_document", "format_of"]
