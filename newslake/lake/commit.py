"""The one commit: a run's parts become a version together, or not at all.

A `Transaction` starts from the current version's manifest and records which
parts each table gains and loses. `commit` then

1. stages `published/.staging-vN-<pid>/`: hard links to every part of the version
   (so a glob over the folder reads exactly this version) and `manifest.json`;
2. renames it to `published/vN` (atomic): the version now exists, complete;
3. switches `published/current` to it by renaming a new symlink over the old one.

A kill before step 2 leaves only files nobody lists (garbage, collected by the
next run); between 2 and 3 a complete version that the next run makes current
(`recover`, "roll forward"); after 3 a run whose log row and warehouse the next
run writes. Readers see the old version or the new one, never a mix.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa

from newslake.failpoints import failpoint
from newslake.lake import runs_log
from newslake.lake.ground import contained, part_file, remove_ours, remove_version_folder, spill_file
from newslake.lake.layout import MANIFEST, Lake, LakeError, Manifest, Part, TableState, link_path
from newslake.storage import atomic_write_json, fsync_dir, make_dirs, touch, writing


def schema_fields(schema: pa.Schema) -> list[dict]:
    """The manifest's copy of a contract, so a consumer holding only a version folder
    knows what each column means and whether it can be null. Older readers of a
    manifest ignore the description key, so the format version stays."""
    fields = []
    for f in schema:
        entry = {"name": f.name, "type": str(f.type), "nullable": f.nullable}
        if f.metadata and b"description" in f.metadata:
            entry["description"] = f.metadata[b"description"].decode("utf-8")
        fields.append(entry)
    return fields


@dataclass
class Transaction:
    """The next version of a lake, assembled part by part."""

    lake: Lake
    base: Manifest | None
    run_id: str
    version: str
    tables: dict[str, TableState] = field(default_factory=dict)
    added: dict[str, list[Part]] = field(default_factory=dict)
    dropped: dict[str, list[Part]] = field(default_factory=dict)
    schemas: dict[str, pa.Schema] = field(default_factory=dict)
    fresh: dict[str, list[Part]] = field(default_factory=dict)  # parts of rows this run adds (not rewrites)

    @classmethod
    def begin(cls, lake: Lake, base: Manifest | None, run_id: str, version: str) -> "Transaction":
        tables = {}
        if base is not None:
            tables = {
                name: TableState(t.kind, t.schema_version, list(t.schema), list(t.parts), t.description)
                for name, t in base.tables.items()
            }
        return cls(lake, base, run_id, version, tables)

    def declare(self, table: str, kind: str, schema: pa.Schema, schema_version: int, description: str = "") -> None:
        """The table's kind and current contract; parts written from now on follow it."""
        self.schemas[table] = schema
        state = self.tables.get(table)
        if state is None:
            self.tables[table] = TableState(kind, schema_version, schema_fields(schema), [], description)
        else:
            state.kind, state.schema_version, state.schema = kind, schema_version, schema_fields(schema)
            state.description = description

    def parts(self, table: str) -> list[Part]:
        state = self.tables.get(table)
        return list(state.parts) if state else []

    def base_parts(self, table: str) -> list[Part]:
        return self.base.parts(table) if self.base else []

    def add(self, table: str, parts: list[Part], *, new_rows: bool = True) -> None:
        """`parts` join the table; `new_rows=False` for rewrites of rows already there."""
        if not parts:
            return
        self.tables[table].parts.extend(parts)
        self.added.setdefault(table, []).extend(parts)
        if new_rows:
            self.fresh.setdefault(table, []).extend(parts)

    def drop(self, table: str, parts: list[Part]) -> None:
        if not parts:
            return
        doomed = {p.path for p in parts}
        state = self.tables[table]
        state.parts = [p for p in state.parts if p.path not in doomed]
        self.dropped.setdefault(table, []).extend(p for p in parts if p.path not in self._added_paths(table))
        self.added[table] = [p for p in self.added.get(table, []) if p.path not in doomed]
        self.fresh[table] = [p for p in self.fresh.get(table, []) if p.path not in doomed]

    def replace(self, table: str, old: Part, new: Part | None) -> None:
        """Copy-on-write: `new` (or nothing) instead of `old`."""
        if new is not None and new.path == old.path:
            return
        self.drop(table, [old])
        if new is not None:
            self.add(table, [new], new_rows=False)

    def replace_all(self, table: str, parts: list[Part]) -> None:
        self.drop(table, self.parts(table))
        self.add(table, parts)

    def changed(self, table: str) -> bool:
        return bool(self.added.get(table) or self.dropped.get(table))

    def added_parts(self, table: str) -> list[Part]:
        """Parts holding rows this run adds (rewritten and merged parts excluded)."""
        return list(self.fresh.get(table, []))

    def _added_paths(self, table: str) -> set[str]:
        return {p.path for p in self.added.get(table, [])}

    def fill_empty(self, write_empty: Callable[[str, pa.Schema], Part]) -> None:
        """Give every declared table at least one part (an empty one), so a glob over a
        version folder always finds the table and its schema; drop empty parts that
        other parts made unnecessary."""
        for table, state in self.tables.items():
            if len(state.parts) > 1 and any(p.rows == 0 for p in state.parts):
                self.drop(table, [p for p in state.parts if p.rows == 0])
            if not state.parts and table in self.schemas:
                self.add(table, [write_empty(table, self.schemas[table])])

    def manifest(self, *, created_at: str, run: dict, validation: dict) -> Manifest:
        return Manifest(
            version=self.version,
            run_id=self.run_id,
            created_at=created_at,
            previous_version=self.base.version if self.base else None,
            tables={name: TableState(t.kind, t.schema_version, t.schema, list(t.parts), t.description) for name, t in self.tables.items()},
            run=run,
            validation=validation,
        )

    def abort(self) -> None:
        """Delete the parts this transaction wrote; the lake is as before."""
        kept = {p.path for name in self.tables for p in self.base_parts(name)}
        for parts in self.added.values():
            for part in parts:
                if part.path not in kept:
                    self.lake.path_of(part).unlink(missing_ok=True)
        self.added.clear()


