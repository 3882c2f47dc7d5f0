"""The gate stage: expectations before anything is spent or published.

Two gates, as in Delta Live Tables: the article gate runs the `articles` suite on
a chunk's new articles before extraction (an expectation with action `quarantine`
takes its failing rows out; a `fail` stops the checkpoint), and the version gate
runs every suite on what the checkpoint adds, with the table-wide facts computed
as check tables (`newslake.validate.checks`). A refusal publishes nothing, says why in the
run's report and its runs row, and ends the run.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema
from newslake import validate
from newslake.validate.checks import CheckInputs, run_checks
from newslake.lake.parts import read_parts
from newslake.pipeline.checkpoint import Checkpoint
from newslake.validate import ValidationFailed


def gate_articles(cp: Checkpoint, rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Row-level expectations on the new articles: (rows kept, their quarantine rows)."""
    path = validate.suite_path_for(cp.settings.expectations_dir, "articles")
    if not rows.num_rows or not path.is_file():
        return rows, schema.QUARANTINE.empty_table()
    result = validate.validate_arrow("articles", rows, path)
    cp.validation = cp.validation.with_results(result)
    if not result.success:
        refuse(cp)
    failing = sorted(result.quarantined)
    taken = rows.take(pa.array(failing, pa.int64())).select(["source_uri", "source_sha256"]).to_pylist()
    refused = [
        {
            "source_uri": row["source_uri"],
            "source_sha256": row["source_sha256"],
            "line": _line_of(row["source_uri"]),
            "reason": "failed_expectation",
            "detail": "articles: " + "; ".join(result.quarantined[i]),
            "quarantined_at": cp.chunk.now,
            "run_id": cp.run_id,
        }
        for i, row in zip(failing, taken)
    ]
    if failing:
        rows = rows.filter(pc.invert(pc.is_in(pa.array(range(rows.num_rows), pa.int64()), value_set=pa.array(failing, pa.int64()))))
    return rows, schema.to_table(refused, schema.QUARANTINE)


def gate_version(cp: Checkpoint) -> validate.ValidationReport:
    """Row-level suites on what the checkpoint adds; table-wide facts as check tables."""
    added = {
        "quarantine": cp.changes.quarantine,
        "entity_mentions": _added_pieces(cp, "entity_mentions"),
        "date_mentions": _added_pieces(cp, "date_mentions"),
        "quotes": _added_pieces(cp, "quotes"),
        "runs": schema.to_table([cp.report.row()], schema.RUNS),
        **cp.models.changed_rows,
    }
    checks = run_checks(
        CheckInputs(cp.lake, cp.txn, cp.counts, cp.changes.articles, cp.changes.removed_ids), cp.settings.sql_dir
    )
    report = validate.validate_tables({**added, **checks}, cp.settings.expectations_dir)
    cp.validation = validate.ValidationReport.of([*cp.validation.tables, *report.tables], report.unchecked)
    cp.report.validation = cp.validation.to_dict()
    cp.save_validation()
    if not cp.validation.success:
        refuse(cp)
    return cp.validation


def warm(expectations_dir) -> None:
    """Validate an empty table of each suite's table once, so that a process forked
    from this one (the preloaded runner's runs) finds those results computed
    (`validate.validate_frame`)."""
    for table, spec in schema.TABLES.items():
        path = validate.suite_path_for(expectations_dir, table)
        if path.is_file():
            validate.validate_arrow(table, spec.schema.empty_table(), path)


def _added_pieces(cp: Checkpoint, table: str) -> pa.Table | Iterator[pa.Table]:
    """The rows the checkpoint added to a table, a few parts at a time, so that the
    gate's memory does not grow with the chunk."""
    parts, spec = cp.txn.added_parts(table), schema.TABLES[table].schema
    if not parts:
        return spec.empty_table()

    def pieces() -> Iterator[pa.Table]:  # parts gathered up to one GX batch's worth of bytes
        pending, size = [], 0
        for part in parts:
            pending.append(read_parts(cp.lake, [part], spec))
            size += pending[-1].nbytes
            if size >= validate.CHUNK_BYTES:
                yield pa.concat_tables(pending)
                pending, size = [], 0
        if pending:
            yield pa.concat_tables(pending)

    return pieces()


def refuse(cp: Checkpoint) -> None:
    """Publish nothing: the report says which expectations failed; raises ValidationFailed."""
    from newslake.pipeline.report_page import write_report_page

    cp.report.validation = cp.validation.to_dict()
    cp.save_validation()
    cp.report.status = "validation_failed"
    cp.report.finished_at = datetime.now(timezone.utc)
    write_report_page(cp)  # before the abort: it reads the refused version's parts
    cp.txn.abort()
    cp.publisher.log(cp.report)
    raise ValidationFailed([f.summary() for f in cp.validation.failures()], cp.report.to_dict())


def _line_of(source_uri: str) -> int | None:
    _, _, part = source_uri.partition("#L")
    return int(part) if part.isdigit() else None
