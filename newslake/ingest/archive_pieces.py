"""Archives cut into pieces: a large JSONL or JSON-list member of a `.gz`, `.tar` or
`.tar.gz` read, committed and resumed a piece at a time, as a plain file is
(`newslake.ingest.splits`).

A compressed member is one deflate stream, and a reader cannot start in its middle
without decompressing all before it. So the pass that cuts an archive (one pass over
its decompressed stream that parses no record: it finds the members, hashes each, and
cuts the large ones at line or item boundaries) is followed, for a compressed archive,
by a pass of `indexed_gzip` that records a seek point (the deflate state and the 32 KiB
window before it) every MiB of output, as zlib's zran does; the index is kept in the
lake's `state/gzindex/`, named by the archive's sha256. A piece's reader imports it and
starts at the seek point before its first byte: it decompresses at most a MiB it does not
need, not the whole member before it. A plain `.tar` needs no index: a member's data is
a byte range of the file.

The pieces of an archive, in archive order, tile its decompressed stream:
- a piece of whole members (`export.tar.gz#members-1-40`: the first 40 members the
  whole-archive reader yields, rejected ones included), read from the first one's header
  by the whole-archive reader's own rules, each member a ledger member row as before;
- a piece of a large member's records (`export.tar.gz!big.jsonl#L2001-4000`,
  `export.jsonl.gz!export.jsonl#item-0-1999`), read as a piece of a plain file is.
The ledger records, with each piece, where the next one starts in the decompressed
stream; a rerun cuts the archive again (one more pass over its bytes: the members'
sha256s are the articles' `source_sha256`) and goes on from there. Articles keep the
names the whole-archive reader gives them (`export.tar.gz!big.jsonl#L7`).

Every cap of `newslake.readers.archives` holds as before: a member larger than
`max_file_bytes` (declared, or counted while decompressing) is too_large, an archive
expanding beyond `max_archive_bytes` is too_large whole. An archive the cut pass cannot
read to its end, one with no more records than a piece, or one smaller than
`MIN_BYTES_PER_RECORD` a record of a piece (no pass is worth it), is read whole, as before;
so is a `.zip` (its deflated members have no index here).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Iterator

from newslake.ingest.ledger import Resume, SourceFile, member_uri
from newslake.ingest.splits import BLOCK, JSON_LIST, JSONL, MEMBERS, InArchive, Piece, item_starts, line_starts
from newslake.readers import archives
from newslake.readers.archives import NOT_ARCHIVES, Member, RejectedMember, scan, tar_members_from
from newslake.readers.base import Rejected
from newslake.readers.jsonrec import JSONL_SUFFIXES

SPACING = 1 << 20  # bytes of decompressed output between two seek points of a gzip index
MIN_BYTES_PER_RECORD = 16  # an archive smaller than this a record of a piece is read whole: a cut pass would cost more
_HEAD = 1 << 16  # bytes looked at to tell a JSON list from other JSON
_WHITE = b" \t\r\n"


def archive_kind(name: str) -> str | None:
    """How an archive is cut: "gz", "tar" or "tar.gz"; None for a zip or not an archive."""
    if name.lower().endswith(NOT_ARCHIVES):
        return None
    try:
        kind = archives.archive_kind(name)
    except ValueError:
        return None
    return None if kind == "zip" else kind


class _Forward(io.RawIOBase):
    """A member's data read forward once: hashed as it goes, with a look ahead (`peek`)
    and seeks forward (reading what is skipped), as the cutters need."""

    def __init__(self, stream):
        self._stream, self._ahead, self.pos, self.size = stream, b"", 0, 0
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def _pull(self, n: int) -> bytes:
        data = self._stream.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data

    def peek(self, n: int) -> bytes:
        while len(self._ahead) < n and (more := self._pull(n - len(self._ahead))):
            self._ahead += more
        return self._ahead[:n]

    def read(self, n: int = -1) -> bytes:
        n = BLOCK if n is None or n < 0 else n
        if self._ahead:
            out, self._ahead = self._ahead[:n], self._ahead[n:]
        else:
            out = self._pull(n)
        self.pos += len(out)
        return out

    def seek(self, to: int, whence: int = 0) -> int:
        if whence != 0 or to < self.pos:
            raise io.UnsupportedOperation("a member is read forward only")
        while self.pos < to and self.read(min(BLOCK, to - self.pos)):
            pass
        return self.pos

    def tell(self) -> int:
        return self.pos

    def drain(self) -> None:
        while self.read(BLOCK):
            pass


def _list_start(head: bytes) -> int | None:
    """As `jsonlist.list_start`, on a member's first bytes."""
    offset = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    stripped = head[offset:].lstrip(_WHITE)
    if not stripped or stripped[:1] != b"[":
        return None
    return len(head) - len(stripped) + 1


