"""Extraction throughput of a whole run against bare spaCy, and memory against corpus size.

Corpus (read from ../shared/corpora, never copied into the project): the first --n
Reuters-21578 records with a unique, non-empty body (default 12,000), written as one
JSONL file in a temporary folder (or --work DIR, kept afterwards).

In one run, each measured command in a process of its own, its process tree sampled
for memory every 0.2 s:

  (a) the ceiling: bare spaCy over the same texts the pipeline extracts from (title and
      body of each record), loaded with only the `ner` component (in this model `ner`
      carries its own token-to-vector layer), `nlp.pipe` with the same `n_process` and
      its own best batch size (--ceiling-batch-size, default 64: spaCy's multiprocess
      pipe sends a message per batch, and at our nlp_batch_size of 32 it is about 1.5x
      slower here, which would flatter the ratio);
  (a') the same, with the model loaded as newslake loads it (`load_nlp`: numpy's BLAS
      on one thread a process instead of thinc's default, blis). newslake's NER is
      faster than (a) by as much as (a') is, so b/a' is what the rest of the pipeline
      costs, and b/a what a user gains or loses against spaCy as it comes;
  (b) `newslake run --quiet` end to end into an empty lake, extraction on; a Prefect
      server is started first, as `newslake serve` keeps one, so (b) does not count a
      temporary server's start;
  the ratio b/a in articles/s; the no-change rerun's wall time as a fraction of (b);
  and (b) again on the first N/4 records, for the peak memory at N/4 against N.

Memory is the peak over the samples of the summed RSS of the process and all its
children (spaCy's workers are forked: their shared pages count once per process, so
the PSS sum, also printed, is what the machine really gave).

    .venv/bin/python bench/throughput.py [--n N] [--work DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578.jsonl"
sys.path.insert(0, str(REPO))

TARGETS = {"b_over_a": 0.9, "peak_rss_gib": 1.5, "rss_n_over_quarter": 1.2, "rerun_fraction": 0.05}
CEILING = """
import json, sys, time
texts = []
for line in open(sys.argv[1], encoding="utf-8"):
    record = json.loads(line)
    texts += [t for t in (record.get("title"), record.get("body")) if t and t.strip()]
if sys.argv[5] == "newslake":
    from newslake.extract.entities import load_nlp
    nlp = load_nlp(sys.argv[2])
else:
    import spacy
    from newslake.extract.entities import _package_components
    nlp = spacy.load(sys.argv[2], exclude=[c for c in _package_components(sys.argv[2]) if c != "ner"])
    assert nlp.pipe_names == ["ner"], nlp.pipe_names
start = time.perf_counter()
entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=int(sys.argv[3]), n_process=int(sys.argv[4])))
print(json.dumps({"seconds": time.perf_counter() - start, "texts": len(texts), "entities": entities}))
"""


def unique_records(n: int) -> Iterator[dict]:
    """The first n Reuters-21578 records with a unique, non-empty body."""
    seen: set[str] = set()
    with open(CORPUS, encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            body = (record.get("body") or "").strip()
            if not body or body in seen:
                continue
            seen.add(body)
            yield record
            if len(seen) == n:
                return


def select(n: int, path: Path) -> int:
    """The first n records with a unique, non-empty body, as JSONL."""
    taken = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in unique_records(n):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            taken += 1
    return taken


def measured(command: list[str], env: dict) -> dict:
    """Run a command; its wall time and the peak summed RSS and PSS of its process tree."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"rss": 0, "pss": 0}
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                rss = pss = 0
                for p in tree:
                    try:
                        info = p.memory_full_info()
                        rss, pss = rss + info.rss, pss + info.pss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            except psutil.NoSuchProcess:
                return
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(out[-3000:] + err[-5000:])
        raise SystemExit(f"{' '.join(command[:4])}... failed with status {proc.returncode}")
    return {"seconds": time.perf_counter() - start, "peak_rss_mib": peak["rss"] / 2**20, "peak_pss_mib": peak["pss"] / 2**20, "stdout": out}


def run_newslake(source: Path, lake: Path, env: dict) -> dict:
    result = measured([str(REPO / ".venv" / "bin" / "newslake"), "run", "--source", str(source), "--lake", str(lake), "--quiet"], env)
    from newslake.lake import Lake
    from newslake.lake.runs_log import read_runs

    row = read_runs(Lake(lake)).to_pylist()[-1]
    result.update(status=row["status"], new_articles=row["new_articles"], stage_seconds=json.loads(row["stage_seconds"]))
    return result


