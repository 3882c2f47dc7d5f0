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
from typing import Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.storage import atomic_write_parquet, file_sha256

LEDGER_SCHEMA = pa.schema(
    [
        ("source_uri", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("outcome", pa.string()),  # article | quarantined | mixed
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


def discover(source: Path, ignore: Sequence[str] = DEFAULT_IGNORE) -> list[SourceFile]:
    """Hash every file under `source`; unreadable files are returned with an error, not raised."""
    if not source.is_dir():
        raise FileNotFoundError(f"source folder not found: {source}")
    found = []
    for path in walk(source, ignore):
        uri = path.relative_to(source).as_posix()
        try:
            size = path.stat().st_size
            found.append(SourceFile(path, uri, size, file_sha256(path)))
        except OSError as exc:
            found.append(SourceFile(path, uri, 0, None, f"{type(exc).__name__}: {exc.strerror or exc}"))
    return found


class Ledger:
    """What the lake has already ingested, kept as one Parquet file."""

    def __init__(self, path: Path):
        self.path = path
        self.table = pq.read_table(path) if path.exists() else LEDGER_SCHEMA.empty_table()
        self._items = dict(
            zip(self.table.column("sha256").to_pylist(), self.table.column("item_count").to_pylist())
        )

    def __len__(self) -> int:
        return self.table.num_rows

    def seen(self, sha256: str | None) -> bool:
        return sha256 is not None and sha256 in self._items

    def items_of(self, sha256: str) -> int:
        return self._items[sha256]

    def with_entries(self, rows: list[dict]) -> pa.Table:
        """The ledger plus `rows`, as a table ready to commit."""
        added = pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA) if rows else LEDGER_SCHEMA.empty_table()
        return pa.concat_tables([self.table, added])

    def commit(self, table: pa.Table) -> None:
        atomic_write_parquet(table, self.path)
