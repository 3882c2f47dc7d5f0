"""What an analyst's SQL may do in `newslake query`: read the lake's tables, nothing else.

The query is someone's SQL run with the pipeline's own rights, so the connection it gets
is closed around the version it reads, by DuckDB's own settings and then by the kind of
statement:
- **Read only the lake's files.** `enable_external_access = false`, with the folders
  (or files) of the version queried as `allowed_directories`/`allowed_paths`: no
  `read_text('/etc/hostname')`, no URL, no other file of the lake (its Prefect home).
  Those folders would be writable too, so:
- **Write nothing.** Only queries run (SELECT, and DESCRIBE, SHOW, SUMMARIZE, a PIVOT
  with an IN list, which DuckDB parses as one, and EXPLAIN of a query): COPY, ATTACH, EXPORT, CREATE,
  INSERT, INSTALL, LOAD, SET, PRAGMA, CALL, CHECKPOINT ... are refused before they run.
  A query that spills to disk spills to a private folder under the system's temp
  directory, which DuckDB removes, never into the lake.
- **Install and load no extension**: no autoinstall, no autoload, no community ones.
- **Lock it**: `lock_configuration = true` last, so no statement can undo the above.
- **One statement at a time** unless the caller asks for a script.

The pipeline's own connections (models, the warehouse build) are not sandboxed: they
write the lake. An analyst who needs more opens the Parquet in their own DuckDB (README).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

from newslake.lake.query import quote

QUERY_TYPES = frozenset({duckdb.StatementType.SELECT})
EXPLAIN = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?(?P<query>.*)$", re.IGNORECASE | re.DOTALL)
# Control characters (C0 but newline and tab, DEL, C1) and the bidirectional overrides
# that let text rewrite what a terminal shows.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


KINDS = {"LOAD": "INSTALL or LOAD", "EXPLAIN": "EXPLAIN of anything but a query"}


class Refused(ValueError):
    """A statement the sandbox does not run: the message says which and why."""


def lock_down(con: duckdb.DuckDBPyConnection, directories: Iterable[Path] = (), paths: Iterable[Path] = ()) -> None:
    """Close `con` around these folders and files, for reading: no other file, no
    network, no extension, spills outside the lake, and the configuration locked."""
    folders = [str(Path(d).resolve()).rstrip("/") + "/" for d in directories]
    files = [str(Path(p).resolve()) for p in paths]
    spill = Path(tempfile.gettempdir()) / f"newslake-query-{uuid.uuid4().hex}"  # DuckDB makes it if it spills
    for setting, value in (
        ("allowed_directories", folders),
        ("allowed_paths", files),
        ("temp_directory", str(spill)),
        ("autoinstall_known_extensions", False),
        ("autoload_known_extensions", False),
        ("allow_community_extensions", False),
        ("python_enable_replacements", False),
        ("enable_external_access", False),
        ("lock_configuration", True),
    ):
        con.execute(f"set {setting} = {_literal(value)}")


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(quote(v) for v in value) + "]"
    return quote(str(value))


def statements(con: duckdb.DuckDBPyConnection, sql: str, *, script: bool = False) -> list:
    """The statements of `sql` (split as DuckDB parses them), each checked to be a query;
    more than one only when `script`."""
    found = con.extract_statements(sql)
    if not found:
        raise Refused("no SQL statement to run")
    if len(found) > 1 and not script:
        raise Refused(
            f"{len(found)} statements given: newslake query runs one at a time; pass --script to run each in turn"
        )
    for statement in found:
        check(con, statement)
    return found


def check_sql(sql: str, *, script: bool = False) -> None:
    """Refuse `sql` (as `statements` does) before any lake is opened: parsing needs no data."""
    with duckdb.connect() as con:
        statements(con, sql, script=script)


def check(con: duckdb.DuckDBPyConnection, statement) -> None:
    if statement.type in QUERY_TYPES:
        return
    if statement.type == duckdb.StatementType.EXPLAIN:
        match = EXPLAIN.match(statement.query)
        inner = con.extract_statements(match["query"]) if match else []
        if len(inner) == 1 and inner[0].type in QUERY_TYPES:
            return
    kind = KINDS.get(statement.type.name, statement.type.name.replace("_", " "))
    raise Refused(
        f"refused {_first_line(statement.query)!r}: {kind} is not a query. newslake query only reads (SELECT, WITH,"
        " DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) and writes, attaches, installs and sets nothing; for more, open the"
        " lake's Parquet files in your own DuckDB (see the README)"
    )


def _first_line(query: str) -> str:
    text = " ".join(query.split())
    return visible(text if len(text) <= 80 else text[:77] + "...")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula
    (`=HYPERLINK(...)`, `+`, `-`, `@`, tab, CR) gets a leading `'`, OWASP's rule
    against CSV injection. Only text cells are passed here: a number stays a number."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def visible(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`), so
    what a query prints cannot move the cursor, recolour, ring or retitle a terminal.
    Newlines and tabs stay."""
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)
