"""Content checksums: whether two versions (or two lakes) hold the same data.

A part's sha256 says its bytes are intact, but two runs over the same inputs write
different bytes: each row carries its run's id and timestamps, and rows may land in
other parts or another order. The content checksum of a table ignores all of that:

- it covers the table's columns except its run metadata (`schema.RUN_METADATA`);
- each row is rendered as DuckDB's `to_json` of those columns, in contract order,
  with timestamps in UTC, and hashed with sha256;
- the row hashes are added up as four 64-bit lanes (a multiset hash), so the order
  of rows and how they are split into parts do not matter, and a repeated row counts
  twice;
- the result is the sha256 of a version tag, the columns with their types, the row
  count and the four sums: 64 hex digits.

Equal checksums mean equal rows (short of a sha256 collision). The checksum is made
for comparing, not for recomputing elsewhere: it is defined by this module and
`CONTENT_TAG` changes if its definition does. It reads the whole table, so it is
computed on request (`newslake verify --content`), never by a run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from newslake import schema
from newslake.lake.layout import Lake, Part
from newslake.lake.query import ident, register_parts

CONTENT_TAG = "newslake-content-1"
_LANES = 4
_MOD = 1 << 64


def content_columns(table: str) -> list[str]:
    """The columns a table's content checksum covers: all but its run metadata."""
    volatile = set(schema.RUN_METADATA.get(table, ()))
    return [name for name in schema.TABLES[table].schema.names if name not in volatile]


def content_checksum_sql(relation: str, columns: Sequence[str]) -> str:
    """SQL returning (rows, lane sums) of `columns` over `relation` (a view or table)."""
    packed = ", ".join(f"{ident(c)} := {ident(c)}" for c in columns)
    row_hash = f"sha256(to_json(struct_pack({packed})))"
    lanes = ", ".join(
        f"coalesce(sum(('0x' || substr(h, {1 + 16 * i}, 16))::ubigint::hugeint), 0)" for i in range(_LANES)
    )
    return f"select count(*), {lanes} from (select {row_hash} as h from {relation})"


def checksum_of(con: duckdb.DuckDBPyConnection, relation: str, arrow_schema: pa.Schema, columns: Sequence[str]) -> str:
    """The content checksum of `columns` of `relation` on an open connection (UTC)."""
    rows, *sums = con.execute(content_checksum_sql(relation, columns)).fetchone()
    types = ";".join(f"{c}:{arrow_schema.field(c).type}" for c in columns)
    lanes = "".join(f"{int(s) % _MOD:016x}" for s in sums)
    return hashlib.sha256(f"{CONTENT_TAG}\n{types}\n{rows}\n{lanes}".encode()).hexdigest()


def table_checksum(con: duckdb.DuckDBPyConnection, lake: Lake, table: str, parts: Sequence[Part]) -> str:
    """The content checksum of one table of a version, given its parts."""
    arrow_schema = schema.TABLES[table].schema
    view = f"__content_{table}"
    register_parts(con, lake, view, parts, arrow_schema)
    try:
        return checksum_of(con, ident(view), arrow_schema, content_columns(table))
    finally:
        con.execute(f"drop view if exists {ident(view)}")


def version_checksums(lake: Lake, manifest) -> dict[str, tuple[int, str]]:
    """(rows, content checksum) of every published table of a version."""
    from newslake.lake.query import connect

    con = connect()  # TimeZone UTC: timestamps render the same whatever the machine's zone
    try:
        return {
            table: (manifest.tables[table].rows, table_checksum(con, lake, table, manifest.parts(table)))
            for table in sorted(manifest.tables)
            if table in schema.PUBLISHED
        }
    finally:
        con.close()
