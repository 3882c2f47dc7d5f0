"""The derived tables: `sql/` run by DuckDB over a version's parts, written as parts.

Each model is a `sql/<model>.sql` file over the base tables (`articles`, `quotes`,
`entity_mentions`, `date_mentions`), the staging models in `sql/staging/` and the
models before it; its header declares its key and incremental rule, and the build
order follows from what the SQL reads (`newslake.derived.sql_graph`, which says how to add
one). DuckDB reads the parts out of core; no table passes through Python whole.

Two ways to build, with the same result (a test holds them equal):
- `full`: every model over the whole new version. The reference, and what a run
  does when it removed rows (a changed or deleted file).
- `incremental`: a run that only adds rows runs each model over the rows it adds
  (schema `delta`) and builds the new table by the model's `-- incremental:` rule
  (`sql_graph.INCREMENTAL`): merged with `sql/merge/<model>.sql` into the previous
  version's table (schema `previous`), rebuilt over a merged staging model, or (per
  article) a new part. A model whose delta is empty keeps its parts: its inputs did
  not change. When the added rows move an old alias to another entity, the rows that
  can have changed are repaired (the model's `-- repair:` rule, `REPAIRS`, schema
  `repair`) instead of rebuilding everything.
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
from newslake.lake.query import connect, duck_type, ident, quote, register_parts
from newslake.derived.sql_graph import DeclarationError, Graph, Step, load

WRITE_BATCH_ROWS = 131_072  # rows per Arrow batch (and Parquet row group) of a model's part

CALENDAR_WINDOW = {"min_date": date(1900, 1, 1), "max_date": date(2100, 1, 1)}
# The bound on pairs per article (sql/entity_cooccurrence.sql); its owner is the setting.
TOP_ENTITIES = Settings.model_fields["cooccurrence_top_entities"].default
BASE = ("articles", "entity_mentions", "date_mentions", "quotes")


# When a run's mentions move an old alias to another entity (a bare surname joins the one
# full name it now fits, a name's label vote turns), the rows of old articles that name
# it change too. Rather than rebuild every model over the whole lake, the merge repairs
# exactly the rows that can have changed, each recomputed by the model's own SQL over the
# mentions that make it (`stg_entity_mentions`, filtered, and the staging models between):
# per `-- repair:` rule, (which mentions, which rows of the merged table they replace).
#   moved:      the entities that lost or gained an alias (old and new ids)
#   articles:   old articles that mention a moved alias: their per-article rows change
#   neighbours: every entity those articles name, old ids and new (an article's top
#               entities, and so its pairs, can change with its mentions' entities)
RESOLUTION = "entity_aliases"  # the lake-wide model whose moved aliases are repaired
MENTIONS = "stg_entity_mentions"  # the mentions under their entity ids, which a repair filters
_MOVED = "entity_id in (select entity_id from repair.moved)"
_ARTICLES = "article_id in (select article_id from repair.articles)"
REPAIRS = {
    "entity": (_MOVED, _MOVED),  # rows of one entity: those of the moved entities
    "article": (_ARTICLES, _ARTICLES),  # rows of one article: those of the old articles naming a moved alias
    "pair": (  # rows of two entities: the pairs of the neighbours, from every article naming one
        "article_id in (select article_id from repair.pair_articles)",
        "entity_a in (select entity_id from repair.neighbours) or entity_b in (select entity_id from repair.neighbours)",
    ),
}


def graph(sql_dir: Path) -> Graph:
    """The steps of `sql_dir` in build order (`sql_graph.load`), checked against the
    contract (every derived table of `schema.TABLES` is a model, and no other) and the
    repairs: a model that reads entity ids must say which rows a moved alias changes.
    Raises DeclarationError naming the file."""
    found = load(sql_dir, BASE)
    derived = {name for name, spec in schema.TABLES.items() if spec.kind == "derived"}
    for step in found:
        if step.kind == "model" and step.name not in derived:
            raise DeclarationError(f"{step.path}: no derived table {step.name} in newslake/schema.py (TABLES), which holds its columns")
        if step.repair is not None and step.repair not in REPAIRS:
            raise DeclarationError(f"{step.path}: `-- repair: {step.repair}` is no rule; declare one of {', '.join(REPAIRS)}")
        upstream = found.upstream(step.name)
        if step.repair is not None and RESOLUTION not in upstream:
            raise DeclarationError(f"{step.path}: declares `-- repair:` but reads no entity ids ({RESOLUTION}): no alias that moves can change it")
        if step.kind == "model" and step.repair is None and RESOLUTION in upstream and step.incremental != "lake-wide":
            raise DeclarationError(
                f"{step.path}: reads entity ids ({RESOLUTION}) but declares no `-- repair:` "
                f"(which rows an alias that moves to another entity changes: {', '.join(REPAIRS)})"
            )
    for name in sorted(derived - set(found.models)):
        raise DeclarationError(f"{Path(sql_dir) / (name + '.sql')}: missing: {name} is a derived table of newslake/schema.py")
    return found


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
    columns = ", ".join(f"cast({ident(f.name)} as {duck_type(f.type)}) as {ident(f.name)}" for f in spec)
    return f"select {columns} from {relation}"


def _materialize(con, where: str, name: str, sql: str, values: Mapping, table: str | None = None) -> None:
    _in_schema(con, where)
    try:
        con.execute(f"create or replace table {where}.{ident(table or name)} as {sql}", _params(sql, values))
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
    steps = graph(sql_dir)
    with model_connection() as con:
        for table in BASE:
            _arrow_view(con, "main", table, tables.get(table, schema.TABLES[table].schema.empty_table()))
        for step in steps:
            _full_step(con, step, model_params(top_entities))
        return {name: con.sql(_conformed(f"main.{ident(name)}", name)).to_arrow_table() for name in steps.models}


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
    values, steps = model_params(top_entities), graph(sql_dir)
    with model_connection() as con:
        for table in BASE:
            empty = schema.TABLES[table].schema.empty_table()
            new = added.get(table, empty)
            _arrow_view(con, "delta", table, new)
            whole = pa.concat_tables([base.get(table, empty), new]) if base is not None else empty
            _arrow_view(con, "main", table, whole)  # the whole version (the staging views over it must bind)
        for model in steps.models:
            _arrow_view(con, "previous", model, previous[model])
        moved, repairing = False, False
        for step in steps:
            how = _merge_step(con, step, values)
            if how == "rebuilt" and step.name == RESOLUTION and resolution_moved(con):
                if base is None:
                    raise ResolutionMoved("an alias of the previous tables changed entity: rebuild in full")
                moved = True
            if moved and not repairing and step.repair:  # the staging views it reads are defined by now
                _mark_repairs(con)
                repairing = True
            if repairing and step.repair:
                _repair(con, steps, step, values, append=how in ("append", "kept") and step.incremental == "append")
        return {name: con.sql(_conformed(f"main.{ident(name)}", name)).to_arrow_table() for name in steps.models}


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


def _repair(con, steps: Graph, step: Step, values: Mapping, append: bool) -> None:
    """Recompute the rows of `step` a moved alias can have changed (its `-- repair:`
    rule, REPAIRS) and put them in place of the merged ones: `main.<name>` becomes the
    repaired table, and `repair.<name>_rows` holds the recomputed rows. The model's SQL
    runs in schema `repair`, over the filtered mentions and the staging models between
    them and it; what else it reads is the merged tables of `main`. A model that reads
    no mentions (quotes resolve through entity_aliases alone) is recomputed over those
    merged tables whole, and only the rows its rule names replace the merged ones."""
    name, (mentions, rows) = step.name, REPAIRS[step.repair]
    con.execute(f"create or replace view repair.{ident(MENTIONS)} as select * from main.{ident(MENTIONS)} where {mentions}")
    for upstream in steps.upstream(name):
        if steps[upstream].kind == "staging" and MENTIONS in steps.upstream(upstream):
            _view(con, "repair", upstream, steps[upstream].sql)
    recomputed = f"repair.{ident(name + '_rows')}"
    _materialize(con, "repair", name, step.sql, values, table=f"{name}_rows")
    kept = f"select * from previous.{ident(name)} where not ({rows})"
    if append:  # previous rows of other articles, this run's rows, the repaired ones
        con.execute(
            f"create or replace view main.{ident(name)} as {kept} "
            f"union all select * from delta.{ident(name)} union all select * from {recomputed} where {rows}"
        )
    else:
        merged = f"select * from main.{ident(name)} where not ({rows})"
        con.execute(f"create or replace table repair.{ident(name + '_merged')} as {merged} union all select * from {recomputed} where {rows}")
        con.execute(f"drop {'view' if _is_view(con, name) else 'table'} main.{ident(name)}")
        con.execute(f"create table main.{ident(name)} as select * from repair.{ident(name + '_merged')}")


def _is_view(con, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_views() where schema_name = 'main' and view_name = ? and not internal", [name]
    ).fetchone()[0])


def _arrow_view(con, where: str, name: str, table: pa.Table) -> None:
    con.register(f"__{where}_{name}", table)
    con.execute(f"create or replace view {where}.{ident(name)} as select * from {ident(f'__{where}_{name}')}")


def _full_step(con, step: Step, values: Mapping) -> None:
    if step.kind == "staging":
        _view(con, "main", step.name, step.sql)
    else:
        _materialize(con, "main", step.name, step.sql, values)


def _merge_step(con, step: Step, values: Mapping) -> str | None:
    """One step of the incremental build, by the step's `-- incremental:` rule. For a
    model, leaves `main.<name>` as the new table and returns how: "kept" (empty delta),
    "append" (new rows only in `delta.<name>`) or "rebuilt"."""
    name = step.name
    if step.kind == "staging":
        _view(con, "delta", name, step.sql)
        if step.incremental == "merge":
            _materialize(con, "main", name, step.merge_sql, values)
        else:
            _view(con, "main", name, step.sql)
        return None
    _materialize(con, "delta", name, step.sql, values)  # what a step after it reads in `delta`
    if _rows(con, f"delta.{ident(step.source or name)}") == 0:  # a rebuilt model: its source says what is new
        con.execute(f"create or replace view main.{ident(name)} as select * from previous.{ident(name)}")
        return "kept"
    if step.incremental == "append":
        con.execute(
            f"create or replace view main.{ident(name)} as "
            f"select * from previous.{ident(name)} union all select * from delta.{ident(name)}"
        )
        return "append"
    _materialize(con, "main", name, step.sql if step.source else step.merge_sql, values)
    if step.incremental == "lake-wide":  # this run's rows, under their lake-wide values
        keys = ", ".join(ident(k) for k in step.key)
        con.execute(f"drop table delta.{ident(name)}")
        con.execute(
            f"create view delta.{ident(name)} as select * from main.{ident(name)} "
            f"where ({keys}) in (select ({keys}) from delta.{ident(step.source)})"
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
    values, steps = model_params(top_entities), graph(sql_dir)
    with model_connection() as con:
        _register_version(con, lake, "main", txn.parts, BASE)
        _register_version(con, lake, "previous", txn.base_parts, steps.models)
        if incremental and txn.base is not None and all(txn.base_parts(m) for m in steps.models):
            for table in BASE:
                data = added.get(table)
                if isinstance(data, pa.Table):
                    _arrow_view(con, "delta", table, data)
                else:
                    _register_version(con, lake, "delta", lambda _t, d=data: list(d or []), [table])
            result = _incremental(con, lake, txn, steps, values)
        else:
            result = _full(con, lake, txn, steps, values)
        for model in result.rebuilt:
            step = steps[model]
            mode = "full" if step.repair and result.repaired else result.mode  # repaired rows count as changed
            result.changed_rows[model] = con.sql(_changed(step, mode)).to_arrow_table()
        return result


def _changed(step: Step, mode: str) -> str:
    """SQL for the rows of the new model that the gate validates: those whose key the
    delta touched (incremental), or those not in the previous version (full, and a
    model rebuilt over its source)."""
    model = ident(step.name)
    if mode == "incremental" and step.incremental == "append":
        return f"select * from delta.{model}"
    if mode == "incremental" and step.source is None:
        keys = ", ".join(ident(k) for k in step.key)
        return f"select * from main.{model} where ({keys}) in (select ({keys}) from delta.{model})"
    return f"select * from main.{model} except all select * from previous.{model}"


def _publish_model(con, lake: Lake, txn: Transaction, model: str, where: str = "main") -> None:
    part = write_relation(con, lake, model, f"{where}.{ident(model)}", txn.run_id)
    txn.replace_all(model, [part])


def _full(con, lake: Lake, txn: Transaction, steps: Graph, values: Mapping) -> ModelBuild:
    result = ModelBuild("full")
    for step in steps:
        _full_step(con, step, values)
        if step.kind == "model":
            _publish_model(con, lake, txn, step.name)
            result.rebuilt.append(step.name)
    return result


def _incremental(con, lake: Lake, txn: Transaction, steps: Graph, values: Mapping) -> ModelBuild:
    result = ModelBuild("incremental")
    moved = False
    for step in steps:
        name = step.name
        how = _merge_step(con, step, values)
        if name == RESOLUTION and how == "rebuilt" and resolution_moved(con):
            moved = True
        if moved and not result.repaired and step.repair:  # the staging views it reads are defined by now
            result.repaired = _mark_repairs(con)
        if result.repaired and step.repair:
            append = step.incremental == "append"
            _repair(con, steps, step, values, append=append)
            if append:
                _repair_parts(con, lake, txn, step, write_delta=how == "append")
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


def _repair_parts(con, lake: Lake, txn: Transaction, step: Step, write_delta: bool) -> None:
    """An appended model after a repair: the parts holding repaired articles' rows are
    rewritten without them (copy-on-write), and the recomputed rows join as a part."""
    from newslake.lake.parts import key_in, rewrite_without
    from newslake.lake.query import parts_holding

    name, spec = step.name, schema.TABLES[step.name]
    ids = [row[0] for row in con.execute("select article_id from repair.articles").fetchall()]
    for part in parts_holding(con, lake, txn.parts(name), "article_id", ids):
        new = rewrite_without(lake, part, name, drop=key_in("article_id", ids), run_id=txn.run_id, schema=spec.schema,
                              schema_version=spec.version)
        txn.replace(name, part, new)
    if write_delta:
        txn.add(name, [write_relation(con, lake, name, f"delta.{ident(name)}", txn.run_id)])
    rows = REPAIRS[step.repair][1]
    txn.add(name, [write_relation(con, lake, name, f"(select * from repair.{ident(name + '_rows')} where {rows})", txn.run_id)], new_rows=False)
