"""The one Great Expectations context of a process: ephemeral, quiet, and shared.

It writes no files, shows no progress bars and sends no analytics. `great_expectations`
is imported lazily (it takes ~2.5 s), so importing this package stays cheap; `preload`
starts that import in the background at the start of a run.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import logging
import threading
import warnings
from typing import Any

# GX logs its registry at DEBUG/INFO while importing; keep it to warnings unless the
# application configured this logger itself. (great_expectations is imported lazily.)
if logging.getLogger("great_expectations").level == logging.NOTSET:
    logging.getLogger("great_expectations").setLevel(logging.WARNING)

LOCK = threading.RLock()  # GX's context is not thread-safe: one validation at a time
_context: Any = None
_preloading = False
_batch_definitions: dict[str, Any] = {}


def gx_context() -> Any:
    """The process-wide ephemeral GX context (created on first use, ~5 ms after import)."""
    global _context
    with LOCK:
        if _context is None:
            with warnings.catch_warnings():  # its imports of sre_parse/sre_constants
                warnings.simplefilter("ignore", DeprecationWarning)
                import great_expectations as gx
                from great_expectations.data_context.types.base import ProgressBarsConfig

            # This module sets its own logger to INFO at import and logs a line per context.
            logging.getLogger("great_expectations.data_context.types.base").setLevel(
                logging.WARNING
            )
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            context.data_sources.add_pandas("newslake")
            _context = context
        return _context


def preload() -> None:
    """Import GX and create its context in a background thread (about 4 s), so that the
    first validation of a run does not wait for it. Once a process."""
    global _preloading
    with LOCK:
        if _preloading or _context is not None:
            return
        _preloading = True
    threading.Thread(target=gx_context, name="gx-preload", daemon=True).start()


def batch_definition(table: str) -> Any:
    with LOCK:
        bd = _batch_definitions.get(table)
        if bd is None:
            datasource = gx_context().data_sources.get("newslake")
            asset = datasource.add_dataframe_asset(name=table)
            bd = asset.add_batch_definition_whole_dataframe("whole")
            _batch_definitions[table] = bd
        return bd


def forget_batches() -> None:
    """Drop the frames GX keeps from the last validation (its execution engine caches the
    batch it loaded until another replaces it): between a run's checkpoints that frame
    would otherwise be held through the next chunk's parse and stack on its peak."""
    with LOCK:
        if _context is None:
            return
        engine = gx_context().data_sources.get("newslake").get_execution_engine()
        engine.batch_manager.reset_batch_cache()
        engine.batch_manager.batch_data_cache.clear()
