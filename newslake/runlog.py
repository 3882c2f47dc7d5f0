"""What each run saw, did and published: the `runs` table and the run report.

Every run leaves a row, failed ones included, in state/runs.parquet; a published
version carries the history up to and including the run that published it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import pyarrow as pa

from newslake import schema
from newslake.ingest import Counts
from newslake.publish import Lake
from newslake.report import validation_text
from newslake.storage import atomic_write_parquet, read_parquet_or_empty

STATUSES = ("published", "nothing_new", "validation_failed", "failed")


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunReport:
    run_id: str
    source: str
    lake: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "failed"
    counts: Counts = field(default_factory=Counts)
    validation: dict | None = None
    version: str | None = None
    current_version: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict:
        counts = self.counts
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at or datetime.now(timezone.utc),
            "source": self.source,
            "status": self.status,
            "files_seen": counts.files_seen,
            "items_seen": counts.items_seen,
            "new_articles": counts.new_articles,
            "duplicates": counts.duplicates,
            "unchanged": counts.unchanged,
            "quarantined": counts.quarantined,
            "skipped_language": counts.skipped_language,
            "replaced": counts.replaced,
            "near_duplicates": counts.near_duplicates,
            "validation_success": None if self.validation is None else bool(self.validation.get("success")),
            "validation_summary": None if self.validation is None else validation_text(self.validation),
            "published_version": self.version,
            "stage_seconds": json.dumps({k: round(v, 3) for k, v in self.stage_seconds.items()}),
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = asdict(self.counts)
        return json.loads(json.dumps(data, default=str))


def read_runs(lake: Lake) -> pa.Table:
    return read_parquet_or_empty(lake.runs_path, schema.RUNS)


def runs_with(lake: Lake, report: RunReport) -> pa.Table:
    """The run history plus this run's row (not yet written)."""
    return pa.concat_tables([read_runs(lake), schema.to_table([report.row()], schema.RUNS)])


def record_run(lake: Lake, report: RunReport) -> None:
    atomic_write_parquet(runs_with(lake, report), lake.runs_path)
