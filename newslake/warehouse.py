"""The analyst database: DuckDB views over the current published version.

The file is rebuilt beside the old one and renamed over it, so an analyst who
holds the old file open keeps a consistent (old) view and never blocks a run.
Views point at `published/current`, so they follow each switch of version.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from newslake.publish import Lake


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_warehouse(lake: Lake) -> list[str]:
    """Rebuild warehouse.duckdb with one view per published table. Returns the view names."""
    current = lake.current.absolute()
    tables = sorted(p.name for p in current.iterdir() if p.is_dir()) if current.is_dir() else []
    tmp = lake.warehouse_path.with_name(f".{lake.warehouse_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            for table in tables:
                con.execute(
                    f'create or replace view "{table}" as '
                    f"select * from read_parquet({_quote(current / table / '*.parquet')})"
                )
        os.replace(tmp, lake.warehouse_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return tables


def query(lake: Lake, sql: str) -> pa.Table:
    """Run SQL against the warehouse, read-only; statements that return nothing give an empty table."""
    if not lake.warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {lake.warehouse_path}: run `newslake run` first")
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        relation = con.sql(sql)
        return relation.to_arrow_table() if relation is not None else pa.table({})
