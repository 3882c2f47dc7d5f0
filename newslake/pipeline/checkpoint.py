"""A checkpoint: one chunk of a run's work, and the version it builds.

A run takes its backlog in chunks; each chunk becomes one version through every
stage and every gate, as one incremental run would (Spark's `availableNow`
trigger: each micro-batch one commit). A `Checkpoint` carries what the stages of
one chunk share: its transaction on the version before, its report (a row of
`runs`), its DuckDB connection, and what each stage found. The stages decide;
this module only holds their results and ends the checkpoint: committed,
refused or failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema
from newslake.derived import build as derived
from newslake import validate
from newslake.config import Settings
from newslake.lake import Lake, Manifest, Transaction
from newslake.lake.query import register_parts
from newslake.pipeline.plan import Plan, Work
from newslake.report.run_report import RunReport
from newslake.storage import atomic_write_json
from newslake.versions.publish import Publisher


@dataclass
class Chunk:
    """The work of one checkpoint: files and pieces to parse, in order. The first chunk
    of a run also carries the plan's removals (superseded articles, links to redo)."""

    run_id: str
    now: datetime
    work: list[Work]
    number: int = 1  # 1-based, within the run
    first: bool = True
    last: bool = True

    @property
    def articles(self) -> int:
        """The articles its work may hold (an estimate until parsed)."""
        return sum(w.articles for w in self.work)


@dataclass
class Changes:
    """What a checkpoint adds to and removes from the base tables."""

    articles: pa.Table  # rows to add: new, revived, and near copies linked again
    removed_ids: set[str]  # article rows to remove (superseded, and old rows of re-linked copies)
    quarantine: pa.Table
    ledger: pa.Table
    signatures: pa.Table

    @property
    def to_extract(self) -> pa.Table:
        """Canonical rows this checkpoint adds: they alone feed the entity and date tables."""
        return self.articles.filter(pc.is_null(self.articles.column("duplicate_of")))

    @property
    def empty(self) -> bool:
        return not (self.articles.num_rows or self.removed_ids or self.quarantine.num_rows or self.ledger.num_rows)


@dataclass
class Checkpoint:
    settings: Settings
    publisher: Publisher
    plan: Plan
    chunk: Chunk
    txn: Transaction
    report: RunReport
    con: duckdb.DuckDBPyConnection
    validation: validate.ValidationReport = field(default_factory=lambda: validate.ValidationReport.of([]))
    changes: Changes | None = None
    models: derived.ModelBuild | None = None
    manifest: Manifest | None = None

    @property
    def lake(self) -> Lake:
        return self.publisher.lake

    @property
    def run_id(self) -> str:
        return self.report.run_id

    @property
    def counts(self):
        return self.report.counts

    @property
    def version(self) -> str:
        return self.txn.version

    def removes(self) -> bool:
        """Whether this checkpoint takes rows out (only the first of a run can)."""
        return bool(self.changes.removed_ids)

    def base_view(self, table: str) -> str:
        """A view over the version this checkpoint builds on."""
        register_parts(self.con, self.lake, f"base_{table}", self.txn.base_parts(table), schema.TABLES[table].schema)
        return f"base_{table}"

    def save_validation(self) -> None:
        atomic_write_json(self.validation.to_dict(detail=True), self.lake.run_dir(self.run_id) / "validation.json", "validation")
