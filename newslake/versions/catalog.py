"""Versions people can trust: list them, prove them intact, query one.

A lake keeps its newest `keep_versions` versions on disk. Each is a manifest that
records every part's size and sha256, so whether a version still holds exactly
what it published can be checked without trusting anything else on disk. A
rollback is a commit without new parts: the same one-rename switch of `current`,
under the same publisher lock, so a reader or a run sees the old current or the
new one and nothing in between. Version numbers are never reused: `next_version`
counts every version folder, and pruning always keeps the newest, so the run after
a rollback to v1 of a lake holding v2 publishes v3 (built on v1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newslake import schema
from newslake.lake import integrity
from newslake.lake.ground import check_usable
from newslake.lake.layout import VERSION, Lake, LakeError, Manifest, Part, link_path
from newslake.lake.query import connect, register

MAIN_TABLES = ("articles", "entity_mentions", "entities")


def version_name(text: str) -> str:
    """`v1`, `1` and `v000001` all name v000001: people type the short form."""
    digits = text.strip().lower().removeprefix("v")
    if not digits.isdigit() or int(digits) < 1:
        raise LakeError(f"{text!r} is not a version: give one as v1 or v000001 (see `newslake versions`)")
    name = f"v{int(digits):06d}"
    if not VERSION.match(name):
        raise LakeError(f"{text!r} is not a version: give one as v1 or v000001 (see `newslake versions`)")
    return name


def open_lake(root: Path) -> Lake:
    lake = Lake(root)
    check_usable(lake)
    if not lake.versions():
        raise LakeError(f"lake {lake.root} has no published version: run `newslake run` first")
    return lake


def manifest_of(lake: Lake, version: str | None) -> Manifest:
    """The manifest of `version` (default: the current one), or a one-line refusal."""
    name = version_name(version) if version else lake.current_version()
    if name is None:
        raise LakeError(f"lake {lake.root} has no current version: run `newslake run`, or `newslake rollback vN`")
    manifest = lake.manifest(name)
    if manifest is None:
        kept = ", ".join(lake.versions()) or "none"
        raise LakeError(f"version {name} is not on disk in {lake.root} (kept: {kept}); see `newslake versions`")
    return manifest


@dataclass
class VersionInfo:
    version: str
    run_id: str
    created_at: str
    rows: dict[str, int]
    validation: str  # passed | FAILED | not run
    current: bool
    previous_version: str | None


def _validation_status(manifest: Manifest) -> str:
    if not manifest.validation:
        return "not run"
    return "passed" if manifest.validation.get("success") else "FAILED"


def list_versions(lake: Lake) -> list[VersionInfo]:
    """Every version still on disk, oldest first."""
    current = lake.current_version()
    out = []
    for version in lake.versions():
        manifest = lake.manifest(version)
        rows = {name: t.rows for name, t in manifest.tables.items() if name in schema.PUBLISHED}
        out.append(
            VersionInfo(version, manifest.run_id, manifest.created_at, rows, _validation_status(manifest), version == current, manifest.previous_version)
        )
    return out


def verify_version(lake: Lake, manifest: Manifest) -> tuple[int, list[str]]:
    """Check every part of the version against the manifest's size and sha256, both the
    part under `parts/` (what runs read) and its link in the version folder (what the
    warehouse and consumers read). Returns (files checked, one problem per bad file).
    A file shared with a version checked before in this process is not hashed again."""
    problems: list[str] = []
    checked = 0
    for table, state in sorted(manifest.tables.items()):
        for part in state.parts:
            for path in files_of(lake, manifest.version, part):
                checked += 1
                found = integrity.problem(lake, part, path)
                if found:
                    problems.append(f"{path.relative_to(lake.root).as_posix()} ({table}): {found}")
    return checked, problems


def refuse_outside(lake: Lake, manifest: Manifest | None) -> None:
    """Before a query reads a version: no file of it leads outside the lake (a symlink
    to a file elsewhere), checked without hashing anything (`verify` hashes)."""
    from newslake.lake.ground import outside_target

    for part in (p for t in (manifest.tables.values() if manifest else ()) for p in t.parts):
        for path in files_of(lake, manifest.version, part):
            target = outside_target(lake, path)
            if target is not None:
                raise integrity.CorruptPart(
                    f"{path.relative_to(lake.root).as_posix()} of {manifest.version} is a link to {target}, outside the lake; "
                    f"nothing was read: run `newslake repair --lake {lake.root}`"
                )


def files_of(lake: Lake, version: str, part: Part) -> list[Path]:
    """The files that hold `part` for `version`: the part under `parts/`, and its link in
    the version folder when that is a file of its own (or missing)."""
    canonical = lake.path_of(part)
    linked = lake.published / version / link_path(part)
    if canonical.exists() and linked.exists() and os.path.samefile(canonical, linked):
        return [canonical]
    return [canonical, linked]


def version_connection(lake: Lake, manifest: Manifest) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the warehouse's views, over one version's own parts, in
    the analyst's sandbox (`newslake.analyst.sandbox`): it reads those parts and nothing else.

    The warehouse follows `current`; an older version gets throwaway views instead,
    so querying it never touches `warehouse.duckdb`. `runs` is the version's own
    runs table (the log as it stood when the version was published)."""
    from newslake.analyst.examples import define_macros
    from newslake.analyst.sandbox import lock_down

    refuse_outside(lake, manifest)
    con = connect()
    try:
        files = []
        for table in sorted(manifest.tables):
            if table in schema.PUBLISHED:
                paths = [lake.path_of(p).resolve() for p in manifest.parts(table)]
                register(con, table, [str(p) for p in paths], schema.TABLES[table].schema)
                files += paths
        define_macros(con, [t for t in manifest.tables if t in schema.PUBLISHED])
        lock_down(con, paths=files)
    except BaseException:
        con.close()
        raise
    return con


def query_version(lake: Lake, version: str, sql: str, params: dict | None = None, *, script: bool = False):
    """Run the statement (or, with `script`, each statement) of SQL against one
    version's tables (`warehouse.statements_on`)."""
    from newslake.analyst.warehouse import statements_on

    manifest = manifest_of(lake, version)
    with version_connection(lake, manifest) as con:
        return statements_on(con, sql, params, script=script)
