"""The validation gate: the Great Expectations suites in `expectations/`, run on tables.

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

    results    what a validation found, and `ValidationFailed`, the gate's refusal
    suites     suite files read, checked and built
    context    the process's one GX context
    frames     Arrow tables as the pandas frames GX validates
    validator  frames, Arrow tables in chunks and queries validated; chunks merged
    failures   why an expectation failed, in words and plain JSON
    checks     check tables: table-wide facts of the next version, by DuckDB
"""

from newslake.validate.context import preload
from newslake.validate.frames import frame_from_arrow
from newslake.validate.results import FailedExpectation, TableValidation, ValidationFailed, ValidationReport
from newslake.validate.suites import QUARANTINABLE, action_of, load_suite, suite_path_for
from newslake.validate.validator import (
    CHUNK_BYTES,
    chunk_rows_for,
    validate_arrow,
    validate_frame,
    validate_pieces,
    validate_query,
    validate_tables,
)

__all__ = [
    "CHUNK_BYTES",
    "FailedExpectation",
    "QUARANTINABLE",
    "TableValidation",
    "ValidationFailed",
    "ValidationReport",
    "action_of",
    "chunk_rows_for",
    "frame_from_arrow",
    "load_suite",
    "preload",
    "suite_path_for",
    "validate_arrow",
    "validate_frame",
    "validate_pieces",
    "validate_query",
    "validate_tables",
]
