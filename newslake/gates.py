"""The validation gate: runs the Great Expectations suites in `expectations/` on tables.

Each expectation declares what its failure does, in its `meta`, as Delta Live Tables'
expect / expect_or_drop / expect_or_fail do:

    "meta": {"action": "fail"}        the default: the run publishes nothing
    "meta": {"action": "quarantine"}  the failing rows go to `quarantine` (reason
                                      failed_expectation, the expectation named in the
                                      detail) and the rest is published
    "meta": {"action": "warn"}        reported only

Content checks on single articles quarantine; structural checks (schema, uniqueness,
referential integrity, counts) fail. Quarantine applies to row-level expectations of
the tables in `QUARANTINABLE`, whose rows are whole articles.

Suites are static JSON files in GX 1.x's native suite shape, one per dataset and named
after it (`expectations/articles.json` checks the `articles` table):

    {"name": "articles",
     "expectations": [{"type": "expect_column_values_to_be_unique",
                       "kwargs": {"column": "article_id"},
                       "meta": {"notes": "why this matters"}}],
     "meta": {"notes": "..."}}

Tables are validated with GX's pandas datasource (GX's SQL path does not work on
duckdb-engine); `frame_from_arrow` turns the Arrow tables of `newslake.schema` into frames
GX handles. One in-memory (ephemeral) GX context is created per process and reused; it
writes no files, shows no progress bars and sends no analytics. `great_expectations` is
imported lazily (it takes ~2.5 s) so importing this module stays cheap.

GX facts this module relies on (GX 1.24, pandas 3):
- `expect_column_values_to_be_between` on a timezone-aware column parses string bounds
  with dateutil, so bounds must carry a zone ("1900-01-01T00:00:00Z"); a naive bound, or a
  naive `datetime64[us]` column (pandas 3's default unit), makes the expectation raise.
- `ExpectationSuite(...)` logs and silently drops an expectation whose type or kwargs are
  invalid; `load_suite` builds every expectation itself so a typo in a suite is an error.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import json
import logging
import math
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

# GX logs its registry at DEBUG/INFO while importing; keep it to warnings unless the
# application configured this logger itself. (great_expectations is imported lazily.)
if logging.getLogger("great_expectations").level == logging.NOTSET:
    logging.getLogger("great_expectations").setLevel(logging.WARNING)

if TYPE_CHECKING:  # pragma: no cover
    from great_expectations.core import ExpectationSuite

__all__ = [
    "FailedExpectation",
    "TableValidation",
    "ValidationReport",
    "frame_from_arrow",
    "load_suite",
    "suite_path_for",
    "validate_frame",
    "validate_query",
    "validate_tables",
]

SUITE_SUFFIX = ".json"
RESULT_FORMAT = "SUMMARY"  # counts + up to 20 unexpected values; enough for a report
ROWS_FORMAT = "COMPLETE"  # every unexpected row's index: needed to quarantine them
ACTIONS = ("fail", "quarantine", "warn")
QUARANTINABLE = frozenset({"articles"})
MAX_EXAMPLES = 3
MAX_VALUE_CHARS = 40
MAX_DETAIL_CHARS = 240

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FailedExpectation:
    table: str
    expectation_type: str
    column: str | None
    detail: str
    action: str = "fail"

    def label(self) -> str:
        """`expect_x(column)` or `expect_x` for table-level expectations."""
        return f"{self.expectation_type}({self.column})" if self.column else self.expectation_type

    def summary(self) -> str:
        return f"{self.table}: {self.label()} failed: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "expectation_type": self.expectation_type,
            "column": self.column,
            "detail": self.detail,
            "action": self.action,
        }


@dataclass(frozen=True)
class TableValidation:
    table: str
    suite: str
    success: bool
    evaluated: int
    failed: list[FailedExpectation] = field(default_factory=list)
    rows: int = 0
    warnings: list[FailedExpectation] = field(default_factory=list)
    # row index -> the quarantine-action expectations that row failed
    quarantined: dict[int, list[str]] = field(default_factory=dict)
    quarantine_reasons: list[FailedExpectation] = field(default_factory=list)
    # every expectation's outcome (passed ones too), as the run report shows them
    results: list[dict[str, Any]] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [f.summary() for f in self.failed]
        lines += [f"{w.summary()} (warning)" for w in self.warnings]
        if self.quarantined:
            lines.append(f"{self.table}: {len(self.quarantined)} rows quarantined by " + ", ".join(q.label() for q in self.quarantine_reasons))
        if not self.failed:
            lines.insert(0, f"{self.table}: {self.evaluated} expectations passed ({self.rows} rows)" if not (self.warnings or self.quarantined)
                         else f"{self.table}: passed with {len(self.warnings)} warnings, {len(self.quarantined)} rows quarantined ({self.rows} rows)")
        return lines

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        """`detail` adds every expectation's observed value and sample failing rows:
        validation.json and the HTML report want them, the manifest does not."""
        data = {
            "table": self.table,
            "suite": self.suite,
            "success": self.success,
            "evaluated": self.evaluated,
            "rows": self.rows,
            "failed": [f.to_dict() for f in self.failed],
            "warnings": [w.to_dict() for w in self.warnings],
            "quarantined_rows": len(self.quarantined),
            "quarantined_by": [q.to_dict() for q in self.quarantine_reasons],
        }
        if detail:
            data["expectations"] = self.results
        return data


@dataclass(frozen=True)
class ValidationReport:
    success: bool
    tables: list[TableValidation] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, tables: Iterable[TableValidation], unchecked: Iterable[str] = ()
    ) -> ValidationReport:
        tables = list(tables)
        return cls(all(t.success for t in tables), tables, list(unchecked))

    def with_results(self, *more: TableValidation) -> ValidationReport:
        """A new report that also holds `more` (e.g. `validate_query` results)."""
        return ValidationReport.of([*self.tables, *more], self.unchecked)

    def failures(self) -> list[FailedExpectation]:
        return [f for t in self.tables for f in t.failed]

    def table(self, name: str) -> TableValidation | None:
        return next((t for t in self.tables if t.table == name), None)

    def summary_lines(self) -> list[str]:
        """One line per failed expectation; one 'passed' line per table without failures;
        one line for the tables that have no suite."""
        lines = [line for t in self.tables for line in t.summary_lines()]
        if self.unchecked:
            lines.append("unchecked (no suite): " + ", ".join(self.unchecked))
        return lines

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        return {
            "success": self.success,
            "tables": [t.to_dict(detail) for t in self.tables],
            "unchecked": list(self.unchecked),
        }


# --------------------------------------------------------------------------- suites


def suite_path_for(expectations_dir: Path, table: str) -> Path:
    return Path(expectations_dir) / f"{table}{SUITE_SUFFIX}"


def load_suite(path: Path) -> dict:
    """Read a suite file and check that GX accepts every expectation in it.

    Raises ValueError (naming the file) on a malformed file, an unknown expectation type or
    invalid kwargs: GX itself would silently drop such an expectation.
    """
    spec = _read_spec(Path(path))
    _build_suite(spec, Path(path))
    return spec


def _read_spec(path: Path) -> dict:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read suite: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        raise ValueError(f"{path}: a suite is an object with a non-empty 'name'")
    expectations = spec.get("expectations")
    if not isinstance(expectations, list):
        raise ValueError(f"{path}: 'expectations' must be a list")
    for i, exp in enumerate(expectations):
        if not (
            isinstance(exp, dict)
            and isinstance(exp.get("type"), str)
            and isinstance(exp.get("kwargs", {}), dict)
        ):
            raise ValueError(f"{path}: expectation #{i} needs a 'type' and a 'kwargs' object")
        action = action_of(exp)
        if action not in ACTIONS:
            raise ValueError(f"{path}: expectation #{i} ({exp['type']}) has action {action!r}; use one of {', '.join(ACTIONS)}")
        if action == "quarantine" and spec["name"] not in QUARANTINABLE:
            raise ValueError(
                f"{path}: expectation #{i} ({exp['type']}) cannot quarantine: only rows of "
                f"{', '.join(sorted(QUARANTINABLE))} can go to quarantine"
            )
    return spec


def action_of(expectation: Mapping[str, Any]) -> str:
    """What a failure of this expectation does: its meta's "action", "fail" by default."""
    return ((expectation.get("meta") or {}).get("action")) or "fail"


