"""Peak memory of `newslake run` on one long article against a short one.

One-line JSONL articles are built from Reuters-21578 bodies (read from
../shared/corpora, never copied into the project), concatenated into one body of
about --sizes bytes each (default: 2 KB, 1 MB, 5 MB), each in a source folder of its
own in a temporary work folder. Each is run into an empty lake, one `newslake run
--quiet` process per size, its process tree sampled for memory (bench/throughput.py's
`measured`), against a Prefect server started once. Printed per size: the entities and
`entity_cooccurrence` rows the run published, the models stage's seconds and the peak
RSS; the pairs are bounded by the `cooccurrence_top_entities` setting, so the models
stage no longer grows with the square of an article's entities.

    .venv/bin/python bench/long_article.py [--sizes 2000,1000000,5000000] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from throughput import CORPUS, measured  # noqa: E402


def build(size: int, path: Path) -> int:
    """One JSONL line: a title and a body of Reuters bodies joined until `size` bytes."""
    pieces, total = [], 0
    with open(CORPUS, encoding="utf-8") as source:
        for line in source:
            body = " ".join((json.loads(line).get("body") or "").split())
            if not body:
                continue
            pieces.append(body)
            total += len(body.encode("utf-8")) + 1
            if total >= size:
                break
    record = {"title": f"A long article of {size} bytes", "body": " ".join(pieces), "date_iso": "1987-03-02T00:00:00"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,1000000,5000000", help="article sizes in bytes, comma-separated")
    parser.add_argument("--work", type=Path, help="work folder to use and keep (must not exist)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="newslake-long-"))
    work.mkdir(parents=True, exist_ok=True)
    from newslake.config import Settings
    from newslake.lake import Lake
    from newslake.lake.runs_log import read_runs
    from newslake.server import start_server

    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}
    server = start_server(work / "prefect")
    env["PREFECT_API_URL"] = server.api_url
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            source, lake = work / f"source-{size}", work / f"lake-{size}"
            source.mkdir()
            actual = build(size, source / "long.jsonl")
            print(f"newslake run on one {actual:,}-byte article ...", file=sys.stderr, flush=True)
            result = measured([str(REPO / ".venv" / "bin" / "newslake"), "run", "--source", str(source), "--lake", str(lake), "--quiet"], env)
            manifest = Lake(lake).manifest()
            run = read_runs(Lake(lake)).to_pylist()[-1]
            rows.append({
                "bytes": actual,
                "status": run["status"],
                "entities": manifest.tables["entities"].rows,
                "pairs": manifest.tables["entity_cooccurrence"].rows,
                "models_s": json.loads(run["stage_seconds"]).get("models"),
                "run_s": round(result["seconds"], 1),
                "peak_rss_mib": round(result["peak_rss_mib"]),
            })
    finally:
        server.stop()
    print(f"cooccurrence_top_entities = {Settings().cooccurrence_top_entities}")
    print(f"{'article bytes':>14} {'status':>10} {'entities':>9} {'pairs':>7} {'models s':>9} {'run s':>7} {'peak RSS MiB':>13}")
    for r in rows:
        print(f"{r['bytes']:>14,} {r['status']:>10} {r['entities']:>9,} {r['pairs']:>7,} {r['models_s'] or 0:>9.1f} {r['run_s']:>7.1f} {r['peak_rss_mib']:>13,}")
    print(f"\ncommand: .venv/bin/python bench/long_article.py --sizes {args.sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
