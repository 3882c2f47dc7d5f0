"""One publisher per lake: an OS file lock, released by the kernel when its process dies.

`filelock` takes an `fcntl.flock` lock on `<lake>/.lock`; a `kill -9` frees it, so
there is never a stale lock to clear by hand. A second run either waits for the
lock or gives up at once with a message naming the lake, as the `lock_wait`
setting says.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from filelock import FileLock, Timeout

from newslake.lake.ground import claim
from newslake.lake.layout import Lake, LakeError
from newslake.storage import set_mode


class LakeBusy(LakeError):
    """Another run holds the lake's lock."""


@contextmanager
def publisher_lock(lake: Lake, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the lake's lock for the block. `wait_seconds` < 0 waits as long as it takes.
    Every writer passes here first, so this is where a new lake gets its marker and a
    folder that is no lake is refused (`ground.claim`)."""
    claim(lake)
    lock = FileLock(str(lake.lock_path), timeout=wait_seconds, mode=0o644)
    try:
        lock.acquire()
    except Timeout:
        holder = _holder(lake)
        raise LakeBusy(
            f"another newslake run is publishing to {lake.root}{holder}; "
            + ("gave up waiting" if wait_seconds > 0 else "not waiting (set lock_wait to wait)")
        ) from None
    try:
        _note_holder(lake)
        yield
    finally:
        lock.release()


def _note_holder(lake: Lake) -> None:
    try:
        (lake.root / ".lock.pid").write_text(f"{os.getpid()}\n")
        set_mode(lake.root / ".lock.pid")
    except OSError:
        pass


def _holder(lake: Lake) -> str:
    try:
        pid = (lake.root / ".lock.pid").read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid else ""
