"""DuckDB over parts: every table of a version as a view, read out of core.

Parts of one table may come from older schemas: `union_by_name` gives their
missing columns as NULL, and the view always has the contract's columns, in the
contract's order, with the contract's types. Parts of one schema version hold the
same columns in the same order (every writer conforms to the contract), so a view
over those alone skips `union_by_name`, which reads every file's schema to plan a
query: over the thousands of small parts a backfill's checkpoints leave, that
planning was most of a table-wide check. Parts never change once written, so a
connection caches their Parquet metadata. Hive partition folders (`month=2020-01`)
are not turned into a column: the contract does not have one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from newslake.lake.integrity import check_parts
from newslake.lake.layout import Lake, Part


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("set parquet_metadata_cache = true")  # parts are immutable: their footers never change
    return con


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_TYPES: dict[str, str] = {}
_types_lock = threading.Lock()
_types_con: duckdb.DuckDBPyConnection | None = None


def duck_type(arrow_type: pa.DataType) -> str:
    """The DuckDB type that reads back as `arrow_type`, asked of DuckDB once per type.
    One connection answers them all: opening one costs more than the question."""
    global _types_con
    key = str(arrow_type)
    with _types_lock:
        if key not in _TYPES:
            if _types_con is None:
                _types_con = duckdb.connect()
            _types_con.register("t", pa.table({"c": pa.nulls(0, arrow_type)}))
            try:
                _TYPES[key] = _types_con.execute("select column_type from (describe t)").fetchall()[0][0]
            finally:
                _types_con.unregister("t")
        return _TYPES[key]



def parts_relation(paths: Sequence[str], schema: pa.Schema, present: Iterable[str] | None = None, *, uniform: bool = False) -> str:
    """SQL for the rows of these Parquet files as the contract's columns.

    `present`: the columns some part holds (from DESCRIBE); the others are NULL.
    `uniform`: every file holds the same columns in the same order."""
    listing = "[" + ", ".join(quote(p) for p in paths) + "]"
    have = set(schema.names) if present is None else set(present)
    columns = ", ".join(
        f"cast({ident(f.name)} as {duck_type(f.type)}) as {ident(f.name)}" if f.name in have
        else f"cast(null as {duck_type(f.type)}) as {ident(f.name)}"
        for f in schema
    )
    return f"select {columns} from read_parquet({listing}, union_by_name = {'false' if uniform else 'true'}, hive_partitioning = false)"


def empty_relation(schema: pa.Schema) -> str:
    columns = ", ".join(f"cast(null as {duck_type(f.type)}) as {ident(f.name)}" for f in schema)
    return f"select {columns} limit 0"


def register(
    con: duckdb.DuckDBPyConnection,
    name: str,
    paths: Sequence[str],
    schema: pa.Schema,
    *,
    where: str = "main",
    temporary: bool = False,
    uniform: bool = False,
) -> None:
    """View `where.name` (a temporary view `name`, with `temporary`) over the files at
    `paths` (absolute, or relative to the connection's file_search_path), with the
    contract's columns; an empty relation of that shape when there are no files.
    `uniform`: the files hold the same columns in the same order (see the module)."""
    target = ident(name) if temporary else f"{ident(where)}.{ident(name)}"
    create = "create or replace temporary view" if temporary else "create or replace view"
    if not paths:
        con.execute(f"{create} {target} as {empty_relation(schema)}")
        return
    listing = "[" + ", ".join(quote(p) for p in (paths[:1] if uniform else paths)) + "]"
    present = [
        row[0]
        for row in con.execute(
            f"select column_name from (describe select * from read_parquet({listing}, union_by_name = true, hive_partitioning = false))"
        ).fetchall()
    ]
    con.execute(f"{create} {target} as {parts_relation(paths, schema, present, uniform=uniform)}")


def register_parts(
    con: duckdb.DuckDBPyConnection, lake: Lake, name: str, parts: Sequence[Part], schema: pa.Schema, *, where: str = "main"
) -> None:
    """View `where.name` over a version's parts, each checked against its manifest first."""
    check_parts(lake, parts)
    uniform = len({p.schema_version for p in parts}) == 1
    register(con, name, [str(lake.path_of(p)) for p in parts], schema, where=where, uniform=uniform)


def parts_holding(
    con: duckdb.DuckDBPyConnection, lake: Lake, parts: Sequence[Part], key_sql: str, values: Iterable[str]
) -> list[Part]:
    """The parts with a row whose `key_sql` (a column, or an expression over columns)
    is one of `values`: DuckDB reads only the key columns."""
    values = sorted(set(values))
    if not parts or not values:
        return []
    check_parts(lake, parts)
    con.register("__values", pa.table({"v": pa.array(values, pa.string())}))
    try:
        by_path = {str(lake.path_of(p)): p for p in parts}
        listing = "[" + ", ".join(quote(p) for p in by_path) + "]"
        found = con.execute(
            f"select distinct filename from read_parquet({listing}, filename = true, union_by_name = true,"
            f" hive_partitioning = false) where {key_sql} in (select v from __values)"
        ).fetchall()
    finally:
        con.unregister("__values")
    return [by_path[row[0]] for row in found]
