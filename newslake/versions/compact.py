"""`newslake compact`: a new version holding the same rows in fewer parts."""

from __future__ import annotations

from datetime import datetime, timezone

from newslake.config import Settings
from newslake.lake import LakeError
from newslake.lake.small_parts import compact_all, compactable
from newslake.report.run_report import RunReport, new_run_id
from newslake.versions.publish import after_commit, publishing


def compact_lake(settings: Settings) -> dict:
    """Merge small parts (and rewrite parts of older schemas to the current one) into a
    new version, recorded in the runs log with status "compacted"."""
    now = datetime.now(timezone.utc)
    report = RunReport(run_id=new_run_id(now), source="", lake=str(settings.lake), started_at=now)
    with publishing(settings.lake, settings.lock_wait) as publisher:
        base = publisher.lake.manifest()
        if base is None:
            raise LakeError(f"lake {publisher.lake.root} has no published version to compact")
        report.source = base.run.get("source", "")  # the lake's source folder, as its last run read it
        txn = publisher.begin(report.run_id, readable=False)  # rewriting old parts is its job
        result = {"version": None, "parts_before": sum(len(t.parts) for t in base.tables.values()), "parts_after": None}
        if not compactable(txn, settings.compact_target_bytes):
            return result
        report.validation = base.validation
        counted: dict[str, tuple[int, int]] = {}

        def merge(t) -> None:
            counted["parts"] = compact_all(publisher.lake, t, settings.compact_target_bytes)

        manifest = publisher.seal(txn, report, status="compacted", compact=merge)
        publisher.commit(manifest, report, after_commit(settings.keep_versions))
        before, after = counted["parts"]
        result.update(version=txn.version, parts_before=before, parts_after=after)
        return result
