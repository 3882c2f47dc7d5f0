"""SIGTERM (`kill`, a service manager) and SIGINT (Ctrl-C) at several moments of a real
`newslake run`: while its Prefect server starts (Prefect's temporary one, and the
lake's kept one), after the first parse batch, and during extraction in worker
processes. After each, no process the run started is left (the process tree is
watched while it runs), its row in the runs log says failed with the signal, and
every version on disk verifies, none half-published. (`serve`: tests/test_operate.py.)

Cost is kept down by sharing one base lake, copied per case, and by sending the
mid-run signals from failpoints (`name:TERM`), so no case waits on a clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from newslake.failpoints import ENV
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs
from newslake.server import STATE_FILE, free_port
from newslake.stopping import Stopped, describe, signal_of

from conftest import REPO, two_inboxes
from test_faults import assert_verified, copy_lake


class Watched:
    """A command in a subprocess, and every process under it seen while it ran."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen([sys.executable, "-m", "newslake.cli", *args], env=env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.seen: dict[int, tuple[float, str]] = {}  # pid -> (create time, command line)
        self._watch = threading.Thread(target=self._record, daemon=True)
        self._watch.start()

    def _record(self) -> None:
        try:
            parent = psutil.Process(self.proc.pid)
        except psutil.NoSuchProcess:
            return
        while self.proc.poll() is None:
            try:
                for child in parent.children(recursive=True):
                    try:
                        self.seen.setdefault(child.pid, (child.create_time(), " ".join(child.cmdline())))
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            time.sleep(0.1)

    def wait_for_child(self, word: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while not any(word in line for _, line in self.seen.values()):
            assert self.proc.poll() is None, self.proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline, f"no child process with {word!r} appeared"
            time.sleep(0.1)

    def finish(self, timeout: float = 240) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        self._watch.join(5)
        return self.proc.returncode, out, err

    def left(self, grace: float = 10.0) -> list[str]:
        """Processes seen under the command that are still up (a pid reused since is no leftover)."""
        deadline = time.monotonic() + grace
        while True:
            alive = []
            for pid, (created, line) in self.seen.items():
                try:
                    if psutil.Process(pid).create_time() == created:
                        alive.append(f"{pid}: {line}")
                except psutil.NoSuchProcess:
                    continue
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.3)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return env | {"PREFECT_HOME": str(tmp_path / "home"), "NEWSLAKE_SERVER_PORT": str(free_port("127.0.0.1", 4400)),
                  "PREFECT_LOGGING_LEVEL": "WARNING", "NEWSLAKE_BATCH_SIZE": "2", "NEWSLAKE_SERVER_IDLE_MINUTES": "30", **extra}


@pytest.fixture(scope="module")
def api_url(prefect_server) -> str:
    import prefect.settings

    return prefect.settings.get_current_settings().api.url


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory) -> tuple[Path, Path]:
    """The base inbox (3 files) and the same with 2 files more: a run over it has work."""
    return two_inboxes(tmp_path_factory.mktemp("inboxes"))


