"""The pass that cuts a large file into pieces, per format, against reading it once.

Writes N synthetic records (tests/conftest.py's generator: names, places, dates; no two
alike) as one JSONL file, one JSON list and one `.warc.gz`, then times, in the same
process and alternating R times: discovery of the file (which reads and hashes it, as
every run does) as the baseline, and `cut` (the pass that finds where each piece
starts). Prints the medians, their ratio, the number of pieces, and the peak Python
memory of the cut (tracemalloc), which must not grow with the file.

    .venv/bin/python bench/splits.py [--records N] [--runs R] [--per-piece K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from conftest import WRITERS, synthetic_record  # noqa: E402

from newslake.ingest.ledger import discover  # noqa: E402
from newslake.ingest.splits import cut  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000, help="records per file (default 50,000)")
    parser.add_argument("--runs", type=int, default=3, help="timings of each, alternating (default 3)")
    parser.add_argument("--per-piece", type=int, default=2_000, help="records_per_piece (default 2,000)")
    args = parser.parse_args()

    records = [synthetic_record(i) for i in range(args.records)]
    print(f"{args.records:,} records a file, pieces of {args.per_piece:,}, medians of {args.runs}")
    print(f"{'format':<9} {'MB':>6} {'pieces':>6} {'read+hash s':>11} {'cut s':>7} {'cut/read':>8} {'cut peak MiB':>12}")
    with tempfile.TemporaryDirectory(prefix="newslake-splits-") as work:
        for name, write in WRITERS.items():
            folder = Path(work) / name.replace(".", "_")
            path = write(folder / f"export.{name}", records)
            (file,) = discover(folder)
            reads, cuts = [], []
            for _ in range(args.runs):
                reads.append(timed(lambda: discover(folder)))
                cuts.append(timed(lambda: cut(file, args.per_piece)))
            tracemalloc.start()
            pieces = cut(file, args.per_piece)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            read, cut_s = statistics.median(reads), statistics.median(cuts)
            print(f"{name:<9} {path.stat().st_size / 1e6:>6.1f} {len(pieces):>6} {read:>11.3f} {cut_s:>7.3f} "
                  f"{cut_s / read:>8.2f} {peak:>12.1f}")


if __name__ == "__main__":
    main()
