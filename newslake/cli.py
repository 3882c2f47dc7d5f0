"""The `newslake` command: the front door. It parses flags and hands over; no logic here."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import sys

if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "newslake":  # the command itself, not an import of it
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))  # Ctrl-C while the command loads: no traceback
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from newslake.config import use_embedded_environment

use_embedded_environment()  # before Prefect or GX is imported

app = typer.Typer(
    help="newslake: news article files in, validated and versioned datasets out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

_state = {"debug": False}


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(
            f"newslake {version('newslake')} (Prefect {version('prefect')}, DuckDB {version('duckdb')}, "
            f"Great Expectations {version('great-expectations')}, spaCy {version('spacy')}, Python {sys.version.split()[0]})",
            highlight=False, soft_wrap=True,
        )
        raise typer.Exit()


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error, not only its one-line message."),
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the versions of newslake and its stack, and exit."
    ),
) -> None:
    _state["debug"] = debug


def _fail(message: str, exc: BaseException | None = None, code: int = 2) -> None:
    """A person's mistake: one line naming the cause and the fix, exit code 2; the
    traceback only with --debug."""
    if _state["debug"] and exc is not None:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    err.print(f"[red]error:[/red] {_escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


LakeOption = typer.Option(None, "--lake", help="Lake folder (default from settings: data/lake).", show_default=False)


JsonOption = typer.Option(False, "--json", help="Print JSON (one array of objects) for scripts, not a table.")


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _settings(**overrides):
    from pydantic import ValidationError

    from newslake.config import UnknownSetting, load_settings

    try:
        return load_settings(**overrides)
    except UnknownSetting as exc:
        _fail(str(exc), exc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        _fail(f"setting {where}: {first['msg']} (got {first.get('input')!r}); fix it in [tool.newslake] of pyproject.toml, NEWSLAKE_* or the flag", exc)


@app.command()
def run(
    source: Optional[Path] = typer.Option(None, "--source", help="Folder of article files (default: data/samples).", show_default=False),
    lake: Optional[Path] = LakeOption,
    expectations: Optional[Path] = typer.Option(
        None, "--expectations", help="Folder of Great Expectations suites (default: the project's expectations/).", show_default=False
    ),
    extract: Optional[bool] = typer.Option(
        None, "--extract/--no-extract", help="Run entity and date extraction (default: on).", show_default=False
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary: no progress, no Prefect log lines."),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also print Prefect's log lines (INFO and up); they are always in runs/<run_id>/prefect.log and the UI."
    ),
    log_level: Optional[str] = typer.Option(
        None, "--log-level", metavar="LEVEL", help="The least level of Prefect's log lines printed: DEBUG, INFO, WARNING (default), ERROR.",
        show_default=False,
    ),
    dask: Optional[str] = typer.Option(
        None, "--dask", metavar="[ADDRESS]",
        help="Run parse and extraction batches on Dask: a scheduler address, or nothing (or 'local') for a local cluster sized to the cores.",
        show_default=False,
    ),
) -> None:
    """Run the news_pipeline flow: ingest SOURCE into LAKE and publish a new version if all suites pass.

    When no file is new, changed or gone, the run is decided and recorded without
    starting Prefect at all. Otherwise the flow runs on the Prefect server that
    `newslake serve` keeps for this lake, or on PREFECT_API_URL, or on a temporary one.
    """
    import os
    import time

    from newslake.lake import Lake, LakeError
    from newslake import models, progress, stopping
    from newslake.sql_graph import DeclarationError
    from newslake.report import EXAMPLE_QUERY, ValidationFailed, summary_lines
    from newslake.pipeline.session import log_unbegun, logged, run_if_nothing_new

    settings = _settings(source=source, lake=lake, expectations_dir=expectations, extract=extract, dask=dask)
    level = (log_level or ("INFO" if verbose else "WARNING")).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        _fail(f"--log-level {log_level!r} is no level: give DEBUG, INFO, WARNING, ERROR or CRITICAL")
    if not settings.source.is_dir():
        what = "is a file, not a folder" if settings.source.exists() else "not found"
        _fail(f"source folder {what}: {settings.source} (pass a folder of article files with --source)")
    try:
        Lake(settings.lake).check_usable()  # before anything runs
    except LakeError as exc:
        _fail(f"{exc} (pass a folder with --lake)", exc)
    try:
        models.graph(settings.sql_dir)  # a wrong declaration in sql/ is refused before anything is read
    except DeclarationError as exc:
        _fail(str(exc), exc)
    started = time.perf_counter()
    was_current = Lake(settings.lake).current_version()
    live = None
    stack = contextlib.ExitStack()
    begun = False  # the run found work: from here a failure is a row of the runs log
    stopped = None
    handlers = stopping.stop_on_signals()
    try:
        report = run_if_nothing_new(settings)
        if report is None:
            begun = True
            _use_server(settings, stack, quiet)
            # the terminal shows progress and the summary; the log file and the UI keep every line
            os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", level)
            if not quiet:
                live = progress.Live(err) if err.is_terminal else None
                progress.use(live.__enter__() if live else progress.Lines(sys.stderr))
            from flows.console import validation_failures_off_the_console
            from flows.pipeline import pipeline_for

            stack.enter_context(validation_failures_off_the_console())
            report = pipeline_for(settings)(
                source=str(settings.source),
                lake=str(settings.lake),
                expectations_dir=str(settings.expectations_dir),
                extract=settings.extract,
                dask=settings.dask,
            )
    except LakeError as exc:
        _fail(str(exc), exc)
    except OSError as exc:  # a full disk, a lost mount: the run published nothing (see Run.fail)
        what = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else f"{type(exc).__name__}: {exc}"
        _fail(f"{what} ({_outcome(settings, was_current)})", exc, code=1)
    except ValidationFailed as failed:
        _close(live)
        _print_summary(summary_lines(failed.report, wall_seconds=time.perf_counter() - started))
        err.print("[red bold]validation failed: nothing was published[/red bold]")
        for line in failed.failures:
            err.print(f"  [red]✗[/red] {line}")
        raise typer.Exit(1)
    except BaseException as exc:
        if stopping.signal_of(exc) is None:
            raise
        stopped = exc
        if begun and not logged(exc):
            log_unbegun(settings, exc)
    finally:
        stack.close()
        _close(live)
        progress.use(progress.Silent())
        try:
            if stopped is not None:
                _stopped(settings, stopped, was_current)
        finally:
            stopping.restore(handlers)
    the_lake = Lake(settings.lake)
    current = the_lake.current.resolve() if report.get("current_version") else None
    _print_summary(summary_lines(report, str(current) if current else None, wall_seconds=time.perf_counter() - started))
    if not quiet and the_lake.current_version() and the_lake.warehouse_path.is_file():  # the hint only when it works
        lake_flag = "" if settings.lake == Path("data/lake") else f" --lake {settings.lake}"
        console.print(f"\nTry: [bold]newslake query{lake_flag} \"{EXAMPLE_QUERY}\"[/bold]", soft_wrap=True)


def _use_server(settings, stack: contextlib.ExitStack, quiet: bool) -> None:
    """The run's Prefect server (`config.server_for_run`), held for the rest of the run.
    A server that does not start fails the run: its row says why."""
    from flows.server import temporary_server
    from newslake.config import server_for_run
    from newslake.pipeline.session import log_unbegun
    from newslake.server import ServerStartFailed, ui_url

    try:
        url, started = stack.enter_context(server_for_run(settings, temporary_server))
    except (ServerStartFailed, OSError, RuntimeError) as exc:
        which = "Prefect's temporary server" if settings.server_idle_minutes == 0 else "the lake's Prefect server (tried twice)"
        message = f"could not start {which}: {exc}"
        log_unbegun(settings, exc, message)
        _fail(message, exc)
    if started and settings.server_idle_minutes == 0:
        return  # Prefect's temporary server: it stops with the run
    if started and not quiet:
        err.print(
            f"Started the lake's Prefect server: UI at {ui_url(url)} (stops after {settings.server_idle_minutes:g} minutes"
            " with no run; `newslake server --stop` stops it now)", soft_wrap=True, highlight=False,
        )


def _stopped(settings, exc: BaseException, was_current: str | None) -> None:
    """A signal stopped the command: end what it started and is still up (the lake's
    kept server outlives runs by design), say so in one line, exit 128 + the signal."""
    from newslake import stopping
    from newslake.config import prefect_home_of
    from newslake.server import kept_server_session

    stopping.stop_children(spare_sessions=[s for s in [kept_server_session(prefect_home_of(settings))] if s])
    err.print(f"[red]{_escape(stopping.describe(exc))}[/red] ({_outcome(settings, was_current)})", soft_wrap=True, highlight=False)
    raise typer.Exit(128 + stopping.signal_of(exc))


def _outcome(settings, was_current: str | None) -> str:
    """What a run that ended early left: whether it published, and the current version."""
    from newslake.lake import Lake

    current = Lake(settings.lake).current_version()
    outcome = "the run published nothing" if current == was_current else f"after the run published {current}"
    return f"{outcome}; current version: {current or 'none'}"


def _close(live) -> None:
    if live is not None:
        live.__exit__(None, None, None)


@app.command()
def runs(
    lake: Optional[Path] = LakeOption,
    n: int = typer.Option(10, "-n", min=1, help="How many of the most recent runs."),
    as_json: bool = JsonOption,
) -> None:
    """List the lake's recent runs (any outcome) and where their Prefect UI is."""
    from newslake.config import prefect_home_of
    from newslake.lake import Lake
    from newslake.lake.runs_log import read_runs
    from newslake.server import running_server, ui_url

    settings = _settings(lake=lake)
    the_lake = Lake(settings.lake)
    if not the_lake.root.is_dir():
        _fail(f"no lake at {the_lake.root}: run `newslake run` first")
    rows = read_runs(the_lake).to_pylist()[-n:]
    if as_json:
        print(_json(list(reversed(rows))))
        return
    table = Table(box=None, header_style="bold")
    for name in ("run", "started (UTC)", "status"):
        table.add_column(name, no_wrap=True)
    for name in ("new", "dup", "quar", "gone", "seconds"):
        table.add_column(name, justify="right")
    table.add_column("version", no_wrap=True)
    for row in reversed(rows):
        seconds = (row["finished_at"] - row["started_at"]).total_seconds() if row["finished_at"] else None
        table.add_row(
            row["run_id"], f"{row['started_at']:%Y-%m-%d %H:%M:%S}", row["status"], str(row["new_articles"]),
            str(row["duplicates"]), str(row["quarantined"]), str(row["deleted_files"]),
            "" if seconds is None else f"{seconds:.1f}",
            row["published_version"] or "",
        )
    _print_whole(table)
    url = running_server(prefect_home_of(settings))
    if url:
        console.print(f"Prefect UI: [bold]{ui_url(url)}[/bold] (flow run logs and history)")
    else:
        console.print("[dim]No Prefect server is running for this lake: the next `newslake run` starts one and its UI shows every run.[/dim]")


