"""The file ledger: every input file the lake has taken in, by content hash.

A rerun hashes the source tree and skips every file whose sha256 the ledger already
holds, so an unchanged inbox costs one read per file and no parsing. The ledger is
a table of the lake (kind "state"): its rows are parts listed in each version's
manifest, so they are committed with the version or not at all, and a failed or
killed run never marks a file as done.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Callable, Collection, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from newslake.config import DEFAULT_IGNORE
from newslake.storage import file_sha256

STAT_CACHE = pa.schema([("source_uri", pa.string()), ("sha256", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64())])

@dataclass(frozen=True)
class SourceFile:
    path: Path
    uri: str  # path relative to the source folder, with forward slashes
    size: int
    sha256: str | None  # a stand-in (refusal_sha) when the file could not be read
    error: str | None = None
    mtime_ns: int = 0




def _ignored(name: str, ignore: Sequence[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in ignore)


@dataclass(frozen=True)
class Refused:
    """A path discovery does not read, and why: it becomes a quarantine item, never a silence."""

    path: Path
    why: str


def _node(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def walk(source: Path, ignore: Sequence[str] = DEFAULT_IGNORE, leave_out: Sequence[Path] = ()) -> Iterator[Path | Refused]:
    """Every file under `source`, in a stable order, less the ignored names (hidden
    files, and the licence notes that travel with a collection) and the folders
    `leave_out` (the lake's own, when it lies in its source: by device and inode, so
    under any name or link).

    A symbolic link to a folder is followed once: each folder (by device and inode) is
    read under one path only, real folders first, then links in name order. A link to
    a folder already read (a loop through an ancestor, or a second name for a folder)
    comes back as `Refused`, naming where that folder was read."""
    seen: dict[tuple[int, int], Path] = {}
    skip = {_node(p) for p in leave_out if p.is_dir()}
    links: list[Path] = []  # links to folders, still to follow
    yield from _walk_tree(source, ignore, seen, links, skip)
    while links:
        link = links.pop(0)
        try:
            node = _node(link)
        except OSError as exc:  # the target went away meanwhile: a dangling link
            yield Refused(link, f"{type(exc).__name__}: {exc.strerror or exc}")
            continue
        if node in skip:
            continue
        if node in seen:
            first = seen[node]
            name = first.relative_to(source).as_posix()
            if first == source or first in link.parents:
                yield Refused(link, f"symbolic link loop: links to its own ancestor folder '{name}'")
            else:
                yield Refused(link, f"link to a folder already read as '{name}': each folder is read once")
            continue
        yield from list(_walk_tree(link, ignore, seen, links, skip))  # whole, so that `links` is sorted again


def _walk_tree(top: Path, ignore: Sequence[str], seen: dict, links: list, skip: set) -> Iterator[Path]:
    """The files under `top` without following links to folders; those are queued in `links`."""
    seen.setdefault(_node(top), top)
    for root, dirs, files in os.walk(top):
        here = Path(root)
        real = []
        for d in sorted(d for d in dirs if not _ignored(d, ignore)):
            path = here / d
            if path.is_symlink():
                links.append(path)
            elif (node := _node(path)) not in skip:
                seen.setdefault(node, path)
                real.append(d)
        dirs[:] = real
        for name in sorted(files):
            if not _ignored(name, ignore):
                yield here / name
    links.sort()


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((what for test, what in _SPECIAL if test(mode)), "not a regular file")
    return f"{kind}, not a regular file"


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


SEPARATORS = "#!"  # "#" names a record inside a file, "!" a member inside an archive
_ESCAPE = "%" + SEPARATORS


def escape_name(name: str) -> str:
    """A file or member name as it goes into a URI: "%", "#" and "!" percent-encoded,
    so that a separator in a URI is always ours and a name cannot forge another item's
    URI (`bundle.zip!story.json` the file is `bundle.zip%21story.json`, never the member);
    a byte that is not UTF-8 (read by Python as a surrogate escape) is `%XX` too, so it
    cannot collide with a name that spells `\\xXX`. Every other character is kept, so
    ordinary names read as themselves."""
    if not any(ch in _ESCAPE or "\ud800" <= ch <= "\udfff" for ch in name):
        return name
    out = []
    for ch in name:
        if ch in _ESCAPE:
            out.append(f"%{ord(ch):02X}")
        elif "\udc80" <= ch <= "\udcff":  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"%{ord(ch) - 0xDC00:02X}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def uri_of(relative: str) -> str:
    """A path relative to the source (forward slashes) as the URI of the file."""
    return escape_name(relative)


def member_uri(archive_uri: str, name: str, ordinal: int = 1) -> str:
    """The URI of an archive member: the archive's, "!", the member's escaped name, and
    for the second and later members of one name (a tar may hold a name twice) "!<n>"."""
    return f"{archive_uri}!{escape_name(name)}" + (f"!{ordinal}" if ordinal > 1 else "")


def refusal_sha(uri: str, why: str) -> str:
    """A stand-in content hash for a path that could not be read: the same path refused
    for the same reason is unchanged in the next run (not quarantined again); once it
    reads, its real sha256 differs and it is taken in."""
    return hashlib.sha256(f"refused\0{uri}\0{why}".encode("utf-8")).hexdigest()


KnownHash = Callable[[str, int, int], "str | None"]


def discover(
    source: Path,
    ignore: Sequence[str] = DEFAULT_IGNORE,
    known: KnownHash | None = None,
    on_file: Callable[[], None] | None = None,
    leave_out: Sequence[Path] = (),
) -> list[SourceFile]:
    """Every file under `source` with its sha256; what cannot be read comes back with an
    error (a dangling link, a permission, a named pipe or device, a link to a folder
    already read), and a stand-in hash (`refusal_sha`).

    `known(uri, size, mtime_ns)` may answer a file's sha256 from the ledger: a file
    whose path, size and modification time are as recorded is not read again
    (the rule rsync and git use), which makes a rerun over an unchanged inbox cheap.
    Folders in `leave_out` are not looked into (see `walk`).
    """
    if not source.is_dir():
        raise FileNotFoundError(f"source folder not found: {source}")
    found = []
    for item in walk(source, ignore, leave_out):
        path = item.path if isinstance(item, Refused) else item
        uri = uri_of(path.relative_to(source).as_posix())
        found.append(_refused(path, uri, item.why) if isinstance(item, Refused) else _source_file(path, uri, known))
        if on_file is not None:
            on_file()
    return found


def lake_ground(source: Path, lake: Path) -> list[Path]:
    """The folders discovery of `source` leaves out for the lake at `lake`: the lake
    itself when it lies inside the source (its parts are not news, and reading them
    fed the lake its own files). A source inside the lake, or the lake itself, is
    refused (`ValueError`, one line): nothing there is news either."""
    real_source, real_lake = source.resolve(), lake.resolve()
    if real_source.is_relative_to(real_lake):
        where = "is the lake" if real_source == real_lake else f"lies inside the lake {lake}"
        raise ValueError(f"source folder {source} {where}: a lake's own files are not articles; choose a folder outside it")
    return [lake] if real_lake.is_relative_to(real_source) else []


def _refused(path: Path, uri: str, why: str) -> SourceFile:
    return SourceFile(path, uri, 0, refusal_sha(uri, why), why)


def _source_file(path: Path, uri: str, known: KnownHash | None) -> SourceFile:
    try:
        st = path.stat()
        special = _not_regular(st.st_mode)
        if special:  # never opened: reading a FIFO would block the run
            return _refused(path, uri, special)
        sha = known(uri, st.st_size, st.st_mtime_ns) if known else None
        return SourceFile(path, uri, st.st_size, sha or file_sha256(path), mtime_ns=st.st_mtime_ns)
    except OSError as exc:
        return _refused(path, uri, f"{type(exc).__name__}: {exc.strerror or exc}" + _link_note(path, exc))


def _link_note(path: Path, exc: OSError) -> str:
    if not path.is_symlink():
        return ""
    target = os.readlink(path)
    return f" (a symbolic link loop through '{target}')" if exc.errno == errno.ELOOP else f" (a dangling link to '{target}')"


@dataclass(frozen=True)
class Resume:
    """Where a file read in pieces stands: the pieces committed so far."""

    sha256: str
    end_byte: int  # where the next piece starts
    end_line: int  # the record it starts with (a line, a list item, a WARC record)
    items: int  # records of the committed pieces


SEGMENT = "segment"  # ledger outcome of one committed piece of a file (newslake.ingest.splits)
PIECES = "pieces"  # ledger outcome of a file read in pieces, once its last piece is committed
NOT_FILES = ("member", SEGMENT)  # ledger rows that are not files of the source


def segment_file(uri: str) -> str:
    """The file of a segment row (`big.jsonl#L2001-4000`, `list.json#item-0-1999`,
    `crawl.warc.gz#record-1-730`): all before the last "#" (a name's own "#" is escaped);
    for a piece of an archive (`export.tar.gz!big.jsonl#L1-2000`, `export.tar.gz#members-1-40`),
    the archive: all before the first "!" of that."""
    return uri.rsplit("#", 1)[0].split("!", 1)[0]


class Ledger:
    """What the lake has already ingested: the ledger rows of the current version,
    plus size+mtime hints that runs with nothing to publish keep in the stat cache.

    A file read in pieces has a segment row per committed piece, and a file row once
    its last piece is committed; until then it is partial, and `resume` says where."""

    def __init__(self, table: pa.Table, hints: pa.Table | None = None):
        self.table = table
        columns = table.select(["source_uri", "sha256", "size", "mtime_ns", "item_count", "outcome", "end_byte", "end_line"]).to_pydict()
        rows = list(zip(columns["source_uri"], columns["sha256"], columns["size"], columns["mtime_ns"], columns["item_count"],
                        columns["outcome"], columns["end_byte"], columns["end_line"]))
        files = [r for r in rows if r[5] != SEGMENT]
        segments: dict[str, Resume] = {}
        for uri, sha, _size, _mtime, items, outcome, end_byte, end_line in rows:
            if outcome == SEGMENT:
                file = segment_file(uri)
                was = segments.get(file)
                if was is None or was.sha256 != sha or end_byte > was.end_byte:
                    segments[file] = Resume(sha, end_byte, end_line, (was.items if was and was.sha256 == sha else 0) + (items or 0))
                else:
                    segments[file] = Resume(sha, was.end_byte, was.end_line, was.items + (items or 0))
        self._items = {sha: items for _uri, sha, _s, _m, items, outcome, _b, _l in files if outcome != PIECES}
        for uri, sha, _s, _m, _items, outcome, _b, _l in files:
            if outcome == PIECES:
                self._items[sha] = segments[uri].items if uri in segments else 0
        self._by_uri = {uri: (sha, size, mtime) for uri, sha, size, mtime, *_ in files}
        self._files = [uri for uri, *_rest, outcome, _b, _l in files if outcome != "member"]
        complete = set(self._by_uri)
        self._partial = {uri: r for uri, r in segments.items() if uri not in complete}
        self._files += sorted(self._partial)
        self._hints: dict[str, tuple[str, int, int]] = {}
        if hints is not None and hints.num_rows:
            h = hints.to_pydict()
            self._hints = {u: (sha, size, mtime) for u, sha, size, mtime in zip(h["source_uri"], h["sha256"], h["size"], h["mtime_ns"])}

    def __len__(self) -> int:
        return self.table.num_rows

    def seen(self, sha256: str | None) -> bool:
        return sha256 is not None and sha256 in self._items

    def items_of(self, sha256: str) -> int:
        return self._items[sha256]

    def known_sha(self, uri: str, size: int, mtime_ns: int) -> str | None:
        """The recorded sha256 of `uri` if its size and mtime are unchanged."""
        for entry in (self._by_uri.get(uri), self._hints.get(uri)):
            if entry and entry[1] == size and entry[2] == mtime_ns:
                return entry[0]
        return None

    def changed(self, uri: str, sha256: str | None) -> bool:
        """True when `uri` was ingested before (whole, or some of its pieces) with other content."""
        entry = self._by_uri.get(uri)
        partial = self._partial.get(uri)
        return (entry is not None and entry[0] != sha256) or (partial is not None and partial.sha256 != sha256)

    def resume(self, uri: str, sha256: str | None) -> Resume | None:
        """Where to go on reading `uri`, when earlier runs committed some of its pieces
        and its content is the same."""
        partial = self._partial.get(uri)
        return partial if partial is not None and partial.sha256 == sha256 else None

    def recorded(self, uri: str) -> bool:
        return uri in self._by_uri

    def missing(self, discovered: set[str]) -> list[str]:
        """Files the ledger holds that discovery no longer finds: deleted from the source."""
        return sorted(uri for uri in self._files if uri not in discovered)

    def stale(self, unchanged: Sequence[SourceFile]) -> list[SourceFile]:
        """Unchanged files whose recorded path, size or mtime differ from what is on disk."""
        return [f for f in unchanged if self._by_uri.get(f.uri, (None, None, None))[1:] != (f.size, f.mtime_ns)]

    def refreshed(self, unchanged: Sequence[SourceFile]) -> list[dict]:
        """Ledger rows for unchanged files seen under a new path or modification time, so
        the next run can trust them without reading them again."""
        stale = self.stale(unchanged)
        if not stale:
            return []
        wanted = {f.sha256 for f in stale}
        first_by_sha: dict[str, dict] = {}
        files = self.table.filter(pc.invert(pc.fill_null(pc.equal(self.table.column("outcome"), SEGMENT), False)))
        for row in files.filter(pc.is_in(files.column("sha256"), value_set=pa.array(sorted(wanted)))).to_pylist():
            first_by_sha.setdefault(row["sha256"], row)
        rows = []
        for f in stale:
            first = first_by_sha[f.sha256]
            rows.append({**first, "source_uri": f.uri, "size": f.size, "mtime_ns": f.mtime_ns})
            if first["outcome"] == PIECES and first["source_uri"] != f.uri:  # its segments, under the new name
                rows += [
                    {**seg, "source_uri": f.uri + seg["source_uri"][len(first["source_uri"]):], "mtime_ns": f.mtime_ns}
                    for seg in self._segments_of(first["source_uri"], f.sha256)
                ]
        return rows

    def _segments_of(self, uri: str, sha256: str) -> list[dict]:
        segments = self.table.filter(pc.fill_null(pc.equal(self.table.column("outcome"), SEGMENT), False))
        return [r for r in segments.to_pylist() if r["sha256"] == sha256 and segment_file(r["source_uri"]) == uri]

    def entries(self, uris: set[str]) -> list[dict]:
        """The ledger rows of these files and of their archive members."""
        if not uris:
            return []
        return self.table.filter(in_files(self.table.column("source_uri").to_pylist(), uris)).to_pylist()

    def holders(self, article_ids: set[str], files: Sequence[SourceFile]) -> dict[str, set[str]]:
        """Which of `files` (unchanged ones) hold which of `article_ids`, by content: a
        file with the sha256 of a ledger entry holds that entry's articles, whatever
        its name (a copy, or the same file moved)."""
        found: dict[str, set[str]] = {}
        if not article_ids:
            return found
        by_sha: dict[str, set[str]] = {}
        for sha, ids in zip(self.table.column("sha256").to_pylist(), self.table.column("article_ids").to_pylist()):
            if sha and ids:
                by_sha.setdefault(sha, set()).update(ids)
        for f in files:
            hit = article_ids.intersection(by_sha.get(f.sha256, ()))
            if hit:
                found[f.uri] = hit
        return found


FILE_PART_SQL = "split_part(split_part({column}, '#', 1), '!', 1)"  # file_part, in DuckDB


def file_part(uri: str) -> str:
    """The file a ledger or article URI belongs to: less any '#part' and '!archive member'.
    Exact for every URI this code writes (names escape both separators)."""
    return uri.split("#", 1)[0].split("!", 1)[0]


def owner_in(uri: str, files: Collection[str]) -> str | None:
    """Which of `files` (file URIs) `uri` belongs to: the file itself, or a record or
    member of it. Unlike `file_part` this also places the rows of lakes written before
    names were escaped (`a#b.jsonl#L3` belongs to the file `a#b.jsonl`), so such a file,
    now under its escaped URI, is taken as moved: its old rows go, nothing is doubled."""
    if uri in files:
        return uri
    for i, ch in enumerate(uri):
        if ch in SEPARATORS and uri[:i] in files:
            return uri[:i]
    return None


def in_files(uris: Sequence[str], files: Collection[str]) -> pa.Array:
    """A mask: which of `uris` belong to one of `files` (see `owner_in`)."""
    files = set(files)
    return pa.array([owner_in(u, files) is not None for u in uris], pa.bool_())


def sql_prefilter(files: Collection[str]) -> set[str]:
    """Values for `FILE_PART_SQL in (...)` that find every part holding a row of `files`
    (a superset when old unescaped URIs share a prefix; `in_files` then decides)."""
    return {file_part(f) for f in files}
