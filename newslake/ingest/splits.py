"""Large multi-record files, cut into pieces of records that are read, committed and resumed alone.

A news export of a million records is one file, but it must not be one unit of work:
held whole it costs gigabytes, and a run killed at its 900,000th record would start
again from the first. So a file of many records is cut into pieces of
`records_per_piece` records, found by one pass over its bytes that parses no record,
as Hadoop cuts text files into splits. Each piece is parsed on its own (in bounded
memory: one record at a time), lands in whichever checkpoint takes it, and is
recorded in the ledger as a segment row (`big.jsonl#L2001-4000`, with the byte and
record where the next piece starts), so a rerun after a kill resumes at the first
piece no checkpoint committed, without reading again what came before it.

Three formats cut this way, each at its own record boundaries:
- JSONL (`.jsonl`, `.ndjson`): lines; pieces `#L<first>-<last>` (lines, from 1).
- a JSON list (`.json` whose top level is `[...]`): items, found by a scanner that
  follows strings and brackets (`newslake.readers.jsonlist`); pieces
  `#item-<first>-<last>` (items, from 0, as the articles' `item-<n>`).
- WARC (`.warc`, `.warc.gz`): records, each piece starting at a record (in a
  `.warc.gz`, a gzip member: the standard one member a record, so a reader can seek
  there); `records_per_piece` counts pages (HTML responses, the records that are
  articles); pieces `#record-<first>-<last>` (records, from 1, as `record-<n>`).
A `.warc.gz` compressed as one gzip stream cannot be entered in the middle: it is
one piece, read whole, as before. The JSONL and JSON-list members of archives are cut
by the same passes over their decompressed bytes (`newslake.ingest.archive_pieces`,
whose pieces carry an `InArchive`: where in the archive they lie).

A piece of JSONL or of a JSON list is read as UTF-8, the encoding JSON text is
exchanged in (RFC 8259): a record that is not UTF-8 is quarantined as `undecodable`;
a record longer than the file-size limit as `too_large`, without being read into memory.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from newslake.ingest.ledger import SourceFile
from newslake.readers import format_of
from newslake.readers.base import RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers import jsonlist
from newslake.readers.jsonrec import JSONL_SUFFIXES, read_jsonl_line
from newslake.readers.warc import read_warc_piece, record_starts

BLOCK = 8 << 20  # bytes scanned at a time when cutting a file
JSONL, JSON_LIST, WARC, MEMBERS = "jsonl", "json", "warc", "members"
_NAMES = {JSONL: "L{first}-{last}", JSON_LIST: "item-{first}-{last}", WARC: "record-{first}-{last}",
          MEMBERS: "members-{first}-{last}"}


@dataclass(frozen=True)
class InArchive:
    """Where a piece of an archive lies (`newslake.ingest.archive_pieces`). A piece of a
    member's records has the member's URI, sha256, size and where its data starts in the
    archive's decompressed stream (`base`; a piece's bytes count from there); a piece of
    whole members (kind MEMBERS) has their URIs, in order. `next_at` and `next_line` are
    where the archive's next piece starts, in the stream: what the ledger records."""

    stream: str  # "gz", "tar" or "tar.gz"
    index: str | None  # the gzip index that lets a reader start near any offset (None: a plain tar)
    next_at: int
    next_line: int
    base: int = 0
    name: str = ""  # the member's name inside the archive
    uri: str = ""
    sha256: str = ""
    size: int = 0
    member_last: bool = False  # the member's last piece: its member row goes with it
    records: int = 0  # the member's records
    uris: tuple[str, ...] = ()  # a piece of whole members: theirs


