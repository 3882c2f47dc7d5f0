"""The file ledger: every input file the lake has taken in, by content hash.

A rerun hashes the source tree and skips every file whose sha256 the ledger already
holds, so an unchanged inbox costs one read per file and no parsing. The ledger is
committed only together with a published version (see `publish`), so a failed or
killed run never marks a file as done.
"""

from __future__ import annotations

import os
from fnmatch import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newslake.storage import atomic_write_parquet, file_sha256

LEDGER_SCHEMA = pa.schema(
    [
        ("source_uri", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),  # with size, lets a rerun trust the recorded sha256 without reading
        ("outcome", pa.string()),  # article | quarantined | mixed | archive
        ("item_count", pa.int32()),  # records the file held (1 for a one-article file)
        ("run_id", pa.string()),
    ]
)

@dataclass(frozen=True)
class SourceFile:
    path: Path
    uri: str  # path relative to the source folder, with forward slashes
    size: int
    sha256: str | None  # None when the file could not be read
    error: str | None = None
    mtime_ns: int = 0


DEFAULT_IGNORE = (".*", "ATTRIBUTION.md", "README*", "LICENSE*")


def _ignored(name: str, ignore: Sequence[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in ignore)


def walk(source: Path, ignore: Sequence[str] = DEFAULT_IGNORE) -> Iterator[Path]:
    """Every regular file under `source`, in a stable order, less the ignored names
    (hidden files, and the licence notes that travel with a collection)."""
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not _ignored(d, ignore))
        for name in sorted(files):
            if not _ignored(name, ignore):
                yield Path(root) / name


KnownHash = Callable[[str, int, int], "str | None"]


def discover(source: Path, ignore: Sequence[str] = DEFAULT_IGNORE, known: KnownHash | None = None) -> list[SourceFile]:
    """Every file under `source` with its sha256; unreadable files come back with an error.

    `known(uri, size, mtime_ns)` may answer a file's sha256 from the ledger: a file
    whose path, size and modification time are as recorded is not read again
    (the rule rsync and git use), which makes a rerun over an unchanged inbox cheap.
    """
    if not source.is_dir():
        raise FileNotFoundError(f"source folder not found: {source}")
    found = []
    for path in walk(source, ignore):
        uri = path.relative_to(source).as_posix()
        try:
            stat = path.stat()
            sha = known(uri, stat.st_size, stat.st_mtime_ns) if known else None
            found.append(SourceFile(path, uri, stat.st_size, sha or file_sha256(path), mtime_ns=stat.st_mtime_ns))
        except OSError as exc:
            found.append(SourceFile(path, uri, 0, None, f"{type(exc).__name__}: {exc.strerror or exc}"))
    return found


class Ledger:
    """What the lake has already ingested, kept as one Parquet file."""

    def __init__(self, path: Path):
        self.path = path
        self.table = pq.read_table(path) if path.exists() else LEDGER_SCHEMA.empty_table()
        columns = self.table.select(["source_uri", "sha256", "size", "mtime_ns", "item_count"]).to_pydict()
        self._items = dict(zip(columns["sha256"], columns["item_count"]))
        self._by_uri = {
            uri: (sha, size, mtime)
            for uri, sha, size, mtime in zip(columns["source_uri"], columns["sha256"], columns["size"], columns["mtime_ns"])
        }

    def __len__(self) -> int:
        return self.table.num_rows

    def seen(self, sha256: str | None) -> bool:
        return sha256 is not None and sha256 in self._items

    def items_of(self, sha256: str) -> int:
        return self._items[sha256]

    def known_sha(self, uri: str, size: int, mtime_ns: int) -> str | None:
        """The recorded sha256 of `uri` if its size and mtime are unchanged."""
        entry = self._by_uri.get(uri)
        return entry[0] if entry and entry[1] == size and entry[2] == mtime_ns else None

    def changed(self, uri: str, sha256: str | None) -> bool:
        """True when `uri` was ingested before with other content."""
        entry = self._by_uri.get(uri)
        return entry is not None and entry[0] != sha256

    def refreshed(self, unchanged: Sequence[SourceFile]) -> list[dict]:
        """Rows for unchanged files seen under a new path or modification time, so the
        next run can trust them without reading them again."""
        stale = [f for f in unchanged if self.known_sha(f.uri, f.size, f.mtime_ns) is None]
        if not stale:
            return []
        first_by_sha = {}
        for row in self.table.to_pylist():
            first_by_sha.setdefault(row["sha256"], row)
        return [
            {**first_by_sha[f.sha256], "source_uri": f.uri, "size": f.size, "mtime_ns": f.mtime_ns}
            for f in stale
        ]

    def with_entries(self, rows: list[dict]) -> pa.Table:
        """The ledger with `rows` replacing any earlier rows of the same URIs."""
        if not rows:
            return self.table
        added = pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA)
        replaced = pa.array({row["source_uri"] for row in rows}, pa.string())
        kept = self.table.filter(pc.invert(pc.is_in(self.table.column("source_uri"), value_set=replaced)))
        return pa.concat_tables([kept, added])

    def commit(self, table: pa.Table) -> None:
        atomic_write_parquet(table, self.path)
