"""The analyst database: `warehouse.duckdb`, views over the current version.

Views read `published/<version>/<table>/**/*.parquet` of the version they were built
for, and the runs log `runs/*/run.parquet`, by absolute paths: the file answers from
any working directory and in tools that have none (DBeaver, Metabase, a notebook).
The file records the lake folder it was built in; a lake that is moved or copied is
re-pointed by the next newslake command that reads it (`ensure_current`), or by
`newslake warehouse`.

Every publish rebuilds the file beside the old one and renames it over it. An
analyst who holds the old file open is never blocked, and keeps a consistent
snapshot: the old version (until it is pruned, `keep_versions` publishes later);
a new connection opens the new file and sees the new version. Whatever switches
`current` rebuilds the file (`build_warehouse`); `newslake query` rebuilds a stale
one too, and queries it through `connect`, the analyst's sandboxed connection.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from newslake import schema
from newslake.analyst.examples import define_macros, macro_names
from newslake.lake import Lake
from newslake.lake.query import ident, quote, register
from newslake.lake.runs_log import GLOB as RUNS_GLOB
from newslake.analyst.sandbox import lock_down, statements
from newslake.storage import replacing, writing

META = "newslake_warehouse"  # one row: the version the views were built for, and the lake folder


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    return con


def sources(lake: Lake, version: str | None, table: str) -> list[str]:
    """The files a view reads, by absolute path: the version's folder, or the runs log."""
    root = lake.root.resolve()
    return [str(root / RUNS_GLOB)] if table == "runs" else [str(root / "published" / str(version) / table / "**" / "*.parquet")]


def connect(lake: Lake) -> duckdb.DuckDBPyConnection:
    """The analyst's connection: the warehouse, read-only, sandboxed (`newslake.analyst.sandbox`)
    to the files of the version its views were built for and the runs log."""
    con = _open(lake.warehouse_path, read_only=True)
    try:
        version = con.execute(f"select version from {META}").fetchall()[0][0]
        root = lake.root.resolve()
        lock_down(con, directories=[*([root / "published" / version] if version else []), root / "runs"])
    except BaseException:
        con.close()
        raise
    return con


def build_warehouse(lake: Lake) -> list[str]:
    """Rebuild warehouse.duckdb with one view per published table. Returns the view names."""
    manifest = lake.manifest()
    tables = sorted(name for name in (manifest.tables if manifest else {}) if name in schema.PUBLISHED)
    for leftover in lake.root.glob(f".{lake.warehouse_path.name}.*.tmp*"):  # from a killed run
        leftover.unlink(missing_ok=True)
    with replacing(lake.warehouse_path, fresh=True) as tmp, _and_its_wal(tmp):
        with writing("warehouse", lake.warehouse_path), _open(tmp, read_only=False) as con:
            con.execute("begin transaction")  # one commit for the views and their comments, not one per column
            for table in tables:
                register(con, table, sources(lake, manifest.version, table), schema.TABLES[table].schema, where="main")
                describe_view(con, table)
            define_macros(con, tables)
            con.execute(
                f"create table {META} as select ? as version, ? as lake, now() as built_at",
                [manifest.version if manifest else None, str(lake.root.resolve())],
            )
            con.execute(f"comment on table {META} is 'newslake bookkeeping: the version the views were built for'")
            con.execute(f"comment on column {META}.version is 'the published version (vNNNNNN) current when the views were built'")
            con.execute(f"comment on column {META}.lake is 'the lake folder the views read (a moved lake is re-pointed)'")
            con.execute(f"comment on column {META}.built_at is 'when the warehouse file was built'")
            con.execute("commit")
    return tables


@contextmanager
def _and_its_wal(database: Path) -> Iterator[None]:
    """The write-ahead log DuckDB leaves beside a database it could not close cleanly is
    removed with it."""
    try:
        yield
    finally:
        Path(f"{database}.wal").unlink(missing_ok=True)


