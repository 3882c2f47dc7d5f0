"""The parse stage: files read and normalized in batches, wherever they run.

A `ParseJob` holds what a batch needs and nothing that cannot travel to another
process (a Dask worker): the run's id and time, the limits, the reader options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newslake.config import Settings
from newslake.ingest import Batch, Limits, parse_batch
from newslake.ledger import SourceFile
from newslake.normalize import MAX_EXTRACT_CHARS
from newslake.readers import ReaderOptions


@dataclass(frozen=True)
class ParseJob:
    run_id: str
    now: datetime
    limits: Limits
    default_language: str
    json_fields: dict
    revive: dict[str, set[str]]
    use_file_mtime: bool = False
    max_extract_chars: int = MAX_EXTRACT_CHARS

    def parse(self, files: list[SourceFile]) -> Batch:
        return parse_batch(
            files,
            run_id=self.run_id,
            now=self.now,
            limits=self.limits,
            default_language=self.default_language,
            options=ReaderOptions(json_fields=self.json_fields),
            revive=self.revive,
            use_file_mtime=self.use_file_mtime,
            max_extract_chars=self.max_extract_chars,
        )


def parse_job(settings: Settings, run_id: str, now: datetime, revive: dict[str, set[str]]) -> ParseJob:
    return ParseJob(
        run_id=run_id,
        now=now,
        limits=Limits(settings.max_file_bytes, settings.max_archive_bytes),
        default_language=settings.default_language,
        json_fields=settings.json_fields,
        revive=revive,
        use_file_mtime=settings.dct_file_mtime,
        max_extract_chars=settings.max_extract_chars,
    )


def batches(files: list[SourceFile], size: int) -> list[list[SourceFile]]:
    """Files in parse batches of `size`, in the order given."""
    return [files[i : i + size] for i in range(0, len(files), size)]