def _link(source: Path, target: Path) -> None:
    make_dirs(target.parent)
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links: a relative symlink reads the same
        os.symlink(os.path.relpath(source, target.parent), target)


def commit(lake: Lake, manifest: Manifest) -> None:
    """Make `manifest` a version and the current one (see the module docstring)."""
    final = lake.published / manifest.version
    if (final / MANIFEST).exists():
        existing = lake.manifest(manifest.version)
        if existing is None or existing.run_id != manifest.run_id:
            raise LakeError(f"{final} already exists and was written by another run")
        switch_current(lake, manifest.version)  # a retry after the rename
        return
    contained(lake, lake.published)
    staging = lake.published / f".staging-{manifest.version}-{os.getpid()}"
    remove_version_folder(staging)
    make_dirs(staging)
    with writing("stage", staging):
        for state in manifest.tables.values():
            for part in state.parts:
                _link(lake.path_of(part), staging / link_path(part))
    atomic_write_json(manifest.to_dict(), staging / MANIFEST, "manifest")
    touch(staging / "_SUCCESS")
    fsync_dir(staging)
    failpoint("commit.before_rename")
    os.rename(staging, final)
    fsync_dir(lake.published)
    failpoint("commit.before_switch")
    switch_current(lake, manifest.version)
    failpoint("commit.after_switch")


def switch_current(lake: Lake, version: str) -> None:
    """Point `current` at `version` with one rename: never a moment without `current`."""
    tmp = lake.published / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    with writing("switch", lake.current):
        os.symlink(version, tmp)
    os.replace(tmp, lake.current)
    fsync_dir(lake.published)


def prune(lake: Lake, keep: int) -> list[str]:
    """Remove the oldest versions beyond the newest `keep`; never the current one."""
    current = lake.current_version()
    complete = lake.versions()
    doomed = [v for v in complete[:-keep] if v != current] if keep > 0 else []
    for version in doomed:
        remove_version_folder(lake.published / version)
    return doomed


def collect_garbage(lake: Lake) -> int:
    """Delete parts no version lists and temporary files of killed writers; returns how
    many files went. Only files named as newslake names its parts and temporary files
    go (`ground`): anything else found under `parts/` stays. Only safe under the
    publisher lock, outside a transaction."""
    referenced = set()
    for version in lake.versions():
        manifest = lake.manifest(version)
        referenced.update(p.path for t in manifest.tables.values() for p in t.parts)
    named = part_file(lake.parts_root)
    removed = remove_ours(
        lake.parts_root, lambda path: named(path) and path.relative_to(lake.root).as_posix() not in referenced, keep_folder=True
    )
    if lake.published.is_dir():
        for leftover in lake.published.iterdir():
            if STAGING.match(leftover.name) and not leftover.is_symlink():
                remove_version_folder(leftover)
            elif CURRENT_TEMP.match(leftover.name):
                leftover.unlink(missing_ok=True)
    return removed


STAGING = re.compile(r"^\.staging-v\d{6}-\d+$")  # commit's folder on its way in
CURRENT_TEMP = re.compile(r"^\.current-\d+$")  # switch_current's link on its way in


def remove_spill(lake: Lake) -> int:
    """What runs spilled between parse and merge (only safe under the lock, with no run
    active): spill/<run_id>/batch-*.arrow. Returns how many files went."""
    return remove_ours(lake.spill_dir, spill_file)


def recover(lake: Lake) -> list[str]:
    """Finish what a killed run left, under the lock, before a new run starts.

    - a complete version built on `current` that never became current: switch to it;
    - a published run missing from the runs log: write its row from the manifest;
    - parts and staging folders nobody lists: delete them.
    Returns one note per thing done."""
    notes = []
    current = lake.current_version()
    logged = runs_log.logged_run_ids(lake)
    newer = [v for v in lake.versions() if current is None or v > current]
    if newer:
        candidate = lake.manifest(newer[-1])
        if candidate.previous_version == current and candidate.run_id not in logged:
            switch_current(lake, candidate.version)
            notes.append(f"made {candidate.version} current: its run {candidate.run_id} was stopped before the switch")
            current = candidate.version
    manifest = lake.manifest(current) if current else None
    if manifest is not None and manifest.run_id not in logged and manifest.run:
        runs_log.write_run(lake, manifest.run)
        notes.append(f"wrote the runs-log row of {manifest.run_id}, stopped after publishing {manifest.version}")
    removed = collect_garbage(lake) + remove_spill(lake)  # no run is active under the lock
    if removed:
        notes.append(f"removed {removed} files left by stopped runs")
    return notes
