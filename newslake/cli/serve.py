"""The scheduled service and its Prefect server: `serve`, `server`, and `runs`, which
lists what the runs did and where their Prefect UI is."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from newslake.cli.app import JsonOption, LakeOption, app, fail, read_settings
from newslake.cli.output import console, json_text, print_whole


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

    settings = read_settings(lake=lake)
    the_lake = Lake(settings.lake)
    if not the_lake.root.is_dir():
        fail(f"no lake at {the_lake.root}: run `newslake run` first")
    rows = read_runs(the_lake).to_pylist()[-n:]
    if as_json:
        print(json_text(list(reversed(rows))))
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
    print_whole(table)
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

    settings = read_settings(lake=lake)
    home = prefect_home_of(settings)
    if stop:
        console.print("Stopped the lake's Prefect server." if stop_kept_server(home) else "No kept Prefect server was running for this lake.")
        return
    url = running_server(home)
    if url:
        console.print(f"Prefect server for {settings.lake}: UI at [bold]{ui_url(url)}[/bold], API {url} (database in {home})")
        from newslake.preloaded import answering

        if answering(home):
            console.print("Preloaded runner: up (the next `newslake run` starts with the pipeline loaded).")
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

    settings = read_settings(source=source, lake=lake, cron=cron)  # a bad cron stops here, before any server
    if not settings.source.is_dir():
        fail(f"source folder not found: {settings.source}")
    from newslake.lake import Lake, LakeError
    from newslake.lake.ground import check_ground

    try:
        check_ground(Lake(settings.lake))  # before the lake's Prefect home is made in a folder that is no lake
    except LakeError as exc:
        fail(str(exc), exc)
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
                    fail(str(exc), exc)
                os.environ["PREFECT_API_URL"] = server.api_url
                console.print(f"Started a Prefect server: UI at [bold]{ui_url(server.api_url)}[/bold] (database in {home})")
            else:
                console.print(f"Using the Prefect server at {ui_url(os.environ['PREFECT_API_URL'])}")
            from flows.pipeline import serve_pipeline

            console.print(f"Serving news_pipeline on '{settings.cron}': {settings.source} -> {settings.lake}")
            serve_pipeline(settings)
    except AlreadyServed as exc:
        fail(f"{settings.lake} is {exc}, with PREFECT_HOME {home}: stop that one first", exc)
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
