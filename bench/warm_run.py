"""A run with one new article into the samples lake, on the lake's warm kept Prefect server.

In a temporary folder: a copy of data/samples, ingested once by `newslake run` (which
starts the lake's kept server and its preloaded runner), then 2R runs (--runs R, default
5) that each add one new article of their own and run `newslake run --quiet` again, with
extraction, on that warm server: in turn one handed to the preloaded runner and one with
`NEWSLAKE_PRELOADED_RUNNER=false`, which loads everything itself (the baseline). Prints
each run's wall time, the medians and their ratio, and two more baselines measured in
the same process: `newslake --version` (the interpreter and the command's imports) and
the first run (server start included).

    .venv/bin/python bench/warm_run.py [--runs R] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
TARGET = 5.0  # seconds: a warm run with one new article


def newslake(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-m", "newslake.cli", *args], cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"newslake {' '.join(args)} failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    return seconds, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="warm runs, one new article each (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newslake-warm-"))
    inbox, lake = work / "inbox", work / "lake"
    shutil.copytree(REPO / "data" / "samples", inbox)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(work / "prefect"), "NEWSLAKE_SERVER_IDLE_MINUTES": "10"}
    seed = (REPO / "data" / "samples" / "000_803bced9ea77c050.txt").read_text(encoding="utf-8")
    try:
        version = statistics.median(newslake("--version", env=env)[0] for _ in range(3))
        cold, done = newslake("run", "--source", str(inbox), "--lake", str(lake), env=env)
        started = "Started the lake's Prefect server" in done.stderr
        ready = work / "prefect" / "preloaded.log"
        deadline = time.monotonic() + 180
        while not (ready.is_file() and "ready" in ready.read_text()) and time.monotonic() < deadline:
            time.sleep(0.5)
        warm, loading = [], []
        for i in range(2 * args.runs):
            (inbox / f"warm_{i:02d}.txt").write_text(
                f"Warm run story {i}\n\n{seed}\nA late addition, number {i}, closes the story.\n", encoding="utf-8"
            )
            preloaded = i % 2 == 1
            timed = newslake("run", "--quiet", "--source", str(inbox), "--lake", str(lake),
                             env=env | {"NEWSLAKE_PRELOADED_RUNNER": str(preloaded).lower()})[0]
            (warm if preloaded else loading).append(timed)
    finally:
        subprocess.run([PYTHON, "-m", "newslake.cli", "server", "--stop", "--lake", str(lake)], cwd=REPO, env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    median, baseline = statistics.median(warm), statistics.median(loading)
    figures = {
        "runs": args.runs, "warm_seconds": [round(w, 2) for w in warm], "warm_median_seconds": round(median, 2),
        "loading_seconds": [round(w, 2) for w in loading], "loading_median_seconds": round(baseline, 2),
        "warm_over_loading": round(median / baseline, 2),
        "first_run_seconds": round(cold, 2), "first_run_started_the_server": started,
        "version_seconds": round(version, 2), "warm_over_version": round(median / version, 2),
        "target_seconds": TARGET, "passes": median <= TARGET,
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(f"first run over data/samples (starts the kept server: {started}): {cold:.1f} s")
    print(f"warm runs, one new article each, extraction on, preloaded runner: {', '.join(f'{w:.1f}' for w in warm)} s")
    print(f"  median {median:.2f} s (<= {TARGET:.0f} s) {'PASS' if median <= TARGET else 'FAIL'}")
    print(f"baseline, the same runs loading everything themselves: {', '.join(f'{w:.1f}' for w in loading)} s")
    print(f"  median {baseline:.2f} s; preloaded / loading {median / baseline:.2f}")
    print(f"baseline `newslake --version` (interpreter + imports): {version:.2f} s; warm run / baseline {median / version:.1f}x")
    print("\ncommand: .venv/bin/python bench/warm_run.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
