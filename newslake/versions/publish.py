"""Publishing: the one way a version enters a lake, and what follows its commit.

Everything that writes versions (a run and each of its checkpoints, `compact`,
`rollback`, `repair`) goes through `publishing`: it takes the lake's publisher
lock (one writer per lake), finishes what a killed writer left (`recover`), and
yields a `Publisher`. The publisher begins transactions on the current version,
seals one into a manifest (small parts merged, the version's `runs` table
written, every table given a part), commits it (one manifest, one rename: see
`newslake.lake.commit`), and then runs the after-commit hooks, as delta-rs
runs its post-commit hooks: the runs-log row, the warehouse, pruning and
garbage collection. Once `current` has switched the version is published: a
hook that fails is a note of the run, repaired by the next writer's recovery.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from newslake import schema, stopping
from newslake.lake import Lake, LakeError, Manifest, Transaction, collect_garbage, commit, prune, publisher_lock, recover, switch_current
from newslake.lake import runs_log
from newslake.lake.ground import check_usable, remove_version_folder
from newslake.lake.parts import read_parts, write_part
from newslake.report.run_report import RunReport

# An after-commit step: a name for the note when it fails, and what it does.
Hook = tuple[str, Callable[[Lake, Manifest], object]]


def _log_row(lake: Lake, manifest: Manifest) -> None:
    runs_log.write_run(lake, manifest.run)


def warehouse_hook(lake: Lake, manifest: Manifest) -> None:
    from newslake.analyst.warehouse import build_warehouse

    build_warehouse(lake)


def _forget_hints(lake: Lake, manifest: Manifest) -> None:
    lake.stat_cache_path.unlink(missing_ok=True)  # its hints are in the version's ledger now


def _cleanup(lake: Lake, manifest: Manifest) -> None:
    collect_garbage(lake)


def after_commit(keep_versions: int, *, warehouse: bool = True) -> list[Hook]:
    """The hooks every commit runs, in order. `warehouse=False` leaves the warehouse to
    the last checkpoint of a backfill (its views follow `current` anyway)."""
    hooks: list[Hook] = [("runs log", _log_row), ("stat cache", _forget_hints)]
    if warehouse:
        hooks.append(("warehouse", warehouse_hook))
    hooks += [("pruning", lambda lake, _m: prune(lake, keep_versions)), ("cleanup", _cleanup)]
    return hooks


@contextmanager
def publishing(root: Path, lock_wait: float = 0.0, *, refresh_warehouse: bool = True) -> Iterator["Publisher"]:
    """The lake at `root` under its publisher lock, recovered from any killed writer,
    with a warehouse that shows its current version (unless the caller is about to
    switch versions and rebuild it anyway)."""
    lake = Lake(root)
    check_usable(lake)
    with publisher_lock(lake, lock_wait):
        publisher = Publisher(lake, recover(lake))
        if refresh_warehouse:
            publisher.refresh_warehouse()
        yield publisher


def refuse_unreadable(lake: Lake, base: Manifest | None) -> None:
    """A version whose parts this code cannot read as today's tables is not built on."""
    for table, (needed, feature) in schema.REBUILD_BELOW.items():
        old = [p.schema_version for p in (base.parts(table) if base else []) if p.schema_version < needed]
        if old:
            raise LakeError(
                f"lake {lake.root}: its {table} were written with schema version {min(old)}, before {feature}; "
                f"move the lake away and run again to rebuild it from the source files"
            )


