"""What a run saw, did and published: the run report and its row of the `runs` table."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Iterator

from newslake.ingest.batch import Counts
from newslake.report.summary import validation_text

STATUSES = ("published", "nothing_new", "validation_failed", "failed", "compacted", "rolled_back")


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{uuid.uuid4().hex[:6]}"


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
    models: str | None = None  # how the derived tables were built: incremental | full | kept
    error: str | None = None
    html_report: str | None = None  # runs/<run_id>/report.html, once written

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        from newslake.storage import release_memory

        start = time.perf_counter()
        try:
            yield
        finally:
            release_memory()  # a stage's garbage must not raise the next stage's peak
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - start

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
            "deleted_files": counts.deleted_files,
            "removed": counts.removed,
            "held_back": counts.held_back,
            "validation_success": None if self.validation is None else bool(self.validation.get("success")),
            "validation_summary": None if self.validation is None else validation_text(self.validation),
            "published_version": self.version,
            "stage_seconds": json.dumps({k: round(v, 3) for k, v in self.stage_seconds.items()}),
            "error": self.error if self.status == "failed" else None,
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = asdict(self.counts)
        return json.loads(json.dumps(data, default=str))