@app.command()
def server(
    lake: Optional[Path] = LakeOption,
    stop: bool = typer.Option(False, "--stop", help="Stop the lake's kept server now (it also stops once idle)."),
) -> None:
    """Show (or --stop) the Prefect server newslake keeps for this lake.

    A run with no PREFECT_API_URL starts it; later runs reuse it; it stops after
    `server_idle_minutes` with no run."""
    from newslake.config import prefect_home_of
    from newslake.server import running_server, stop_kept_server, ui_url

    settings = _settings(lake=lake)
    home = prefect_home_of(settings)
    if stop:
        console.print("Stopped the lake's Prefect server." if stop_kept_server(home) else "No kept Prefect server was running for this lake.")
        return
    url = running_server(home)
    if url:
        console.print(f"Prefect server for {settings.lake}: UI at [bold]{ui_url(url)}[/bold], API {url} (database in {home})")
    else:
        console.print(f"No Prefect server is running for {settings.lake}: the next `newslake run` starts one.")


@app.command()
def serve(
    source: Optional[Path] = typer.Option(None, "--source", help="Inbox folder the schedule ingests (default from settings).", show_default=False),
    lake: Optional[Path] = LakeOption,
    cron: Optional[str] = typer.Option(None, "--cron", help='Schedule, cron syntax (default "*/15 * * * *").', show_default=False),
) -> None:
    """Serve the news_pipeline deployment on a cron schedule (Ctrl-C or SIGTERM stops it).

    With no PREFECT_API_URL set, a local Prefect server is started (its database under
    the lake's PREFECT_HOME) and stopped with it; with PREFECT_API_URL set, that
    server is used.
    """
    from newslake import stopping
    from newslake.config import prefect_home_of, use_prefect_home
    from newslake.server import AlreadyServed, kept_server_session, serving, start_server, ui_url

    settings = _settings(source=source, lake=lake, cron=cron)  # a bad cron stops here, before any server
    if not settings.source.is_dir():
        _fail(f"source folder not found: {settings.source}")
    from newslake.lake import Lake, LakeError
    from newslake.lake.ground import check_ground

    try:
        check_ground(Lake(settings.lake))  # before the lake's Prefect home is made in a folder that is no lake
    except LakeError as exc:
        _fail(str(exc), exc)
    # From here a signal at any moment stops what was started: start_server takes its
    # process group down if interrupted, and the block below stops a server that answered
    # and any flow run still going (whose session logs it as failed with the signal).
    handlers = stopping.stop_on_signals()
    home = prefect_home_of(settings)
    server = None
    try:
        with serving(home):
            use_prefect_home(settings)
            if not os.environ.get("PREFECT_API_URL"):
                try:
                    server = start_server(home, port=settings.server_port, timeout=settings.server_start_timeout)
                except (OSError, RuntimeError) as exc:
                    _fail(str(exc), exc)
                os.environ["PREFECT_API_URL"] = server.api_url
                console.print(f"Started a Prefect server: UI at [bold]{ui_url(server.api_url)}[/bold] (database in {home})")
            else:
                console.print(f"Using the Prefect server at {ui_url(os.environ['PREFECT_API_URL'])}")
            from flows.pipeline import serve_pipeline

            console.print(f"Serving news_pipeline on '{settings.cron}': {settings.source} -> {settings.lake}")
            serve_pipeline(settings)
    except AlreadyServed as exc:
        _fail(f"{settings.lake} is {exc}, with PREFECT_HOME {home}: stop that one first", exc)
    except BaseException as exc:
        if stopping.signal_of(exc) is None:
            raise
    finally:
        spare = [server.process.pid] if server is not None else []  # stopped last: flow runs report to it
        stopping.stop_children(spare_sessions=[*spare, *[s for s in [kept_server_session(home)] if s]])
        if server is not None:
            server.stop()
            console.print("Stopped the Prefect server.")
        stopping.restore(handlers)