_suite_cache: dict[tuple[str, int, int], ExpectationSuite] = {}


def _suite(path: Path) -> ExpectationSuite:
    """The GX suite for a file, cached until the file changes."""
    path = Path(path).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    suite = _suite_cache.get(key)
    if suite is None:
        suite = _build_suite(_read_spec(path), path)
        _suite_cache[key] = suite
    return suite


def _build_suite(spec: Mapping[str, Any], path: Path) -> ExpectationSuite:
    _gx()  # configures GX before any of its classes is used
    from great_expectations import exceptions as gx_exceptions
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    built = []
    for i, exp in enumerate(spec["expectations"]):
        try:
            config = ExpectationConfiguration(
                type=exp["type"],
                kwargs=dict(exp.get("kwargs", {})),
                meta=exp.get("meta"),
                notes=exp.get("notes"),
            )
            built.append(config.to_domain_obj())
        except (gx_exceptions.GreatExpectationsError, ValueError, TypeError) as exc:
            # pydantic's ValidationError is a ValueError
            reason = " ".join(str(exc).split())[:MAX_DETAIL_CHARS]
            raise ValueError(
                f"{path}: expectation #{i} ({exp.get('type')}) is invalid: {reason}"
            ) from exc
    return ExpectationSuite(name=spec["name"], expectations=built, meta=spec.get("meta"))


