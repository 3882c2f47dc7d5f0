"""Tables validated against their suites: pandas frames, Arrow tables in chunks, queries.

An Arrow table is validated a byte budget's worth of rows at a time, so a run's memory
does not grow with its size, and the chunks' results are merged into one per table.
Row-level expectations mean the same on chunks; what must hold across a whole table
is a check table (`newslake.validate.checks`, `sql/checks/`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Iterable, Mapping

import duckdb
import pandas as pd
import pyarrow as pa

from newslake.validate.context import LOCK, batch_definition, forget_batches
from newslake.validate.failures import exception_messages, failure_detail, outcome
from newslake.validate.frames import frame_from_arrow, hashable
from newslake.validate.results import FailedExpectation, TableValidation, ValidationReport
from newslake.validate.suites import action_of, cached_suite, suite_key, suite_path_for

RESULT_FORMAT = "SUMMARY"  # counts + up to 20 unexpected values; enough for a report
ROWS_FORMAT = "COMPLETE"  # every unexpected row's index: needed to quarantine them
# A first pass with BASIC gives the counts a passing suite reports (element and
# unexpected counts, observed values) at about half SUMMARY's cost: GX computes no
# unexpected index lists or value counts. Only a suite with a failure is validated
# again, alone, in the format that names its rows and values: most batches pass, and
# in one that fails, most expectations still do.
FIRST_PASS_FORMAT = "BASIC"


_empty_results: dict[tuple, TableValidation] = {}


def validate_frame(table: str, df: pd.DataFrame, suite_path: Path) -> TableValidation:
    """Validate `df` with the suite at `suite_path` using GX's pandas datasource.

    Failures are sorted by their expectation's action: `fail` ones make the table
    fail; `warn` ones are reported; `quarantine` ones name the failing rows (index
    labels of `df`), which the caller takes out of the run.

    An empty table's result depends only on its suite and its columns' types, and a
    run validates many (a run that does not extract has no mentions; a checkpoint often
    has no quarantine), each at GX's fixed cost of about 0.1 s: it is computed once a
    process, for each suite file as it is and each set of column types."""
    if not df.empty:
        return _validate_frame(table, df, suite_path)
    key = (table, suite_key(suite_path), tuple((str(name), str(dtype)) for name, dtype in df.dtypes.items()))
    found = _empty_results.get(key)
    if found is None:
        found = _empty_results[key] = _validate_frame(table, df, suite_path)
    return copy.deepcopy(found)


def _validate_frame(table: str, df: pd.DataFrame, suite_path: Path) -> TableValidation:
    suite = cached_suite(suite_path)
    actions = [action_of({"meta": e.meta}) for e in suite.expectations]
    result_format = ROWS_FORMAT if "quarantine" in actions else RESULT_FORMAT
    gx_df = hashable(df)
    with LOCK:
        batch = batch_definition(table).get_batch(batch_parameters={"dataframe": gx_df})
        result = batch.validate(suite, result_format=FIRST_PASS_FORMAT)
        results = _detailed(batch, list(result.results), result_format)
        del batch
        forget_batches()
    failed, warnings, reasons = [], [], []
    quarantined: dict[int, list[str]] = {}
    outcomes = [outcome(r, df, action_of({"meta": r.expectation_config.meta})) for r in results]
    for r in results:
        if r.success:
            continue
        action = action_of({"meta": r.expectation_config.meta})
        failure = FailedExpectation(
            table=table,
            expectation_type=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            detail=failure_detail(r),
            action=action,
        )
        rows = (r.result or {}).get("unexpected_index_list")
        if action == "quarantine" and rows and not exception_messages(r.exception_info):
            reasons.append(failure)
            for index in rows:
                label = index if not isinstance(index, dict) else next(iter(index.values()))
                quarantined.setdefault(int(label), []).append(failure.label())
        elif action == "warn":
            warnings.append(failure)
        else:
            failed.append(failure)
    return TableValidation(
        table=table,
        suite=suite.name,
        success=not failed,
        evaluated=int(result.statistics.get("evaluated_expectations", len(result.results))),
        failed=failed,
        rows=len(df),
        warnings=warnings,
        quarantined=quarantined,
        quarantine_reasons=reasons,
        results=outcomes,
    )


def _detailed(batch, results: list, result_format: str) -> list:
    """`results` with each failed one validated again, alone, in `result_format` (a
    result carries its expectation, meta and all)."""
    return [r if r.success else batch.validate(r.expectation_config.to_domain_obj(), result_format=result_format)
            for r in results]


def _combined_results(parts: list[TableValidation]) -> list[dict[str, Any]]:
    """Per-expectation outcomes of a table validated in chunks: counts add up, the first
    failing chunk's examples stand for all."""
    merged: list[dict[str, Any]] = []
    for i, first in enumerate(parts[0].results):
        same = [p.results[i] for p in parts if i < len(p.results)]
        out = dict(first)
        out["success"] = all(o["success"] for o in same)
        for key in ("element_count", "unexpected_count"):
            values = [o[key] for o in same if isinstance(o.get(key), (int, float))]
            out[key] = sum(values) if values else first.get(key)
        if out["element_count"] and isinstance(out.get("unexpected_count"), (int, float)):
            out["unexpected_percent"] = 100.0 * out["unexpected_count"] / out["element_count"]
        failing = next((o for o in same if not o["success"]), None)
        if failing is not None:
            out.update(examples=failing["examples"], sample_rows=failing["sample_rows"], observed_value=failing["observed_value"], error=failing["error"])
        merged.append(out)
    return merged


