"""Local Prefect servers that newslake starts, finds again, and stops.

Prefect's own answer to a flow run with no server is a temporary one per run: it costs
13-18 s a run, and on a busy machine it times out ("Timed out while attempting to
connect to ephemeral Prefect API server"). So a run with no PREFECT_API_URL uses the
lake's kept server instead: `prefect server start` under a small keeper process,
with its database under a newslake-owned `PREFECT_HOME` (`<lake>/prefect` unless
`prefect_home` says otherwise) and its address in `newslake-server.json` there. The
first run starts it (`kept_server`); later runs find it; the keeper stops it once no
run has used it for `server_idle_minutes`. A run holds a shared lock on
`server.users` while it uses the server (`using_server`), and the keeper stops the
server only while it holds that lock exclusively, so a server never goes away under
a run; the kernel drops a killed run's lock.

`newslake serve` starts a server of its own (`start_server`) and stops it with itself.
Every start is interruptible: a signal while a server starts takes its process group
down with it. Nothing here imports Prefect: a server is a separate process.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

STATE_FILE = "newslake-server.json"
USERS_FILE = "server.users"  # runs hold it shared while they use the kept server; its mtime is the last use
LOG_FILE = "server.log"
SERVE_LOCK = "serve.lock"  # held by the one `newslake serve` of this home, its pid inside
QUIET_ENVIRONMENT = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


class ServerStartFailed(RuntimeError):
    """A Prefect server did not come up: its one-line cause (from its log) and where the log is."""


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def serves(api_url: str, home: Path, timeout: float = 5.0) -> bool:
    """Whether the server answering at `api_url` is the one whose database is under
    `home`. A port can be taken between choosing it and binding it, and then another
    home's server answers there: a health check alone would hand this lake's runs to it."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/admin/settings", timeout=timeout) as response:
            answered = json.loads(response.read()).get("home")
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return False
    return isinstance(answered, str) and Path(answered).expanduser().resolve() == Path(home).resolve()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(home: Path) -> str | None:
    """The API URL of the server newslake started for this PREFECT_HOME, if it is up."""
    try:
        state = json.loads((Path(home) / STATE_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    url, pid = state.get("api_url"), state.get("pid")
    if not url or not isinstance(pid, int) or not _alive(pid):
        return None
    for _ in range(3):  # its process is up: a busy machine can make it slow to answer, not gone
        if serves(url, home):
            return url
    return None


def ui_url(api_url: str) -> str:
    return api_url.rstrip("/").removesuffix("/api")


def free_port(host: str, preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError(f"no free port on {host}")


@dataclass
class LocalServer:
    home: Path
    api_url: str
    process: subprocess.Popen

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL if it does not go; the state file goes with it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        (self.home / STATE_FILE).unlink(missing_ok=True)


def _server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]


def _spawn(home: Path, command: list[str], api_url: str) -> subprocess.Popen:
    """`command` in a session of its own (a terminal's Ctrl-C reaches newslake, which
    stops it in order), with the server's environment and its output in the log."""
    env = {**os.environ, **QUIET_ENVIRONMENT, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url}
    with open(home / LOG_FILE, "ab") as log:
        return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _publish(home: Path, state: dict) -> None:
    """The address other newslake processes find the server by, written whole or not at all."""
    from newslake.storage import atomic_write_text  # here: storage imports pyarrow, which nothing else here needs

    atomic_write_text(json.dumps(state) + "\n", home / STATE_FILE)


def _cause(log: Path) -> str:
    """The cause a failed start gives: the log's last exception line (`SomeError: why`),
    else its last line."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    causes = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b.*: ", line)]
    return (causes or lines or [""])[-1][:300]


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process group a server runs in (it was started in a session of its own)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _wait_until_up(process: subprocess.Popen, up, home: Path, timeout: float) -> None:
    """Wait for `up()`; on exit, timeout or any signal, kill the server's process group."""
    deadline = time.monotonic() + timeout
    try:
        while not up():
            if process.poll() is not None:
                cause = _cause(home / LOG_FILE)
                raise ServerStartFailed(
                    f"the Prefect server exited with status {process.returncode}" + (f": {cause}" if cause else "")
                    + f" (log: {home / LOG_FILE})"
                )
            if time.monotonic() > deadline:
                raise ServerStartFailed(
                    f"the Prefect server did not answer within {timeout:.0f} s (log: {home / LOG_FILE}); on a busy"
                    " machine raise server_start_timeout, or point PREFECT_API_URL at a running server"
                )
            time.sleep(0.25)
    except BaseException:
        _kill_group(process)
        raise


def start_server(home: Path, host: str = "127.0.0.1", port: int = 4200, timeout: float = 180.0) -> LocalServer:
    """Start `prefect server start` with its database under `home`; return once it answers."""
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = free_port(host, port)
    api_url = f"http://{host}:{port}/api"
    process = _spawn(home, _server_command(host, port), api_url)
    _wait_until_up(process, lambda: serves(api_url, home), home, timeout)
    _publish(home, {"api_url": api_url, "pid": process.pid})
    return LocalServer(home, api_url, process)


class AlreadyServed(RuntimeError):
    """Another `newslake serve` serves this PREFECT_HOME (the lake's, by default): its pid."""

    def __init__(self, pid: str):
        super().__init__(f"already served by `newslake serve` (pid {pid or 'unknown'})")
        self.pid = pid


@contextmanager
def serving(home: Path) -> Iterator[None]:
    """Hold `serve.lock` in `home` exclusively for the block, with this pid in it: two
    `serve`s of one home would start two servers on one database and register one
    deployment twice. Raises AlreadyServed, naming the holder's pid, at once."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    with open(home / SERVE_LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise AlreadyServed(handle.read().strip()) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def kept_server_session(home: Path) -> int | None:
    """The session the lake's kept server runs in (its keeper's pid), when it is up:
    what a stopped command leaves running, since later runs use it."""
    try:
        state = json.loads((Path(home) / STATE_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    pid = state.get("pid")
    return pid if state.get("kept") and isinstance(pid, int) and _alive(pid) else None


# The lake's kept server.


@contextmanager
def using_server(home: Path) -> Iterator[None]:
    """Hold the kept server for the block: a shared lock on `server.users`, touched at
    both ends (its mtime is what the keeper's idle clock counts from). Take it before
    `kept_server`, so the server cannot stop between finding it and using it."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    users = home / USERS_FILE
    with open(users, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        os.utime(users)
        try:
            yield
        finally:
            os.utime(users)
            fcntl.flock(handle, fcntl.LOCK_UN)


def kept_server(home: Path, host: str = "127.0.0.1", port: int = 4200, timeout: float = 180.0,
                idle_minutes: float = 30.0) -> tuple[str, bool]:
    """The API URL of the lake's kept server, and whether this call started it: a failed
    start is tried once more, then raises ServerStartFailed."""
    from filelock import FileLock

    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home / "server.start.lock")):  # two runs at once start one server
        url = running_server(home)
        if url:
            return url, False
        try:
            return _start_kept(home, host, port, timeout, idle_minutes), True
        except ServerStartFailed:
            return _start_kept(home, host, port, timeout, idle_minutes), True


def _start_kept(home: Path, host: str, port: int, timeout: float, idle_minutes: float) -> str:
    port = free_port(host, port)
    api_url = f"http://{host}:{port}/api"
    # the keeper outlives the run that starts it
    keeper = _spawn(home, [sys.executable, "-m", "newslake.server", str(home), host, str(port), str(idle_minutes * 60)], api_url)
    _wait_until_up(keeper, lambda: running_server(home) == api_url, home, timeout)
    return api_url


def stop_kept_server(home: Path, timeout: float = 30.0) -> bool:
    """Stop the lake's kept server (what its idle clock does); False when none was up."""
    home = Path(home)
    try:
        state = json.loads((home / STATE_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    pid = state.get("pid")
    if not state.get("kept") or not isinstance(pid, int) or not _alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return True


def _idle(users: Path, idle_seconds: float):
    """An open handle holding `server.users` exclusively when no run holds it and none
    used it for `idle_seconds`; None otherwise."""
    handle = open(users, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    if time.time() - users.stat().st_mtime < idle_seconds:
        handle.close()
        return None
    return handle


def _keep(home: Path, host: str, port: int, idle_seconds: float) -> int:
    """The keeper: run `prefect server start`, publish its address once it answers,
    and stop it on SIGTERM or once idle. The state file names the keeper's pid."""
    api_url = f"http://{host}:{port}/api"
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, _: stopping.append(signum))
    users = home / USERS_FILE
    users.touch()
    server = subprocess.Popen(_server_command(host, port), stdin=subprocess.DEVNULL)  # its output: the keeper's log
    published, held = False, None
    try:
        while not stopping and server.poll() is None:
            if not published and serves(api_url, home):
                _publish(home, {"api_url": api_url, "pid": os.getpid(), "kept": True, "idle_minutes": idle_seconds / 60})
                published = True
            if published:
                held = _idle(users, idle_seconds)
                if held is not None:
                    break
            time.sleep(1.0)
    finally:
        try:
            if json.loads((home / STATE_FILE).read_text()).get("pid") == os.getpid():
                (home / STATE_FILE).unlink()
        except (OSError, json.JSONDecodeError):
            pass
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if held is not None:
            held.close()
    return 0


if __name__ == "__main__":  # the keeper, started by `kept_server`
    sys.exit(_keep(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