@dataclass
class Publisher:
    lake: Lake
    notes: list[str] = field(default_factory=list)  # what recovery did

    def refresh_warehouse(self) -> None:
        from newslake.analyst.warehouse import build_warehouse, is_current

        if self.lake.current_version() and not is_current(self.lake):
            build_warehouse(self.lake)

    def begin(self, run_id: str, *, rebuild: bool = False, readable: bool = True) -> Transaction:
        """The next version, on the current one (or on none, to rebuild from sources).
        `readable`: refuse a base whose parts today's code cannot read as its tables."""
        base = None if rebuild else self.lake.manifest()
        if readable:
            refuse_unreadable(self.lake, base)
        txn = Transaction.begin(self.lake, base, run_id, self.lake.next_version())
        for name, spec in schema.TABLES.items():
            txn.declare(name, spec.kind, spec.schema, spec.version, spec.description)
        return txn

    def seal(
        self, txn: Transaction, report: RunReport, *, status: str = "published", compact: Callable[[Transaction], object] | None = None
    ) -> Manifest:
        """The manifest of `txn`: its runs table, its parts merged by `compact` (if given),
        every table given a part."""
        report.status = status
        report.version = txn.version
        report.finished_at = datetime.now(timezone.utc)
        add_runs_part(self.lake, txn, report)
        if compact is not None:
            compact(txn)
        txn.fill_empty(
            lambda table, sch: write_part(self.lake, table, sch.empty_table(), run_id=txn.run_id, schema=sch, schema_version=schema.TABLES[table].version)
        )
        report.rows = {name: t.rows for name, t in txn.tables.items() if name in schema.PUBLISHED}
        return txn.manifest(created_at=report.finished_at.isoformat(), run=runs_log.row_to_json(report.row()), validation=report.validation or {})

    def commit(self, manifest: Manifest, report: RunReport, hooks: Sequence[Hook]) -> None:
        """Make `manifest` current, then run `hooks`; a failed hook is a note. Safe to
        call again after a failure: `lake.commit` finishes a version already renamed."""
        commit(self.lake, manifest)
        report.current_version = manifest.version
        self.run_hooks(manifest, report, hooks)

    def switch(self, manifest: Manifest, report: RunReport, hooks: Sequence[Hook]) -> None:
        """A commit without new parts (a rollback): `current` names an existing version,
        the writer's row goes to the runs log, then `hooks`."""
        if self.lake.current_version() != manifest.version:
            switch_current(self.lake, manifest.version)
        report.current_version = manifest.version
        self.log(report)
        self.run_hooks(manifest, report, hooks)

    def run_hooks(self, manifest: Manifest, report: RunReport, hooks: Sequence[Hook]) -> None:
        for step, action in hooks:
            try:
                action(self.lake, manifest)
            except Exception as exc:  # the version is current: report, and let the next writer repair
                report.notes.append(f"published {manifest.version}, but its {step} failed: {type(exc).__name__}: {exc}")

    def log(self, report: RunReport) -> dict:
        """A run that published nothing ends here: its row in the runs log."""
        report.finished_at = datetime.now(timezone.utc)
        report.current_version = self.lake.current_version()
        if report.status not in ("published", "rolled_back"):
            report.version = None
        runs_log.write_run(self.lake, runs_log.row_to_json(report.row()))
        return report.to_dict()

    def switched(self, txn: Transaction) -> bool:
        """Did `txn`'s version become current (a kill or fault after the switch)?"""
        if self.lake.current_version() != txn.version:
            return False
        manifest = self.lake.manifest(txn.version)
        return manifest is not None and manifest.run_id == txn.run_id

    def fail(self, txn: Transaction, report: RunReport, exc: BaseException) -> bool:
        """The writer stops. Once `current` names its version the version is published,
        whatever failed after the switch (a full disk, say): the ledger is inside the
        version, so the next run counts its files as unchanged, and a missing log row
        or warehouse is written by the next writer's recovery; returns True. Before the
        switch nothing it wrote stays: not its parts, and not a version folder it renamed
        into place (the next run would otherwise roll it forward); returns False."""
        if self.switched(txn):
            report.status, report.version = "published", txn.version
            report.current_version = txn.version
            report.notes.append(f"published {txn.version}, then: {type(exc).__name__}: {exc}")
            if report.run_id not in runs_log.logged_run_ids(self.lake):
                try:
                    runs_log.write_run(self.lake, self.lake.manifest(txn.version).run)
                except Exception as again:  # noqa: BLE001 - the next writer's recovery writes it
                    report.notes.append(f"its runs-log row was not written ({again}); the next run writes it")
            return True
        self.unpublish(txn)
        txn.abort()
        report.status = "failed"
        report.version = None
        report.error = stopping.describe(exc)
        self.log(report)
        return False

    def unpublish(self, txn: Transaction) -> None:
        """Take back `txn`'s staging folder, and its version folder if it was renamed into
        place but never became current: the manifest goes first, so that it stops being a
        version at once."""
        remove_version_folder(self.lake.published / f".staging-{txn.version}-{os.getpid()}")
        manifest = self.lake.manifest(txn.version)
        if manifest is None or manifest.run_id != txn.run_id or self.lake.current_version() == txn.version:
            return
        remove_version_folder(self.lake.published / txn.version)


def add_runs_part(lake: Lake, txn: Transaction, report: RunReport) -> None:
    """The version's `runs` table: the previous version's, plus the log rows since
    (nothing-new and failed runs, rollbacks) and this writer's row."""
    logged = runs_log.logged_run_ids(lake)
    known = set(read_parts(lake, txn.base_parts("runs"), schema.RUNS, columns=["run_id"]).column("run_id").to_pylist())
    since = runs_log.read_runs(lake, sorted(logged - known - {report.run_id}))
    rows = pa.concat_tables([since, schema.to_table([report.row()], schema.RUNS)])
    spec = schema.TABLES["runs"]
    txn.add("runs", [write_part(lake, "runs", rows, run_id=report.run_id, schema=spec.schema, schema_version=spec.version)])
