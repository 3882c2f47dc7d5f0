"""Named points where a test can kill the process, to prove a kill leaves the lake whole.

`NEWSLAKE_FAILPOINTS=commit.before_switch newslake run` sends SIGKILL to the run
itself when it reaches that point: no cleanup handler runs, exactly as with
`kill -9`. The points are listed in `POINTS`; an unknown name is an error, so a
test cannot silently wait for a point that no longer exists.
"""

from __future__ import annotations

import os
import signal

ENV = "NEWSLAKE_FAILPOINTS"
POINTS = (
    "extract.after_batch",  # the first extraction batch's parts are written
    "commit.before_rename",  # the version folder is staged, not yet renamed into place
    "commit.before_switch",  # the version exists, `current` still points at the previous one
    "commit.after_switch",  # `current` switched; the runs log and the warehouse are not yet written
)


def _armed() -> set[str]:
    names = {name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip()}
    unknown = names - set(POINTS)
    if unknown:
        raise ValueError(f"{ENV}: unknown failpoint(s) {sorted(unknown)}; known: {', '.join(POINTS)}")
    return names


def failpoint(name: str) -> None:
    if name not in POINTS:
        raise ValueError(f"unknown failpoint {name!r}")
    if name in _armed():
        os.kill(os.getpid(), signal.SIGKILL)
