"""Compressed inputs: `.gz` (one file), `.zip`, `.tar`, `.tar.gz` / `.tgz`, as members.

Pure functions over the bytes given; nothing touches the file system.

    for item in iter_members(name, data, max_member_bytes, max_total_bytes):
        if isinstance(item, Member):        # a file to read: read_document(item.name, item.data)
            ...
        else:                               # RejectedMember: this member only is quarantined
            item.name, item.rejection
    # Rejected raised by the iteration: the archive as a whole is bad (see below); members
    # already yielded stay valid.

What is yielded, in archive order:
- `Member(name, data)` for every regular file. `name` is the member's path inside the
  archive (leading "./" removed; for a `.gz`, the file's own name minus ".gz").
  Directories, hidden members (any path part starting with ".", which covers macOS
  "._x" files and ".DS_Store") and macOS `__MACOSX/` junk are skipped silently: they
  are not items.
- `RejectedMember(name, Rejection)` for a member that cannot be read on its own:
  "refused_member" for a member no extractor should trust, whatever it holds: an
  absolute path ("/etc/x", "C:/x"), a path that climbs out of the archive ("../x"), a
  symbolic or hard link, a device or a FIFO (nothing is ever extracted to disk, but
  such a member is a sign of a hostile or broken archive, and it is named, not
  dropped); "too_large" when it is larger than `max_member_bytes`, judged by its declared size
  AND by counting while decompressing (a lying header cannot get past); "undecodable"
  when its compressed data is corrupt (zip CRC/zlib error); "unreadable" when encrypted.
- Nested archives are NOT opened: a `.zip` inside a `.tar.gz` is yielded as a plain
  `Member` and `read_document` quarantines it as "unsupported_type". (`*.warc.gz` is not
  an archive anywhere: it is a WARC, read whole by the WARC reader.)

What raises `Rejected` (the archive itself is bad):
- "undecodable": "corrupt zip: ...", "corrupt tar: ...", "corrupt gzip: ..." (not an
  archive of that kind, or damaged/truncated). Members before the damage were yielded.
- "too_large": the members yielded so far would add up to more than `max_total_bytes`
  (zip bomb of many small members). For `.tar.gz` the cap also applies to the expanded
  tar stream itself (headers and members skipped for size included), since reading past
  a member means decompressing it.

`scan(name, handle, ...)` walks a `.gz`, `.tar` or `.tar.gz` by the same rules without
holding a member: each `Entry` says where the member's header and data start in the
decompressed stream and hands its data as a stream, read block by block from the file.
It is the pass that cuts a large archive into pieces (`newslake.ingest.archive_pieces`),
whose pieces of whole members are read again by these rules from a member's header on.
"""

from __future__ import annotations

import io
import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO, Iterator

from newslake.readers.base import Rejected, Rejection

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".gz")
NOT_ARCHIVES = (".warc.gz",)  # gzip-compressed, but a format of its own
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


@dataclass(frozen=True)
class RejectedMember:
    name: str
    rejection: Rejection


def is_archive(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(ARCHIVE_SUFFIXES) and not lowered.endswith(NOT_ARCHIVES)


def _kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    for kind in ("zip", "tar", "gz"):
        if lowered.endswith("." + kind):
            return kind
    raise ValueError(f"not an archive name: {name!r}")


def _clean_name(raw: str) -> str:
    name = raw.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


_DRIVE = re.compile(r"^[A-Za-z]:/")


def unsafe_path(name: str) -> str | None:
    """Why a member's path (slashes already forward) must not be trusted, or None."""
    if name.startswith("/") or _DRIVE.match(name):
        return "has an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive (path traversal)"
    return None


def _refused(name: str, why: str) -> RejectedMember:
    return RejectedMember(name, Rejection("refused_member", f"archive member '{name}' {why}"))


_KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}


def _zip_refusal(info: zipfile.ZipInfo, name: str) -> str | None:
    why = unsafe_path(name)
    if why:
        return why
    mode = info.external_attr >> 16  # Unix mode bits, when the archiver stored them
    kind = _KINDS.get(stat.S_IFMT(mode)) if mode else None
    return f"is {kind}, not a regular file" if kind else None


