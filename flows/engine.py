"""How Prefect's engine runs newslake's flows from the command.

Prefect 3 gives every flow run a heartbeat thread (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`,
180 s by default) for its zombie detection. The thread sleeps in one-second steps, and
the run's end waits for the step to finish: up to a second of every run, as much as
the rest of a small incremental run (`bench/heartbeat.py`). A `newslake run` needs no heartbeat to be
found out when it dies: its command reports the failure, and the next run recovers the
lake and marks the lost run in the runs log. So a command's runs send none, unless the
environment asks for them; served runs (`newslake serve`) are started by Prefect's
runner and keep Prefect's default.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


@contextlib.contextmanager
def command_runs() -> Iterator[None]:
    """Flow runs started inside this block send no heartbeat unless the environment
    sets a heartbeat frequency."""
    if any(os.environ.get(name) for name in HEARTBEAT_VARIABLES):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