@dataclass
class _Scanned:
    """One entry of the archive as the cut pass saw it."""

    uri: str
    name: str
    header: int
    offset: int
    size: int = 0
    sha256: str = ""
    kind: str | None = None  # JSONL or JSON_LIST when its records are counted
    starts: list[tuple[int, int]] = field(default_factory=list)  # where its pieces start: (byte, record)
    end: tuple[int, int] = (0, 0)  # its end: (byte, record after the last)
    records: int = 1  # what it weighs in a piece of whole members
    resumed: bool = False  # cut from where the ledger says, inside it

    @property
    def cut(self) -> bool:
        return self.kind is not None and (len(self.starts) > 1 or self.resumed)


def _scan_entries(file: SourceFile, records_per_piece: int, at: Resume | None, max_member: int, max_total: int) -> list[_Scanned]:
    """Every entry the whole-archive reader yields, in order, with where the large members'
    pieces start. Raises what stops the pass."""
    found: list[_Scanned] = []
    times: Counter[str] = Counter()
    with open(file.path, "rb") as handle:
        for entry in scan(file.path.name, handle, max_member, max_total):
            times[entry.name] += 1
            item = _Scanned(member_uri(file.uri, entry.name, times[entry.name]), entry.name, entry.header, entry.offset)
            found.append(item)
            if entry.stream is None:
                continue
            data = _Forward(entry.stream)
            inside = at is not None and item.header < at.end_byte and (entry.size < 0 or at.end_byte < item.offset + entry.size)
            _count(item, data, records_per_piece, (at.end_byte - item.offset, at.end_line) if inside else None)
            data.drain()
            if entry.stream.over:  # too large, as the whole-archive reader will say
                item.kind, item.starts, item.resumed = None, [], False
                continue
            item.size, item.sha256 = data.size, data.sha.hexdigest()
    return found


def _count(item: _Scanned, data: _Forward, records_per_piece: int, resume: tuple[int, int] | None) -> None:
    """Where the pieces of a JSONL or JSON-list member start: from its first record, or
    from `resume` (byte, record), the ledger's point inside it."""
    suffix = PurePosixPath(item.name).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        item.kind, first = JSONL, (0, 1)
    elif suffix == ".json" and (start := _list_start(data.peek(_HEAD))) is not None:
        item.kind, first = JSON_LIST, (start, 0)
    else:
        return
    if resume is not None:
        first, item.resumed = resume, True
    if item.kind == JSONL:
        item.starts, (_, following) = line_starts(data, records_per_piece, *first)
    else:
        item.starts, following = item_starts(data, records_per_piece, *first)
    item.end = (0, following)
    item.records = following - item.starts[0][1]


def cut_archive(
    file: SourceFile, records_per_piece: int, at: Resume | None, max_member: int, max_total: int, index_dir: Path | None
) -> list[Piece] | None:
    """The pieces of an archive from where the ledger left it (`at`), or None: read it
    whole (a zip, an archive the pass cannot read through, one no larger than a piece)."""
    stream = archive_kind(file.path.name)
    if stream is None or file.error is not None or file.size == 0 or file.size > max_member:
        return None
    if stream != "tar" and index_dir is None:
        return None
    if at is None and file.size < records_per_piece * MIN_BYTES_PER_RECORD:
        return None
    try:
        entries = _scan_entries(file, records_per_piece, at, max_member, max_total)
    except (Rejected, OSError, EOFError, ValueError):
        return None  # the whole-archive reader meets the same fault and names it
    if at is None and (not any(e.cut for e in entries) and sum(e.records for e in entries) <= records_per_piece):
        return None
    index = None
    if stream != "tar":
        index = _index(file, index_dir)
        if index is None:
            return None
    return _pieces(file, stream, index, entries, records_per_piece, at)


