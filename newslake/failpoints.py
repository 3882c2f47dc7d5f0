"""Named points where a test can kill the process or fill the disk, to prove a fault
leaves the lake whole.

`NEWSLAKE_FAILPOINTS=commit.before_switch newslake run` sends SIGKILL to the run
itself when it reaches that point (or the N-th time it does, with `name@N`, for
the N-th checkpoint of a backfill): no cleanup handler runs, exactly as with
`kill -9`. `name:TERM` (or `:INT`, `name@N:TERM`) sends that signal instead, as
`kill` or Ctrl-C would at that moment. The points are listed in `POINTS`.

`NEWSLAKE_FAULT_ENOSPC=manifest newslake run` makes that write fail as on a full
disk: `OSError(ENOSPC)` naming the file, raised where the write would start. The
writes are listed in `WRITES`. A full disk stays full: every write of that name
fails, or from the N-th on with `name@N`, so a test can let some parts through
and fail a later one, and a retry fails again. An unknown
name is an error in all three, so a test cannot silently wait for a point that no
longer exists.

`NEWSLAKE_PAUSE=parse.read NEWSLAKE_PAUSE_DIR=DIR newslake run` stops the run at
that point (the N-th time, with `name@N`) until the test has acted: the run
creates `<dir>/<name>.reached` and waits for `<dir>/<name>.go` (at most
`PAUSE_SECONDS`), so a test can, say, rewrite a source file at the exact moment
it is being read. The points are listed in `PAUSES`.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

ENV = "NEWSLAKE_FAILPOINTS"
POINTS = (
    "parse.after_batch",  # the first parse batch is done; nothing is written yet
    "extract.after_batch",  # the first extraction batch's parts are written
    "models.before_write",  # the base parts are written; the first sql model is about to be
    "commit.before_rename",  # the version folder is staged, not yet renamed into place
    "commit.before_switch",  # the version exists, `current` still points at the previous one
    "commit.after_switch",  # `current` switched; the runs log and the warehouse are not yet written
    "checkpoint.committed",  # a checkpoint's version is current and logged; the run goes on to the next chunk
)

ENOSPC_ENV = "NEWSLAKE_FAULT_ENOSPC"
WRITES = (
    "stat_cache",  # state/stat_cache.parquet: hashes kept for the flow (before it starts)
    "part.articles",  # the staged parts of each table, under parts/
    "part.quarantine",
    "part.ledger",
    "part.signatures",
    "part.entity_mentions",
    "part.date_mentions",
    "part.model",  # a derived table written by sql/ (DuckDB COPY)
    "part.runs",
    "validation",  # runs/<run>/validation.json
    "stage",  # the version folder's links to its parts
    "manifest",  # published/.staging-vN/manifest.json
    "switch",  # the new `current` symlink (the version folder is already renamed into place)
    "runs_log",  # runs/<run>/run.parquet
    "warehouse",  # warehouse.duckdb
    "report",  # runs/<run>/report.html
)


def _names(env: str, known: tuple[str, ...]) -> dict[str, int]:
    return {name: nth for name, (nth, _) in _armed(env, known).items()}


def _armed(env: str, known: tuple[str, ...]) -> dict[str, tuple[int, signal.Signals]]:
    """name -> (from which time it fires, the signal it sends)."""
    names: dict[str, tuple[int, signal.Signals]] = {}
    for item in os.environ.get(env, "").split(","):
        item, _, sent = item.strip().partition(":")
        name, _, nth = item.partition("@")
        if name:
            names[name] = (int(nth or 1), signal.Signals[f"SIG{sent.upper() or 'KILL'}"])
    unknown = set(names) - set(known)
    if unknown:
        raise ValueError(f"{env}: unknown name(s) {sorted(unknown)}; known: {', '.join(known)}")
    return names


_points_seen: dict[str, int] = {}


def failpoint(name: str) -> None:
    if name not in POINTS:
        raise ValueError(f"unknown failpoint {name!r}")
    armed = _armed(ENV, POINTS)
    if name in armed:
        _points_seen[name] = _points_seen.get(name, 0) + 1
        nth, sent = armed[name]
        if _points_seen[name] == nth or (sent == signal.SIGKILL and _points_seen[name] > nth):
            os.kill(os.getpid(), sent)


_writes_seen: dict[tuple[str, str], int] = {}  # (the armed list, write name) -> writes so far


def disk_write(name: str, path: Path | str) -> None:
    """Call before the write `name` of `path`: raises ENOSPC there when a test armed it."""
    if name not in WRITES:
        raise ValueError(f"unknown write {name!r}")
    armed = _names(ENOSPC_ENV, WRITES)
    if name not in armed:
        return
    key = (os.environ[ENOSPC_ENV], name)  # counted afresh whenever a test arms another list
    _writes_seen[key] = _writes_seen.get(key, 0) + 1
    if _writes_seen[key] >= armed[name]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


PAUSE_ENV, PAUSE_DIR_ENV = "NEWSLAKE_PAUSE", "NEWSLAKE_PAUSE_DIR"
PAUSES = (
    "parse.read",  # a source file (or piece) was opened and its size and mtime taken; its bytes are not read yet
)
PAUSE_SECONDS = 120
_pauses_seen: dict[tuple[str, str, str], int] = {}


def pause(name: str) -> None:
    """Wait here for the test when it armed `name` (see the module doc)."""
    if name not in PAUSES:
        raise ValueError(f"unknown pause {name!r}")
    armed = _names(PAUSE_ENV, PAUSES)
    if name not in armed:
        return
    key = (os.environ[PAUSE_ENV], os.environ[PAUSE_DIR_ENV], name)  # counted afresh for each arming, as writes are
    _pauses_seen[key] = _pauses_seen.get(key, 0) + 1
    if _pauses_seen[key] != armed[name]:
        return
    folder = Path(os.environ[PAUSE_DIR_ENV])
    reached, go = folder / f"{name}.reached", folder / f"{name}.go"
    reached.touch()
    deadline = time.monotonic() + PAUSE_SECONDS
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
