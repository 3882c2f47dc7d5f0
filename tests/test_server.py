"""The lake's kept Prefect server: started by the first run with no server configured,
reused by the next ones, stopped when idle; runs that do not flake on a busy machine."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from newslake.lake import Lake
from newslake.lake.runs_log import read_runs
from newslake.server import STATE_FILE, healthy, running_server

from conftest import REPO, synthetic_record, write_jsonl


def kept_environment(home: Path, idle_minutes: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return env | {"PREFECT_HOME": str(home), "NEWSLAKE_SERVER_IDLE_MINUTES": str(idle_minutes), "PREFECT_LOGGING_LEVEL": "WARNING"}


def newslake(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newslake.cli", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def add_article(inbox: Path, i: int) -> None:
    """A new article of its own (no near copy of another), in a file of its own."""
    write_jsonl(inbox / f"story_{i:02d}.jsonl", [synthetic_record(i)])


def _logged(log: Path, pattern: str, timeout: float = 180) -> list[str]:
    """The lines of the preloaded runner's log that match `pattern`, once there is one."""
    deadline = time.monotonic() + timeout
    while True:
        found = re.findall(pattern, log.read_text()) if log.is_file() else []
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _paused(inbox: Path, lake: Lake, pause: Path, env: dict[str, str]) -> subprocess.Popen:
    """A run handed to the runner, stopped at its first source file (`parse.read`)."""
    pause.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "newslake.cli", "run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root)],
        env=env | {"NEWSLAKE_PAUSE": "parse.read", "NEWSLAKE_PAUSE_DIR": str(pause)}, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (pause / "parse.read.reached").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    return process


