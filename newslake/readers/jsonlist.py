"""A JSON list file (a top-level array of records) read item by item, from any item.

`json.loads` takes a file whole: a news export of a million records in one JSON list
would cost gigabytes, and a run killed near its end would parse it again from the top.
This module finds the list's items by their bytes, without parsing them: a scanner that
follows strings (with their escapes) and brackets, block by block, with no recursion and
no more state than a depth counter, so hostile nesting costs nothing. Each item's bytes
are then parsed on their own. Items are numbered from 0 and named `item-<n>`, as the
whole-file reader names them, so a file read in pieces gives the same articles.

An item boundary is the byte after the `[` or after a `,` at the list's own level; a
reader can start at any such boundary (where the ledger says the last committed piece
ended) and goes on from there.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from newslake.readers.base import DEFAULT_OPTIONS, RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers.jsonrec import MAX_JSON_DEPTH, nesting_too_deep, record_to_article

BLOCK = 8 << 20  # bytes scanned at a time
_WHITE = b" \t\r\n"
_OUTSIDE = re.compile(rb'["\[\]{},]')  # what matters outside a string
_INSIDE = re.compile(rb'(?:[^"\\]++|\\.)*+', re.DOTALL)  # a string's bytes up to its closing quote


@dataclass(frozen=True)
class Item:
    """Bytes [start, end) hold one item; the next item (or the list's end) starts at `after`.
    `closer` is b"," when another item follows, the byte that closed the list (b"]", or a
    stray b"}"), or b"" when the file ended inside the list."""

    start: int
    end: int
    after: int
    closer: bytes


def list_start(path) -> int | None:
    """The byte after the top-level `[`, when the file (UTF-8, a byte order mark allowed)
    is a JSON list; None for anything else (an object, JSON lines, another encoding)."""
    with open(path, "rb") as handle:
        head = handle.read(len(codecs.BOM_UTF8))
        offset = len(codecs.BOM_UTF8) if head == codecs.BOM_UTF8 else 0
        handle.seek(offset)
        while block := handle.read(1 << 16):
            stripped = block.lstrip(_WHITE)
            if stripped:
                return offset + len(block) - len(stripped) + 1 if stripped[:1] == b"[" else None
            offset += len(block)
    return None


def items(handle: BinaryIO, start: int) -> Iterator[Item]:
    """The items from the boundary `start` to the list's end (or the file's)."""
    handle.seek(start)
    base, depth, in_string, escaped, item_start = start, 0, False, False, start
    while block := handle.read(BLOCK):
        pos, size = (1, len(block)) if escaped else (0, len(block))
        escaped = False
        while pos < size:
            if in_string:
                pos = _INSIDE.match(block, pos).end()
                if pos >= size:
                    break
                if block[pos] == 0x5C:  # a backslash as the block's last byte: it escapes the next block's first
                    escaped, pos = True, size
                    break
                in_string, pos = False, pos + 1
                continue
            found = _OUTSIDE.search(block, pos)
            if found is None:
                break
            char, pos = block[found.start()], found.end()
            if char == 0x22:
                in_string = True
            elif char in b"[{":
                depth += 1
            elif char in b"]}" and depth:
                depth -= 1
            elif char in b"]}" or (char == 0x2C and not depth):
                yield Item(item_start, base + found.start(), base + pos, bytes([char]))
                if char != 0x2C:
                    return
                item_start = base + pos
        base += size
    yield Item(item_start, base, base, b"")


def read_items(
    path, start: int, first: int, stop: int | None, max_bytes: int, options: ReaderOptions = DEFAULT_OPTIONS
) -> Iterator[RawArticle | Rejection]:
    """The records of the items from boundary `start` (item number `first`) up to the
    boundary `stop` (None: to the list's end, with what follows it checked). `path` may
    be a function that opens the bytes (twice: one handle scans, one fetches)."""
    opener = path if callable(path) else (lambda: open(path, "rb"))
    with opener() as scan, opener() as fetch:
        index = first
        for item in items(scan, start):
            if stop is not None and item.start >= stop:
                return
            size = item.end - item.start
            if size > max_bytes:
                yield Rejection("too_large", f"item {index}: over {max_bytes:,} bytes")
            else:
                fetch.seek(item.start)
                yield from _item(fetch.read(size), index, item.closer, options)
            index += 1
            if item.closer != b",":
                yield from _after_list(fetch, item, index)
                return


def _item(raw: bytes, index: int, closer: bytes, options: ReaderOptions) -> Iterator[RawArticle | Rejection]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Rejection("undecodable", f"item {index}: not UTF-8 (byte {exc.start + 1})")
        return
    if not text.strip(_WHITE.decode()):
        if index == 0 and closer == b"]":
            yield Rejection("no_article_text", "JSON list is empty")
        elif closer:  # `[a, , b]` or `[a, b, ]`
            yield Rejection("malformed_json", f"item {index}: empty (a stray comma)")
        return
    deep = nesting_too_deep(text, MAX_JSON_DEPTH - 1)  # the list is one level
    if deep is not None:
        yield Rejection("malformed_json", f"item {index}: nested deeper than {MAX_JSON_DEPTH} levels; not parsed")
        return
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Rejection("malformed_json", f"item {index}: {exc.msg} at line {exc.lineno} column {exc.colno} of the item")
        return
    try:
        article = record_to_article(record, "json", options=options)
    except Rejected as rejected:  # as the whole-file reader words it
        yield Rejection(rejected.rejection.reason, rejected.rejection.detail + f" (item {index})")
        return
    article.part = f"item-{index}"
    yield article


def _after_list(fetch: BinaryIO, last: Item, items_read: int) -> Iterator[Rejection]:
    """What a list's end says about the file: cut short, closed by the wrong bracket, or
    followed by more than white space."""
    if last.closer == b"":
        yield Rejection("malformed_json", f"the JSON list is cut short after {items_read} items (no closing ']')")
        return
    if last.closer != b"]":
        yield Rejection("malformed_json", f"the JSON list is closed by {last.closer.decode()!r}, not ']'")
    fetch.seek(last.after)
    while block := fetch.read(1 << 16):
        if block.strip(_WHITE):
            yield Rejection("malformed_json", f"data after the JSON list's closing bracket (byte {last.after + 1} on)")
            return


__all__ = ["Item", "items", "list_start", "read_items"]
