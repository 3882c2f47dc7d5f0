"""The extract stage: entity and date mentions of a chunk's canonical articles.

It runs where `pool` says: the run's worker processes for a large chunk, Dask
workers on Dask, else the run's own process. Each batch's mentions are written as
parts as soon as it is done, invisible until the checkpoint commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from newslake import schema
from newslake.lake import Lake, Part
from newslake.lake.parts import month_of, write_partitioned
from newslake.ingest.normalize import MAX_EXTRACT_CHARS
from newslake.pipeline import pool
from newslake.pipeline.checkpoint import Checkpoint

def batches(cp: Checkpoint, size: int) -> list[pa.Table]:
    """The checkpoint's canonical new articles in extraction batches."""
    if not cp.settings.extract:
        return []
    todo = cp.changes.to_extract
    return [schema.slice_copy(todo, start, size) for start in range(0, todo.num_rows, size)]


def job(cp: Checkpoint) -> "ExtractJob":
    """How this checkpoint extracts: in worker processes when there are many articles."""
    s = cp.settings
    return ExtractJob(
        lake_root=str(cp.lake.root),
        run_id=cp.run_id,
        spacy_model=s.spacy_model,
        nlp_batch_size=s.nlp_batch_size,
        n_process=s.n_process if pool.uses_workers(s, cp.changes.to_extract.num_rows) else 1,
        max_extract_chars=s.max_extract_chars,
    )


@dataclass
class Extracted:
    parts: dict[str, list[Part]]
    skipped_language: int
    articles: int
    entity_mentions: int
    date_mentions: int


def add(cp: Checkpoint, found: Extracted) -> None:
    """One extraction batch's parts into the version being assembled."""
    cp.counts.skipped_language += found.skipped_language
    for table, parts in found.parts.items():
        cp.txn.add(table, parts)


@dataclass(frozen=True)
class ExtractJob:
    """An extraction batch, wherever it runs: the model is loaded once per process, and
    the mentions are written as parts of the lake (invisible until the commit)."""

    lake_root: str
    run_id: str
    spacy_model: str
    nlp_batch_size: int
    n_process: int
    max_extract_chars: int = MAX_EXTRACT_CHARS

    def extract(self, articles: pa.Table) -> Extracted:
        if self.n_process > 1:
            from newslake.pipeline.workers import extract_in_workers

            found = extract_in_workers(
                articles, model=self.spacy_model, processes=self.n_process, batch_size=self.nlp_batch_size,
                max_chars=self.max_extract_chars,
            )
        else:
            from newslake.extract.entities import load_nlp
            from newslake.extract.mentions import extract_mentions

            found = extract_mentions(
                load_nlp(self.spacy_model), articles, batch_size=self.nlp_batch_size, max_chars=self.max_extract_chars
            )
        lake = Lake(Path(self.lake_root))
        month = dict(zip(articles.column("article_id").to_pylist(), month_of(articles.column("published_at"))))
        parts = {}
        for table, data in (("entity_mentions", found.entities), ("date_mentions", found.dates), ("quotes", found.quotes)):
            months = [month[a] for a in data.column("article_id").to_pylist()]
            spec = schema.TABLES[table]
            parts[table] = write_partitioned(lake, table, data, months, run_id=self.run_id, schema=spec.schema, schema_version=spec.version)
        return Extracted(parts, found.skipped_language, articles.num_rows, found.entities.num_rows, found.dates.num_rows)