@dataclass(frozen=True)
class Piece:
    """Records [first_line, end_line) of a file, in bytes [start_byte, end_byte). A record
    is a line of JSONL (numbered from 1), an item of a JSON list (from 0) or a WARC record
    (from 1); `lines` is how many articles the piece may hold (its lines or items; for a
    WARC, its pages)."""

    file: SourceFile
    start_byte: int
    end_byte: int
    first_line: int
    lines: int
    last: bool  # the file's last piece: its commit completes the file
    kind: str = JSONL
    next_record: int | None = None  # the first record of the next piece (first_line + lines unless a WARC)
    archive: InArchive | None = None  # a piece of an archive's member, or of its members

    @property
    def uri(self) -> str:
        """The ledger's name of the piece: the file (or archive member) and its record range."""
        owner = self.archive.uri if self.archive is not None and self.kind != MEMBERS else self.file.uri
        return f"{owner}#" + _NAMES[self.kind].format(first=self.first_line, last=self.end_line - 1)

    @property
    def resume_at(self) -> tuple[int, int]:
        """(byte, record) where the file's next piece starts, as the ledger records it."""
        if self.archive is not None:
            return self.archive.next_at, self.archive.next_line
        return self.end_byte, self.end_line

    @property
    def end_line(self) -> int:
        """The first record of the next piece."""
        return self.next_record if self.next_record is not None else self.first_line + self.lines


def kind_of(file: SourceFile) -> str | None:
    """How a file on its own (not an archive member) that could be read is cut, if it can be."""
    if file.error is not None:
        return None
    if PurePosixPath(file.path.name).suffix.lower() in JSONL_SUFFIXES:
        return JSONL
    kind = format_of(file.path.name)
    if kind == "warc":
        return WARC
    if kind == "json" and file.size and jsonlist.list_start(file.path) is not None:
        return JSON_LIST
    return None


def splittable(file: SourceFile) -> bool:
    return kind_of(file) is not None


def start_of(file: SourceFile) -> tuple[int, int]:
    """Where the first piece of a file starts: (byte, record)."""
    kind = kind_of(file)
    if kind == JSON_LIST:
        return jsonlist.list_start(file.path), 0
    return 0, 1


def cut(file: SourceFile, records_per_piece: int, start_byte: int | None = None, first_line: int | None = None) -> list[Piece]:
    """The pieces of `file` from `start_byte` (the start of record `first_line`; by
    default the file's first record). A file of one piece's worth of records comes back
    as one piece, and is read whole, as any file."""
    kind = kind_of(file) or JSONL
    if start_byte is None:
        start_byte, first_line = start_of(file)
    if kind == JSON_LIST:
        return _cut_list(file, records_per_piece, start_byte, first_line)
    if kind == WARC:
        return _cut_warc(file, records_per_piece, start_byte, first_line)
    return _cut_lines(file, records_per_piece, start_byte, first_line)


def _pieces(file: SourceFile, kind: str, starts: list[tuple[int, int]], end: tuple[int, int], articles: list[int] | None = None) -> list[Piece]:
    bounds = starts + [end]
    pieces = [
        Piece(file, start, stop, first, articles[i] if articles else following - first, last=i == len(starts) - 1,
              kind=kind, next_record=following)
        for i, ((start, first), (stop, following)) in enumerate(zip(bounds, bounds[1:]))
    ]
    return [p for p in pieces if p.end_byte > p.start_byte]


def _cut_lines(file: SourceFile, records_per_piece: int, start_byte: int, first_line: int) -> list[Piece]:
    with open(file.path, "rb") as handle:
        starts, end = line_starts(handle, records_per_piece, start_byte, first_line)
    return _pieces(file, JSONL, starts, end)


