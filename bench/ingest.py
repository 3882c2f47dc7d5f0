"""Ingest throughput of the real news_pipeline flow, and the cost of a no-change rerun.

Corpora (read from ../shared/corpora, never copied into the project):
  - BBC: 2,225 plain-text files;
  - Reuters-21578: 21,578 JSON records in one JSONL file;
  - the same Reuters records written by this script as 20,000+ one-record JSON files
    in a temporary folder, to time a rerun over that many unchanged files;
  - with --only synthetic: --n distinct synthetic articles (default 20,000) in JSONL
    files of 1,000, made as bench/backfill.py makes its corpus (ingest-only throughput).

Runs the flow with extraction off (this measures ingest: discover, parse, normalize,
dedup, validate, publish). Each figure comes with a baseline measured in the same
run: reading and hashing the same bytes, so ratios survive a noisy machine.

    .venv/bin/python bench/ingest.py [--only bbc|reuters|files|synthetic] [--n N] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO))

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def read_and_hash(folder: Path) -> tuple[int, int, float]:
    """Baseline: list the files discovery lists, read and sha256 each one."""
    from newslake.ingest.ledger import Refused, walk

    start = time.perf_counter()
    files = size = 0
    for path in walk(folder):
        if isinstance(path, Refused):
            continue
        data = path.read_bytes()
        hashlib.sha256(data).digest()
        files += 1
        size += len(data)
    return files, size, time.perf_counter() - start


def timed_run(source: Path, lake: Path) -> tuple[dict, float]:
    from flows.pipeline import news_pipeline

    start = time.perf_counter()
    report = news_pipeline(source=str(source), lake=str(lake), extract=False)
    return report, time.perf_counter() - start


def measure(name: str, source: Path, work: Path) -> dict:
    files, size, baseline = read_and_hash(source)
    lake = work / f"lake-{name}"
    first, first_s = timed_run(source, lake)
    again, again_s = timed_run(source, lake)
    counts = first["counts"]
    return {
        "corpus": name,
        "files": files,
        "items": counts["items_seen"],
        "mb": round(size / 1e6, 2),
        "new_articles": counts["new_articles"],
        "duplicates": counts["duplicates"],
        "quarantined": counts["quarantined"],
        "first_run_s": round(first_s, 2),
        "files_per_s": round(files / first_s, 1),
        "items_per_s": round(counts["items_seen"] / first_s, 1),
        "mb_per_s": round(size / 1e6 / first_s, 2),
        "read_hash_baseline_s": round(baseline, 3),
        "first_run_vs_baseline": round(first_s / baseline, 1) if baseline else None,
        "rerun_s": round(again_s, 2),
        "rerun_status": again["status"],
        "rerun_unchanged": again["counts"]["unchanged"],
        "rerun_vs_first_run": round(again_s / first_s, 3),
        "stage_seconds_first_run": first["stage_seconds"],
    }


def split_reuters(target: Path, limit: int | None = None) -> int:
    """Write each Reuters record as its own JSON file: a many-small-files inbox."""
    count = 0
    with open(CORPORA / "reuters21578.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            folder = target / f"{count // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{record.get('newid', count)}.json").write_text(line, encoding="utf-8")
            count += 1
            if limit and count >= limit:
                break
    return count


def write_synthetic(target: Path, n: int) -> None:
    """n distinct synthetic articles in JSONL files of 1,000 (bench/backfill.py's corpus)."""
    from itertools import islice

    from backfill import FILE_RECORDS, articles  # bench/ is this script's folder

    target.mkdir()
    lines = articles(n, seed=1)
    for i in range(-(-n // FILE_RECORDS)):
        (target / f"part-{i + 1:05d}.jsonl").write_text("".join(islice(lines, FILE_RECORDS)), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["bbc", "reuters", "files", "synthetic"], help="run one corpus only")
    parser.add_argument("--n", type=int, default=20_000, help="synthetic articles (with --only synthetic; default 20000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print("skipped: ../shared/corpora not found")
        return 0

    from newslake.config import use_embedded_environment

    use_embedded_environment()
    from prefect.testing.utilities import prefect_test_harness

    results = []
    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=120):
        work = Path(tmp)
        if args.only in (None, "bbc"):
            results.append(measure("bbc", CORPORA / "bbc", work))
        if args.only in (None, "reuters"):
            source = work / "reuters-jsonl"
            source.mkdir()
            (source / "reuters21578.jsonl").symlink_to(CORPORA / "reuters21578.jsonl")
            results.append(measure("reuters_jsonl", source, work))
        if args.only in (None, "files"):
            source = work / "reuters-files"
            split_reuters(source)
            results.append(measure("reuters_as_files", source, work))
        if args.only == "synthetic":
            source = work / "synthetic"
            write_synthetic(source, args.n)
            results.append(measure(f"synthetic_{args.n}", source, work))

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    keys = ["files", "items", "mb", "new_articles", "duplicates", "quarantined", "first_run_s", "files_per_s",
            "items_per_s", "mb_per_s", "read_hash_baseline_s", "first_run_vs_baseline", "rerun_s", "rerun_vs_first_run"]
    print(f"{'':24}" + "".join(f"{r['corpus']:>18}" for r in results))
    for key in keys:
        print(f"{key:24}" + "".join(f"{r[key]!s:>18}" for r in results))
    for r in results:
        print(f"{r['corpus']} stages (first run, s): {r['stage_seconds_first_run']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
