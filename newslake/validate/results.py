"""What a validation found: per expectation, per table, per run; and the gate's refusal.

Plain data with no GX in it, so the pipeline, the run report and the CLI read
results without importing Great Expectations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


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


class ValidationFailed(Exception):
    """A suite failed: nothing was published. Carries one line per failed expectation."""

    def __init__(self, failures: list[str], report: dict):
        super().__init__("validation failed, nothing published:\n" + "\n".join(failures))
        self.failures = failures
        self.report = report