def _print_summary(lines: list[tuple[str, str]]) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in lines:
        table.add_row(key, value)
    console.print(table)


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

    from newslake import analyst
    from newslake.lake import Lake, LakeError
    from newslake.sandbox import Refused, check_sql
    from newslake.versions.catalog import refuse_outside
    from newslake.versions.publish import refuse_unreadable
    from newslake.warehouse import run_statements

    settings = _settings(lake=lake)
    if list_examples:
        for found in analyst.examples(settings.sql_dir):
            console.print(f"[bold]{found.name}[/bold]  {found.description}", highlight=False)
            for p in found.params:
                console.print(f"    --param {p.describe()}", highlight=False)
        return
    given = [name for name, value in (("SQL", sql), ("--file", file), ("--example", example)) if value is not None]
    if len(given) != 1:
        what = "no SQL" if not given else f"both {' and '.join(given)}"
        _fail(f'{what}: give one of "SELECT ..." (an argument), --file FILE, or --example NAME (--examples lists them)')
    if output is not None:
        _check_output(output, fmt, settings.lake)
    try:
        params = analyst.parse_params(param)
        if example is not None:
            chosen = analyst.example(settings.sql_dir, example)
            sql, params = chosen.sql, chosen.bind(params)
        elif file is not None:
            if not file.is_file():
                _fail(f"no such file: {file} (--file takes a file of SQL)")
            sql = file.read_text(encoding="utf-8")
            params = _with_declared_defaults(file, params)
    except analyst.ExampleError as exc:
        _fail(str(exc), exc)
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
        _fail(str(exc), exc)
    except duckdb.Error as exc:
        _query_failed(exc)
    shown = [(statement, table) for statement, table in results if table is not None]
    if output is not None:
        with open(output, "w", encoding="utf-8", newline="") as out:
            for i, (_, table) in enumerate(shown):
                _write_result(table, fmt, out, first=i == 0, raw=True)
        console.print(f"wrote {_count(sum(t.num_rows for _, t in shown), 'row')} to {_visible(str(output))}", highlight=False)
        return
    for i, (statement, table) in enumerate(shown):
        if len(shown) > 1 and fmt is OutputFormat.table:
            console.print(f"[dim]-- {_escape(' '.join(statement.split())[:100])}[/dim]", highlight=False)
        _write_result(table, fmt, sys.stdout, first=i == 0, raw=False)


