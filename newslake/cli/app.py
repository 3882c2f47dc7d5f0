"""The Typer app and what every command shares: the global options, the one-line
error (exit 2 for a person's mistake), the settings with the flags over them."""

from __future__ import annotations

import signal
import sys

import typer

from newslake.cli.output import console, err, escape
from newslake.config import use_embedded_environment

use_embedded_environment()  # before Prefect or GX is imported

app = typer.Typer(
    help="newslake: news article files in, validated and versioned datasets out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
state = {"debug": False}  # --debug: tracebacks too


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
    state["debug"] = debug


def fail(message: str, exc: BaseException | None = None, code: int = 2) -> None:
    """A person's mistake: one line naming the cause and the fix, exit code 2; the
    traceback only with --debug."""
    if state["debug"] and exc is not None:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


LakeOption = typer.Option(None, "--lake", help="Lake folder (default from settings: data/lake).", show_default=False)
JsonOption = typer.Option(False, "--json", help="Print JSON (one array of objects) for scripts, not a table.")


def read_settings(**overrides):
    """The settings with these flags over them; a bad value is a one-line error naming it."""
    from pydantic import ValidationError

    from newslake.config import UnknownSetting, load_settings

    try:
        return load_settings(**overrides)
    except UnknownSetting as exc:
        fail(str(exc), exc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        fail(f"setting {where}: {first['msg']} (got {first.get('input')!r}); fix it in [tool.newslake] of pyproject.toml, NEWSLAKE_* or the flag", exc)


def main() -> None:
    """The console script: `--dask` with no address means a local cluster."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--dask" and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            argv.insert(i + 1, "local")
            break
    signal.signal(signal.SIGINT, signal.default_int_handler)  # loaded: Ctrl-C is a KeyboardInterrupt again
    app(argv)