@pytest.fixture(scope="module")
def base_lake(api_url, inboxes, tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("base") / "lake"
    done = subprocess.run([sys.executable, "-m", "newslake.cli", "run", "--source", str(inboxes[0]), "--lake", str(lake), "--quiet"],
                          env={**os.environ, "PREFECT_API_URL": api_url}, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return lake


WORKERS = {"NEWSLAKE_WORKERS_FROM": "1", "NEWSLAKE_N_PROCESS": "2", "NEWSLAKE_EXTRACT_BATCH_SIZE": "1"}
TEMPORARY = {"NEWSLAKE_SERVER_IDLE_MINUTES": "0"}
# (moment, signal, the server the run uses, settings): each signal at each moment once
CASES = [
    ("temporary-server-start", signal.SIGTERM, "temporary", {}),
    ("kept-server-start", signal.SIGINT, "kept", {}),
    ("after-parse", signal.SIGTERM, "temporary", {ENV: "parse.after_batch:TERM"}),
    ("after-parse", signal.SIGINT, "configured", {ENV: "parse.after_batch:INT"}),
    ("extraction", signal.SIGTERM, "configured", {ENV: "extract.after_batch:TERM", **WORKERS}),
]  # SIGINT during extraction: its path (Stopped raised by the handler, which stops the workers) is after-parse-SIGINT's; left out for time


@pytest.mark.parametrize("moment, signum, server, extra", CASES, ids=[f"{c[0]}-{c[1].name}" for c in CASES])
def test_a_signal_stops_the_run_and_all_it_started(api_url, inboxes, base_lake, tmp_path, moment, signum, server, extra):
    lake = copy_lake(base_lake, tmp_path / "lake")
    env = environment(tmp_path, **extra, **(TEMPORARY if server == "temporary" else {}))
    if server == "configured":
        env["PREFECT_API_URL"] = api_url
    run = Watched(["run", "--source", str(inboxes[1]), "--lake", str(lake.root)], env)
    if moment.endswith("server-start"):
        run.wait_for_child("uvicorn" if server == "temporary" else "prefect server start")
        run.proc.send_signal(signum)
    code, out, err = run.finish()

    assert code == 128 + signum, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert f"stopped by {signum.name} (the run published nothing; current version: v000001)" in err
    if moment == "extraction":
        assert any("multiprocessing" in line for _, line in run.seen.values()), run.seen  # the workers were up
    assert run.left() == []  # the temporary server, the kept one half-started, the workers: all gone
    if server == "kept":
        assert not (tmp_path / "home" / STATE_FILE).exists()  # no half-started kept server to find
    rows = read_runs(lake).to_pylist()
    assert [(r["status"], r["error"]) for r in rows[1:]] == [("failed", f"stopped by {signum.name}")]
    assert lake.versions() == ["v000001"] and lake.current_version() == "v000001"
    assert not list(lake.published.glob(".staging-*"))
    assert_verified(lake.root)


@pytest.mark.parametrize("server, said", [
    ("kept", "could not start the lake's Prefect server (tried twice): the Prefect server did not answer within"),
    ("temporary", "could not start Prefect's temporary server: Timed out while attempting to connect"),
])
def test_a_server_that_does_not_start_is_a_failed_run(inboxes, base_lake, tmp_path, server, said):
    lake = copy_lake(base_lake, tmp_path / "lake")
    run = Watched(["run", "--source", str(inboxes[1]), "--lake", str(lake.root)],
                  environment(tmp_path, NEWSLAKE_SERVER_START_TIMEOUT="0.2", **(TEMPORARY if server == "temporary" else {})))
    code, out, err = run.finish()
    assert code == 2 and "Traceback" not in err, err[-3000:]
    [line] = [line for line in err.splitlines() if line.strip() and "Starting temporary server" not in line and "prefect.io" not in line]
    assert line.startswith(f"error: {said}")
    [row] = read_runs(lake).to_pylist()[1:]
    assert row["status"] == "failed" and row["error"] == line.removeprefix("error: ")
    assert run.left() == []
    assert lake.versions() == ["v000001"]


def test_signal_of_names_the_stop_whatever_carried_it():
    class TerminationSignal(BaseException):  # the shape of Prefect's, which the domain does not import
        def __init__(self, signal: int):
            self.signal = signal

    assert signal_of(Stopped(signal.SIGTERM)) == signal.SIGTERM
    assert signal_of(KeyboardInterrupt()) == signal.SIGINT
    assert signal_of(TerminationSignal(signal.SIGTERM)) == signal.SIGTERM
    try:
        try:
            raise TerminationSignal(signal.SIGTERM)
        except TerminationSignal:
            raise RuntimeError("while handling it")
    except RuntimeError as raised:
        assert signal_of(raised) == signal.SIGTERM
    assert signal_of(ValueError("no")) is None
    assert describe(Stopped(signal.SIGINT)) == "stopped by SIGINT"
    assert describe(ValueError("bad")) == "ValueError: bad"
    assert Stopped(signal.SIGTERM).exit_code == 143


pytestmark = pytest.mark.e2e  # runs the newslake command and Prefect servers in processes of their own