# --------------------------------------------------------------------------- GX context

_lock = threading.RLock()
_context: Any = None
_preloading = False
_batch_definitions: dict[str, Any] = {}


def _gx() -> Any:
    """The process-wide ephemeral GX context (created on first use, ~5 ms after import)."""
    global _context
    with _lock:
        if _context is None:
            with warnings.catch_warnings():  # its imports of sre_parse/sre_constants
                warnings.simplefilter("ignore", DeprecationWarning)
                import great_expectations as gx
                from great_expectations.data_context.types.base import ProgressBarsConfig

            # This module sets its own logger to INFO at import and logs a line per context.
            logging.getLogger("great_expectations.data_context.types.base").setLevel(
                logging.WARNING
            )
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            context.data_sources.add_pandas("newslake")
            _context = context
        return _context


def preload() -> None:
    """Import GX and create its context in a background thread (about 4 s), so that the
    first validation of a run does not wait for it. Once a process."""
    global _preloading
    with _lock:
        if _preloading or _context is not None:
            return
        _preloading = True
    threading.Thread(target=_gx, name="gx-preload", daemon=True).start()


def _batch_definition(table: str) -> Any:
    with _lock:
        bd = _batch_definitions.get(table)
        if bd is None:
            datasource = _gx().data_sources.get("newslake")
            asset = datasource.add_dataframe_asset(name=table)
            bd = asset.add_batch_definition_whole_dataframe("whole")
            _batch_definitions[table] = bd
        return bd


# --------------------------------------------------------------------------- frames


_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _nullable_type(arrow_type: pa.DataType) -> Any:
    # Integers and booleans with nulls would otherwise become float64 / object; anything
    # else gets pandas' default (str, datetime64[us, UTC], object for lists).
    return _NULLABLE.get(arrow_type)


def frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """A pandas frame GX validates well from an Arrow table.

    Uses pyarrow's `to_pandas` (not DuckDB's `.df()`, which renders TIMESTAMPTZ in the
    session's local time zone and makes object columns of all-null strings):
    - zoned timestamps stay zoned and are put in UTC (`datetime64[us, UTC]`), so range
      checks with "...Z" string bounds work and reports print UTC;
    - integers/booleans become pandas' nullable dtypes (no float64 for int-with-nulls);
    - strings use pandas 3's `str` dtype; list<string> columns become object columns of
      numpy arrays (null checks work on them; don't use value expectations on them).
    """
    for i, fld in enumerate(table.schema):
        if pa.types.is_timestamp(fld.type) and fld.type.tz not in (None, "UTC"):
            utc = pa.timestamp(fld.type.unit, tz="UTC")  # same instants, metadata-only
            table = table.set_column(i, pa.field(fld.name, utc), table.column(i).cast(utc))
    return table.to_pandas(types_mapper=_nullable_type)