def _check_output(output: Path, fmt: OutputFormat, lake: Path) -> None:
    """A file newslake query may write: outside the lake, through no link into it
    (a symbolic link resolves into it; a hard link is the same device and inode as one
    of its files)."""
    if fmt is OutputFormat.table:
        _fail(f"--output {output}: a file takes --format csv or --format json")
    target = output.resolve()
    inside = f"--output {output}: the file is %s the lake {lake}, which newslake query never writes; choose a path outside it"
    if target.is_relative_to(lake.resolve()):
        _fail(inside % "inside")
    if not target.parent.is_dir():
        _fail(f"--output {output}: no folder {output.parent}")
    try:
        found = target.stat()
    except FileNotFoundError:
        return
    if found.st_nlink > 1 and lake.is_dir() and _holds_inode(lake, (found.st_dev, found.st_ino)):
        _fail(inside % "a hard link to a file of")


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

    if _state["debug"]:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    lines = [line.rstrip() for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
    if isinstance(exc, duckdb.PermissionException):
        lines[0] += " (newslake query reads only the lake's published tables; for more, open its Parquet files in your own DuckDB: see the README)"
    err.print(f"[red]query failed:[/red] {_escape(lines[0])}", soft_wrap=True, highlight=False)
    for line in lines[1:]:
        err.print(_visible(line), soft_wrap=True, highlight=False, markup=False)
    mistake = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)
    raise typer.Exit(2 if isinstance(exc, mistake) else 1)


