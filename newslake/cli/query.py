"""`newslake query` (one SQL query in the sandbox, printed or written out) and
`newslake warehouse` (warehouse.duckdb rebuilt where the lake is now)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from newslake.cli.app import LakeOption, app, fail, read_settings, state
from newslake.cli.output import OutputFormat, console, count, err, escape, visible, write_result


@app.command()
def query(
    sql: Optional[str] = typer.Argument(
        None, help="One SQL query to run against the warehouse views (read-only; several with --script).", show_default=False
    ),
    file: Optional[Path] = typer.Option(None, "--file", "-F", help="Read the SQL from this file.", show_default=False),
    example: Optional[str] = typer.Option(
        None, "--example", "-e", help="Run an example query of sql/analyst/ by name (see --examples).", show_default=False
    ),
    param: list[str] = typer.Option(
        [], "--param", "-p", metavar="KEY=VALUE", help="A $KEY parameter of the SQL (repeatable); unset ones take their defaults.",
        show_default=False,
    ),
    list_examples: bool = typer.Option(False, "--examples", help="List the example queries, their parameters and defaults."),
    script: bool = typer.Option(False, "--script", help="Run every statement of the SQL in turn (each a query) and print each result."),
    lake: Optional[Path] = LakeOption,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write the result (csv or json) to this file as it is, control characters included.",
        show_default=False,
    ),
    version: Optional[str] = typer.Option(
        None, "--version", help="Query this version (e.g. v1) instead of the current one; see `newslake versions`.", show_default=False
    ),
) -> None:
    """Run one SQL query against LAKE/warehouse.duckdb, in a sandbox, and print the result.

    The query reads the lake's published tables and nothing else: no other file, no
    network, no extension; it writes nothing (COPY, ATTACH, CREATE, SET, INSTALL ... are
    refused). With --version the same views are built in memory over that version's own
    parts, so an older version can be compared with the current one without a rollback.
    Lists print as JSON arrays in CSV, nulls as NULL in the table; control characters
    print as escapes (\\x1b) unless the output is a file (--output).
    """
    import duckdb

    from newslake.analyst import examples as analyst
    from newslake.lake import Lake, LakeError
    from newslake.analyst.sandbox import Refused, check_sql
    from newslake.versions.catalog import refuse_outside
    from newslake.versions.publish import refuse_unreadable
    from newslake.analyst.warehouse import run_statements

    settings = read_settings(lake=lake)
    if list_examples:
        for found in analyst.examples(settings.sql_dir):
            console.print(f"[bold]{found.name}[/bold]  {found.description}", highlight=False)
            for p in found.params:
                console.print(f"    --param {p.describe()}", highlight=False)
        return
    given = [name for name, value in (("SQL", sql), ("--file", file), ("--example", example)) if value is not None]
    if len(given) != 1:
        what = "no SQL" if not given else f"both {' and '.join(given)}"
        fail(f'{what}: give one of "SELECT ..." (an argument), --file FILE, or --example NAME (--examples lists them)')
    if output is not None:
        _check_output(output, fmt, settings.lake)
    try:
        params = analyst.parse_params(param)
        if example is not None:
            chosen = analyst.example(settings.sql_dir, example)
            sql, params = chosen.sql, chosen.bind(params)
        elif file is not None:
            if not file.is_file():
                fail(f"no such file: {file} (--file takes a file of SQL)")
            sql = file.read_text(encoding="utf-8")
            params = _with_declared_defaults(file, params)
    except analyst.ExampleError as exc:
        fail(str(exc), exc)
    the_lake = Lake(settings.lake)
    try:
        check_sql(sql, script=script)  # a refused statement touches nothing, the warehouse included
        refuse_unreadable(the_lake, the_lake.manifest())  # a lake `run` would refuse is not answered from either
        if version is None:
            refuse_outside(the_lake, the_lake.manifest())  # the warehouse reads the current version's files
            results = run_statements(the_lake, sql, params, script=script)
        else:
            from newslake.versions import open_lake, query_version

            results = query_version(open_lake(settings.lake), version, sql, params, script=script)
    except (FileNotFoundError, LakeError, Refused) as exc:
        fail(str(exc), exc)
    except duckdb.Error as exc:
        _query_failed(exc)
    shown = [(statement, table) for statement, table in results if table is not None]
    if output is not None:
        with open(output, "w", encoding="utf-8", newline="") as out:
            for i, (_, table) in enumerate(shown):
                write_result(table, fmt, out, first=i == 0, raw=True)
        console.print(f"wrote {count(sum(t.num_rows for _, t in shown), 'row')} to {visible(str(output))}", highlight=False)
        return
    for i, (statement, table) in enumerate(shown):
        if len(shown) > 1 and fmt is OutputFormat.table:
            console.print(f"[dim]-- {escape(' '.join(statement.split())[:100])}[/dim]", highlight=False)
        write_result(table, fmt, sys.stdout, first=i == 0, raw=False)


def _check_output(output: Path, fmt: OutputFormat, lake: Path) -> None:
    """A file newslake query may write: outside the lake, through no link into it
    (a symbolic link resolves into it; a hard link is the same device and inode as one
    of its files)."""
    if fmt is OutputFormat.table:
        fail(f"--output {output}: a file takes --format csv or --format json")
    target = output.resolve()
    inside = f"--output {output}: the file is %s the lake {lake}, which newslake query never writes; choose a path outside it"
    if target.is_relative_to(lake.resolve()):
        fail(inside % "inside")
    if not target.parent.is_dir():
        fail(f"--output {output}: no folder {output.parent}")
    try:
        found = target.stat()
    except FileNotFoundError:
        return
    if found.st_nlink > 1 and lake.is_dir() and _holds_inode(lake, (found.st_dev, found.st_ino)):
        fail(inside % "a hard link to a file of")


def _holds_inode(folder: Path, inode: tuple[int, int]) -> bool:
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                st = os.stat(os.path.join(root, name), follow_symlinks=False)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == inode:
                return True
    return False


def _query_failed(exc: BaseException) -> None:
    """A query DuckDB refused or could not run: its message whole, hint lines included
    ("Did you mean", candidate bindings, the LINE and caret under the mistake), plus a hint
    when the sandbox is why. Exit 2 for a mistake in the SQL (it does not parse, or names
    a table or column that does not exist), 1 for a query that failed as it ran."""
    import duckdb

    if state["debug"]:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    lines = [line.rstrip() for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
    if isinstance(exc, duckdb.PermissionException):
        lines[0] += " (newslake query reads only the lake's published tables; for more, open its Parquet files in your own DuckDB: see the README)"
    err.print(f"[red]query failed:[/red] {escape(lines[0])}", soft_wrap=True, highlight=False)
    for line in lines[1:]:
        err.print(visible(line), soft_wrap=True, highlight=False, markup=False)
    mistake = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)
    raise typer.Exit(2 if isinstance(exc, mistake) else 1)


def _with_declared_defaults(path: Path, given: dict[str, str]) -> dict[str, str | None]:
    """A --file with `-- param:` lines gets their defaults too, like an example."""
    from newslake.analyst.examples import read_example

    declared = read_example(path)
    return declared.bind(given) if declared.params else given


@app.command()
def warehouse(lake: Optional[Path] = LakeOption) -> None:
    """Rebuild warehouse.duckdb over the current version, where the lake is now.

    Any command that publishes or queries does this when the file is stale or the lake
    was moved or copied; this command does it on its own (e.g. before a GUI tool opens
    the file)."""
    from newslake.lake import LakeError
    from newslake.versions import open_lake
    from newslake.versions.publish import publishing
    from newslake.analyst.warehouse import build_warehouse

    settings = read_settings(lake=lake)
    try:
        the_lake = open_lake(settings.lake)
        with publishing(the_lake.root, settings.lock_wait, refresh_warehouse=False):
            if the_lake.current_version() is None:
                raise LakeError(f"lake {the_lake.root} has no current version: run `newslake run`, or `newslake rollback vN`")
            views = build_warehouse(the_lake)
    except LakeError as exc:
        fail(str(exc), exc)
    console.print(
        f"{the_lake.warehouse_path}: {len(views)} views over {the_lake.current_version()}; open it from any folder, "
        f"e.g. duckdb.connect({str(the_lake.warehouse_path.resolve())!r}, read_only=True)", highlight=False, soft_wrap=True,
    )
