"""All cores for a large run: long-lived worker processes that parse, sign and extract.

spaCy's own `n_process` forks new workers at every `nlp.pipe` call, and a forked
child carries (and is counted with) everything the run has imported. These workers
are spawned by the run, import only what they need, and live as long as their stage
needs them: parse workers parse batches of files (the GIL keeps threads of one
process to one core) and compute near-duplicate signatures; model workers load the
model once per checkpoint and run both extractors (spaCy's NER and our temporal
tagger) on the articles they are sent, so the date tagger runs in parallel too. One
set is alive at a time (`_new_pool` stops the other). A batch to extract is split across the workers and its
mentions come back in article order.
"""

from __future__ import annotations

import atexit
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa

from newslake import stopping
from newslake.extract.mentions import Mentions, extract_mentions
from newslake.ingest.normalize import MAX_EXTRACT_CHARS
from newslake.schema import DATE_MENTIONS, ENTITY_MENTIONS, slice_copy

_nlp = None
_pools: dict[tuple[str | None, int, int], ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _load(model: str | None) -> None:
    global _nlp
    # Ctrl-C reaches the terminal's whole process group: the run decides, and stops these
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if model is None:  # a run that does not extract: its workers parse and sign only
        return
    from newslake.extract.entities import load_nlp

    _nlp = load_nlp(model)


def _parse(job, files):
    return job.spill(files)


def _extract(articles: pa.Table, batch_size: int, max_chars: int) -> Mentions:
    return extract_mentions(_nlp, articles, batch_size=batch_size, n_process=1, max_chars=max_chars)


def _pool(model: str | None, processes: int, batch_size: int) -> ProcessPoolExecutor:
    key = (model, processes, batch_size)
    with _lock:  # batches arrive from several threads at once
        return _pools[key] if key in _pools else _new_pool(key)


def _new_pool(key: tuple[str | None, int, int]) -> ProcessPoolExecutor:
    model, processes, _ = key
    for other in list(_pools):  # one pool a process: the settings changed
        _pools.pop(other).shutdown(cancel_futures=True)
    _pools[key] = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_load,
        initargs=(model,),
    )
    return _pools[key]


def warm(model: str | None, processes: int, batch_size: int) -> None:
    """Start the workers now (each loads the model, when there is one)."""
    pool = _pool(model, processes, batch_size)
    for _ in range(processes):
        pool.submit(int)


def parse_in_workers(job, files: list, *, model: str | None, processes: int, batch_size: int):
    """`job.spill(files)` (a `newslake.pipeline.parse.ParseJob`) in a worker process."""
    return _pool(model, processes, batch_size).submit(_parse, job, files).result()


def signatures_in_workers(texts: list[str], *, model: str | None, processes: int, batch_size: int):
    """MinHash signatures of `texts` (dedup.signatures), computed across the workers."""
    import numpy as np

    from newslake.ingest.dedup import NUM_PERM, signatures

    if not texts:
        return np.empty((0, NUM_PERM), dtype=np.uint64)
    pool = _pool(model, processes, batch_size)
    step = -(-len(texts) // processes)
    return np.concatenate(list(pool.map(signatures, [texts[i : i + step] for i in range(0, len(texts), step)])))


def extract_in_workers(
    articles: pa.Table, *, model: str, processes: int, batch_size: int, max_chars: int = MAX_EXTRACT_CHARS
) -> Mentions:
    """`extract_mentions` over `articles`, split across `processes` workers."""
    if articles.num_rows == 0:
        return Mentions(entities=ENTITY_MENTIONS.empty_table(), dates=DATE_MENTIONS.empty_table(), skipped_language=0)
    pool = _pool(model, processes, batch_size)
    step = -(-articles.num_rows // processes)
    futures = [pool.submit(_extract, slice_copy(articles, i, step), batch_size, max_chars) for i in range(0, articles.num_rows, step)]
    found = [f.result() for f in futures]
    return Mentions(
        entities=pa.concat_tables([m.entities for m in found]),
        dates=pa.concat_tables([m.dates for m in found]),
        skipped_language=sum(m.skipped_language for m in found),
        quotes=pa.concat_tables([m.quotes for m in found]),
    )


def terminate() -> None:
    """Stop the workers at once, mid-batch: the run was stopped (`newslake.stopping`),
    and the threads waiting for a batch would hold it until the batch ends. Runs in a
    signal handler: it takes no lock the interrupted code may hold."""
    for pool in list(_pools.values()):
        for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public way before Python 3.14
            if process.is_alive():
                process.terminate()  # the pool sees its workers gone and fails what waits for them


stopping.on_stop(terminate)


@atexit.register
def shutdown() -> None:
    """Stop the workers: their memory is not needed by the stages after extraction."""
    with _lock:
        for pool in _pools.values():
            pool.shutdown(cancel_futures=True)
        _pools.clear()
