"""The analyst database: `warehouse.duckdb`, views over the current version.

Views read `published/current/<table>/**/*.parquet` and the runs log
`runs/*/run.parquet` by paths relative to the lake, so a lake that is copied or
moved opens and answers. DuckDB resolves relative paths against its
`file_search_path`: `newslake query` sets it to the lake; in the DuckDB CLI,
start inside the lake folder (`cd data/lake && duckdb -readonly warehouse.duckdb`)
or `SET file_search_path = '<lake>'`.

The views follow `current` as it switches; the file itself is rebuilt (beside the
old one, then renamed over it) when a version changes the set of tables or their
columns, so an analyst who holds the old file open is never blocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from newslake import schema
from newslake.lake import Lake
from newslake.lake.query import ident, quote, register
from newslake.lake.runs_log import GLOB as RUNS_GLOB
from newslake.storage import FILE_MODE

META = "newslake_warehouse"  # one row: the version the views were built for


def connect(lake: Lake, path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (or the file at `path`) that resolves the views'
    relative paths against the lake."""
    con = duckdb.connect(str(path or lake.warehouse_path), read_only=read_only)
    con.execute(f"set file_search_path = {quote(str(lake.root.resolve()))}")
    con.execute("set TimeZone = 'UTC'")
    return con


def build_warehouse(lake: Lake) -> list[str]:
    """Rebuild warehouse.duckdb with one view per published table. Returns the view names."""
    manifest = lake.manifest()
    tables = sorted(name for name in (manifest.tables if manifest else {}) if name in schema.PUBLISHED)
    for leftover in lake.root.glob(f".{lake.warehouse_path.name}.*.tmp*"):  # from a killed run
        leftover.unlink(missing_ok=True)
    tmp = lake.warehouse_path.with_name(f".{lake.warehouse_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with connect(lake, tmp, read_only=False) as con:
            for table in tables:
                source = [f"published/current/{table}/**/*.parquet"] if table != "runs" else [RUNS_GLOB]
                register(con, table, source, schema.TABLES[table].schema, where="main")
                describe_view(con, table)
            con.execute(f"create table {META} as select ? as version, now() as built_at", [manifest.version if manifest else None])
            con.execute(f"comment on table {META} is 'newslake bookkeeping: the version the views were built for'")
            con.execute(f"comment on column {META}.version is 'the published version (vNNNNNN) current when the views were built'")
            con.execute(f"comment on column {META}.built_at is 'when the warehouse file was built'")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, lake.warehouse_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return tables


def describe_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Comments from the contract, so an analyst in the DuckDB CLI reads the same meaning
    (`select column_name, comment from duckdb_columns()`) that docs/datasets.md prints."""
    spec = schema.TABLES[table]
    con.execute(f"comment on view {ident(table)} is {quote(spec.description)}")
    for fld in spec.schema:
        note = schema.description(fld) + ("" if fld.nullable else " (never null)")
        con.execute(f"comment on column {ident(table)}.{ident(fld.name)} is {quote(note)}")


def warehouse_version(lake: Lake) -> str | None:
    """The version the warehouse was built for, or None (missing, or unreadable)."""
    if not lake.warehouse_path.exists():
        return None
    try:
        with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
            return con.execute(f"select version from {META}").fetchone()[0]
    except duckdb.Error:
        return None


def query(lake: Lake, sql: str) -> pa.Table:
    """Run SQL against the warehouse, read-only; statements that return nothing give an empty table."""
    if not lake.warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {lake.warehouse_path}: run `newslake run` first")
    with connect(lake) as con:
        relation = con.sql(sql)
        return relation.to_arrow_table() if relation is not None else pa.table({})