def validate_tables(
    frames: Mapping[str, pd.DataFrame | pa.Table | Iterable[pa.Table]], expectations_dir: Path
) -> ValidationReport:
    """Validate every table that has `<expectations_dir>/<table>.json`; list the others
    as unchecked. Arrow tables are converted with `frame_from_arrow`; an iterable of
    Arrow tables (the parts of a table) is validated one after the other, as one table."""
    results, unchecked = [], []
    for table, frame in frames.items():
        path = suite_path_for(expectations_dir, table)
        if not path.is_file():
            unchecked.append(table)
            continue
        if isinstance(frame, pa.Table):
            results.append(validate_arrow(table, frame, path))
        elif isinstance(frame, pd.DataFrame):
            results.append(validate_frame(table, frame, path))
        else:
            results.append(validate_pieces(table, frame, path))
    return ValidationReport.of(results, unchecked)


def validate_pieces(table: str, pieces: Iterable[pa.Table], suite_path: Path) -> TableValidation:
    """The pieces of one table (its parts, say) validated in turn, reported as one."""
    done, start = [], 0
    for piece in pieces:
        if piece.num_rows or not done:
            done.append((start, validate_arrow(table, piece, suite_path)))
            start += piece.num_rows
    if not done:
        raise ValueError(f"{table}: nothing to validate (give an empty table with the schema instead)")
    return done[0][1] if len(done) == 1 else _combined(table, done)


CHUNK_BYTES = 24 * 2**20  # Arrow bytes per GX batch: memory stays flat however many rows a run adds
# Each GX validation has a fixed cost (~0.1 s per expectation graph): a budget in bytes
# rather than rows lets narrow tables (co-occurrence pairs, 64 bytes a row) go in one
# batch where a row budget would cut them into a dozen.


def chunk_rows_for(data: pa.Table, budget: int = CHUNK_BYTES) -> int:
    """Rows per GX batch for this table's row width."""
    if data.num_rows == 0:
        return 1
    return max(1, int(data.num_rows * budget / max(data.nbytes, 1)))


def validate_arrow(table: str, data: pa.Table, suite_path: Path, chunk_rows: int | None = None) -> TableValidation:
    """`validate_frame` over an Arrow table, one byte budget's worth of rows at a time,
    so that a run's memory does not grow with its size. Row-level expectations mean the
    same on chunks; what must hold across a whole table is a check table (sql/checks/)."""
    chunk_rows = chunk_rows or chunk_rows_for(data)
    if data.num_rows <= chunk_rows:
        return validate_frame(table, frame_from_arrow(data), suite_path)
    parts = [
        (start, validate_frame(table, frame_from_arrow(data.slice(start, chunk_rows)), suite_path))
        for start in range(0, data.num_rows, chunk_rows)
    ]
    return _combined(table, parts)


def _combined(table: str, parts: list[tuple[int, TableValidation]]) -> TableValidation:
    def unique(items: Iterable[FailedExpectation]) -> list[FailedExpectation]:
        seen: dict[str, FailedExpectation] = {}
        for item in items:
            seen.setdefault(item.label(), item)  # the first chunk's detail stands for all
        return list(seen.values())

    results = [r for _, r in parts]
    quarantined = {start + i: labels for start, r in parts for i, labels in r.quarantined.items()}
    return TableValidation(
        table=table,
        suite=results[0].suite,
        success=all(r.success for r in results),
        evaluated=results[0].evaluated,
        failed=unique(f for r in results for f in r.failed),
        rows=sum(r.rows for r in results),
        warnings=unique(w for r in results for w in r.warnings),
        quarantined=quarantined,
        quarantine_reasons=unique(q for r in results for q in r.quarantine_reasons),
        results=_combined_results(results),
    )


def validate_query(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    suite_path: Path,
    params: Mapping[str, Any] | list[Any] | None = None,
) -> TableValidation:
    """Run a DuckDB query and validate its result as the table `name` (e.g. a query that
    counts orphan rows, with a suite expecting 0). `params` binds `$name` / `?` params."""
    result = con.sql(sql, params=params) if params is not None else con.sql(sql)
    return validate_frame(name, frame_from_arrow(result.to_arrow_table()), suite_path)
