"""What adding a few articles to a big lake costs, against adding them to an empty one.

Corpus (read from ../shared/corpora, never copied into the project): Reuters-21578,
21,578 JSON records in one JSONL file. The first --base records with a non-empty body
(default 12,000) are the base; the next --new (default 200) are the new articles. Both
are written as JSONL files in a temporary folder (or --work DIR, kept afterwards).

Five runs of the real news_pipeline flow, extraction on, each in its own Python
process so that each peak RSS is that run's alone:

  1. base build: a source folder holding the base file, into empty lake B;
  2. no-change rerun of lake B;
  3. "into big": the new file added to B's source folder, into lake B;
  4. "into empty": a source folder holding only the new file, into empty lake S;
  5. no-change rerun of lake S: a run's fixed cost.

Step 3 is also run on a copy of lake B with `incremental_models` off (3b), so the
models stage merged from the new rows can be set against a full rebuild.

A worker process starts a temporary Prefect server and runs a no-op flow before it
times anything, so the times are of the news_pipeline call only (not the server start
or the imports). Peak RSS is the worker's own ru_maxrss (the Prefect server runs in a
process of its own and is not counted).

Figures, with the targets of the issue:
  - (t_into_big - t_fixed) / (t_into_empty - t_fixed) <= 1.25;
  - peak RSS of "into big" minus that of "into empty" <= 200 MiB;
  - the no-change rerun of lake B as a fraction of the base build (reported, no target).

    .venv/bin/python bench/incremental.py [--base N] [--new N] [--work DIR] [--json]

--base 2000 gives a quicker, smaller version (the targets are written for about 12,000).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
CORPUS = CORPORA / "reuters21578.jsonl"
sys.path.insert(0, str(REPO))

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

MAX_RATIO = 1.25
MAX_RSS_DIFF_MIB = 200.0
RESULT_MARK = "INCREMENTAL_BENCH_RESULT "


# --------------------------------------------------------------------------- worker


def worker(source: str, lake: str) -> int:
    """One measured run, in a process of its own: print one JSON line and exit."""
    import resource

    from newslake.config import use_embedded_environment

    use_embedded_environment()
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    from flows.pipeline import news_pipeline

    @flow(name="bench_warm")
    def warm() -> None:
        pass

    with prefect_test_harness(server_startup_timeout=120):
        warm()  # the temporary server and the client are up before the clock starts
        start = time.perf_counter()
        report = news_pipeline(source=source, lake=lake)
        flow_s = time.perf_counter() - start
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result = {
        "status": report.get("status"),
        "counts": report.get("counts"),
        "stage_seconds": report.get("stage_seconds"),
        "models": report.get("models"),
        "rows": report.get("rows"),
        "flow_s": round(flow_s, 3),
        "peak_rss_mib": round(rss_kib / 1024, 1),
    }
    sys.stdout.flush()
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


# --------------------------------------------------------------------------- driver


def select_records(base: int, new: int, work: Path) -> tuple[Path, Path, int]:
    """Write the first `base` records with a body, then the next `new`, as two JSONL files."""
    base_file = work / "base" / "reuters_base.jsonl"
    new_file = work / "new" / "reuters_new.jsonl"
    base_file.parent.mkdir(parents=True)
    new_file.parent.mkdir(parents=True)
    taken = skipped = 0
    with open(CORPUS, encoding="utf-8") as handle, open(base_file, "w", encoding="utf-8") as out_base, open(
        new_file, "w", encoding="utf-8"
    ) as out_new:
        for line in handle:
            record = json.loads(line)
            body = record.get("body") or record.get("text") or ""
            if not isinstance(body, str) or not body.strip():
                skipped += 1
                continue
            (out_base if taken < base else out_new).write(line if line.endswith("\n") else line + "\n")
            taken += 1
            if taken >= base + new:
                break
    if taken < base + new:
        raise SystemExit(f"the corpus has only {taken} records with a body; asked for {base} + {new}")
    return base_file, new_file, skipped


def run_worker(step: str, source: Path, lake: Path, **settings: str) -> dict:
    print(f"[{step}] {source.name} -> {lake.name} ...", file=sys.stderr, flush=True)
    env = dict(os.environ) | {f"NEWSLAKE_{k.upper()}": v for k, v in settings.items()}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(source), str(lake)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    process_s = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout[-5000:])
        sys.stderr.write(proc.stderr[-20000:])
        raise SystemExit(f"[{step}] worker failed (exit code {proc.returncode})")
    result = json.loads(lines[-1][len(RESULT_MARK) :])
    result["step"] = step
    result["process_s"] = round(process_s, 2)
    print(
        f"[{step}] {result['status']}, flow {result['flow_s']} s, peak RSS {result['peak_rss_mib']} MiB",
        file=sys.stderr,
        flush=True,
    )
    return result


def measure(base: int, new: int, work: Path) -> dict:
    base_file, new_file, skipped = select_records(base, new, work)
    source_big, source_small = work / "source-big", work / "source-small"
    lake_big, lake_small = work / "lake-big", work / "lake-small"
    source_big.mkdir()
    source_small.mkdir()
    shutil.copy2(base_file, source_big / base_file.name)
    shutil.copy2(new_file, source_small / new_file.name)

    runs = {}
    runs["base_build"] = run_worker("1 base build", source_big, lake_big)
    runs["big_rerun"] = run_worker("2 no-change rerun, big", source_big, lake_big)
    shutil.copy2(new_file, source_big / new_file.name)
    lake_rebuilt = work / "lake-big-rebuilt"
    shutil.copytree(lake_big, lake_rebuilt, symlinks=True)
    runs["into_big"] = run_worker(f"3 {new} into big", source_big, lake_big)
    # the reference: the same run with the derived tables rebuilt in full, not merged
    runs["into_big_rebuilt"] = run_worker(f"3b {new} into big, models rebuilt", source_big, lake_rebuilt, incremental_models="false")
    runs["into_empty"] = run_worker(f"4 {new} into empty", source_small, lake_small)
    runs["fixed"] = run_worker("5 no-change rerun, small", source_small, lake_small)

    t_big, t_empty, t_fixed = (runs[k]["flow_s"] for k in ("into_big", "into_empty", "fixed"))
    net_empty = t_empty - t_fixed
    ratio = (t_big - t_fixed) / net_empty if net_empty > 0 else None
    rss_diff = runs["into_big"]["peak_rss_mib"] - runs["into_empty"]["peak_rss_mib"]
    rerun_fraction = runs["big_rerun"]["flow_s"] / runs["base_build"]["flow_s"]
    return {
        "corpus": "reuters21578",
        "base_records": base,
        "new_records": new,
        "empty_body_skipped": skipped,
        "runs": runs,
        "t_into_big_s": t_big,
        "t_into_empty_s": t_empty,
        "t_fixed_s": t_fixed,
        "net_ratio": None if ratio is None else round(ratio, 3),
        "net_ratio_target": MAX_RATIO,
        "net_ratio_pass": ratio is not None and ratio <= MAX_RATIO,
        "rss_into_big_mib": runs["into_big"]["peak_rss_mib"],
        "rss_into_empty_mib": runs["into_empty"]["peak_rss_mib"],
        "rss_diff_mib": round(rss_diff, 1),
        "rss_diff_target_mib": MAX_RSS_DIFF_MIB,
        "rss_diff_pass": rss_diff <= MAX_RSS_DIFF_MIB,
        "base_build_s": runs["base_build"]["flow_s"],
        "big_rerun_s": runs["big_rerun"]["flow_s"],
        "rerun_vs_base_build": round(rerun_fraction, 4),
        "into_big_models": runs["into_big"]["models"],
        "models_s_incremental": runs["into_big"]["stage_seconds"].get("models"),
        "models_s_rebuilt": runs["into_big_rebuilt"]["stage_seconds"].get("models"),
    }


def print_table(result: dict, command: str) -> None:
    runs = result["runs"]
    print(
        f"Reuters-21578: base {result['base_records']} records with a body, {result['new_records']} new"
        f" ({result['empty_body_skipped']} empty-body records passed over); extraction on\n"
    )
    header = f"{'run':34}{'status':>13}{'new':>7}{'dup':>6}{'quar':>6}{'models':>13}{'flow s':>9}{'RSS MiB':>9}"
    print(header)
    for run in runs.values():
        c = run["counts"] or {}
        print(
            f"{run['step']:34}{run['status']!s:>13}{c.get('new_articles', '')!s:>7}{c.get('duplicates', '')!s:>6}"
            f"{c.get('quarantined', '')!s:>6}{run['models']!s:>13}{run['flow_s']:>9.2f}{run['peak_rss_mib']:>9.1f}"
        )

    big, empty = runs["into_big"]["stage_seconds"] or {}, runs["into_empty"]["stage_seconds"] or {}
    stages = list(dict.fromkeys([*big, *empty]))
    print(f"\n{'stage seconds':16}{'into big':>12}{'into empty':>12}")
    for stage in stages:
        b, e = big.get(stage), empty.get(stage)
        print(f"{stage:16}{'' if b is None else f'{b:.2f}':>12}{'' if e is None else f'{e:.2f}':>12}")
    print(f"{'(sum)':16}{sum(big.values()):>12.2f}{sum(empty.values()):>12.2f}")
    print(f"{'(flow call)':16}{runs['into_big']['flow_s']:>12.2f}{runs['into_empty']['flow_s']:>12.2f}")
    print(f"models mode of 'into big': {result['into_big_models']}")
    print(
        f"models stage of 'into big': {result['models_s_incremental']:.2f} s merged from the new rows,"
        f" {result['models_s_rebuilt']:.2f} s rebuilt in full (the reference)"
    )

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    ratio = result["net_ratio"]
    print(f"\n{'figure':44}{'value':>12}{'target':>10}{'':>6}")
    print(
        f"{'(t_big - t_fixed) / (t_empty - t_fixed)':44}{'n/a' if ratio is None else f'{ratio:.3f}':>12}"
        f"{'<= ' + str(MAX_RATIO):>10}{verdict(result['net_ratio_pass']):>6}"
    )
    print(f"{'  t_big, t_empty, t_fixed (s)':44}{result['t_into_big_s']:.2f}, {result['t_into_empty_s']:.2f}, {result['t_fixed_s']:.2f}")
    print(
        f"{'peak RSS big - empty (MiB)':44}{result['rss_diff_mib']:>12.1f}"
        f"{'<= ' + str(int(MAX_RSS_DIFF_MIB)):>10}{verdict(result['rss_diff_pass']):>6}"
    )
    print(f"{'  RSS big, empty (MiB)':44}{result['rss_into_big_mib']:.1f}, {result['rss_into_empty_mib']:.1f}")
    print(f"{'no-change rerun / base build':44}{result['rerun_vs_base_build']:>12.4f}")
    print(f"{'  rerun, base build (s)':44}{result['big_rerun_s']:.2f}, {result['base_build_s']:.2f}")
    print(f"\ncommand: {command}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=int, default=12000, help="records with a body in the big lake (default 12000)")
    parser.add_argument("--new", type=int, default=200, help="new records added (default 200)")
    parser.add_argument("--work", type=Path, help="work folder to use and keep (must be empty or absent)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worker", nargs=2, metavar=("SOURCE", "LAKE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS.relative_to(REPO.parent)} not found (looked in ../shared/corpora)")
        return 0
    if args.base < 1 or args.new < 1:
        parser.error("--base and --new must be positive")

    command = shlex.join([os.path.relpath(sys.executable) if sys.executable.startswith(str(REPO)) else sys.executable, *sys.argv])
    if args.work:
        if args.work.exists() and any(args.work.iterdir()):
            parser.error(f"--work {args.work} is not empty")
        args.work.mkdir(parents=True, exist_ok=True)
        result = measure(args.base, args.new, args.work.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="newslake-incremental-") as tmp:
            result = measure(args.base, args.new, Path(tmp))
    result["command"] = command
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