def measure(n: int, work: Path, ceiling_batch: int = 64) -> dict:
    from newslake.config import Settings
    from newslake.server import start_server

    settings = Settings()
    full, quarter = work / "full", work / "quarter"
    full.mkdir(parents=True)
    quarter.mkdir()
    taken = select(n, full / "reuters.jsonl")
    select(n // 4, quarter / "reuters.jsonl")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}

    def ceiling(loaded_as: str) -> dict:
        print(f"[a] bare spaCy, n_process={settings.n_process}, loaded as {loaded_as} ...", file=sys.stderr, flush=True)
        found = measured([sys.executable, "-c", CEILING, str(full / "reuters.jsonl"), settings.spacy_model, str(ceiling_batch),
                          str(settings.n_process), loaded_as], env)
        found.update(json.loads(found.pop("stdout").strip().splitlines()[-1]))
        return found

    a, a_ours = ceiling("spacy"), ceiling("newslake")

    server = start_server(work / "prefect")
    env["PREFECT_API_URL"] = server.api_url
    try:
        print("[b] newslake run, full ...", file=sys.stderr, flush=True)
        b = run_newslake(full, work / "lake-full", env)
        print("[b] no-change rerun ...", file=sys.stderr, flush=True)
        rerun = run_newslake(full, work / "lake-full", env)
        print("[b] newslake run, N/4 ...", file=sys.stderr, flush=True)
        b4 = run_newslake(quarter, work / "lake-quarter", env)
    finally:
        server.stop()

    a_rate = taken / a["seconds"]
    b_rate = b["new_articles"] / b["seconds"]
    return {
        "records": taken,
        "n_process": settings.n_process,
        "ceiling_batch_size": ceiling_batch,
        "nlp_batch_size": settings.nlp_batch_size,
        "ceiling_s": round(a["seconds"], 2),
        "ceiling_articles_per_s": round(a_rate, 1),
        "run_s": round(b["seconds"], 2),
        "run_articles": b["new_articles"],
        "run_articles_per_s": round(b_rate, 1),
        "b_over_a": round(b_rate / a_rate, 3),
        "ceiling_newslake_s": round(a_ours["seconds"], 2),
        "ceiling_newslake_articles_per_s": round(taken / a_ours["seconds"], 1),
        "b_over_a_newslake": round(b_rate * a_ours["seconds"] / taken, 3),
        "entity_counts_equal": a["entities"] == a_ours["entities"],
        "run_stage_seconds": b["stage_seconds"],
        "peak_rss_mib": round(b["peak_rss_mib"], 1),
        "peak_pss_mib": round(b["peak_pss_mib"], 1),
        "ceiling_peak_rss_mib": round(a["peak_rss_mib"], 1),
        "rerun_s": round(rerun["seconds"], 2),
        "rerun_status": rerun["status"],
        "rerun_fraction": round(rerun["seconds"] / b["seconds"], 4),
        "quarter_records": b4["new_articles"],
        "quarter_peak_rss_mib": round(b4["peak_rss_mib"], 1),
        "rss_n_over_quarter": round(b["peak_rss_mib"] / b4["peak_rss_mib"], 3),
    }


def report(r: dict, command: str) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"Reuters-21578: {r['records']} records with a unique body; n_process={r['n_process']}; "
          f"batch sizes: (a) {r['ceiling_batch_size']}, (b) {r['nlp_batch_size']}\n")
    print(f"(a) bare spaCy (ner only)    {r['ceiling_s']:8.1f} s  {r['ceiling_articles_per_s']:8.1f} articles/s  peak RSS {r['ceiling_peak_rss_mib']:.0f} MiB")
    print(f"(a') loaded as newslake does  {r['ceiling_newslake_s']:8.1f} s  {r['ceiling_newslake_articles_per_s']:8.1f} articles/s  "
          f"(same entity count as (a): {'yes' if r['entity_counts_equal'] else 'NO'})")
    print(f"(b) newslake run, end to end {r['run_s']:8.1f} s  {r['run_articles_per_s']:8.1f} articles/s  ({r['run_articles']} new articles)")
    print("    stages: " + ", ".join(f"{k} {v:.1f}" for k, v in r["run_stage_seconds"].items()))
    print()
    rows = [
        ("b / a", f"{r['b_over_a']:.3f}", f">= {TARGETS['b_over_a']}", r["b_over_a"] >= TARGETS["b_over_a"]),
        (f"  b / a' (what the pipeline costs beyond NER): {r['b_over_a_newslake']:.3f}", "", "", None),
        ("peak RSS of the run's process tree (GiB)", f"{r['peak_rss_mib'] / 1024:.2f}", f"<= {TARGETS['peak_rss_gib']}",
         r["peak_rss_mib"] / 1024 <= TARGETS["peak_rss_gib"]),
        (f"  (PSS, what the machine gave: {r['peak_pss_mib'] / 1024:.2f} GiB)", "", "", None),
        (f"peak RSS at N / at N/4 ({r['peak_rss_mib']:.0f} / {r['quarter_peak_rss_mib']:.0f} MiB)", f"{r['rss_n_over_quarter']:.3f}",
         f"<= {TARGETS['rss_n_over_quarter']}", r["rss_n_over_quarter"] <= TARGETS["rss_n_over_quarter"]),
        (f"no-change rerun / full run ({r['rerun_s']:.2f} s)", f"{r['rerun_fraction']:.4f}", f"<= {TARGETS['rerun_fraction']}",
         r["rerun_fraction"] <= TARGETS["rerun_fraction"]),
    ]
    for name, value, target, ok in rows:
        print(f"{name:58}{value:>9}{target:>9}  {'' if ok is None else verdict(ok)}")
    print(f"\ncommand: {command}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=12000, help="unique Reuters records (default 12000)")
    parser.add_argument("--work", type=Path, help="work folder to use and keep (must not exist)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--ceiling-batch-size", type=int, default=64, help="nlp.pipe batch size of (a) (default 64)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS.name} not found in ../shared/corpora")
        return 0
    command = " ".join([".venv/bin/python", "bench/throughput.py", *sys.argv[1:]])
    if args.work:
        result = measure(args.n, args.work, args.ceiling_batch_size)
    else:
        with tempfile.TemporaryDirectory(prefix="newslake-throughput-") as tmp:
            result = measure(args.n, Path(tmp), args.ceiling_batch_size)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
