"""`newslake run`: one run of the pipeline, its progress, its summary, and how it ends
(published, refused by a suite, failed, or stopped by a signal)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Optional

import typer

from newslake.cli.app import LakeOption, app, fail, read_settings
from newslake.cli.output import console, err, escape, print_summary


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
    from newslake.lake.ground import check_usable
    from newslake import progress, stopping
    from newslake.derived.build import graph
    from newslake.derived.sql_graph import DeclarationError
    from newslake.report.summary import EXAMPLE_QUERY, summary_lines
    from newslake.validate import ValidationFailed
    from newslake.pipeline.session import log_unbegun, logged, run_if_nothing_new

    settings = read_settings(source=source, lake=lake, expectations_dir=expectations, extract=extract, dask=dask)
    home = _preloaded_home(settings)  # a runner that has it all loaded checks and runs this run
    if home is not None:
        from newslake import preloaded

        argv = _argv(source, lake, expectations, extract, quiet, verbose, log_level, dask)
        try:
            code = preloaded.hand_over(home, argv)
        except RuntimeError as exc:
            fail(str(exc), exc, code=1)
        if code is not None:
            raise typer.Exit(code)
    level = (log_level or ("INFO" if verbose else "WARNING")).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        fail(f"--log-level {log_level!r} is no level: give DEBUG, INFO, WARNING, ERROR or CRITICAL")
    if not settings.source.is_dir():
        what = "is a file, not a folder" if settings.source.exists() else "not found"
        fail(f"source folder {what}: {settings.source} (pass a folder of article files with --source)")
    try:
        check_usable(Lake(settings.lake))  # before anything runs
    except LakeError as exc:
        fail(f"{exc} (pass a folder with --lake)", exc)
    try:
        graph(settings.sql_dir)  # a wrong declaration in sql/ is refused before anything is read
    except DeclarationError as exc:
        fail(str(exc), exc)
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
            from flows.engine import command_runs
            from flows.pipeline import pipeline_for

            stack.enter_context(validation_failures_off_the_console())
            stack.enter_context(command_runs())
            report = pipeline_for(settings)(
                source=str(settings.source),
                lake=str(settings.lake),
                expectations_dir=str(settings.expectations_dir),
                extract=settings.extract,
                dask=settings.dask,
            )
    except LakeError as exc:
        fail(str(exc), exc)
    except OSError as exc:  # a full disk, a lost mount: the run published nothing (see Run.fail)
        what = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else f"{type(exc).__name__}: {exc}"
        fail(f"{what} ({_outcome(settings, was_current)})", exc, code=1)
    except ValidationFailed as failed:
        _close(live)
        print_summary(summary_lines(failed.report, wall_seconds=time.perf_counter() - started))
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
    if home is not None and begun:  # the next run finds everything loaded
        from newslake import preloaded
        from newslake.cli.runner import command

        preloaded.start(home, command(home, settings.spacy_model if settings.extract else None))
    the_lake = Lake(settings.lake)
    current = the_lake.current.resolve() if report.get("current_version") else None
    print_summary(summary_lines(report, str(current) if current else None, wall_seconds=time.perf_counter() - started))
    if not quiet and the_lake.current_version() and the_lake.warehouse_path.is_file():  # the hint only when it works
        lake_flag = "" if settings.lake == Path("data/lake") else f" --lake {settings.lake}"
        console.print(f"\nTry: [bold]newslake query{lake_flag} \"{EXAMPLE_QUERY}\"[/bold]", soft_wrap=True)


def _preloaded_home(settings) -> Path | None:
    """The Prefect home whose preloaded runner (`newslake.preloaded`) may take this run:
    only runs on the lake's kept server have one."""
    from newslake.config import configured_api_url, prefect_home_of

    if not settings.preloaded_runner or settings.server_idle_minutes == 0 or configured_api_url():
        return None
    return prefect_home_of(settings)


def _argv(source, lake, expectations, extract, quiet, verbose, log_level, dask) -> list[str]:
    """This run's command line, for the preloaded runner to parse as this process did."""
    from newslake.cli.app import state

    argv = ["--debug"] * state["debug"] + ["run"]
    for flag, value in (("--source", source), ("--lake", lake), ("--expectations", expectations), ("--log-level", log_level), ("--dask", dask)):
        if value is not None:
            argv += [flag, str(value)]
    if extract is not None:
        argv.append("--extract" if extract else "--no-extract")
    return argv + ["--quiet"] * quiet + ["--verbose"] * verbose


def _use_server(settings, stack: contextlib.ExitStack, quiet: bool) -> None:
    """The run's Prefect server (`config.server_for_run`), held for the rest of the run.
    A server that does not start fails the run: its row says why."""
    from flows.temporary_server import temporary_server
    from newslake.config import server_for_run
    from newslake.pipeline.session import log_unbegun
    from newslake.server import ServerStartFailed, ui_url

    try:
        url, started = stack.enter_context(server_for_run(settings, temporary_server))
    except (ServerStartFailed, OSError, RuntimeError) as exc:
        which = "Prefect's temporary server" if settings.server_idle_minutes == 0 else "the lake's Prefect server (tried twice)"
        message = f"could not start {which}: {exc}"
        log_unbegun(settings, exc, message)
        fail(message, exc)
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
    err.print(f"[red]{escape(stopping.describe(exc))}[/red] ({_outcome(settings, was_current)})", soft_wrap=True, highlight=False)
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
