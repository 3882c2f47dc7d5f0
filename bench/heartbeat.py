"""What Prefect's flow-run heartbeat costs a small incremental run, and what the command's
runs save by sending none (`flows/engine.py`).

In one process, on one temporary Prefect server, over a copy of data/samples with
extraction on: runs that each add one new article, in turn one with Prefect's default
heartbeat (the baseline) and one inside `command_runs()`, as `newslake run` runs them.
Prints each run's wall time, the medians and their ratio.

    .venv/bin/python bench/heartbeat.py [--runs R]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=6, help="runs of each kind (default 6)")
    args = parser.parse_args()

    from newslake.config import use_embedded_environment

    use_embedded_environment()
    for name in ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"):
        os.environ.pop(name, None)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    from flows.engine import command_runs
    from flows.pipeline import news_pipeline

    work = Path(tempfile.mkdtemp(prefix="newslake-heartbeat-"))
    inbox, lake = work / "inbox", work / "lake"
    shutil.copytree(REPO / "data" / "samples", inbox)
    seed = (REPO / "data" / "samples" / "000_803bced9ea77c050.txt").read_text(encoding="utf-8")
    times: dict[str, list[float]] = {"heartbeat": [], "none": []}
    try:
        with prefect_test_harness(server_startup_timeout=180):
            news_pipeline(source=str(inbox), lake=str(lake))  # the lake, the model and GX loaded once
            for i in range(2 * args.runs):
                kind = "heartbeat" if i % 2 == 0 else "none"
                (inbox / f"new_{i:03d}.txt").write_text(f"Story {i}: a new report\n\n" + seed.replace("said", f"said ({i})"), encoding="utf-8")
                with contextlib.nullcontext() if kind == "heartbeat" else command_runs():
                    start = time.perf_counter()
                    report = news_pipeline(source=str(inbox), lake=str(lake))
                    times[kind].append(time.perf_counter() - start)
                if report["status"] != "published":
                    sys.exit(f"run {i} ended {report['status']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with_beat, without = statistics.median(times["heartbeat"]), statistics.median(times["none"])
    print(f"runs with Prefect's heartbeat (baseline): {', '.join(f'{t:.2f}' for t in times['heartbeat'])} s; median {with_beat:.2f} s")
    print(f"runs as the command runs them (none):     {', '.join(f'{t:.2f}' for t in times['none'])} s; median {without:.2f} s")
    print(f"none / heartbeat: {without / with_beat:.2f} ({with_beat - without:+.2f} s a run)")
    print(f"\ncommand: .venv/bin/python bench/heartbeat.py --runs {args.runs}")


if __name__ == "__main__":
    main()
