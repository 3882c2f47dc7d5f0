"""`newslake rollback`: an older version current again, as a commit without new parts."""

from __future__ import annotations

from datetime import datetime, timezone

from newslake.config import Settings
from newslake.lake import LakeError
from newslake.report.run_report import RunReport, new_run_id
from newslake.versions.catalog import manifest_of, open_lake, verify_version
from newslake.versions.publish import publishing, warehouse_hook


def rollback_to(settings: Settings, version: str) -> dict:
    """Make `version` current again, after verifying it, under the publisher lock.

    The lake is first recovered from any killed run (as a run would), so a version a
    killed run left half-switched is finished and logged before we go back past it;
    otherwise the next run's recovery would "roll forward" over the rollback. The
    warehouse is rebuilt for the version, and the rollback is a row of the runs log
    (status rolled_back, published_version the version made current), which the
    next run's `runs` table takes in like any other logged run."""
    lake = open_lake(settings.lake)
    now = datetime.now(timezone.utc)
    with publishing(lake.root, settings.lock_wait, refresh_warehouse=False) as publisher:
        manifest = manifest_of(lake, version)
        previous = lake.current_version()
        checked, problems = verify_version(lake, manifest)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise LakeError(
                f"refusing to roll back to {manifest.version}: {problems[0]}{more}; run `newslake verify {manifest.version}` for every file"
            )
        report = RunReport(run_id=new_run_id(now), source=manifest.run.get("source", ""), lake=str(settings.lake), started_at=now)
        report.status = "rolled_back"
        report.version = manifest.version
        report.validation = manifest.validation or None
        publisher.switch(manifest, report, [("warehouse", warehouse_hook)])
        notes = publisher.notes + report.notes
        return {"run_id": report.run_id, "version": manifest.version, "previous": previous, "files": checked, "notes": notes}
