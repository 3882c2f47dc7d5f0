"""Writing, reading and rewriting the immutable Parquet parts of a table.

Every part is zstd Parquet written by pyarrow with the table's contract schema,
under a name no other run can choose (run id + random suffix), so parts written by
several workers or a retried task never collide. A part is written to a
temporary name, synced and renamed: a killed writer leaves a hidden temporary
file (cleaned up later), never a truncated part under a real name.

Rewriting is copy-on-write: the rows to keep are written to a new part and the old
one is dropped from the next version's list, never modified in place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newslake.failpoints import WRITES
from newslake.lake.ground import contained
from newslake.lake.integrity import check_parts, trust
from newslake.lake.layout import UNKNOWN_MONTH, Lake, Part
from newslake.storage import file_sha256, replacing, writing

COMPRESSION = "zstd"


def part_dir(table: str, partition: str | None) -> str:
    return f"parts/{table}" + (f"/month={partition}" if partition is not None else "")


def new_part_path(table: str, run_id: str, partition: str | None = None) -> str:
    return f"{part_dir(table, partition)}/part-{run_id}-{uuid.uuid4().hex[:8]}.parquet"


def describe(lake: Lake, path: str, partition: str | None, schema_version: int, rows: int | None = None) -> Part:
    """The manifest entry of a file just written: rows from its footer, bytes, sha256."""
    absolute = lake.path_of(path)
    if rows is None:
        rows = pq.read_metadata(absolute).num_rows
    sha256 = file_sha256(absolute)
    trust(absolute, sha256)  # hashed as it was written: reading it back in this run is safe
    return Part(path, rows, absolute.stat().st_size, sha256, partition, schema_version)


def write_part(
    lake: Lake,
    table: str,
    data: pa.Table | Iterable[pa.Table | pa.RecordBatch],
    *,
    run_id: str,
    schema: pa.Schema,
    partition: str | None = None,
    schema_version: int = 1,
) -> Part:
    """Write `data` (a table, or a stream of batches: a DuckDB result read as it comes)
    as one new part of `table`, in the contract's schema.

    The file is written with `schema`, never one inferred from the rows, so its types and
    nullability are the contract's whatever the run held. Arrow builds a table with nulls
    in a non-nullable field without complaint, so nullability is enforced here, where
    every part passes: a part never holds a null that the documentation says cannot be
    there."""
    pieces = [data] if isinstance(data, pa.Table) else data
    rel = new_part_path(table, run_id, partition)
    path = lake.path_of(rel)
    contained(lake, path.parent)
    rows = 0
    with writing(f"part.{table}" if f"part.{table}" in WRITES else "part.model", path), replacing(path) as tmp:
        with pq.ParquetWriter(tmp, schema, compression=COMPRESSION) as out:
            for piece in pieces:
                piece = conform(piece if isinstance(piece, pa.Table) else pa.Table.from_batches([piece]), schema)
                check_nulls(piece, schema, table)
                out.write_table(piece)
                rows += piece.num_rows
    return describe(lake, rel, partition, schema_version, rows=rows)


def conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """`data` with exactly the contract's columns, in order; columns it lacks are null."""
    columns = []
    for fld in schema:
        if fld.name in data.column_names:
            columns.append(data.column(fld.name).cast(fld.type))
        else:
            columns.append(pa.nulls(data.num_rows, fld.type))
    return pa.Table.from_arrays(columns, schema=schema)


def check_nulls(data: pa.Table, schema: pa.Schema, table: str) -> None:
    for fld in schema:
        if not fld.nullable and (nulls := data.column(fld.name).null_count):
            raise ValueError(f"{table}.{fld.name} is not nullable in newslake/schema.py, but {nulls} row(s) hold null")


def month_of(published_at: pa.ChunkedArray | pa.Array) -> list[str]:
    """The publication-month partition of each row: "YYYY-MM", or "unknown" when undated."""
    months = pc.strftime(published_at, format="%Y-%m").to_pylist() if len(published_at) else []
    return [m if m is not None else UNKNOWN_MONTH for m in months]


def write_partitioned(
    lake: Lake,
    table: str,
    data: pa.Table,
    months: Sequence[str],
    *,
    run_id: str,
    schema: pa.Schema,
    schema_version: int = 1,
) -> list[Part]:
    """One part per publication month present in `data` (row i belongs to months[i])."""
    if data.num_rows == 0:
        return []
    keys = pa.array(months, pa.string())
    parts = []
    for month in sorted(set(months)):
        rows = data.filter(pc.equal(keys, month))
        parts.append(write_part(lake, table, rows, run_id=run_id, schema=schema, partition=month, schema_version=schema_version))
    return parts


def read_parts(lake: Lake, parts: Iterable[Part], schema: pa.Schema, columns: Sequence[str] | None = None) -> pa.Table:
    """The rows of some parts, conformed to the contract (older parts gain null columns),
    after checking each against its manifest (`integrity`)."""
    wanted = schema if columns is None else pa.schema([schema.field(c) for c in columns])
    parts = list(parts)
    check_parts(lake, parts)
    tables = []
    for part in parts:
        path = lake.path_of(part)
        present = set(pq.read_schema(path).names)
        read = pq.read_table(path, columns=[c for c in wanted.names if c in present])
        tables.append(conform(read, wanted))
    return pa.concat_tables(tables) if tables else wanted.empty_table()


def rewrite_without(
    lake: Lake,
    part: Part,
    table: str,
    *,
    drop: Callable[[pa.Table], pa.Array],
    run_id: str,
    schema: pa.Schema,
    schema_version: int,
) -> Part | None:
    """Copy-on-write: a new part holding the rows of `part` that `drop` (a boolean
    mask over its rows) does not mark; the same part when nothing is dropped; None
    when no row is left."""
    rows = read_parts(lake, [part], schema)
    kept = rows.filter(pc.invert(drop(rows)))
    if kept.num_rows == rows.num_rows:
        return part
    if kept.num_rows == 0:
        return None
    return write_part(lake, table, kept, run_id=run_id, schema=schema, partition=part.partition, schema_version=schema_version)


def key_in(column: str, values: Iterable[str]) -> Callable[[pa.Table], pa.Array]:
    """A `drop` mask: rows whose `column` is one of `values`."""
    value_set = pa.array(sorted(set(values)), pa.string())
    return lambda rows: pc.fill_null(pc.is_in(rows.column(column), value_set=value_set), False)
