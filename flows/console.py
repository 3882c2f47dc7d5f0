"""What Prefect prints to the console during a CLI run."""

from __future__ import annotations

import contextlib
import logging

from prefect.logging.handlers import PrefectConsoleHandler

from newslake import stopping
from newslake.lake import LakeError
from newslake.validate import ValidationFailed

# Failures the command reports itself, in one line: their tracebacks stay off the console.
ANNOUNCED = (ValidationFailed, LakeError, OSError)
NAMES = ("ValidationFailed", "LakeError", "CorruptPart", "OSError")


@contextlib.contextmanager
def validation_failures_off_the_console():
    """Keep Prefect's log of a ValidationFailed, a LakeError or an OSError (the task's
    and the flow's traceback) off the console for this run: the command prints the
    failed expectations, or the one-line error, itself.
    The records still reach the Prefect API, so the UI shows them. Once a signal
    stops the run, nothing more: the tasks that fail because their workers were
    stopped, and the flow's crash, are the stop the command reports in one line."""

    def keep(record: logging.LogRecord) -> bool:
        if stopping.seen():
            return False
        if record.exc_info and isinstance(record.exc_info[1], ANNOUNCED):
            return False
        message = record.getMessage()
        return not any(name in message for name in NAMES)

    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers = {id(h): h for logger in loggers for h in logger.handlers if isinstance(h, PrefectConsoleHandler)}
    for handler in handlers.values():
        handler.addFilter(keep)
    try:
        yield
    finally:
        for handler in handlers.values():
            handler.removeFilter(keep)


@contextlib.contextmanager
def run_log_file(path):
    """Every Prefect log line of the run (INFO and up), also in `runs/<run_id>/prefect.log`:
    the terminal shows progress and the summary, the file and the UI the whole story."""
    from pathlib import Path

    from newslake.storage import make_dirs, set_mode

    path = Path(path)
    make_dirs(path.parent)
    handler = logging.FileHandler(path, encoding="utf-8")
    set_mode(path)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d | %(levelname)-7s | %(name)s - %(message)s", "%H:%M:%S"))
    loggers = [logging.getLogger(name) for name in ("prefect.flow_runs", "prefect.task_runs")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield path
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        handler.close()