def line_starts(handle, records_per_piece: int, start_byte: int, first_line: int) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Where pieces of `records_per_piece` lines start, (byte, line), from `start_byte`
    (line `first_line`) of `handle` to its end, and that end (byte, line after the last)."""
    starts = [(start_byte, first_line)]
    line, base, since, after_newline = first_line, start_byte, 0, start_byte
    handle.seek(start_byte)
    while block := handle.read(BLOCK):
        at = 0
        while (newline := block.find(b"\n", at)) >= 0:
            at = newline + 1
            line += 1
            since += 1
            if since == records_per_piece:
                starts.append((base + at, line))
                since = 0
        if at:
            after_newline = base + at
        base += len(block)
    if base > after_newline:  # a last line without its newline
        line += 1
    if starts[-1][0] == base and len(starts) > 1:  # a cut at the very end starts no piece
        starts.pop()
    return starts, (base, line)


def _cut_list(file: SourceFile, records_per_piece: int, start_byte: int, first_item: int) -> list[Piece]:
    with open(file.path, "rb") as handle:
        starts, index = item_starts(handle, records_per_piece, start_byte, first_item)
    return _pieces(file, JSON_LIST, starts, (file.size, index))


def item_starts(handle, records_per_piece: int, start_byte: int, first_item: int) -> tuple[list[tuple[int, int]], int]:
    """Cuts after every `records_per_piece`-th comma of the list's own level: each piece
    holds at least one item, and the last one the list's end and what follows it.
    (byte, item) where each piece starts, and the item after the last."""
    starts = [(start_byte, first_item)]
    index, since = first_item, 0
    for item in jsonlist.items(handle, start_byte):
        index += 1
        since += 1
        if item.closer == b"," and since == records_per_piece:
            starts.append((item.after, index))
            since = 0
    return starts, index


def _cut_warc(file: SourceFile, records_per_piece: int, start_byte: int, first_record: int) -> list[Piece]:
    """Cuts before every `records_per_piece`-th page after the first: each piece but the
    first opens with a page, and the records after a page stay in its piece."""
    starts, pages, counted, following = [(start_byte, first_record)], [0], 0, first_record
    with open(file.path, "rb") as handle:
        for offset, ordinal, page in record_starts(handle, start_byte, first_record):
            following = ordinal + 1
            if not page:
                continue
            if counted == records_per_piece:
                starts.append((offset, ordinal))
                pages.append(0)
                counted = 0
            counted += 1
            pages[-1] += 1
    return _pieces(file, WARC, starts, (file.size, following), pages)


def read_piece(piece: Piece, max_line_bytes: int, options: ReaderOptions, opener=None) -> Iterator[RawArticle | Rejection]:
    """The records of a piece, one at a time; from the bytes `opener()` opens (a member's,
    `newslake.ingest.archive_pieces`), else from the file's."""
    last = piece.archive.member_last if piece.archive is not None else piece.last
    stop = None if last else piece.end_byte
    opener = opener or (lambda: open(piece.file.path, "rb"))
    if piece.kind == JSON_LIST:
        yield from jsonlist.read_items(opener, piece.start_byte, piece.first_line, stop, max_line_bytes, options)
    elif piece.kind == WARC:
        yield from read_warc_piece(piece.file.path, piece.start_byte, piece.first_line, stop, max_line_bytes)
    else:
        yield from _read_lines(piece, opener, max_line_bytes, options)


def _read_lines(piece: Piece, opener, max_line_bytes: int, options: ReaderOptions) -> Iterator[RawArticle | Rejection]:
    decoder = codecs.getincrementaldecoder("utf-8")
    with opener() as handle:
        handle.seek(piece.start_byte)
        number, position = piece.first_line, piece.start_byte
        end = piece.archive.size if piece.archive is not None and piece.archive.member_last else piece.end_byte
        while position < end:
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                break
            position += len(raw)
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                skipped = _skip_line(handle)
                position += skipped
                yield Rejection("too_large", f"line {number}: over {max_line_bytes:,} bytes", number)
                number += 1
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                text = decoder().decode(raw, final=True)
            except UnicodeDecodeError as exc:
                yield Rejection("undecodable", f"line {number}: not UTF-8 (byte {exc.start + 1})", number)
                number += 1
                continue
            yield from read_jsonl_line(text, number, options)
            number += 1


def _skip_line(handle) -> int:
    skipped = 0
    while chunk := handle.readline(BLOCK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


__all__ = ["InArchive", "Piece", "Rejected", "cut", "item_starts", "kind_of", "line_starts", "read_piece", "splittable", "start_of"]
