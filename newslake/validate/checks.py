"""Check tables: table-wide facts about the next version, computed by DuckDB.

Each `sql/checks/<name>.sql` returns a small table that `expectations/<name>.json`
validates like any other (a count of orphans expected to be 0, say). They see:

- every table of the version being committed, by its name (out of core, over
  the parts; only the key columns a check names are read);
- `added_articles`, `added_entity_mentions`, `added_date_mentions`: the rows this
  run adds, for row-level checks that need several tables (offsets into fields);
- `previous_articles` and `removed_ids`: the version before, and the articles this
  run removes on purpose, so that "no row lost between versions" can be checked;
- named parameters `$items_seen`, `$new_articles`, ... : the run's counts.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping

import duckdb
import pyarrow as pa

from newslake import schema
from newslake.ingest.batch import Counts
from newslake.lake import Lake, Transaction
from newslake.lake.query import ident, register_parts

ADDED = ("articles", "entity_mentions", "date_mentions")


def _view_of(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"__{name}", table)
    con.execute(f"create or replace view {ident(name)} as select * from {ident('__' + name)}")


def run_queries(con: duckdb.DuckDBPyConnection, sql_dir: Path, params: Mapping[str, int]) -> dict[str, pa.Table]:
    """Every query in `sql/checks/` on a connection that holds the views listed above."""
    results = {}
    for path in sorted((sql_dir / "checks").glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
        try:
            results[path.stem] = con.sql(sql, params=used or None).to_arrow_table()
        except duckdb.Error as exc:
            raise RuntimeError(f"check {path} failed: {' '.join(str(exc).split())}") from exc
    return results


@dataclass(frozen=True)
class CheckInputs:
    """What the checks of a version about to be committed read."""

    lake: Lake
    txn: Transaction  # the version being assembled, on the one before
    counts: Counts
    added_articles: pa.Table  # article rows the version adds
    removed_ids: set[str]  # article ids it removes on purpose


def run_checks(inputs: CheckInputs, sql_dir: Path) -> dict[str, pa.Table]:
    """The check tables of the version about to be committed."""
    from newslake.derived.build import model_connection

    lake, txn = inputs.lake, inputs.txn
    params = {name: int(value) for name, value in asdict(inputs.counts).items()}
    params["previous_version_articles"] = sum(p.rows for p in txn.base_parts("articles"))
    params["removed_articles"] = len(inputs.removed_ids)
    params["added_article_rows"] = inputs.added_articles.num_rows
    with model_connection() as con:
        for table, spec in schema.TABLES.items():
            register_parts(con, lake, table, txn.parts(table), spec.schema)
        register_parts(con, lake, "previous_articles", txn.base_parts("articles"), schema.ARTICLES)
        _view_of(con, "added_articles", inputs.added_articles)
        for table in ADDED[1:]:
            register_parts(con, lake, f"added_{table}", txn.added_parts(table), schema.TABLES[table].schema)
        _view_of(con, "removed_ids", pa.table({"article_id": pa.array(sorted(inputs.removed_ids), pa.string())}))
        return run_queries(con, sql_dir, params)


def checks_on_tables(tables: Mapping[str, pa.Table], sql_dir: Path, params: Mapping[str, int] | None = None) -> dict[str, pa.Table]:
    """The check tables of a version held in memory as Arrow tables (all of it new):
    for tests and for checking tables built outside a lake."""
    from newslake.derived.build import model_connection

    params = {name: 0 for name in ("items_seen", "new_articles", "duplicates", "unchanged", "quarantined",
                                   "previous_version_articles", "removed_articles", "added_article_rows")} | dict(params or {})
    with model_connection() as con:
        for table, spec in schema.TABLES.items():
            _view_of(con, table, tables.get(table, spec.schema.empty_table()))
        _view_of(con, "previous_articles", schema.ARTICLES.empty_table())
        for table in ADDED:
            _view_of(con, f"added_{table}", tables.get(table, schema.TABLES[table].schema.empty_table()))
        _view_of(con, "removed_ids", pa.table({"article_id": pa.array([], pa.string())}))
        return run_queries(con, sql_dir, params)
