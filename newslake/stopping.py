"""Signals that stop a command: SIGTERM (a service manager, `kill`) and SIGINT (Ctrl-C).

Python's default for SIGTERM ends the process on the spot: no `finally`, no atexit,
so what a run started (Prefect's temporary server, the extraction workers, a Dask
cluster) outlives it and the run is never logged. Under `stop_on_signals` both
signals raise `Stopped` in the main thread instead: the run unwinds through its
session, which logs it as failed with the signal, and each part stops what it
started. Prefect's flow engine swaps in its own SIGTERM handler while a flow runs
and, once its `TerminationSignal` has unwound the flow, re-sends the signal to the
handler it replaced (this one), so the end is the same.

Two things cannot wait for the unwinding: worker processes busy with a batch (the
threads waiting for them would hold the run until the batch ends), which stop as
soon as the stop is seen (`on_stop` hooks, run by `halt`: at the signal, or when
the run's session meets Prefect's `TerminationSignal`); and whatever a library
left running after it, which `stop_children` ends.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)

_hooks: list[Callable[[], None]] = []
_received: list[int] = []
_halted: list[bool] = []


class Stopped(BaseException):
    """A signal stopped the command. A BaseException, as KeyboardInterrupt is: no
    `except Exception` on the way out may take it for an error and carry on."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process a signal ended


def stop_on_signals() -> dict[int, object]:
    """From now on SIGTERM and SIGINT raise `Stopped` (call from the main thread).
    Returns the handlers they had, for `restore` (a command run inside a test or
    another program hands them back)."""
    _received.clear()
    _halted.clear()
    return {signum: signal.signal(signum, _stop) for signum in SIGNALS}


def restore(previous: dict[int, object]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def _stop(signum: int, _frame) -> None:
    if _received:  # already stopping: let the cleanup finish
        return
    _received.append(signum)
    halt()
    raise Stopped(signum)


def on_stop(hook: Callable[[], None]) -> None:
    """Run `hook` (once) as soon as a stop is seen, before the command unwinds."""
    _hooks.append(hook)


def seen() -> bool:
    """Whether this process is stopping: what fails from here on is the stop's doing."""
    return bool(_halted)


def halt() -> None:
    """Run the `on_stop` hooks, once a process."""
    if _halted:
        return
    _halted.append(True)
    for hook in _hooks:
        try:
            hook()
        except Exception:  # noqa: BLE001 - a hook that fails must not keep the others or the stop from running
            pass


def signal_of(exc: BaseException | None) -> int | None:
    """The signal `exc` stands for, if it is a stop: `Stopped`, KeyboardInterrupt
    (SIGINT), or Prefect's `TerminationSignal` (any BaseException carrying an int
    `signal`, so that the domain need not import Prefect); or one raised while such
    a stop was handled (Prefect re-sends its signal from an except block)."""
    for one in handled_within(exc):
        if isinstance(one, Stopped):
            return one.signum
        if isinstance(one, KeyboardInterrupt):
            return signal.SIGINT
        number = getattr(one, "signal", None)
        if not isinstance(one, Exception) and isinstance(number, int):
            return number
    return None


def handled_within(exc: BaseException | None, depth: int = 10) -> Iterator[BaseException]:
    """`exc`, then the exception it was raised while handling, and so on."""
    while exc is not None and depth > 0:
        yield exc
        exc, depth = exc.__context__, depth - 1


def describe(exc: BaseException) -> str:
    """The `error` a run's row records: "stopped by SIGTERM", or the exception."""
    signum = signal_of(exc)
    if signum is not None:
        return str(Stopped(signum))
    return f"{type(exc).__name__}: {exc}"


def stop_children(spare_sessions: Iterable[int] = (), timeout: float = 10.0) -> list[int]:
    """End every process this one started, and theirs, that is still up: SIGTERM,
    then SIGKILL after `timeout`. Processes in `spare_sessions` (the lake's kept
    server runs in a session of its own, and outlives runs by design) are left.
    Returns the pids it had to stop."""
    import psutil

    spare = set(spare_sessions)
    tracker = _resource_tracker()
    left = []
    for child in psutil.Process().children(recursive=True):
        try:
            if os.getsid(child.pid) not in spare and child.pid != tracker:
                left.append(child)
        except (ProcessLookupError, PermissionError):
            continue
    for child in left:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(left, timeout=timeout)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)
    return [child.pid for child in left]


def _resource_tracker() -> int | None:
    """multiprocessing's resource tracker: it frees what the workers left once this
    process exits (stopped before, it is restarted, and complains)."""
    import multiprocessing.resource_tracker as tracker

    return getattr(tracker._resource_tracker, "_pid", None)