def describe_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Comments from the contract, so an analyst in the DuckDB CLI reads the same meaning
    (`select column_name, comment from duckdb_columns()`) that docs/datasets.md prints."""
    spec = schema.TABLES[table]
    con.execute(f"comment on view {ident(table)} is {quote(spec.description)}")
    for fld in spec.schema:
        note = schema.description(fld) + ("" if fld.nullable else " (never null)")
        con.execute(f"comment on column {ident(table)}.{ident(fld.name)} is {quote(note)}")


def built_for(lake: Lake) -> tuple[str | None, str | None]:
    """The version and the lake folder the warehouse was built for; (None, None) when
    it is missing or unreadable (a file of an older newslake has no lake folder)."""
    if not lake.warehouse_path.exists():
        return None, None
    try:
        with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
            columns = {row[0] for row in con.execute(f"select column_name from (describe {META})").fetchall()}
            row = con.execute(f"select version, {'lake' if 'lake' in columns else 'null'} from {META}").fetchall()[0]
            return row[0], row[1]
    except duckdb.Error:
        return None, None


def warehouse_version(lake: Lake) -> str | None:
    """The version the warehouse was built for, or None (missing, or unreadable)."""
    return built_for(lake)[0]


def is_current(lake: Lake) -> bool:
    """The warehouse reads the current version of this lake, where it is now, and
    holds every analyst macro (one built by an older newslake may lack some)."""
    return built_for(lake) == (lake.current_version(), str(lake.root.resolve())) and not _lacks_macros(lake)


def _lacks_macros(lake: Lake) -> bool:
    try:
        with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
            held = {row[0] for row in con.execute("select function_name from duckdb_functions() where function_type = 'table_macro'").fetchall()}
    except duckdb.Error:
        return True
    return not macro_names() <= held


def ensure_current(lake: Lake) -> None:
    """Rebuild the warehouse when it was built for another version than `current`
    (e.g. after a version switch whose rebuild failed) or in another folder (a lake
    moved or copied). Best effort: a lake that cannot be written is queried as it is."""
    current = lake.current_version()
    if current and lake.warehouse_path.exists() and not is_current(lake):
        try:
            build_warehouse(lake)
        except (OSError, duckdb.Error):
            pass


def run_statements(lake: Lake, sql: str, params: dict | None = None, *, script: bool = False) -> list[tuple[str, pa.Table | None]]:
    """Run the statement of `sql` (each of them, with `script`) against the warehouse,
    in the analyst's sandbox (see `connect`, `statements_on`)."""
    if not lake.warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {lake.warehouse_path}: run `newslake run` first")
    ensure_current(lake)  # a stale file, or a lake moved or copied since it was built
    with connect(lake) as con:
        return statements_on(con, sql, params, script=script)


def statements_on(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None, *, script: bool = False
) -> list[tuple[str, pa.Table | None]]:
    """Each statement of `sql` (split as DuckDB parses it: a `;` inside quotes or a
    comment is no separator) with its result, None for one that returns nothing. Every
    statement must be a query, and there must be one unless `script`
    (`sandbox.statements`); none runs unless all pass.
    `params` are the values of `$name` parameters; each statement gets the ones it uses."""
    results: list[tuple[str, pa.Table | None]] = []
    for statement in statements(con, sql, script=script):
        used = {name: (params or {}).get(name) for name in statement.named_parameters}
        missing = sorted(set(statement.named_parameters) - set(params or {}))
        if missing:
            raise duckdb.InvalidInputException(f"no value for parameter ${missing[0]}")
        relation = con.sql(statement.query, params=used or None)
        table = relation.to_arrow_table() if relation is not None else None
        results.append((statement.query.strip(), table))
    return results


def query(lake: Lake, sql: str) -> pa.Table:
    """The result of the last statement of `sql` that returns rows (see `run_statements`;
    several statements run as a script); an empty table when none does."""
    tables = [table for _, table in run_statements(lake, sql, script=True) if table is not None]
    return tables[-1] if tables else pa.table({})