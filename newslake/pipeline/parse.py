"""The parse stage: files read and normalized in batches, wherever they run.

A `ParseJob` holds what a batch needs and nothing that cannot travel to another
process (a Dask worker): the run's id and time, the limits, the reader options.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather

from newslake.config import Settings
from newslake.ingest import dedup
from newslake.ingest.batch import Batch, Limits, parse_batch
from newslake.lake import Lake
from newslake.ingest.ledger import SourceFile
from newslake.ingest.normalize import MAX_EXTRACT_CHARS
from newslake.pipeline import pool
from newslake.pipeline.plan import Work
from newslake.readers import ReaderOptions
from newslake.ingest.splits import Piece
from newslake.storage import make_dirs, set_mode


@dataclass(frozen=True)
class ParseJob:
    run_id: str
    now: datetime
    limits: Limits
    default_language: str
    json_fields: dict
    revive: dict[str, set[str]]
    use_file_mtime: bool = False
    use_text_year: bool = True
    use_text_day: bool = False
    max_extract_chars: int = MAX_EXTRACT_CHARS
    workers: dict | None = None  # the run's worker pool (`pool.pool_args`), when the chunk is large
    spill_dir: str | None = None  # where a batch is written for the merge (the task returns its name)

    def run(self, files: list[SourceFile | Piece]) -> "Spilled":
        """One parse batch, in a worker process when the job says so, else here; written
        to the spill folder, so that a task's result is a name and a few counts."""
        if self.workers is not None:
            from newslake.pipeline.workers import parse_in_workers

            return parse_in_workers(self, files, **self.workers)
        return self.spill(files)

    def spill(self, files: list[SourceFile | Piece]) -> "Spilled":
        """The batch with its articles' near-duplicate signatures, computed here: in the
        worker that parsed it, so that the merge has none to compute."""
        batch = self.parse(files)
        folder = Path(self.spill_dir)
        make_dirs(folder)
        stem = folder / f"batch-{uuid.uuid4().hex}"
        for name in SPILLED:
            feather.write_feather(getattr(batch, name), f"{stem}.{name}.arrow", compression="lz4")
            set_mode(f"{stem}.{name}.arrow")
        for name, rows in SIGNED.items():
            sigs = pa.table({"signature": dedup.signature_array(dedup.article_signatures(getattr(batch, rows)))})
            feather.write_feather(sigs, f"{stem}.{name}.arrow", compression="uncompressed")  # random bits: nothing to gain
            set_mode(f"{stem}.{name}.arrow")
        return Spilled(str(stem), batch.items, batch.articles.num_rows, batch.quarantine.num_rows, batch.held)

    def parse(self, files: list[SourceFile | Piece]) -> Batch:
        return parse_batch(
            files,
            run_id=self.run_id,
            now=self.now,
            limits=self.limits,
            default_language=self.default_language,
            options=ReaderOptions(json_fields=self.json_fields),
            revive=self.revive,
            use_file_mtime=self.use_file_mtime,
            use_text_year=self.use_text_year,
            use_text_day=self.use_text_day,
            max_extract_chars=self.max_extract_chars,
        )


SPILLED = ("articles", "quarantine", "ledger", "revived")
SIGNED = {"signatures": "articles", "revived_signatures": "revived"}  # spilled signatures: of which rows


@dataclass(frozen=True)
class Spilled:
    """A parsed batch on disk, as a parse task returns it: its name and its counts."""

    stem: str
    items: int
    articles: int
    quarantined: int
    held: tuple[str, ...] = ()  # files that changed while read (`ingest.ChangedWhileRead`)

    def load(self) -> Batch:
        """The batch, memory-mapped (its files go once the merge is done: `forget`)."""
        tables = {name: feather.read_table(f"{self.stem}.{name}.arrow", memory_map=True) for name in SPILLED}
        sigs = {name: dedup.signatures_of_array(feather.read_table(f"{self.stem}.{name}.arrow").column("signature"))
                for name in SIGNED}
        return Batch(items=self.items, held=self.held, **tables, **sigs)

    def forget(self) -> None:
        for name in (*SPILLED, *SIGNED):
            Path(f"{self.stem}.{name}.arrow").unlink(missing_ok=True)


def parse_job(settings: Settings, run_id: str, now: datetime, revive: dict[str, set[str]], articles: int = 0) -> ParseJob:
    """How a chunk of `articles` articles (as estimated) is parsed."""
    return ParseJob(
        run_id=run_id,
        now=now,
        limits=Limits(settings.max_file_bytes, settings.max_archive_bytes),
        default_language=settings.default_language,
        json_fields=settings.json_fields,
        revive=revive,
        use_file_mtime=settings.dct_file_mtime,
        use_text_year=settings.dct_text_year,
        use_text_day=settings.dct_text_day,
        max_extract_chars=settings.max_extract_chars,
        workers=pool.pool_args(settings) if pool.uses_workers(settings, articles) else None,
        spill_dir=str(Lake(settings.lake).spill_dir / run_id),
    )


def batches(work: list[Work], files: int, articles: int) -> list[list[SourceFile | Piece]]:
    """Parse batches, in the order given: up to `files` whole files holding about
    `articles` articles at most; a piece of a large file is a batch of its own."""
    out: list[list[SourceFile | Piece]] = []
    pending: list[SourceFile | Piece] = []
    held = 0
    for w in work:
        if isinstance(w.item, Piece) or (pending and (len(pending) >= files or held + w.articles > articles)):
            if pending:
                out.append(pending)
            pending, held = [], 0
        if isinstance(w.item, Piece):
            out.append([w.item])
            continue
        pending.append(w.item)
        held += w.articles
    if pending:
        out.append(pending)
    return out
