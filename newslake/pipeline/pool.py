"""Where a chunk's heavy work runs: the run's worker processes, Dask, or this process.

Parsing, near-duplicate signatures and extraction are CPU work in Python: threads of
one process share one core. A chunk of a few hundred articles or more runs them in
the run's worker processes (`newslake.pipeline.workers`); on Dask the Dask workers
are the processes; a small chunk stays in this process, since starting workers costs
seconds.

A run has one set of workers alive at a time: parse workers (no model) for parsing
and signatures, and, when it extracts, model workers for a checkpoint's extraction
only. The model's copies are not kept idle through the stages that do not use them
(the gates, the models, the next chunk's parse), and the two sets never overlap:
starting the model workers stops the parse workers, and the reverse.
"""

from __future__ import annotations

from newslake import validate
from newslake.config import Settings


def uses_workers(settings: Settings, articles: int) -> bool:
    s = settings
    return not s.dask and s.n_process > 1 and articles >= s.workers_from


def pool_args(settings: Settings) -> dict:
    """The parse workers, which parse and sign: without the model, whether or not the
    run extracts (`extraction.ExtractJob` names the model its workers load)."""
    return {
        "model": None,
        "processes": settings.n_process,
        "batch_size": settings.nlp_batch_size,
    }


def warm_up(settings: Settings, articles: int) -> None:
    """Start what the later stages need: for a chunk of many articles (as the plan
    estimates them) the parse workers; GX's import either way, in a thread (the first
    gate would otherwise wait for it)."""
    if uses_workers(settings, articles):
        from newslake.pipeline.workers import warm

        warm(**pool_args(settings))
    validate.preload()


def stop() -> None:
    """Stop the worker processes, if this process started them: the run, or the stage
    that needed them (extraction, whose model the next stages do not use), is done."""
    from newslake.pipeline.workers import shutdown

    shutdown()
