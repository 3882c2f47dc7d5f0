"""Versions of the published datasets, and the one atomic step that makes one current.

Layout of a lake:
    state/ledger.parquet        files already ingested (see ledger.py)
    state/runs.parquet          one row per run, failed ones included
    state/dedup/<run>.parquet   MinHash signatures of canonical articles (near-duplicate index)
    runs/<run_id>/              what a run left for people: validation results
    published/vNNNNNN/          <table>/part-0.parquet, manifest.json, _SUCCESS
    published/current           symlink to the current version
    warehouse.duckdb            analyst views over published/current

A version is built in a hidden staging folder, completed with `_SUCCESS`, renamed
into place, and only then is `current` switched by renaming a new symlink over
the old one. A reader therefore sees the old version or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.storage import atomic_write_json, file_sha256

VERSION = re.compile(r"^v(\d{6})$")
PART = "part-0.parquet"


@dataclass(frozen=True)
class Lake:
    root: Path

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def current(self) -> Path:
        return self.published / "current"

    @property
    def ledger_path(self) -> Path:
        return self.root / "state" / "ledger.parquet"

    @property
    def runs_path(self) -> Path:
        return self.root / "state" / "runs.parquet"

    @property
    def dedup_dir(self) -> Path:
        return self.root / "state" / "dedup"

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / run_id

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.published.is_dir():
            return []
        found = [p.name for p in self.published.iterdir() if VERSION.match(p.name) and (p / "_SUCCESS").exists()]
        return sorted(found)

    def current_version(self) -> str | None:
        if not self.current.is_symlink():
            return None
        return Path(os.readlink(self.current)).name

    def read_current(self, table: str, schema: pa.Schema) -> pa.Table:
        """A table of the current version, or an empty one with the contract's schema."""
        folder = self.current / table
        if not folder.is_dir():
            return schema.empty_table()
        parts = sorted(folder.glob("*.parquet"))
        if not parts:
            return schema.empty_table()
        return pa.concat_tables(pq.read_table(p).cast(schema) for p in parts)

    def manifest(self, version: str | None = None) -> dict | None:
        version = version or self.current_version()
        if version is None:
            return None
        path = self.published / version / "manifest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def next_version(self) -> str:
        numbers = [int(m.group(1)) for p in self._all_version_dirs() if (m := VERSION.match(p.name))]
        return f"v{max(numbers, default=0) + 1:06d}"

    def _all_version_dirs(self) -> list[Path]:
        if not self.published.is_dir():
            return []
        return [p for p in self.published.iterdir() if p.is_dir() and not p.is_symlink()]


def _link_or_keep(new_file: Path, previous_file: Path | None, previous_digest: str | None) -> str:
    """Hard-link an unchanged part to the previous version's copy; return its sha256.

    The previous digest comes from its manifest, so the old file is not read again."""
    digest = file_sha256(new_file)
    if previous_file is not None and previous_digest == digest and previous_file.exists():
        tmp = new_file.with_suffix(".link")
        try:
            os.link(previous_file, tmp)
            os.replace(tmp, new_file)
        except OSError:
            tmp.unlink(missing_ok=True)  # a filesystem without hard links keeps the copy
    return digest


def publish_version(
    lake: Lake,
    tables: dict[str, pa.Table],
    *,
    run_id: str,
    validation: dict,
    keep: int = 10,
    version: str | None = None,
) -> str:
    """Write `tables` as a new version, make it current, prune old ones. Returns its name."""
    lake.published.mkdir(parents=True, exist_ok=True)
    if version and _published_by(lake, version, run_id):  # a retry after the rename: finish the switch
        switch_current(lake, version)
        return version
    for leftover in lake.published.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # from a run that was killed mid-write
    version = version or lake.next_version()
    previous = lake.current.resolve() if lake.current_version() else None
    previous_digests = {
        entry["path"]: entry["sha256"]
        for table in ((lake.manifest(previous.name) or {}).get("tables", {}).values() if previous else [])
        for entry in table["files"]
    }
    staging = lake.published / f".staging-{version}"
    staging.mkdir()
    manifest_tables = {}
    for name, table in sorted(tables.items()):
        folder = staging / name
        folder.mkdir()
        part = folder / PART
        pq.write_table(table, part, compression="zstd")
        old = previous / name / PART if previous else None
        digest = _link_or_keep(part, old, previous_digests.get(f"{name}/{PART}"))
        manifest_tables[name] = {
            "rows": table.num_rows,
            "schema": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in table.schema],
            "files": [{"path": f"{name}/{PART}", "sha256": digest, "bytes": part.stat().st_size}],
        }
    atomic_write_json(
        {
            "version": version,
            "run_id": run_id,
            "created_at": datetime.now(timezone.utc).isoformat(),
            "previous_version": previous.name if previous else None,
            "tables": manifest_tables,
            "validation": validation,
        },
        staging / "manifest.json",
    )
    (staging / "_SUCCESS").write_text("")
    final = lake.published / version
    os.rename(staging, final)
    switch_current(lake, version)
    prune(lake, keep)
    return version


def _published_by(lake: Lake, version: str, run_id: str) -> bool:
    if not (lake.published / version / "_SUCCESS").exists():
        return False
    manifest = lake.manifest(version)
    return manifest is not None and manifest.get("run_id") == run_id


def switch_current(lake: Lake, version: str) -> None:
    """Point `current` at `version` with one rename: never a moment without `current`."""
    tmp = lake.published / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(version, tmp)
    os.replace(tmp, lake.current)


def prune(lake: Lake, keep: int) -> list[str]:
    current = lake.current_version()
    complete = lake.versions()
    doomed = [v for v in complete[:-keep] if v != current] if keep > 0 else []
    for version in doomed:
        shutil.rmtree(lake.published / version, ignore_errors=True)
    return doomed