def _tar_refusal(info: tarfile.TarInfo, name: str) -> str | None:
    why = unsafe_path(name)
    if why:
        return why
    if info.issym():
        return f"is a symbolic link to '{info.linkname}', not a regular file"
    if info.islnk():
        return f"is a hard link to '{info.linkname}', not a regular file"
    if info.ischr() or info.isblk():
        return f"is a {'character' if info.ischr() else 'block'} device, not a regular file"
    if info.isfifo():
        return "is a FIFO, not a regular file"
    if not info.isfile() and not info.isdir():
        return f"is of tar type {info.type!r}, not a regular file"
    return None


def _skipped(name: str) -> bool:
    parts = [p for p in name.split("/") if p]
    return not parts or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _too_large(name: str, size: int | str, limit: int) -> RejectedMember:
    return RejectedMember(name, Rejection("too_large", f"archive member '{name}' is {size} bytes, over the {limit}-byte limit"))


def _read_capped(stream, limit: int) -> bytes | None:
    """Read a stream to its end, or None as soon as it yields more than `limit` bytes."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)


class _Budget:
    """The running total of yielded member bytes against max_total_bytes."""

    def __init__(self, archive: str, limit: int):
        self.archive, self.limit, self.used, self.members = archive, limit, 0, 0

    def take(self, member: Member) -> Member:
        self.used += len(member.data)
        if self.used > self.limit:
            raise Rejected(
                "too_large",
                f"archive '{self.archive}' expands beyond {self.limit} bytes after {self.members} members",
            )
        self.members += 1
        return member


class _GunzipStream(io.RawIOBase):
    """A gzip stream (any number of members) decompressed on demand, at most `limit` bytes;
    from bytes, or from a file read a block at a time (a scan, see `scan`)."""

    def __init__(self, source: bytes | BinaryIO, limit: int, what: str):
        self._src = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
        self._tail = b""  # compressed bytes read and not yet taken by the decompressor
        self._limit, self._what = limit, what
        self._out = 0
        self._pending = b""
        self._decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = size if size is not None and size >= 0 else 1 << 62
        out = []
        got = 0
        while got < want:
            if self._pending:
                piece, self._pending = self._pending[: want - got], self._pending[want - got:]
                out.append(piece)
                got += len(piece)
                continue
            if self._done:
                break
            self._fill()
        return b"".join(out)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _fill(self) -> None:
        try:
            if self._decomp.eof:  # a gzip member ended: another may follow, or NUL padding
                rest, padding = self._decomp.unused_data + self._tail, b""
                while not rest.strip(b"\x00"):
                    padding = padding[-1:] + rest[-1:]
                    rest = self._src.read(_CHUNK)
                    if not rest:
                        self._done = True
                        return
                self._decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._tail = padding + rest  # padding then data: not a gzip member, as zlib will say
            if not self._tail:
                self._tail = self._src.read(_CHUNK)
                if not self._tail:
                    raise Rejected("undecodable", f"corrupt gzip: {self._what} is truncated")
            produced = self._decomp.decompress(self._tail, _CHUNK * 4)
            self._tail = self._decomp.unconsumed_tail  # input it could not take yet
        except zlib.error as exc:
            raise Rejected("undecodable", f"corrupt gzip: {self._what}: {exc}") from exc
        self._out += len(produced)
        if self._out > self._limit:
            raise _Overflow(self._limit)
        self._pending = produced


class _Overflow(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def _iter_gz(name: str, data: bytes, max_member: int, budget: _Budget) -> Iterator[Member | RejectedMember]:
    member_name = member_name_of_gz(name)
    stream = _GunzipStream(data, max_member, name)
    try:
        content = stream.read()
    except _Overflow:
        yield _too_large(member_name, f"more than {max_member}", max_member)
        return
    yield budget.take(Member(member_name, content))


def _iter_zip(name: str, data: bytes, max_member: int, budget: _Budget) -> Iterator[Member | RejectedMember]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejected("undecodable", f"corrupt zip: {exc}") from exc
    with archive:
        for info in archive.infolist():
            member = _clean_name(info.filename)
            refusal = _zip_refusal(info, member)
            if refusal:
                yield _refused(member, refusal)
                continue
            if info.is_dir() or _skipped(member):
                continue
            if info.file_size > max_member:
                yield _too_large(member, info.file_size, max_member)
                continue
            try:
                with archive.open(info) as stream:
                    content = _read_capped(stream, max_member)
            except RuntimeError as exc:  # encrypted
                yield RejectedMember(member, Rejection("unreadable", f"archive member '{member}': {exc}"))
                continue
            except NotImplementedError as exc:  # unsupported compression method
                yield RejectedMember(member, Rejection("unreadable", f"archive member '{member}': {exc}"))
                continue
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
                yield RejectedMember(member, Rejection("undecodable", f"corrupt zip member '{member}': {exc}"))
                continue
            if content is None:
                yield _too_large(member, f"more than {max_member}", max_member)
                continue
            yield budget.take(Member(member, content))


def _tar_verdict(info: tarfile.TarInfo, member: str, max_member: int) -> RejectedMember | bool:
    """A tar entry's fate before its data is read: refused or too large (a `RejectedMember`),
    skipped silently (False), or to be read (True)."""
    refusal = _tar_refusal(info, member)
    if refusal:
        return _refused(member, refusal)
    if not info.isfile() or _skipped(member):
        return False
    if info.size > max_member:
        return _too_large(member, info.size, max_member)
    return True


def _iter_tar(archive: tarfile.TarFile, max_member: int, budget: _Budget, infos=None) -> Iterator[Member | RejectedMember]:
    for info in archive if infos is None else infos:
        member = _clean_name(info.name)
        verdict = _tar_verdict(info, member, max_member)
        if verdict is not True:
            if verdict is not False:
                yield verdict
            continue
        stream = archive.extractfile(info)
        content = _read_capped(stream, max_member) if stream is not None else b""
        if content is None:
            yield _too_large(member, f"more than {max_member}", max_member)
            continue
        if len(content) < info.size:
            raise Rejected("undecodable", f"corrupt tar: member '{member}' is cut short")
        yield budget.take(Member(member, content))


def iter_members(
    name: str, data: bytes, max_member_bytes: int, max_total_bytes: int
) -> Iterator[Member | RejectedMember]:
    """The files inside the archive `name` (whose bytes are `data`); see the module doc."""
    kind = _kind(name)
    budget = _Budget(name, max_total_bytes)
    if kind == "gz":
        yield from _iter_gz(name, data, max_member_bytes, budget)
    elif kind == "zip":
        yield from _iter_zip(name, data, max_member_bytes, budget)
    else:
        fileobj = _GunzipStream(data, max_total_bytes, name) if kind == "tar.gz" else io.BytesIO(data)
        yield from _tar_members(name, fileobj, max_member_bytes, budget)


def _tar_members(name: str, fileobj, max_member: int, budget: _Budget, stop: int | None = None, base: int = 0) -> Iterator[Member | RejectedMember]:
    """The members of the tar stream `fileobj`, read as a stream (members in order, no
    seeking back); those whose header starts before `stop` (an offset of the stream that
    `fileobj` starts at `base` of), or all."""
    try:
        with tarfile.open(fileobj=fileobj, mode="r|") as archive:
            yield from _iter_tar(archive, max_member, budget, None if stop is None else _until(archive, stop - base))
    except _Overflow as exc:
        raise Rejected("too_large", f"archive '{name}' expands beyond {exc.limit} bytes") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise Rejected("undecodable", f"corrupt tar: {exc}") from exc


def tar_members_from(name: str, fileobj, max_member_bytes: int, max_total_bytes: int, start: int, stop: int | None) -> Iterator[Member | RejectedMember]:
    """The members of the tar stream whose headers start in [start, stop) of the stream
    (`fileobj` is positioned at `start`, a member's header; stop None: to the end), by
    `iter_members'` rules: a piece of whole members (`newslake.ingest.archive_pieces`)."""
    yield from _tar_members(name, fileobj, max_member_bytes, _Budget(name, max_total_bytes), stop=stop, base=start)


def archive_kind(name: str) -> str:
    """"gz", "zip", "tar" or "tar.gz" (a `.tgz` too), by the name; ValueError for another."""
    return _kind(name)


def _until(archive: tarfile.TarFile, stop: int) -> Iterator[tarfile.TarInfo]:
    for info in archive:
        if info.offset >= stop:
            return
        yield info


def member_name_of_gz(name: str) -> str:
    """The one member of a `.gz`: the file's own name minus ".gz"."""
    base = PurePosixPath(name.replace("\\", "/")).name
    return base[:-3] if base.lower().endswith(".gz") else base


@dataclass
class Entry:
    """An archive entry as `scan` meets it. `stream` (a member to read) must be read to
    its end, or as far as wanted, before the scan goes on; `header` and `offset` are
    where its header and its data start in the decompressed stream (0 for a `.gz`)."""

    name: str
    header: int
    offset: int
    size: int  # as declared; -1 for a `.gz`, whose size is known once read
    rejected: RejectedMember | None = None
    stream: "_Counted | None" = None


class _Counted(io.RawIOBase):
    """A member's data as read: counted, and cut off (`over`) past `limit` bytes."""

    def __init__(self, stream, limit: int):
        self._stream, self._limit, self.count, self.over = stream, limit, 0, False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.over:
            return b""
        try:
            data = self._stream.read(_CHUNK if size is None or size < 0 else size)
        except _Overflow:  # a .gz member past its limit
            self.over = True
            return b""
        self.count += len(data)
        if self.count > self._limit:
            self.over = True
            return b""
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def scan(name: str, handle: BinaryIO, max_member_bytes: int, max_total_bytes: int) -> Iterator[Entry]:
    """The entries of the `.gz`, `.tar` or `.tar.gz` archive open as `handle`, as one pass
    over its decompressed stream meets them, with no member held in memory: what a
    plan needs to cut an archive's members into pieces. The rules are `iter_members'`
    (a `RejectedMember` as `rejected`; silent skips are not yielded), and the same
    `Rejected` stops the scan; an entry whose data comes out larger than the limit while
    read has `stream.over` set: `iter_members` names it too_large."""
    kind = _kind(name)
    if kind == "zip":
        raise ValueError("a zip is not scanned: its deflated members cannot be entered in the middle")
    if kind == "gz":
        stream = _Counted(_GunzipStream(handle, max_member_bytes + 1, name), max_member_bytes)
        try:
            yield Entry(member_name_of_gz(name), 0, 0, -1, stream=stream)
            stream.read()  # the rest, so that damage after what was wanted is found
            while stream.read():
                pass
        except _Overflow:
            pass  # `over` is set: more than the member limit
        if stream.count > max_total_bytes:
            raise Rejected("too_large", f"archive '{name}' expands beyond {max_total_bytes} bytes after 0 members")
        return
    fileobj = _GunzipStream(handle, max_total_bytes, name) if kind == "tar.gz" else handle
    used = 0
    try:
        with tarfile.open(fileobj=fileobj, mode="r|") as archive:
            for info in archive:
                member = _clean_name(info.name)
                verdict = _tar_verdict(info, member, max_member_bytes)
                if verdict is False:
                    continue
                if verdict is not True:
                    yield Entry(member, info.offset, info.offset_data, info.size, rejected=verdict)
                    continue
                counted = _Counted(archive.extractfile(info), max_member_bytes)
                yield Entry(member, info.offset, info.offset_data, info.size, stream=counted)
                while counted.read():
                    pass
                if counted.over:
                    continue
                if counted.count < info.size:
                    raise Rejected("undecodable", f"corrupt tar: member '{member}' is cut short")
                used += counted.count
                if used > max_total_bytes:
                    raise Rejected("too_large", f"archive '{name}' expands beyond {max_total_bytes} bytes")
    except _Overflow as exc:
        raise Rejected("too_large", f"archive '{name}' expands beyond {exc.limit} bytes") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise Rejected("undecodable", f"corrupt tar: {exc}") from exc


__all__ = ["Entry", "Member", "RejectedMember", "archive_kind", "is_archive", "iter_members", "scan", "tar_members_from"]
