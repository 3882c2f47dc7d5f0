"""DuckDB: the derived tables built by `sql/`, and the analyst database.

`run_models` runs each model in `sql/` (in MODELS order) over Arrow tables held
in memory, so a version's derived tables are computed before anything is written
and validated with the rest. `run_checks` runs the queries in `sql/checks/`,
whose results the gate validates (referential integrity, offsets).

The analyst database holds views over the current published version.
The file is rebuilt beside the old one and renamed over it, so an analyst who
holds the old file open keeps a consistent (old) view and never blocks a run.
Views point at `published/current`, so they follow each switch of version.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Mapping

import duckdb
import pyarrow as pa

from newslake.publish import Lake


# Derived tables, in build order: a model may read the base tables and the ones before it.
MODELS = ("entities", "article_entities", "entity_cooccurrence", "entity_daily", "dates")
CALENDAR_WINDOW = {"min_date": date(1900, 1, 1), "max_date": date(2100, 1, 1)}


def _connection(tables: Mapping[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    from newslake.entities import canonical_name

    con = duckdb.connect()
    con.create_function("canonical_name", canonical_name, ["VARCHAR"], "VARCHAR", side_effects=False)
    for name, table in tables.items():
        con.register(name, table)
    return con


def _sql(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _parameters(sql: str, available: Mapping[str, object]) -> dict:
    return {name: value for name, value in available.items() if f"${name}" in sql}


def run_models(tables: Mapping[str, pa.Table], sql_dir: Path, params: Mapping[str, object] | None = None) -> dict[str, pa.Table]:
    """Build every derived table from the base tables; returns them by name."""
    available = {**CALENDAR_WINDOW, **(params or {})}
    built: dict[str, pa.Table] = {}
    with _connection(tables) as con:
        for model in MODELS:
            sql = _sql(sql_dir / f"{model}.sql")
            try:
                result = con.sql(sql, params=_parameters(sql, available) or None).to_arrow_table()
            except duckdb.Error as exc:
                raise RuntimeError(f"sql model {sql_dir / model}.sql failed: {exc}") from exc
            built[model] = result
            con.register(model, result)
    return built


def run_checks(tables: Mapping[str, pa.Table], sql_dir: Path) -> dict[str, pa.Table]:
    """Run every query in sql/checks/ over the tables; each result is validated by its suite."""
    results = {}
    with _connection(tables) as con:
        for path in sorted((sql_dir / "checks").glob("*.sql")):
            results[path.stem] = con.sql(_sql(path)).to_arrow_table()
    return results


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_warehouse(lake: Lake) -> list[str]:
    """Rebuild warehouse.duckdb with one view per published table. Returns the view names."""
    current = lake.current.absolute()
    tables = sorted(p.name for p in current.iterdir() if p.is_dir()) if current.is_dir() else []
    for leftover in lake.root.glob(f".{lake.warehouse_path.name}.*.tmp*"):  # from a killed run
        leftover.unlink(missing_ok=True)
    tmp = lake.warehouse_path.with_name(f".{lake.warehouse_path.name}.{os.getpid()}.tmp")
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
