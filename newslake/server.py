"""A local Prefect server that newslake starts, finds again, and stops.

Prefect cannot schedule on the temporary server a flow starts for itself, and
starting one costs 13-18 s a run. `newslake serve` therefore starts a real server
(`prefect server start`, a subprocess) whose database lives under a newslake-owned
`PREFECT_HOME` (`<lake>/prefect` unless `prefect_home` says otherwise), and notes
its address in `newslake-server.json` there. Any `newslake run` for that lake finds
it and sends its flow runs there: no server start, and every run is in one
history that the UI shows.

Nothing here imports Prefect: the server is a separate process.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "newslake-server.json"
QUIET_ENVIRONMENT = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


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
    if not url or not isinstance(pid, int) or not _alive(pid) or not healthy(url):
        return None
    return url


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


def start_server(home: Path, host: str = "127.0.0.1", port: int = 4200, timeout: float = 120.0) -> LocalServer:
    """Start `prefect server start` with its database under `home`; return once it answers."""
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = free_port(host, port)
    api_url = f"http://{host}:{port}/api"
    env = {**os.environ, **QUIET_ENVIRONMENT, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url}
    log = open(home / "server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C in the terminal reaches newslake, which stops it in order
    )
    log.close()
    deadline = time.monotonic() + timeout
    while not healthy(api_url):
        if process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with status {process.returncode}; see {home / 'server.log'}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s; see {home / 'server.log'}")
        time.sleep(0.5)
    server = LocalServer(home, api_url, process)
    (home / STATE_FILE).write_text(json.dumps({"api_url": api_url, "pid": process.pid}) + "\n")
    return server