def _pieces(file: SourceFile, stream: str, index: str | None, entries: list[_Scanned], records_per_piece: int,
            at: Resume | None) -> list[Piece]:
    """Pieces in archive order: whole members grouped up to `records_per_piece` records,
    and each large member's pieces; what the ledger already holds left out."""
    resume = at.end_byte if at is not None else -1
    end = max((e.offset + e.size for e in entries), default=0)  # past the last member's data: where the ledger puts the last piece's end
    units: list[tuple[int, Piece]] = []  # (where it starts in the stream, the piece without its `next_*`)
    group: list[tuple[int, _Scanned]] = []

    def flush() -> None:
        if group:
            first, records = group[0][0], sum(e.records for _, e in group)
            piece = Piece(file, group[0][1].header, 0, first, records, last=False, kind=MEMBERS, next_record=first + len(group),
                          archive=InArchive(stream, index, 0, 0, uris=tuple(e.uri for _, e in group)))
            units.append((group[0][1].header, piece))
            group.clear()

    for ordinal, e in enumerate(entries, start=1):
        done = not e.resumed and e.header < resume
        if done:
            continue
        if not e.cut:
            group.append((ordinal, e))
            if sum(x.records for _, x in group) >= records_per_piece:
                flush()
            continue
        flush()
        bounds = e.starts + [(e.size, e.end[1])]
        for i, ((start, first), (stop, following)) in enumerate(zip(bounds, bounds[1:])):
            where = e.header if i == 0 and not e.resumed else e.offset + start
            units.append((where, Piece(file, start, stop, first, following - first, last=False, kind=e.kind, next_record=following,
                                       archive=InArchive(stream, index, 0, 0, base=e.offset, name=e.name, uri=e.uri,
                                                         sha256=e.sha256, size=e.size, member_last=i == len(bounds) - 2,
                                                         records=e.end[1] - (1 if e.kind == JSONL else 0)))))
    flush()
    out = []
    for i, (where, piece) in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else None
        next_at, next_line = (following[0], following[1].first_line) if following else (end, 0)
        archive = replace(piece.archive, next_at=next_at, next_line=next_line)
        end_byte = (following[0] if following else end) if piece.kind == MEMBERS else piece.end_byte
        out.append(replace(piece, archive=archive, end_byte=end_byte, last=following is None))
    return out


def _index(file: SourceFile, folder: Path) -> str | None:
    """The archive's gzip index, built (one more pass over it) unless already there."""
    import indexed_gzip

    path = folder / f"{file.sha256}.gzidx"
    if path.is_file():
        return str(path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".building-")
    os.close(fd)
    try:
        with indexed_gzip.IndexedGzipFile(str(file.path), spacing=SPACING) as gz:
            gz.build_full_index()
            gz.export_index(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except Exception:  # indexed_gzip's own errors: the archive is read whole
        Path(temp).unlink(missing_ok=True)
        return None
    return str(path)


def prune_indexes(folder: Path, keep: set[str]) -> None:
    """Drop the gzip indexes of archives no piece of this run reads (done, changed, gone)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.endswith(".gzidx") and path.name[: -len(".gzidx")] not in keep:
            path.unlink(missing_ok=True)


def _open_stream(piece: Piece):
    if piece.archive.index is None:
        return open(piece.file.path, "rb")
    import indexed_gzip

    return indexed_gzip.IndexedGzipFile(str(piece.file.path), index_file=piece.archive.index, spacing=SPACING, drop_handles=False)


class _Span(io.BytesIO):
    """Bytes [base, base + len) of a member, addressed by the member's offsets."""

    def __init__(self, data: bytes, base: int):
        super().__init__(data)
        self._base = base

    def seek(self, to: int, whence: int = 0) -> int:
        return super().seek(to - self._base if whence == 0 else to, whence) + self._base

    def tell(self) -> int:
        return super().tell() + self._base


def member_span(piece: Piece):
    """A function that opens the bytes of a piece of a member's records (from the
    archive's index seek point before them): what `splits.read_piece` reads."""
    a = piece.archive
    stop = a.size if a.member_last else piece.end_byte
    with _open_stream(piece) as handle:
        handle.seek(a.base + piece.start_byte)
        data = handle.read(stop - piece.start_byte)
    if len(data) != stop - piece.start_byte:
        raise EOFError(f"{piece.uri}: the archive ends before the piece does")
    return lambda: _Span(data, piece.start_byte)


def read_members(piece: Piece, max_member: int, max_total: int) -> Iterator[tuple[str, Member | RejectedMember]]:
    """The members of a piece of whole members, with their URIs, read from the first one's
    header by the whole-archive reader's rules (`readers.archives`)."""
    with _open_stream(piece) as handle:
        handle.seek(piece.start_byte)
        stop = None if piece.last else piece.end_byte
        members = tar_members_from(piece.file.path.name, handle, max_member, max_total, piece.start_byte, stop)
        uris = iter(piece.archive.uris)
        for member in members:
            uri = next(uris, None)
            if uri is None:
                raise Rejected("undecodable", f"{piece.uri}: more members than when it was cut")
            yield uri, member


__all__ = ["archive_kind", "cut_archive", "member_span", "prune_indexes", "read_members"]