def _hashable(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with list-like cells (numpy arrays, lists) turned into tuples.

    GX fingerprints every batch with `pd.util.hash_pandas_object`; list cells are
    unhashable, and GX then falls back to pickling the whole frame, twice per validation
    (~1.5 s per 50k articles). Tuples hash, keep null checks meaningful and cost ~10 ms.
    The caller's frame is not modified.
    """
    converted = {}
    for name in df.columns[df.dtypes == object]:
        col = df[name]
        first = col.first_valid_index()
        if first is not None and isinstance(col.loc[first], (np.ndarray, list)):
            converted[name] = col.map(_to_tuple)
    if not converted:
        return df
    out = df.copy(deep=False)
    for name, col in converted.items():
        out[name] = col
    return out


def _to_tuple(v: Any) -> Any:
    if isinstance(v, (np.ndarray, list)):
        return tuple(_to_tuple(x) for x in v)
    return v


# --------------------------------------------------------------------------- validation


def validate_frame(table: str, df: pd.DataFrame, suite_path: Path) -> TableValidation:
    """Validate `df` with the suite at `suite_path` using GX's pandas datasource.

    Failures are sorted by their expectation's action: `fail` ones make the table
    fail; `warn` ones are reported; `quarantine` ones name the failing rows (index
    labels of `df`), which the caller takes out of the run."""
    suite = _suite(suite_path)
    actions = [action_of({"meta": e.meta}) for e in suite.expectations]
    result_format = ROWS_FORMAT if "quarantine" in actions else RESULT_FORMAT
    gx_df = _hashable(df)
    with _lock:
        batch = _batch_definition(table).get_batch(batch_parameters={"dataframe": gx_df})
        result = batch.validate(suite, result_format=result_format)
    failed, warnings, reasons = [], [], []
    quarantined: dict[int, list[str]] = {}
    outcomes = [_outcome(r, df) for r in result.results]
    for r in result.results:
        if r.success:
            continue
        action = action_of({"meta": r.expectation_config.meta})
        failure = FailedExpectation(
            table=table,
            expectation_type=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            detail=_detail(r),
            action=action,
        )
        rows = (r.result or {}).get("unexpected_index_list")
        if action == "quarantine" and rows and not _exception_messages(r.exception_info):
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


SAMPLE_ROWS = 5  # failing rows shown per expectation, as GX Data Docs shows a few
EXAMPLE_VALUES = 10
ROW_KEYS = ("article_id", "source_uri", "entity_id", "name", "title", "date", "check", "run_id")


def _outcome(r: Any, df: pd.DataFrame) -> dict[str, Any]:
    """One expectation's outcome in plain JSON: what GX observed, and for a failure a
    few failing values and rows, so a reader can see why without rerunning GX."""
    config = r.expectation_config
    res = r.result or {}
    column = config.kwargs.get("column")
    kwargs = {k: _plain(v) for k, v in config.kwargs.items() if k not in ("column", "batch_id", "result_format")}
    out: dict[str, Any] = {
        "expectation_type": config.type,
        "column": column,
        "kwargs": kwargs,
        "action": action_of({"meta": config.meta}),
        "success": bool(r.success),
        "observed_value": _plain(res.get("observed_value")) if "observed_value" in res else None,
        "element_count": _plain(res.get("element_count")),
        "unexpected_count": _plain(res.get("unexpected_count")),
        "unexpected_percent": _plain(res.get("unexpected_percent")),
        "error": "; ".join(_exception_messages(r.exception_info)) or None,
        "examples": [],
        "sample_rows": [],
    }
    if r.success:
        return out
    out["examples"] = _unexpected_values(res, EXAMPLE_VALUES)
    index = res.get("partial_unexpected_index_list") or res.get("unexpected_index_list") or []
    labels = [i if not isinstance(i, dict) else next(iter(i.values()), None) for i in index[:SAMPLE_ROWS]]
    columns = [c for c in dict.fromkeys([*ROW_KEYS, column]) if c is not None and c in df.columns]
    if not columns:
        columns = list(df.columns[:4])
    for label in labels:
        try:
            row = df.loc[label, columns]
        except (KeyError, TypeError):
            continue
        out["sample_rows"].append({c: _plain(row[c]) for c in columns})
    return out


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


# --------------------------------------------------------------------------- details


def _unexpected_values(res: dict, limit: int) -> list[Any]:
    """Up to `limit` distinct failing values GX reported, in its order, as plain JSON."""
    values: list[Any] = []
    for v in res.get("partial_unexpected_list") or []:
        v = _plain(v)
        if v not in values:
            values.append(v)
        if len(values) == limit:
            break
    return values


def _detail(r: Any) -> str:
    """A short human summary of why one expectation failed."""
    errors = _exception_messages(r.exception_info)
    if errors:
        return _clip("error: " + "; ".join(errors))
    res = r.result or {}
    kind = r.expectation_config.type
    count = res.get("unexpected_count")
    if count:
        if "not_be_null" in kind:
            return f"{count} null value{'s' if count != 1 else ''} of {res.get('element_count')}"
        examples = _unexpected_values(res, MAX_EXAMPLES)
        plural = "s" if count != 1 else ""
        return _clip(f"{count} unexpected value{plural}, e.g. {examples}")
    details = res.get("details") or {}
    if details.get("mismatched"):
        return _clip(f"mismatched columns: {_plain(details['mismatched'])}")
    if "observed_value" in res:
        return _clip(f"observed {_plain(res['observed_value'])!r}")
    return "failed"


def _exception_messages(info: Any) -> list[str]:
    """Messages of the exceptions GX caught while computing an expectation's metrics.

    `exception_info` is either one dict ({"raised_exception": ..., "exception_message":
    ...}) or a dict of ExceptionInfo objects keyed by metric id (the usual case in 1.x).
    """
    if not info:
        return []
    entries = [info] if "raised_exception" in info else list(info.values())
    messages: list[str] = []
    for entry in entries:
        get = entry.get if isinstance(entry, Mapping) else lambda k, e=entry: getattr(e, k, None)
        if get("raised_exception"):
            lines = str(get("exception_message") or "raised an exception").strip().splitlines()
            message = lines[-1] if lines else "raised an exception"
            if message not in messages:
                messages.append(message)
    return messages


def _plain(v: Any) -> Any:
    """JSON-ish, short version of a value from a GX result (numpy/pandas scalars...)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar / 0-d array
        try:
            v = v.item()
        except (ValueError, TypeError):
            v = v.tolist() if hasattr(v, "tolist") else str(v)
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and len(v) > MAX_VALUE_CHARS:
        return v[: MAX_VALUE_CHARS - 1] + "…"
    return v


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"
