"""The merge stage: a chunk's parsed batches become the rows its version adds.

It owns the counting contract (every item is new, a duplicate, unchanged or
quarantined), exact duplicates (the first copy seen wins: within the chunk, then
against the lake), the article gate's row-level verdicts, and near copies (MinHash
against the lake's canonical articles and each other).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from newslake import dedup, schema
from newslake.ingest import Batch
from newslake.lake.layout import version_number
from newslake.lake.parts import read_parts
from newslake.lake.query import parts_holding
from newslake.ledger import file_part
from newslake.pipeline import extraction, gate
from newslake.pipeline.checkpoint import Changes, Checkpoint

import pyarrow as pa


def merge(cp: Checkpoint, batches: Sequence[Batch]) -> Changes:
    """Exact duplicates, the article gate, near copies, and the counts."""
    plan, first = cp.plan, cp.chunk.first
    superseded = set(plan.superseded.column("article_id").to_pylist()) if first else set()
    candidates = [row for batch in batches for row in batch.articles]
    in_lake = _lake_ids(cp, {r["article_id"] for r in candidates} - superseded)
    seen, new_rows, duplicates = set(in_lake), [], 0
    for row in candidates:
        if row["article_id"] in seen:
            duplicates += 1
            continue
        seen.add(row["article_id"])
        new_rows.append(row)
    revived = [r for batch in batches for r in batch.revived if r["article_id"] not in seen]
    revived = list({r["article_id"]: r for r in revived}.values())

    quarantine = [row for batch in batches for row in batch.quarantine]
    new_rows, refused = gate.gate_articles(cp, new_rows)
    quarantine += refused

    orphans = plan.orphans.to_pylist() if first else []
    for row in orphans:
        row["duplicate_of"] = None
    to_link = sorted(
        new_rows + revived + orphans,
        key=lambda r: (r["published_at"] is None, r["published_at"] or datetime.min.replace(tzinfo=timezone.utc), r["source_uri"]),
    )
    signatures = _link(cp, to_link, superseded)
    new_ids = {r["article_id"] for r in new_rows}
    near = sum(1 for r in to_link if r["article_id"] in new_ids and r["duplicate_of"] is not None)

    from_changed = {
        article_id
        for article_id, uri in zip(plan.superseded.column("article_id").to_pylist(), plan.superseded.column("source_uri").to_pylist())
        if file_part(uri) in plan.changed
    } if first else set()
    c = cp.counts
    c.items_seen = c.unchanged + sum(batch.items for batch in batches)
    c.new_articles = len(new_rows) - near
    c.duplicates = duplicates + near
    c.near_duplicates = near
    c.quarantined = len(quarantine)
    c.replaced = len(from_changed - new_ids)
    c.removed = len(superseded - from_changed - new_ids)
    c.check()

    cp.changes = Changes(
        articles=schema.to_table(to_link, schema.ARTICLES),
        removed_ids=superseded | {r["article_id"] for r in orphans},
        quarantine=schema.to_table(quarantine, schema.QUARANTINE),
        ledger_rows=[row for batch in batches for row in batch.ledger] + (plan.refreshed if first else []),
        signatures=signatures,
    )
    return cp.changes


def _lake_ids(cp: Checkpoint, ids: set[str]) -> set[str]:
    parts = parts_holding(cp.con, cp.lake, cp.txn.base_parts("articles"), "article_id", ids)
    if not parts:
        return set()
    found = read_parts(cp.lake, parts, schema.ARTICLES, columns=["article_id"]).column("article_id").to_pylist()
    return ids.intersection(found)


def _link(cp: Checkpoint, rows: list[dict], excluded: set[str]) -> pa.Table:
    """Set `duplicate_of` on `rows` (in order) against the lake's canonical articles
    and each other; returns the signatures of the ones that stay canonical."""
    if not rows:
        return schema.SIGNATURES.empty_table()
    ids = [r["article_id"] for r in rows]
    texts = [dedup.dedup_text(r["title"], r["body"]) for r in rows]
    s = cp.settings
    if extraction.uses_workers(s, len(rows)):
        from newslake.extract_pool import signatures_in_workers

        sigs = signatures_in_workers(texts, model=s.spacy_model, processes=s.n_process, batch_size=s.nlp_batch_size)
    else:
        sigs = dedup.signatures(texts)
    cp.base_view("signatures")
    cp.con.execute("create or replace temp view signatures as select * from base_signatures")
    lake_ids, lake_sigs = dedup.lake_candidates(cp.con, sigs, sorted(excluded))
    links = dedup.link_signatures(lake_ids, lake_sigs, ids, sigs)
    for row, target in zip(rows, links):
        row["duplicate_of"] = target
    keep = [i for i, target in enumerate(links) if target is None and not dedup.is_empty(sigs[i])]
    return dedup.signature_table([ids[i] for i in keep], sigs[keep], version_number(cp.version) * 1_000_000_000)