@contextlib.contextmanager
def burners():
    """Two processes that burn a core each while the block runs."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_runs_share_one_kept_server_on_a_loaded_machine_and_later_ones_are_the_runners_children(tmp_path):
    """Ten runs, each with one new article, while two processes burn both cores: every run
    publishes, the first starts the server and the other nine use that same one.
    Then, on that server, the runs the preloaded runner forks: each publishes as a run
    of its own does; a command killed outright takes its run with it; SIGTERM stops it
    with the usual line and status; a run killed by a signal ends its command by the
    same signal; `server --stop` takes the runner with the server."""
    from newslake.preloaded import LOG_FILE

    inbox, lake, home = tmp_path / "inbox", Lake(tmp_path / "lake"), tmp_path / "home"
    inbox.mkdir()
    env = kept_environment(home, idle_minutes=10)
    log = home / LOG_FILE
    state = None
    try:
        with burners():
            for i in range(10):
                add_article(inbox, i)
                result = newslake("run", "--quiet", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
                assert result.returncode == 0, (i, result.stdout[-2000:], result.stderr[-2000:])
                assert "Traceback" not in result.stderr
        state = json.loads((home / STATE_FILE).read_text())
        assert state["kept"] and running_server(home) == state["api_url"]
        runs = read_runs(lake).to_pylist()
        assert [r["status"] for r in runs] == ["published"] * 10 and lake.current_version() == "v000010"
        assert [r["new_articles"] for r in runs] == [1] * 10
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: state["api_url"]}), get_client(sync_client=True) as client:
            flow_runs = client.read_flow_runs()
        assert len(flow_runs) == 10  # one history: every run went to the kept server

        [runner] = _logged(log, r"ready \(pid (\d+)\)")
        forked = len(_logged(log, r"run \d+: newslake run ", timeout=0))  # the loaded runs it took, if any
        add_article(inbox, 10)
        second = newslake("run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
        assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr[-2000:]
        assert "published        v000011" in second.stdout, second.stdout
        assert len(_logged(log, r"run \d+: newslake run ")) == forked + 1  # it was the runner's child
        assert "Preloaded runner: up" in newslake("server", "--lake", str(lake.root), env=env).stdout

        add_article(inbox, 11)
        killed = _paused(inbox, lake, tmp_path / "pause_kill", env)
        child = int(_logged(log, r"run (\d+): newslake run ")[-1])
        killed.kill()
        killed.wait()
        deadline = time.monotonic() + 20
        while psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the killed command's run is still up"
            time.sleep(0.1)
        assert lake.current_version() == "v000011"

        stopped = _paused(inbox, lake, tmp_path / "pause_term", env)
        stopped.send_signal(signal.SIGTERM)
        time.sleep(3)  # the run's handler stops it; then
        (tmp_path / "pause_term" / "parse.read.go").touch()  # the paused parse goes on, into the stopped run
        out, err = stopped.communicate(timeout=120)
        assert stopped.returncode == 143 and "Traceback" not in err, err[-2000:]
        assert "stopped by SIGTERM (the run published nothing; current version: v000011)" in err

        died = newslake("run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root),
                        env=env | {"NEWSLAKE_FAILPOINTS": "parse.after_batch"})  # the run itself is killed (SIGKILL)
        assert died.returncode == -9, died.stderr[-2000:]  # and so is the command, as a run of its own would be
        assert lake.current_version() == "v000011"

        third = newslake("run", "--quiet", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
        assert third.returncode == 0, third.stderr[-2000:]
        assert lake.current_version() == "v000012" and read_runs(lake).to_pylist()[-1]["new_articles"] == 1
        assert len(_logged(log, r"run \d+: newslake run ")) == forked + 5
    finally:
        halted = newslake("server", "--stop", "--lake", str(lake.root), env=env)
    assert halted.returncode == 0 and "Stopped the lake's Prefect server." in halted.stdout
    assert not (home / STATE_FILE).exists() and not healthy(state["api_url"])
    deadline = time.monotonic() + 20
    while psutil.pid_exists(int(runner)) and psutil.Process(int(runner)).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the runner outlived the server"
        time.sleep(0.2)


def test_a_kept_server_stops_once_idle_and_the_next_run_starts_another(tmp_path):
    inbox, lake, home = tmp_path / "inbox", Lake(tmp_path / "lake"), tmp_path / "home"
    inbox.mkdir()
    env = kept_environment(home, idle_minutes=0.05)  # 3 seconds
    add_article(inbox, 0)
    first = newslake("run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "Started the lake's Prefect server" in first.stderr
    api = re.search(r"UI at (\S+)", first.stderr).group(1) + "/api"  # the address file may be gone already
    deadline = time.monotonic() + 90
    while (home / STATE_FILE).exists() or healthy(api):  # the address goes first, then the server
        assert time.monotonic() < deadline, "the idle server did not stop"
        time.sleep(0.5)
    status = newslake("server", "--lake", str(lake.root), env=env)
    assert "No Prefect server is running" in status.stdout
    add_article(inbox, 1)
    second = newslake("run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
    assert second.returncode == 0 and "Started the lake's Prefect server" in second.stderr
    assert lake.current_version() == "v000002"
    newslake("server", "--stop", "--lake", str(lake.root), env=env)


def test_a_server_that_cannot_start_is_one_line_exit_2(tmp_path):
    """A Prefect server that exits at once (its database is a folder it cannot open as
    a file) is tried twice, then reported in one line naming the log."""
    inbox, lake, home = tmp_path / "inbox", Lake(tmp_path / "lake"), tmp_path / "home"
    inbox.mkdir()
    add_article(inbox, 0)
    env = kept_environment(home, idle_minutes=10) | {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none"}
    result = newslake("run", "--no-extract", "--source", str(inbox), "--lake", str(lake.root), env=env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: could not start the lake's Prefect server (tried twice)")
    assert "ConnectionRefusedError" in lines[0] and "server.log" in lines[0]  # the cause, and where to read more
    assert lake.current_version() is None and not (home / STATE_FILE).exists()


def test_a_port_another_homes_server_took_is_not_taken_for_ours(tmp_path, monkeypatch):
    """Between choosing a free port and binding it, another lake's server can take it. Its
    health answer must not be mistaken for ours: our start fails (and is tried again on
    another port by `kept_server`) rather than send this lake's runs to the other one."""
    from newslake import server

    other = server.start_server(tmp_path / "other", port=server.free_port("127.0.0.1", 0))
    try:
        taken = int(other.api_url.rsplit(":", 1)[1].split("/")[0])
        assert server.serves(other.api_url, tmp_path / "other") and not server.serves(other.api_url, tmp_path / "ours")
        monkeypatch.setattr(server, "free_port", lambda host, preferred: taken)  # the race, made certain
        with pytest.raises(server.ServerStartFailed, match="exited with status"):
            server.start_server(tmp_path / "ours", port=taken, timeout=120)
        assert not (tmp_path / "ours" / STATE_FILE).exists()
    finally:
        other.stop()


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
