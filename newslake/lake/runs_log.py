"""The runs log: one row per run, whatever became of it, beside the versions.

Each run writes `runs/<run_id>/run.parquet` once, at its end; nothing is ever
rewritten, so the log is append-only and readers glob it. A published run's row
is also inside its version (manifest `run`, and the version's `runs` table), and
is written to the log after `current` switches; if the run is killed in between,
the next run writes it from the manifest (see `commit.recover`), so the log and
the versions always agree.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from newslake import schema
from newslake.lake.ground import contained
from newslake.lake.layout import RUN_ID, Lake, LakeError
from newslake.storage import atomic_write_parquet

LOG_FILE = "run.parquet"
GLOB = f"runs/*/{LOG_FILE}"  # relative to the lake


def log_path(lake: Lake, run_id: str) -> Path:
    return lake.run_dir(run_id) / LOG_FILE


def write_run(lake: Lake, row: dict[str, Any]) -> None:
    """The run's row, once. Its run id names a folder, so it must be a name of the layout
    (a row from a manifest was checked when the manifest was read) and lead into the lake."""
    if not RUN_ID.match(str(row["run_id"])):
        raise LakeError(f"run id {row['run_id']!r} is not a name of a newslake lake: refusing to log it under {lake.runs_root}")
    path = log_path(lake, row["run_id"])
    contained(lake, path.parent)
    atomic_write_parquet(schema.to_table([row_from_json(row)], schema.RUNS), path, "runs_log")


def logged_run_ids(lake: Lake) -> set[str]:
    if not lake.runs_root.is_dir():
        return set()
    return {p.parent.name for p in lake.runs_root.glob(f"*/{LOG_FILE}")}


def read_runs(lake: Lake, run_ids: Iterable[str] | None = None) -> pa.Table:
    """Rows of the log (all, or the given runs), in run order."""
    ids = sorted(logged_run_ids(lake) if run_ids is None else set(run_ids))
    tables = [pq.read_table(log_path(lake, run_id)) for run_id in ids if log_path(lake, run_id).exists()]
    if not tables:
        return schema.RUNS.empty_table()
    from newslake.lake.parts import conform

    return pa.concat_tables([conform(t, schema.RUNS) for t in tables])


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def row_from_json(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name in ("started_at", "finished_at"):
        if isinstance(out.get(name), str):
            out[name] = datetime.fromisoformat(out[name])
    return out
