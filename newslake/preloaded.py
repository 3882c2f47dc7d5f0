"""The lake's preloaded runner: a process that has already imported and loaded what a
run needs (Great Expectations and its context, the spaCy model, the place index, the
date patterns, the readers), and forks a child of itself for each later `newslake run`.

A run in a fresh interpreter spends most of a small run's time on those loads (about
6 s of CPU). The runner lives beside the lake's kept Prefect server, and goes when
that server goes: it is started by a run that used the kept server, and nothing else
depends on it. Prefect is not imported here: its settings are read once, at import,
from the environment, and every run brings its own.

`newslake.cli.runner` is the runner's program: what it loads, and the command it forks.
The command stays the client's: it hands over its terminal (standard input, output and
error), its working folder, environment and umask, passes on the signals it gets, and
exits with the child's status. A client killed outright takes its child with it.

Only on Linux (an abstract socket names the runner: no file to leave behind); anywhere
else, and whenever no runner answers, a run loads everything itself, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

LOG_FILE = "preloaded.log"
POLL_SECONDS = 2.0  # how often an idle runner looks whether its server is still up
CHILD = False  # True in a forked child: it runs the command itself
_finished = threading.Event()  # set in a child once its command has ended
_ENVIRONMENT_KEYS = ("PYTHONHASHSEED", "PYTHONPATH", "PYTHONSAFEPATH", "PYTHONUTF8")  # fixed when an interpreter starts


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


def fingerprint(environ: dict[str, str] | None = None) -> str:
    """What a runner's loaded code depends on: the interpreter, the installed packages,
    newslake's own modules and the interpreter's start-up settings. A change to any of
    them is another runner."""
    environ = os.environ if environ is None else environ
    digest = hashlib.sha256(sys.executable.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    for folder in sorted({Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()}):
        digest.update(f"{folder}:{folder.stat().st_mtime_ns}".encode())
    digest.update(json.dumps({k: environ.get(k) for k in _ENVIRONMENT_KEYS}).encode())
    return digest.hexdigest()[:32]


def address(home: Path, key: str) -> str:
    return "\0newslake-preloaded-" + hashlib.sha256(f"{Path(home).resolve()}|{key}".encode()).hexdigest()[:32]


# ----------------------------------------------------------------------------- client


def _connect(home: Path) -> socket.socket | None:
    """A connection to this home's runner for this code, or None when none answers."""
    if not supported():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(address(home, fingerprint()))
    except OSError:
        conn.close()
        return None
    return conn


def hand_over(home: Path, argv: list[str]) -> int | None:
    """Run `newslake <argv>` in this home's runner, with this process's terminal; its
    exit status, or None when no runner answers (the caller runs it itself)."""
    conn = None if CHILD else _connect(home)
    if conn is None:
        return None
    umask = os.umask(0)
    os.umask(umask)
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}
    with conn:
        socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        previous = {s: signal.signal(s, lambda signum, _: _send(conn, f"signal {signum}\n"))
                    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            reply = next(_lines(conn), "")
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
    if reply.startswith("killed "):  # the run died of a signal: so does the command, as it would have alone
        signum = int(reply.split()[1])
        if signum != signal.SIGKILL:
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum
    if not reply.startswith("exit "):
        raise RuntimeError("the preloaded runner ended the run without an exit status")
    return int(reply.split()[1])


def _send(conn: socket.socket, message: str) -> None:
    try:
        conn.sendall(message.encode())
    except OSError:
        pass


def _lines(conn: socket.socket) -> Iterator[str]:
    """The lines the other end sends, until it closes its end."""
    pending = b""
    while True:
        try:
            chunk = conn.recv(64)
        except InterruptedError:
            continue
        except OSError:
            return
        if not chunk:
            return
        *lines, pending = (pending + chunk).split(b"\n")
        yield from (line.decode().strip() for line in lines)


def answering(home: Path) -> bool:
    """Whether this home's runner for this code is up and taking runs."""
    conn = _connect(home)
    if conn is None:
        return False
    with conn:
        _send(conn, "{}\n")  # a probe, not a run: the runner drops it
    return True


def start(home: Path, command: list[str]) -> None:
    """Start this home's runner (`command`, which calls `serve`) in the background, unless
    one answers: it loads, then serves the next runs. Its output goes to
    `<home>/preloaded.log`."""
    if CHILD or not supported() or answering(home):
        return
    with open(Path(home) / LOG_FILE, "ab") as log:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


# ----------------------------------------------------------------------------- runner


def serve(home: Path, preload: Callable[[], None], main: Callable[[], None]) -> int:
    """`preload()`, then fork a child for each run handed over, which calls `main()` (the
    command's entry point) with the client's command line, until the lake's kept server
    is gone. A second runner for the same home and code finds the address taken and
    leaves."""
    from newslake.server import running_server

    home = Path(home)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address(home, fingerprint()))  # before loading: one runner loads, not two
    except OSError:
        return 0
    preload()
    assert "prefect" not in sys.modules, "a preloaded module imported Prefect"
    listener.listen(16)
    listener.settimeout(POLL_SECONDS)
    _log(f"ready (pid {os.getpid()})")
    running: dict[int, socket.socket] = {}  # child -> its client, to say how it ended if a signal ended it
    while running_server(home):
        _reap(running)
        try:
            conn, _ = listener.accept()
        except (socket.timeout, InterruptedError):
            continue
        conn.settimeout(10)  # a client that connects and says nothing does not hold the runner
        try:
            message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            request = json.loads(message.decode() or "{}")
        except (OSError, ValueError):
            conn.close()
            continue
        conn.settimeout(None)
        if len(fds) != 3 or not isinstance(request, dict) or "argv" not in request:
            for fd in fds:
                os.close(fd)
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            for other in running.values():
                other.close()
            os._exit(_child(conn, fds, request, main))
        _log(f"run {pid}: newslake {' '.join(request['argv'])}")
        for fd in fds:
            os.close(fd)
        running[pid] = conn
    for conn in running.values():
        conn.close()
    _log("the lake's Prefect server is gone: stopping")
    return 0


def _log(line: str) -> None:
    """A line of the runner's log (its standard output, `<home>/preloaded.log`)."""
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}", flush=True)


def _reap(running: dict[int, socket.socket]) -> None:
    """Children that ended: a child that exited has told its client its status; one a
    signal ended (the OOM killer, a failpoint, `kill -9`) could not, and is told here."""
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = running.pop(pid, None)
        if conn is not None:
            if os.WIFSIGNALED(status):
                _send(conn, f"killed {os.WTERMSIG(status)}\n")
            conn.close()


def _child(conn: socket.socket, fds: list[int], request: dict, main: Callable[[], None]) -> int:
    """One run, as the client would have run it itself."""
    global CHILD
    CHILD = True
    for fd, target in zip(fds, (0, 1, 2)):
        os.dup2(fd, target)
        os.close(fd)
    os.setsid()  # its own group: a client killed outright takes the whole group with it
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    threading.Thread(target=_watch, args=(conn,), daemon=True).start()
    code = 1
    try:
        sys.argv = ["newslake", *request["argv"]]
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # what the command itself would have printed
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    _finished.set()
    _send(conn, f"exit {code}\n")
    return code


def _watch(conn: socket.socket) -> None:
    """The client's signals, delivered to this run as if sent to it; the client's end
    of the line closing before the run finished (it was killed) kills the run and all
    it started."""
    for line in _lines(conn):
        if line.startswith("signal "):
            os.kill(os.getpid(), int(line.split()[1]))
    if not _finished.is_set():
        os.killpg(os.getpid(), signal.SIGKILL)
