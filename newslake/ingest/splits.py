"""Large JSONL files, cut into pieces of records that are read, committed and resumed alone.

A news export of a million lines is one file, but it must not be one unit of work:
held whole it costs gigabytes, and a run killed at its 900,000th line would start
again from the first. So a JSONL file longer than `records_per_piece` lines is cut
into pieces of that many lines, found by one pass over its bytes (no parsing), as
Hadoop cuts text files into splits. Each piece is parsed on its own (in bounded
memory: line by line), lands in whichever checkpoint takes it, and is recorded in
the ledger as a segment row (`big.jsonl#L2001-4000`, with where the next piece
starts), so a rerun after a kill resumes at the first piece no checkpoint committed.

A piece is read as UTF-8, the encoding JSON text is exchanged in (RFC 8259): a line
that is not UTF-8 is quarantined as `undecodable`; a line longer than the file-size
limit as `too_large`, without being read into memory.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from newslake.ingest.ledger import SourceFile
from newslake.readers.base import RawArticle, ReaderOptions, Rejected, Rejection
from newslake.readers.jsonrec import JSONL_SUFFIXES, read_jsonl_line

BLOCK = 8 << 20  # bytes scanned at a time when cutting a file


@dataclass(frozen=True)
class Piece:
    """Lines [first_line, first_line + lines) of a file: bytes [start_byte, end_byte)."""

    file: SourceFile
    start_byte: int
    end_byte: int
    first_line: int  # 1-based
    lines: int
    last: bool  # the file's last piece: its commit completes the file

    @property
    def uri(self) -> str:
        """The ledger's name of the piece: the file and its line range."""
        return f"{self.file.uri}#L{self.first_line}-{self.first_line + self.lines - 1}"

    @property
    def end_line(self) -> int:
        """The first line of the next piece."""
        return self.first_line + self.lines


def splittable(file: SourceFile) -> bool:
    """A JSONL file on its own (not an archive member) that could be read."""
    return file.error is None and PurePosixPath(file.path.name).suffix.lower() in JSONL_SUFFIXES


def cut(file: SourceFile, records_per_piece: int, start_byte: int = 0, first_line: int = 1) -> list[Piece]:
    """The pieces of `file` from `start_byte` (the start of line `first_line`). A file of
    one piece's worth of lines comes back as one piece, and is read whole, as any file."""
    starts = [(start_byte, first_line)]
    line, base, since, after_newline = first_line, start_byte, 0, start_byte
    with open(file.path, "rb") as handle:
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
    bounds = starts + [(base, line)]
    pieces = [
        Piece(file, start, end, first, following - first, last=i == len(starts) - 1)
        for i, ((start, first), (end, following)) in enumerate(zip(bounds, bounds[1:]))
    ]
    return [p for p in pieces if p.end_byte > p.start_byte]


def read_piece(piece: Piece, max_line_bytes: int, options: ReaderOptions) -> Iterator[RawArticle | Rejection]:
    """The records of a piece, one line at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")
    with open(piece.file.path, "rb") as handle:
        handle.seek(piece.start_byte)
        number, position = piece.first_line, piece.start_byte
        while position < piece.end_byte:
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


__all__ = ["Piece", "Rejected", "cut", "read_piece", "splittable"]
