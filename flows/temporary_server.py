"""Prefect's temporary server, started by the run itself rather than by the flow.

Left to Prefect, the temporary server (`server_idle_minutes = 0`) starts inside the
flow call, where a failed start is no failure of the run's own and only an atexit
hook stops it: a signal that ends the process another way leaves it up. Started
here, before the flow, its failure is the run's (and logged), and it stops when the
run's block ends, whatever ends it. The flow's client finds it: Prefect keeps one
temporary server a process. Its own log lines (it writes to the run's terminal) are
kept to CRITICAL unless PREFECT_SERVER_LOGGING_LEVEL says otherwise: stopped under
a run, it would print the events it had not yet recorded.
"""

from __future__ import annotations

import os

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def temporary_server(timeout: float) -> Iterator[str]:
    """Prefect's temporary server for the block; its API URL."""
    from prefect.server.api.server import SubprocessASGIServer

    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    server = SubprocessASGIServer()
    try:
        server.start(timeout=max(1, int(timeout)))
        yield server.api_url
    finally:
        if server.running:
            _send_what_is_queued()
        server.stop()


def _send_what_is_queued() -> None:
    """Prefect's log and event workers send in the background: what they hold goes
    before the server does (else they print "Error logging to API" at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=5)
        except Exception:  # noqa: BLE001 - a log line not sent is no reason to leave the server up
            pass
