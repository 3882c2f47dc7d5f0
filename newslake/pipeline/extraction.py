"""The extract stage: entity and date mentions of a chunk's canonical articles.

It owns where extraction runs: in long-lived worker processes
(`newslake.extract_pool`) once a chunk holds enough articles to pay for starting
them, on Dask workers when the run is on Dask, else in the run's own process.
Each batch's mentions are written as parts as soon as it is done, invisible
until the checkpoint commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from newslake import gates, schema
from newslake.config import Settings
from newslake.lake import Lake, Part
from newslake.lake.parts import month_of, write_partitioned
from newslake.ledger import SourceFile
from newslake.normalize import MAX_EXTRACT_CHARS
from newslake.pipeline.checkpoint import Checkpoint

BYTES_PER_ARTICLE = 2_500  # a rough size of one article in its source file, for planning


def uses_workers(settings: Settings, articles: int) -> bool:
    """Worker processes pay off from a few hundred articles: starting them costs
    seconds. On Dask the Dask workers are the processes."""
    s = settings
    return s.extract and not s.dask and s.n_process > 1 and articles >= s.workers_from


def expects_many_articles(settings: Settings, files: list[SourceFile]) -> bool:
    """Before parsing, from the bytes to parse: whether to start the workers early."""
    return uses_workers(settings, sum(f.size for f in files) // BYTES_PER_ARTICLE)


def warm_up(settings: Settings, files: list[SourceFile]) -> None:
    """Start what the later stages need while the run parses: for a large run the
    worker processes with their model, else GX's import (see `warm_up_validation`)."""
    if expects_many_articles(settings, files):
        from newslake.extract_pool import warm

        warm(settings.spacy_model, settings.n_process, settings.nlp_batch_size)
    else:
        gates.preload()


def warm_up_validation() -> None:
    """Import GX now, as extraction starts, if `warm_up` left it: while the workers
    extract, this process only waits for them, and during parsing GX's 4 s of
    imports held the lock that the parser needed."""
    gates.preload()


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
        n_process=s.n_process if uses_workers(s, cp.changes.to_extract.num_rows) else 1,
        max_extract_chars=s.max_extract_chars,
    )


def stop_workers() -> None:
    """Stop the extraction workers, if this process started them: the stages that
    follow do not need their memory."""
    from newslake.extract_pool import shutdown

    shutdown()


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
            from newslake.extract_pool import extract_in_workers

            found = extract_in_workers(
                articles, model=self.spacy_model, processes=self.n_process, batch_size=self.nlp_batch_size,
                max_chars=self.max_extract_chars,
            )
        else:
            from newslake.entities import load_nlp
            from newslake.extract import extract_mentions

            found = extract_mentions(
                load_nlp(self.spacy_model), articles, batch_size=self.nlp_batch_size, max_chars=self.max_extract_chars
            )
        lake = Lake(Path(self.lake_root))
        month = dict(zip(articles.column("article_id").to_pylist(), month_of(articles.column("published_at"))))
        parts = {}
        for table, data in (("entity_mentions", found.entities), ("date_mentions", found.dates)):
            months = [month[a] for a in data.column("article_id").to_pylist()]
            spec = schema.TABLES[table]
            parts[table] = write_partitioned(lake, table, data, months, run_id=self.run_id, schema=spec.schema, schema_version=spec.version)
        return Extracted(parts, found.skipped_language, articles.num_rows, found.entities.num_rows, found.dates.num_rows)
