"""The derived tables: `sql/` run by DuckDB over a version's parts, written as parts.

Each model is a `sql/<model>.sql` file over the base tables (`articles`, `quotes`,
`entity_mentions`, `date_mentions`), the staging models in `sql/staging/` and the
models before it. DuckDB reads the parts out of core and writes each result with
`COPY`; no table passes through Python whole.

Two ways to build, with the same result (a test holds them equal):
- `full`: every model over the whole new version. The reference, and what a run
  does when it removed rows (a changed or deleted file).
- `incremental`: a run that only adds rows runs each model over the rows it adds
  (schema `delta`) and merges that into the previous version's table (schema
  `previous`) with `sql/merge/<model>.sql`; per-article models just gain a part. A
  model whose delta is empty keeps its parts: its inputs did not change. When the
  added rows move an old alias to another entity, the rows that can have changed are
  repaired (`REPAIRS`, schema `repair`) instead of rebuilding everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

import duckdb
import pyarrow as pa

from newslake import schema
from newslake.config import Settings
from newslake.failpoints import failpoint
from newslake.lake import Lake, Part, Transaction
from newslake.lake.parts import write_part
from newslake.lake.query import _type_of, connect, ident, quote, register_parts

WRITE_BATCH_ROWS = 131_072  # rows per Arrow batch (and Parquet row group) of a model's part

CALENDAR_WINDOW = {"min_date": date(1900, 1, 1), "max_date": date(2100, 1, 1)}
# The bound on pairs per article (sql/entity_cooccurrence.sql); its owner is the setting.
TOP_ENTITIES = Settings.model_fields["cooccurrence_top_entities"].default
BASE = ("articles", "entity_mentions", "date_mentions", "quotes")

# Build order: (kind, name). Staging models are views; models are written as parts.
STEPS = (
    ("staging", "stg_alias_counts"),
    ("model", "entity_aliases"),
    ("staging", "stg_entity_mentions"),
    ("staging", "stg_entity_names"),
    ("model", "entities"),
    ("model", "roles"),
    ("model", "article_entities"),
    ("model", "entity_cooccurrence"),
    ("model", "entity_daily"),
    ("staging", "stg_day_counts"),
    ("model", "dates"),
    ("staging", "stg_quotes"),
    ("model", "entity_quotes"),
)
MODELS = tuple(name for kind, name in STEPS if kind == "model")
APPEND = frozenset({"article_entities", "roles"})  # one row set per article: new rows are a new part
# Each model's key: after a merge, the rows whose key the delta touched are the changed ones.
KEYS = {
    "entity_aliases": ("alias_id",),
    "roles": ("entity_id", "role", "article_id"),
    "entities": ("entity_id",),
    "article_entities": ("article_id", "entity_id"),
    "entity_cooccurrence": ("entity_a", "entity_b"),
    "entity_daily": ("entity_id", "day"),
    "dates": ("date",),
    "entity_quotes": ("entity_id", "day"),
}
FROM_MERGED_STAGING = {"dates": "stg_day_counts", "entity_aliases": "stg_alias_counts"}  # rebuilt over a merged staging model
# Resolved over the whole lake: the delta's rows are read from the merged table, so the
# models after it see this run's mentions under their lake-wide ids.
LAKE_WIDE = frozenset({"entity_aliases"})


# When a run's mentions move an old alias to another entity (a bare surname joins the one
# full name it now fits, a name's label vote turns), the rows of old articles that name
# it change too. Rather than rebuild every model over the whole lake, the merge repairs
# exactly the rows that can have changed, each recomputed by the model's own SQL over the
# mentions that make it (`stg_entity_mentions`, filtered): per model, (which mentions,
# which rows of the merged table they replace).
#   moved:      the entities that lost or gained an alias (old and new ids)
#   articles:   old articles that mention a moved alias: their per-article rows change
#   neighbours: every entity those articles name, old ids and new (an article's top
#               entities, and so its pairs, can change with its mentions' entities)
_MOVED = "entity_id in (select entity_id from repair.moved)"
_ARTICLES = "article_id in (select article_id from repair.articles)"
REPAIRS = {
    "entities": (_MOVED, _MOVED),
    "entity_daily": (_MOVED, _MOVED),
    "entity_quotes": (_MOVED, _MOVED),
    "roles": (_ARTICLES, _ARTICLES),
    "article_entities": (_ARTICLES, _ARTICLES),
    "entity_cooccurrence": (
        "article_id in (select article_id from repair.pair_articles)",
        "entity_a in (select entity_id from repair.neighbours) or entity_b in (select entity_id from repair.neighbours)",
    ),
}


class ResolutionMoved(Exception):
    """The added rows change which entity an old alias belongs to, and the old base rows
    needed to repair the models are not at hand."""


@dataclass
class ModelBuild:
    mode: str  # full | incremental
    rebuilt: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    changed_rows: dict[str, pa.Table] = field(default_factory=dict)  # what the gate validates
    repaired: dict[str, int] = field(default_factory=dict)  # after moved aliases: the sets repaired, by size


def _sql(sql_dir: Path, *names: str) -> str:
    return (sql_dir.joinpath(*names)).read_text(encoding="utf-8")


def model_params(top_entities: int = TOP_ENTITIES) -> dict:
    """The named parameters `sql/` may use: the calendar window and the pair bound."""
    return {**CALENDAR_WINDOW, "cooccurrence_top_entities": top_entities}


def _params(sql: str, values: Mapping) -> dict | None:
    found = {name: value for name, value in values.items() if re.search(rf"\${name}\b", sql)}
    return found or None


def model_connection() -> duckdb.DuckDBPyConnection:
    con = connect()
    for name in ("delta", "previous", "repair"):
        con.execute(f"create schema if not exists {name}")
    return con


def _in_schema(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"set search_path = {quote(name)}")


def _conformed(relation: str, table: str) -> str:
    spec = schema.TABLES[table].schema
    columns = ", ".join(f"cast({ident(f.name)} as {_type_of(f.type)}) as {ident(f.name)}" for f in spec)
    return f"select {columns} from {relation}"


def _materialize(con, where: str, name: str, sql: str, values: Mapping) -> None:
    _in_schema(con, where)
    try:
        con.execute(f"create or replace table {where}.{ident(name)} as {sql}", _params(sql, values))
    except duckdb.Error as exc:
        raise RuntimeError(f"sql model {name} failed in {where}: {' '.join(str(exc).split())}") from exc
    finally:
        _in_schema(con, "main")


def _view(con, where: str, name: str, sql: str) -> None:
    _in_schema(con, where)
    try:
        con.execute(f"create or replace view {where}.{ident(name)} as {sql}")
    finally:
        _in_schema(con, "main")


def _rows(con, relation: str) -> int:
    return con.execute(f"select count(*) from {relation}").fetchone()[0]


def write_relation(con, lake: Lake, table: str, relation: str, run_id: str) -> Part:
    """A relation (a table name or a parenthesized query) as a new part of `table`,
    streamed through Arrow into `write_part`: not DuckDB's COPY, which marks a column
    REQUIRED when this run's rows hold no null, so that the physical schema would follow
    the data, not the contract."""
    spec = schema.TABLES[table]
    failpoint("models.before_write")
    con.complete()  # a statement run before (its rows unread) would hold the connection
    reader = con.sql(_conformed(relation, table)).to_arrow_reader(WRITE_BATCH_ROWS)
    try:
        return write_part(lake, table, reader, run_id=run_id, schema=spec.schema, schema_version=spec.version)
    finally:
        reader.close()  # the connection is free for the next statement only once its result is closed


def run_models(tables: Mapping[str, pa.Table], sql_dir: Path, *, top_entities: int = TOP_ENTITIES) -> dict[str, pa.Table]:
    """Every model over base tables held in memory (a full build): the models as pure
    functions of their inputs, for tests and small data."""
    with model_connection() as con:
        for table in BASE:
            _arrow_view(con, "main", table, tables.get(table, schema.TABLES[table].schema.empty_table()))
        for kind, name in STEPS:
            _full_step(con, sql_dir, kind, name, model_params(top_entities))
        return {name: con.sql(_conformed(f"main.{ident(name)}", name)).to_arrow_table() for name in MODELS}


def merge_models(
    previous: Mapping[str, pa.Table],
    added: Mapping[str, pa.Table],
    sql_dir: Path,
    *,
    top_entities: int = TOP_ENTITIES,
    base: Mapping[str, pa.Table] | None = None,
) -> dict[str, pa.Table]:
    """The incremental way on in-memory tables: `previous` derived tables updated with the
    base rows in `added`. Equals `run_models` over the old and added rows together.
    `base`: the previous version's base tables, which the repair after a moved alias
    reads; without them a moved alias raises ResolutionMoved."""
    values = model_params(top_entities)
    with model_connection() as con:
        for table in BASE:
            empty = schema.TABLES[table].schema.empty_table()
            new = added.get(table, empty)
            _arrow_view(con, "delta", table, new)
            whole = pa.concat_tables([base.get(table, empty), new]) if base is not None else empty
            _arrow_view(con, "main", table, whole)  # the whole version (the staging views over it must bind)
        for model in MODELS:
            _arrow_view(con, "previous", model, previous[model])
        moved, repairing = False, False
        for kind, name in STEPS:
            how = _merge_step(con, sql_dir, kind, name, values)
            if how == "rebuilt" and name in LAKE_WIDE and resolution_moved(con):
                if base is None:
                    raise ResolutionMoved("an alias of the previous tables changed entity: rebuild in full")
                moved = True
            if moved and not repairing and name in REPAIRS:  # the staging views it reads are defined by now
                _mark_repairs(con)
                repairing = True
            if repairing and name in REPAIRS:
                _repair(con, sql_dir, name, values, append=how in ("append", "kept") and name in APPEND)
        return {name: con.sql(_conformed(f"main.{ident(name)}", name)).to_arrow_table() for name in MODELS}


def _mark_repairs(con) -> dict[str, int]:
    """The sets a repair recomputes (see REPAIRS), as tables of schema `repair`; their sizes."""
    con.execute(
        "create or replace table repair.moved_aliases as select p.alias_id, p.entity_id as old_id, m.entity_id as new_id "
        "from previous.entity_aliases as p join main.entity_aliases as m using (alias_id) where p.entity_id <> m.entity_id"
    )
    con.execute(
        "create or replace table repair.moved as select old_id as entity_id from repair.moved_aliases "
        "union select new_id from repair.moved_aliases"
    )
    con.execute(
        "create or replace table repair.articles as select distinct article_id from main.entity_mentions "
        "where alias_id in (select alias_id from repair.moved_aliases) "
        "and article_id not in (select article_id from delta.articles)"
    )
    con.execute(
        "create or replace table repair.neighbours as "
        "select entity_id from main.stg_entity_mentions where article_id in (select article_id from repair.articles) "
        "union select entity_id from previous.article_entities where article_id in (select article_id from repair.articles) "
        "union select entity_id from repair.moved"
    )
    con.execute(
        "create or replace table repair.pair_articles as select distinct article_id from main.stg_entity_mentions "
        "where entity_id in (select entity_id from repair.neighbours)"
    )
    return {name: _rows(con, f"repair.{name}") for name in ("moved", "articles", "neighbours", "pair_articles")}


def _repair(con, sql_dir: Path, name: str, values: Mapping, append: bool) -> None:
    """Recompute the rows of `name` a moved alias can have changed (REPAIRS) and put them
    in place of the merged ones: `main.<name>` becomes the repaired table, and
    `repair.<name>` holds the recomputed rows."""
    mentions, rows = REPAIRS[name]
    for view, sql in (
        ("stg_entity_mentions", f"select * from main.stg_entity_mentions where {mentions}"),
        ("stg_entity_names", "select * from main.stg_entity_names"),
        ("entity_aliases", "select * from main.entity_aliases"),
    ):
        con.execute(f"create or replace view repair.{view} as {sql}")
    _materialize(con, "repair", name, _sql(sql_dir, f"{name}.sql"), values)
    kept = f"select * from previous.{ident(name)} where not ({rows})"
    if append:  # previous rows of other articles, this run's rows, the repaired ones
        con.execute(
            f"create or replace view main.{ident(name)} as {kept} "
            f"union all select * from delta.{ident(name)} union all select * from repair.{ident(name)} where {rows}"
        )
    else:
        merged = f"select * from main.{ident(name)} where not ({rows})"
        con.execute(f"create or replace table repair.{ident(name + '_merged')} as {merged} union all select * from repair.{ident(name)} where {rows}")
        con.execute(f"drop {'view' if _is_view(con, name) else 'table'} main.{ident(name)}")
        con.execute(f"create table main.{ident(name)} as select * from repair.{ident(name + '_merged')}")


def _is_view(con, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_views() where schema_name = 'main' and view_name = ? and not internal", [name]
    ).fetchone()[0])


def _arrow_view(con, where: str, name: str, table: pa.Table) -> None:
    con.register(f"__{where}_{name}", table)
    con.execute(f"create or replace view {where}.{ident(name)} as select * from {ident(f'__{where}_{name}')}")


def _full_step(con, sql_dir: Path, kind: str, name: str, values: Mapping) -> None:
    if kind == "staging":
        _view(con, "main", name, _sql(sql_dir, "staging", f"{name}.sql"))
    else:
        _materialize(con, "main", name, _sql(sql_dir, f"{name}.sql"), values)


def _merge_step(con, sql_dir: Path, kind: str, name: str, values: Mapping) -> str | None:
    """One step of the incremental build. For a model, leaves `main.<name>` as the new
    table and returns how: "kept" (empty delta), "append" (new rows only in
    `delta.<name>`) or "rebuilt"."""
    if kind == "staging":
        sql = _sql(sql_dir, "staging", f"{name}.sql")
        _view(con, "delta", name, sql)
        if name in FROM_MERGED_STAGING.values():
            _materialize(con, "main", name, _sql(sql_dir, "merge", f"{name}.sql"), values)
        else:
            _view(con, "main", name, sql)
        return None
    _materialize(con, "delta", name, _sql(sql_dir, f"{name}.sql"), values)
    source = FROM_MERGED_STAGING.get(name)
    if _rows(con, f"delta.{ident(source or name)}") == 0:
        con.execute(f"create or replace view main.{ident(name)} as select * from previous.{ident(name)}")
        return "kept"
    if name in APPEND:
        con.execute(
            f"create or replace view main.{ident(name)} as "
            f"select * from previous.{ident(name)} union all select * from delta.{ident(name)}"
        )
        return "append"
    _materialize(con, "main", name, _sql(sql_dir, f"{name}.sql") if source else _sql(sql_dir, "merge", f"{name}.sql"), values)
    if name in LAKE_WIDE:
        keys = ", ".join(ident(k) for k in KEYS[name])
        con.execute(f"drop table delta.{ident(name)}")
        con.execute(
            f"create view delta.{ident(name)} as select * from main.{ident(name)} "
            f"where ({keys}) in (select ({keys}) from delta.{ident(source)})"
        )
    return "rebuilt"


def resolution_moved(con) -> bool:
    """Did an alias the previous version held change entity? Then rows of old articles
    change too, and the merge repairs them (see REPAIRS)."""
    return bool(
        con.execute(
            "select count(*) from previous.entity_aliases as p join main.entity_aliases as m using (alias_id) "
            "where p.entity_id <> m.entity_id"
        ).fetchone()[0]
    )


def _register_version(con, lake: Lake, where: str, parts_of, tables) -> None:
    for table in tables:
        register_parts(con, lake, table, parts_of(table), schema.TABLES[table].schema, where=where)


def build(
    lake: Lake,
    txn: Transaction,
    sql_dir: Path,
    *,
    added: Mapping[str, pa.Table | list[Part]],
    incremental: bool,
    top_entities: int = TOP_ENTITIES,
) -> ModelBuild:
    """Build every model for the version `txn` assembles; returns what changed.

    `added`: the rows this run adds to each base table (an Arrow table or parts)."""
    values = model_params(top_entities)
    with model_connection() as con:
        _register_version(con, lake, "main", txn.parts, BASE)
        _register_version(con, lake, "previous", txn.base_parts, MODELS)
        if incremental and txn.base is not None and all(txn.base_parts(m) for m in MODELS):
            for table in BASE:
                data = added.get(table)
                if isinstance(data, pa.Table):
                    _arrow_view(con, "delta", table, data)
                else:
                    _register_version(con, lake, "delta", lambda _t, d=data: list(d or []), [table])
            result = _incremental(con, lake, txn, sql_dir, values)
        else:
            result = _full(con, lake, txn, sql_dir, values)
        for model in result.rebuilt:
            mode = "full" if model in REPAIRS and result.repaired else result.mode  # repaired rows count as changed
            result.changed_rows[model] = con.sql(_changed(model, mode)).to_arrow_table()
        return result


def _changed(model: str, mode: str) -> str:
    """SQL for the rows of the new `model` that the gate validates: those whose key the
    delta touched (incremental), or those not in the previous version (full)."""
    if mode == "incremental" and model in APPEND:
        return f"select * from delta.{ident(model)}"
    if mode == "incremental" and model not in FROM_MERGED_STAGING:
        keys = ", ".join(ident(k) for k in KEYS[model])
        return f"select * from main.{ident(model)} where ({keys}) in (select ({keys}) from delta.{ident(model)})"
    return f"select * from main.{ident(model)} except all select * from previous.{ident(model)}"


def _publish_model(con, lake: Lake, txn: Transaction, model: str, where: str = "main") -> None:
    part = write_relation(con, lake, model, f"{where}.{ident(model)}", txn.run_id)
    txn.replace_all(model, [part])


def _full(con, lake: Lake, txn: Transaction, sql_dir: Path, values: Mapping) -> ModelBuild:
    result = ModelBuild("full")
    for kind, name in STEPS:
        _full_step(con, sql_dir, kind, name, values)
        if kind == "model":
            _publish_model(con, lake, txn, name)
            result.rebuilt.append(name)
    return result


def _incremental(con, lake: Lake, txn: Transaction, sql_dir: Path, values: Mapping) -> ModelBuild:
    result = ModelBuild("incremental")
    moved = False
    for kind, name in STEPS:
        how = _merge_step(con, sql_dir, kind, name, values)
        if name in LAKE_WIDE and how == "rebuilt" and resolution_moved(con):
            moved = True
        if moved and not result.repaired and name in REPAIRS:  # the staging views it reads are defined by now
            result.repaired = _mark_repairs(con)
        if result.repaired and name in REPAIRS:
            append = name in APPEND
            _repair(con, sql_dir, name, values, append=append)
            if append:
                _repair_parts(con, lake, txn, name, write_delta=how == "append")
            else:
                _publish_model(con, lake, txn, name)
            result.rebuilt.append(name)
        elif how == "kept":
            result.kept.append(name)
        elif how == "append":
            txn.add(name, [write_relation(con, lake, name, f"delta.{ident(name)}", txn.run_id)])
            result.rebuilt.append(name)
        elif how == "rebuilt":
            _publish_model(con, lake, txn, name)
            result.rebuilt.append(name)
    return result


def _repair_parts(con, lake: Lake, txn: Transaction, name: str, write_delta: bool) -> None:
    """An appended model after a repair: the parts holding repaired articles' rows are
    rewritten without them (copy-on-write), and the recomputed rows join as a part."""
    from newslake.lake.parts import key_in, rewrite_without
    from newslake.lake.query import parts_holding

    spec = schema.TABLES[name]
    ids = [row[0] for row in con.execute("select article_id from repair.articles").fetchall()]
    for part in parts_holding(con, lake, txn.parts(name), "article_id", ids):
        new = rewrite_without(lake, part, name, drop=key_in("article_id", ids), run_id=txn.run_id, schema=spec.schema,
                              schema_version=spec.version)
        txn.replace(name, part, new)
    if write_delta:
        txn.add(name, [write_relation(con, lake, name, f"delta.{ident(name)}", txn.run_id)])
    rows = REPAIRS[name][1]
    txn.add(name, [write_relation(con, lake, name, f"(select * from repair.{ident(name)} where {rows})", txn.run_id)], new_rows=False)
