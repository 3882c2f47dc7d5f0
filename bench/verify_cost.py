"""What checking parts against their manifest before reading them costs a run.

A base lake is built from data/samples; then a run that adds one article is timed
on fresh copies of it, --repeat times each way, alternating: with the checks (as
shipped) and with `integrity.check_parts` made a no-op. The time spent inside
the checks and the bytes they hashed are counted too, as the cleanest figure on a
noisy machine. Everything in one process on a temporary Prefect server; the model
is loaded once by a warm-up run before anything is timed.

    .venv/bin/python bench/verify_cost.py [--repeat N] [--source DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, default=REPO / "data" / "samples")
    args = parser.parse_args()

    from newslake.config import use_embedded_environment

    use_embedded_environment()
    from prefect.testing.utilities import prefect_test_harness

    from flows.pipeline import news_pipeline
    from newslake.lake import integrity, parts, query

    spent = {"seconds": 0.0, "bytes": 0, "calls": 0}
    real = integrity.check_parts

    def timed(lake, items):
        items = list(items)
        started = time.perf_counter()
        before = dict(integrity._verified)
        try:
            return real(lake, items)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["calls"] += 1
            spent["bytes"] += sum(p.bytes for p in items if str(lake.path_of(p)) not in before)

    def use(check) -> None:
        parts.check_parts = query.check_parts = check

    with tempfile.TemporaryDirectory() as work, prefect_test_harness(server_startup_timeout=120):
        work = Path(work)
        source = work / "source"
        shutil.copytree(args.source, source)
        base = work / "base"
        news_pipeline(source=str(source), lake=str(base))
        times = {"checked": [], "unchecked": []}
        for i in range(args.repeat * 2 + 1):
            mode = "checked" if i % 2 else "unchecked"
            lake = work / f"lake{i}"
            subprocess.run(["cp", "-a", str(base), str(lake)], check=True)
            (source / f"new_{i}.txt").write_text(f"A new story {i}\n\nMarch 3, 2021\n\nThe council met in Leeds on day {i}.\n")
            integrity._verified.clear()  # a new run is a new process: nothing is trusted yet
            use(timed if mode == "checked" else (lambda lake, items: None))
            before = dict(spent)
            started = time.perf_counter()
            report = news_pipeline(source=str(source), lake=str(lake))
            took = time.perf_counter() - started
            assert report["status"] == "published", report["status"]
            (source / f"new_{i}.txt").unlink()
            if i == 0:
                continue  # the warm-up: the model loads
            times[mode].append(took)
            if mode == "checked":
                print(f"run {i}: {took:.2f} s, {spent['seconds'] - before['seconds']:.4f} s in checks, "
                      f"{spent['bytes'] - before['bytes']} bytes hashed in {spent['calls'] - before['calls']} calls")
            else:
                print(f"run {i}: {took:.2f} s without checks")
        checked, unchecked = statistics.median(times["checked"]), statistics.median(times["unchecked"])
        in_checks = spent["seconds"] / args.repeat
        print(f"median run with checks {checked:.2f} s, without {unchecked:.2f} s: ratio {checked / unchecked:.3f}")
        print(f"time inside the checks per run {in_checks:.4f} s = {in_checks / checked:.4f} of the run; "
              f"{spent['bytes'] // args.repeat} bytes hashed per run")


if __name__ == "__main__":
    main()