def _count(n: int, noun: str) -> str:
    """`1 row`, `2 rows`, `1,204 rows`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _with_declared_defaults(path: Path, given: dict[str, str]) -> dict[str, str | None]:
    """A --file with `-- param:` lines gets their defaults too, like an example."""
    from newslake.analyst import read_example

    declared = read_example(path)
    return declared.bind(given) if declared.params else given


def _cell(value) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return "" if value is None else str(value)


def _csv_cell(value) -> str:
    """Text cells cannot run in a spreadsheet (see sandbox.inert_cell); numbers,
    dates and lists (JSON, which starts with `[` or `{`) print as they are."""
    from newslake.sandbox import inert_cell

    return inert_cell(value) if isinstance(value, str) else _cell(value)


def _visible(text: str) -> str:
    from newslake.sandbox import visible

    return visible(text)


def _json(rows) -> str:
    """JSON of the rows; control characters json.dumps keeps raw (DEL, C1, bidi) are
    written as \\u escapes too, which read back as the same text."""
    from newslake.sandbox import CONTROL

    text = json.dumps(rows, default=str, ensure_ascii=False, indent=1)
    return CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _write_result(result, fmt: OutputFormat, out, *, first: bool, raw: bool) -> None:
    """One result to `out`; `raw` (a file) keeps every character, else control characters
    print as escapes."""
    rows = result.to_pylist()
    shown = (lambda text: text) if raw else _visible
    if fmt is OutputFormat.json:
        out.write((json.dumps(rows, default=str, ensure_ascii=False, indent=1) if raw else _json(rows)) + "\n")
    elif fmt is OutputFormat.csv:
        if not first:
            out.write("\r\n" if raw else "\n")
        # a file keeps carriage returns in fields: RFC 4180 line ends make csv quote them
        writer = csv.writer(out, lineterminator="\r\n" if raw else "\n")
        writer.writerow([shown(_csv_cell(c)) for c in result.column_names])
        writer.writerows([shown(_csv_cell(v)) for v in row.values()] for row in rows)
    else:
        table = Table(*(_escape(c) for c in result.column_names))
        for row in rows:
            table.add_row(*("[dim]NULL[/dim]" if v is None else _escape(_cell(v)) for v in row.values()))
        console.print(table)
        console.print(f"[dim]{_count(len(rows), 'row')}[/dim]")


def _escape(text: str) -> str:
    """Text for a rich console: control characters as escapes, markup taken literally."""
    from rich.markup import escape

    return escape(_visible(text))


@app.command()
def compact(lake: Optional[Path] = LakeOption) -> None:
    """Merge small parts into larger ones (and rewrite parts of older schemas) as a new version."""
    from newslake.lake import LakeError
    from newslake.versions.compact import compact_lake

    settings = _settings(lake=lake)
    try:
        result = compact_lake(settings)
    except LakeError as exc:
        _fail(str(exc), exc)
    if result["version"] is None:
        console.print(f"nothing to compact: {result['parts_before']} parts stay as they are")
    else:
        console.print(f"compacted {result['parts_before']} parts into {result['parts_after']}: published {result['version']}")


@app.command()
def warehouse(lake: Optional[Path] = LakeOption) -> None:
    """Rebuild warehouse.duckdb over the current version, where the lake is now.

    Any command that publishes or queries does this when the file is stale or the lake
    was moved or copied; this command does it on its own (e.g. before a GUI tool opens
    the file)."""
    from newslake.lake import LakeError
    from newslake.versions import open_lake
    from newslake.versions.publish import publishing
    from newslake.warehouse import build_warehouse

    settings = _settings(lake=lake)
    try:
        the_lake = open_lake(settings.lake)
        with publishing(the_lake.root, settings.lock_wait, refresh_warehouse=False):
            if the_lake.current_version() is None:
                raise LakeError(f"lake {the_lake.root} has no current version: run `newslake run`, or `newslake rollback vN`")
            views = build_warehouse(the_lake)
    except LakeError as exc:
        _fail(str(exc), exc)
    console.print(
        f"{the_lake.warehouse_path}: {len(views)} views over {the_lake.current_version()}; open it from any folder, "
        f"e.g. duckdb.connect({str(the_lake.warehouse_path.resolve())!r}, read_only=True)", highlight=False, soft_wrap=True,
    )


@app.command()
def versions(lake: Optional[Path] = LakeOption, as_json: bool = JsonOption) -> None:
    """List the published versions still on disk (the newest `keep_versions`), marking the current one."""
    from newslake.lake import LakeError
    from newslake.versions import MAIN_TABLES, list_versions, open_lake

    settings = _settings(lake=lake)
    try:
        found = list_versions(open_lake(settings.lake))
    except LakeError as exc:
        _fail(str(exc), exc)
    if as_json:
        print(_json([
            {"version": i.version, "current": i.current, "run_id": i.run_id, "created_at": i.created_at, "rows": i.rows,
             "validation": i.validation, "built_on": i.previous_version}
            for i in reversed(found)
        ]))
        return
    table = Table(box=None, header_style="bold")
    for name in ("", "version", "run", "created (UTC)"):
        table.add_column(name, no_wrap=True)
    for name in (*MAIN_TABLES, "all rows"):
        table.add_column(name, justify="right")
    table.add_column("validation", no_wrap=True)
    table.add_column("built on", no_wrap=True)
    for info in reversed(found):
        created = info.created_at.replace("T", " ")[:19]
        validation = {"passed": "[green]passed[/green]", "FAILED": "[red]FAILED[/red]"}.get(info.validation, info.validation)
        table.add_row(
            "[bold]*[/bold]" if info.current else "", f"[bold]{info.version}[/bold]" if info.current else info.version,
            info.run_id, created, *(str(info.rows.get(t, 0)) for t in MAIN_TABLES), str(sum(info.rows.values())),
            validation, info.previous_version or "",
        )
    _print_whole(table)
    current = next((i.version for i in found if i.current), None)
    console.print(f"[dim]* current: {current or 'none'}; {_count(len(found), 'version')} on disk[/dim]", highlight=False)


def _print_whole(table: Table) -> None:
    """A terminal gets the table fitted to its width; a pipe or file gets every cell
    whole, so `grep` and scripts never see a run id cut short with an ellipsis. A
    terminal too narrow for every column gets the ones that fit, whole, and a line
    naming the others (as DuckDB's CLI does)."""
    if console.is_terminal:
        from rich.text import Text

        def whole(column) -> int:  # the column's width with every cell whole, padding included
            cells = [column.header, *column._cells]
            return 2 + max(Text.from_markup(c).cell_len if isinstance(c, str) else console.measure(c).maximum for c in cells)

        hidden = []
        while len(table.columns) > 2 and sum(whole(c) for c in table.columns) > console.width:
            hidden.insert(0, table.columns.pop().header or "(marker)")
        for column in table.columns:
            column.no_wrap = True
        console.print(table)
        if hidden:
            console.print(f"[dim]{len(hidden)} columns hidden at {console.width} characters: {', '.join(hidden)} "
                          "(widen the terminal, or use --json)[/dim]", highlight=False)
    else:
        Console(width=max(console.width, console.measure(table, options=console.options.update_width(1_000)).maximum)).print(table)


@app.command()
def verify(
    version: Optional[str] = typer.Argument(None, help="Version to check, e.g. v1 (default: the current one).", show_default=False),
    lake: Optional[Path] = LakeOption,
    content: bool = typer.Option(False, "--content", help="Also print each published table's rows and content checksum (run metadata left out): equal checksums, equal data, whichever run or lake wrote it."),
    every: bool = typer.Option(False, "--all", help="Check every version on disk (a part shared by versions is hashed once)."),
    as_json: bool = JsonOption,
) -> None:
    """Check every part file of a version against the sha256 and size its manifest records.

    Exits 1 naming each file that is missing or differs, so a copy, a backup or a
    disk can be trusted (or not) before anyone reads from it; `newslake repair` fixes them.
    """
    from newslake.lake import LakeError
    from newslake.versions import manifest_of, open_lake, verify_version

    settings = _settings(lake=lake)
    try:
        the_lake = open_lake(settings.lake)
        manifests = [the_lake.manifest(v) for v in the_lake.versions()] if every else [manifest_of(the_lake, version)]
        results = [(manifest, *verify_version(the_lake, manifest)) for manifest in manifests]
    except LakeError as exc:
        _fail(str(exc), exc)
    bad = sum(1 for _, _, problems in results if problems)
    if as_json:
        from newslake.lake.content import version_checksums

        print(_json([
            {"version": manifest.version, "files": checked, "ok": not problems, "problems": problems,
             **({"tables": {t: {"rows": r, "checksum": c} for t, (r, c) in version_checksums(the_lake, manifest).items()}}
                if content and not bad else {})}
            for manifest, checked, problems in results
        ]))
        raise typer.Exit(1 if bad else 0)
    for manifest, checked, problems in results:
        if problems:
            for problem in problems:
                err.print(f"[red]✗[/red] {manifest.version}: {problem}", soft_wrap=True, highlight=False)
            err.print(f"[red bold]{manifest.version}: {len(problems)} of {checked} files missing or changed[/red bold]", soft_wrap=True)
        else:
            console.print(f"{manifest.version} OK: {checked} files match their manifest (size and sha256)")
    if bad:
        err.print(f"run `newslake repair --lake {the_lake.root}` to restore them", soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    if content:
        from newslake.lake.content import version_checksums

        for manifest in manifests:
            if len(manifests) > 1:
                console.print(f"{manifest.version}:", highlight=False)
            for table, (rows, checksum) in version_checksums(the_lake, manifest).items():
                console.print(f"{table:<20} {rows:>9} {checksum}", soft_wrap=True, highlight=False)


@app.command()
def repair(
    lake: Optional[Path] = LakeOption,
    backup: Optional[Path] = typer.Option(
        None, "--from", help="A backup or copy of the lake to take good copies of damaged parts from.", show_default=False
    ),
    rebuild: bool = typer.Option(
        True, "--rebuild/--no-rebuild", help="Rebuild from the source files when a damaged part has no good copy (default: on)."
    ),
) -> None:
    """Restore every part file that differs from its manifest, in every version on disk.

    A damaged part is put back from a good copy (same sha256): another version's own
    copy, or the lake copy given with --from; every version that lists it is fixed
    at once. A part with no good copy is rebuilt: a new version from the source
    files the ledger lists, after which the versions that held the lost part are
    removed. Prints what it restored, rebuilt and removed.
    """
    from newslake.versions import repair as fix
    from newslake.lake import Lake, LakeError

    settings = _settings(lake=lake)
    try:
        report = fix.repair_from_copies(settings.lake, backup, settings.lock_wait)
    except LakeError as exc:
        _fail(str(exc), exc)
    for damage in report.restored:
        console.print(
            f"restored {damage.part.path} ({damage.table}) from {damage.restored_from}: "
            f"fixed in {', '.join(damage.versions)}", soft_wrap=True, highlight=False,
        )
    if not report.restored and not report.lost:
        console.print(f"nothing to repair: {report.checked} files in {len(Lake(settings.lake).versions())} versions match their manifests")
        return
    if not report.lost:
        console.print(f"repaired: {len(report.restored)} parts restored; every version on disk matches its manifest")
        return
    for damage in report.lost:
        err.print(
            f"[red]✗[/red] no good copy of {damage.part.path} ({damage.table}, sha256 {damage.part.sha256}) "
            f"in {', '.join(damage.versions)}", soft_wrap=True, highlight=False,
        )
    if not rebuild:
        _fail("damaged parts have no good copy: run `newslake repair` with --rebuild, or give a backup with --from", code=1)
    try:
        source, files = fix.rebuild_sources(Lake(settings.lake))
    except LakeError as exc:
        _fail(str(exc), exc, code=1)
    from newslake.config import use_prefect_home

    use_prefect_home(settings)
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from flows.pipeline import news_pipeline
    from newslake.report import ValidationFailed

    try:
        result = news_pipeline(source=str(source), lake=str(settings.lake), expectations_dir=str(settings.expectations_dir), rebuild=True)
    except (LakeError, OSError, ValidationFailed) as exc:
        _fail(f"the rebuild from {source} failed, nothing was removed: {exc}", exc, code=1)
    gone = fix.drop_versions(settings.lake, report.versions_with_lost_parts, result["version"], settings.lock_wait)
    counted = f"{files} source files" if files >= 0 else "every file"
    console.print(
        f"rebuilt {result['version']} from {counted} in {source} ({result['rows'].get('articles', 0)} articles); "
        f"removed {', '.join(gone) or 'no'} versions that held the lost parts; "
        f"{len(report.restored)} parts restored from good copies", soft_wrap=True, highlight=False,
    )


@app.command()
def rollback(
    version: str = typer.Argument(..., help="Version to make current again, e.g. v1 (see `newslake versions`).", show_default=False),
    lake: Optional[Path] = LakeOption,
) -> None:
    """Make an older version current again, atomically, after verifying its files.

    Holds the lake's publisher lock, so it never races a run; the warehouse then
    shows that version, and the next run builds on it (with a new version number).
    """
    from newslake.lake import LakeError
    from newslake.versions import rollback_to

    settings = _settings(lake=lake)
    try:
        result = rollback_to(settings, version)
    except LakeError as exc:
        _fail(str(exc), exc)
    for note in result["notes"]:
        console.print(f"[dim]{note}[/dim]")
    if result["previous"] == result["version"]:
        console.print(f"{result['version']} was already current ({result['files']} files verified); warehouse rebuilt")
    else:
        console.print(
            f"rolled back: {result['version']} is current (was {result['previous'] or 'none'}); "
            f"{result['files']} files verified, warehouse rebuilt, logged as run {result['run_id']}"
        )


class _BadRecord(ValueError):
    pass


def _read_jsonl(handle):
    """The records of a JSONL file; a line that is no record is a `_BadRecord` naming it."""
    from newslake.readers.jsonrec import MAX_JSON_DEPTH, nesting_too_deep
    from newslake.tagging import _parse_dct

    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        deep = nesting_too_deep(line)
        if deep is not None:
            raise _BadRecord(f"line {number}: nested deeper than {MAX_JSON_DEPTH} levels at column {deep + 1}")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _BadRecord(f"line {number}: {exc.msg} at column {exc.colno}") from None
        if not isinstance(record, dict) or "text" not in record:
            raise _BadRecord(f'line {number}: expected an object with "id", "text", "dct"')
        if not isinstance(record["text"], (str, type(None))):
            raise _BadRecord(f"line {number}: record {record.get('id')!r}: text must be a string")
        try:
            _parse_dct(record.get("dct"), record.get("id"))
        except ValueError as exc:
            raise _BadRecord(f"line {number}: {exc}") from None
        yield record


@app.command()
def tag(
    file: Optional[Path] = typer.Argument(None, help="Text file to tag; '-' or nothing reads standard input.", show_default=False),
    dct: Optional[str] = typer.Option(None, "--dct", help="Document creation date YYYY-MM-DD that relative dates resolve against."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help='Tag many texts: a JSONL file of {"id","text","dct"} lines.'),
    out: Optional[Path] = typer.Option(None, "--out", help="With --jsonl: write results here instead of standard output."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Texts per spaCy batch."),
) -> None:
    """Tag raw text with entities, dates and quotes; prints JSON. Offsets index the exact input text.

    No article parsing happens here: the text is tagged as given.
    """
    from datetime import date

    from newslake.entities import load_nlp
    from newslake.tagging import tag_records, tag_text

    if out is not None and jsonl is None:
        _fail("--out needs --jsonl: it writes the results of a JSONL file (one text prints to standard output)")
    if jsonl is not None:
        if not jsonl.is_file():
            _fail(f"no such file: {jsonl} (--jsonl takes a JSONL file of {{\"id\",\"text\",\"dct\"}} lines)")
        try:  # every line is checked before the model loads or anything is written
            with open(jsonl, encoding="utf-8") as source:
                for _ in _read_jsonl(source):
                    pass
        except _BadRecord as exc:
            _fail(f"{jsonl}: {exc} (fix that line)", exc)
        except UnicodeDecodeError as exc:
            _fail(f"{jsonl} is not UTF-8 text: {exc.reason} at byte {exc.start}", exc)
    elif dct:
        try:
            date.fromisoformat(dct)
        except ValueError:
            _fail(f"--dct expects YYYY-MM-DD, got {dct!r}")
    settings = _settings()
    try:
        nlp = load_nlp(settings.spacy_model)
    except (OSError, RuntimeError) as exc:
        _fail(str(exc), exc)
    if jsonl is not None:
        with open(jsonl, encoding="utf-8") as source, (open(out, "w", encoding="utf-8") if out else _stdout()) as sink:
            for result in tag_records(nlp, _read_jsonl(source), batch_size=batch_size, n_process=settings.n_process):
                sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    anchor = date.fromisoformat(dct) if dct else None
    if file is None or str(file) == "-":
        text = sys.stdin.read()
    elif not file.is_file():
        _fail(f"no such file: {file} (pass a text file, or '-' for standard input)")
    else:
        text = file.read_text(encoding="utf-8")
    sys.stdout.write(json.dumps(tag_text(nlp, text, anchor), ensure_ascii=False) + "\n")


class _stdout:
    """sys.stdout as a context manager that is not closed on exit."""

    def __enter__(self):
        return sys.stdout

    def __exit__(self, *exc):
        sys.stdout.flush()


def main() -> None:
    """The console script: `--dask` with no address means a local cluster."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--dask" and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            argv.insert(i + 1, "local")
            break
    signal.signal(signal.SIGINT, signal.default_int_handler)  # loaded: Ctrl-C is a KeyboardInterrupt again
    app(argv)


if __name__ == "__main__":  # pragma: no cover
    main()
