"""The write stage: a checkpoint's base-table parts, and copy-on-write of what it removes.

New rows become new parts (articles and the mentions partitioned by publication
month); a part that holds rows the checkpoint removes (a superseded article, the
ledger entry of a changed file) is rewritten without them and replaced in the
version's list. Untouched parts are never read or rewritten.
"""

from __future__ import annotations

import pyarrow as pa

from newslake import schema
from newslake.lake.parts import key_in, month_of, rewrite_without, write_part, write_partitioned
from newslake.lake.query import parts_holding
from newslake.ingest.ledger import FILE_PART_SQL, in_files, sql_prefilter
from newslake.pipeline.checkpoint import Checkpoint

# Base tables keyed by article_id. (Derived tables are rebuilt in full when rows go.)
PER_ARTICLE = ("entity_mentions", "date_mentions", "quotes")


def write_base_tables(cp: Checkpoint) -> None:
    ch, run_id = cp.changes, cp.run_id
    removed = sorted(ch.removed_ids)
    _rewrite(cp, "articles", "article_id", removed)
    for table in PER_ARTICLE + ("signatures",):
        _rewrite(cp, table, "article_id", removed)
    if cp.chunk.first:
        plan = cp.plan
        gone = sorted(plan.gone)
        file_sql = FILE_PART_SQL.format(column="source_uri")
        _rewrite(cp, "quarantine", file_sql, gone, by_file=True)
        _rewrite(cp, "ledger", file_sql, gone, by_file=True)
        _rewrite(cp, "ledger", "source_uri", sorted({r["source_uri"] for r in plan.refreshed}))

    months = month_of(ch.articles.column("published_at"))
    spec = schema.TABLES["articles"]
    cp.txn.add("articles", write_partitioned(cp.lake, "articles", ch.articles, months, run_id=run_id, schema=spec.schema, schema_version=spec.version))
    for table, data in (
        ("quarantine", ch.quarantine),
        ("ledger", ch.ledger),
        ("signatures", ch.signatures),
    ):
        if data.num_rows:
            spec = schema.TABLES[table]
            cp.txn.add(table, [write_part(cp.lake, table, data, run_id=run_id, schema=spec.schema, schema_version=spec.version)])


def _rewrite(cp: Checkpoint, table: str, key_sql: str, values: list[str], by_file: bool = False) -> None:
    if not values:
        return
    spec = schema.TABLES[table]
    holding = parts_holding(cp.con, cp.lake, cp.txn.parts(table), key_sql, sql_prefilter(values) if by_file else values)
    if by_file:
        def drop(rows: pa.Table) -> pa.Array:
            return in_files(rows.column("source_uri").to_pylist(), values)
    else:
        drop = key_in(key_sql, values)
    for part in holding:
        new = rewrite_without(cp.lake, part, table, drop=drop, run_id=cp.run_id, schema=spec.schema, schema_version=spec.version)
        cp.txn.replace(table, part, new)
