"""The preloaded runner's pure parts: which runner a command may use, and the command
line a run hands it. (Runs handed over, killed and stopped: tests/test_server.py.)"""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from newslake import preloaded
from newslake.cli import app
from newslake.cli.run import _argv


def test_a_runner_is_for_one_home_one_code_and_one_interpreter_start():
    key = preloaded.fingerprint({})
    assert preloaded.fingerprint({}) == key
    assert preloaded.fingerprint({"PYTHONHASHSEED": "1"}) != key  # fixed when an interpreter starts
    assert preloaded.fingerprint({"NEWSLAKE_BATCH_SIZE": "2"}) == key  # read by each run itself
    assert preloaded.address(Path("/a"), key) != preloaded.address(Path("/b"), key)
    assert preloaded.address(Path("/a"), key) != preloaded.address(Path("/a"), preloaded.fingerprint({"PYTHONHASHSEED": "1"}))


def test_the_handed_command_line_parses_to_the_same_flags():
    argv = _argv(Path("in box"), Path("lake"), None, False, True, False, "INFO", "local")
    group = get_command(app)
    command = group.get_command(group.make_context("newslake", ["run"], resilient_parsing=True), "run")
    parsed = command.make_context("run", argv[1:]).params
    assert parsed["source"] == Path("in box") and parsed["lake"] == Path("lake") and parsed["expectations"] is None
    assert (parsed["extract"], parsed["quiet"], parsed["verbose"], parsed["log_level"], parsed["dask"]) == (False, True, False, "INFO", "local")
    assert _argv(None, None, None, None, False, False, None, None) == ["run"]
