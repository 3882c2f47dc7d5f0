"""The merge stage: a chunk's parsed batches become the rows its version adds.

It owns the counting contract (every item is new, a duplicate, unchanged or
quarantined), exact duplicates (the first copy seen wins: within the chunk, then
against the lake), the article gate's row-level verdicts, and near copies (MinHash
against the lake's canonical articles and each other).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema
from newslake.ingest import dedup
from newslake.ingest.batch import Batch, hold_back, quarantine_repeats
from newslake.lake.layout import version_number
from newslake.lake.parts import read_parts
from newslake.lake.query import parts_holding
from newslake.ingest.ledger import owner_in
from newslake.pipeline import gate, pool
from newslake.pipeline.checkpoint import Changes, Checkpoint

_ROW = "__row"  # a candidate's place among the batches' articles (dropped before the gate)



def merge(cp: Checkpoint, batches: Sequence[Batch]) -> Changes:
    """Exact duplicates, the article gate, near copies, and the counts."""
    plan, first = cp.plan, cp.chunk.first
    superseded = set(plan.superseded.column("article_id").to_pylist()) if first else set()
    signed = all(b.signatures is not None and b.revived_signatures is not None for b in batches)
    candidates = _concat([b.articles for b in batches], schema.ARTICLES)
    if signed:  # each row's place in the concatenation, to find its signature after the filters
        candidates = candidates.append_column(_ROW, pa.array(np.arange(candidates.num_rows), pa.int64()))
    refreshed = schema.to_table(plan.refreshed if first else [], schema.LEDGER)
    ledger = _concat([b.ledger for b in batches] + [refreshed], schema.LEDGER)
    held = {uri for b in batches for uri in b.held}
    if first and held.intersection(plan.revive):
        # an unchanged file read to give back articles, held back: its ledger rows go too
        # (`plan.gone`), so the next run reads it as new and the articles come back
        plan.changed |= held.intersection(plan.revive)
    ledger, candidates, parsed_quarantine, held_items = hold_back(
        ledger, candidates, _concat([b.quarantine for b in batches], schema.QUARANTINE), held
    )
    ledger, candidates, parsed_quarantine = quarantine_repeats(
        ledger, candidates, parsed_quarantine, _lake_uris(cp, set(ledger.column("source_uri").to_pylist())), cp.run_id, cp.chunk.now,
    )
    ids = candidates.column("article_id").to_pylist()
    seen = set(_lake_ids(cp, set(ids) - superseded))
    keep = []
    for i, article_id in enumerate(ids):
        if article_id not in seen:
            seen.add(article_id)
            keep.append(i)
    duplicates = len(ids) - len(keep)
    new_rows = candidates.take(pa.array(keep, pa.int64()))
    del candidates
    rows_of_new = None
    if signed:
        rows_of_new = new_rows.column(_ROW).to_numpy()
        new_rows = new_rows.drop_columns([_ROW])

    revived = _concat([b.revived for b in batches], schema.ARTICLES)
    first_of: dict[str, int] = {}
    for i, article_id in enumerate(revived.column("article_id").to_pylist()):
        if article_id not in seen:
            first_of.setdefault(article_id, i)
    revived_rows = sorted(first_of.values())
    revived = revived.take(pa.array(revived_rows, pa.int64()))

    gated, refused = gate.gate_articles(cp, new_rows)
    known = None
    if signed:  # the signatures of the rows the gate kept (ids are unique among new rows), then of the revived
        kept = pc.index_in(gated.column("article_id"), value_set=new_rows.column("article_id")).to_numpy()
        known = np.concatenate([
            _stacked([b.signatures for b in batches])[rows_of_new[kept]],
            _stacked([b.revived_signatures for b in batches])[np.asarray(revived_rows, dtype=np.int64)],
        ])
    new_rows = gated
    quarantine = _concat([parsed_quarantine, refused], schema.QUARANTINE)

    orphans = plan.orphans if first else schema.ARTICLES.empty_table()
    orphans = orphans.set_column(orphans.schema.get_field_index("duplicate_of"), schema.ARTICLES.field("duplicate_of"), pa.nulls(orphans.num_rows, pa.string()))
    # In parse order: a near copy links to the first article seen, as an exact copy does,
    # and a chunked run sees them in the same order as one that takes the backlog whole.
    to_link = pa.concat_tables([new_rows, revived, orphans])
    to_link, signatures = _link(cp, to_link, superseded, known)
    new_ids = set(new_rows.column("article_id").to_pylist())
    linked = to_link.filter(pc.is_valid(to_link.column("duplicate_of"))).column("article_id").to_pylist()
    near = sum(1 for article_id in linked if article_id in new_ids)

    from_changed = {
        article_id
        for article_id, uri in zip(plan.superseded.column("article_id").to_pylist(), plan.superseded.column("source_uri").to_pylist())
        if owner_in(uri, plan.changed) is not None
    } if first else set()
    c = cp.counts
    c.items_seen = c.unchanged + sum(batch.items for batch in batches) - held_items
    c.held_back = len(held)
    c.new_articles = new_rows.num_rows - near
    c.duplicates = duplicates + near
    c.near_duplicates = near
    c.quarantined = quarantine.num_rows
    c.replaced = len(from_changed - new_ids)
    c.removed = len(superseded - from_changed - new_ids)
    c.check()

    cp.changes = Changes(
        articles=to_link,
        removed_ids=superseded | set(orphans.column("article_id").to_pylist()),
        quarantine=quarantine,
        ledger=ledger,
        signatures=signatures,
    )
    return cp.changes


def _concat(tables: list[pa.Table], contract: pa.Schema) -> pa.Table:
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else contract.empty_table()


def _lake_uris(cp: Checkpoint, uris: set[str]) -> set[str]:
    """Which of `uris` the lake's ledger holds and keeps: less the rows this checkpoint
    removes (its first takes out the gone files' rows and the refreshed ones)."""
    parts = parts_holding(cp.con, cp.lake, cp.txn.parts("ledger"), "source_uri", uris)
    if not parts:
        return set()
    found = set(read_parts(cp.lake, parts, schema.LEDGER, columns=["source_uri"]).column("source_uri").to_pylist())
    if cp.chunk.first:
        plan = cp.plan
        found -= {u for u in found if owner_in(u, plan.gone) is not None} | {r["source_uri"] for r in plan.refreshed}
    return uris.intersection(found)


def _lake_ids(cp: Checkpoint, ids: set[str]) -> set[str]:
    parts = parts_holding(cp.con, cp.lake, cp.txn.base_parts("articles"), "article_id", ids)
    if not parts:
        return set()
    found = read_parts(cp.lake, parts, schema.ARTICLES, columns=["article_id"]).column("article_id").to_pylist()
    return ids.intersection(found)


def _stacked(blocks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(blocks) if blocks else np.empty((0, dedup.NUM_PERM), dtype=np.uint64)


def _signatures(cp: Checkpoint, rows: pa.Table) -> np.ndarray:
    """Near-duplicate signatures of `rows`, in the run's workers for many rows."""
    if not rows.num_rows:
        return np.empty((0, dedup.NUM_PERM), dtype=np.uint64)
    s = cp.settings
    if pool.uses_workers(s, rows.num_rows):
        from newslake.pipeline.workers import signatures_in_workers

        return signatures_in_workers(dedup.article_texts(rows), **pool.pool_args(s))
    return dedup.article_signatures(rows)


def _link(cp: Checkpoint, rows: pa.Table, excluded: set[str], known: np.ndarray | None = None) -> tuple[pa.Table, pa.Table]:
    """`rows` (in order) with `duplicate_of` set against the lake's canonical articles
    and each other, and the signatures of the ones that stay canonical. `known` are
    the signatures of the first rows, computed where they were parsed."""
    if not rows.num_rows:
        return rows, schema.SIGNATURES.empty_table()
    ids = rows.column("article_id").to_pylist()
    done = 0 if known is None else len(known)
    rest = _signatures(cp, rows.slice(done))
    sigs = rest if known is None else np.concatenate([known, rest])
    cp.base_view("signatures")
    cp.con.execute("create or replace temp view signatures as select * from base_signatures")
    lake_ids, lake_sigs = dedup.lake_candidates(cp.con, sigs, sorted(excluded))
    links = dedup.link_signatures(lake_ids, lake_sigs, ids, sigs)
    rows = rows.set_column(rows.schema.get_field_index("duplicate_of"), schema.ARTICLES.field("duplicate_of"), pa.array(links, pa.string()))
    keep = [i for i, target in enumerate(links) if target is None and not dedup.is_empty(sigs[i])]
    return rows, dedup.signature_table([ids[i] for i in keep], sigs[keep], version_number(cp.version) * 1_000_000_000)
