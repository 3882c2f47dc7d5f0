"""A large `.jsonl.gz`: read whole (as before) against read in pieces, and a kill inside it.

Corpus (bench/backfill.py's generator: distinct sets of sentences of ../shared/corpora, made
in a temporary folder and never copied into the project): N records (--n, default 100,000)
as one `export.jsonl.gz`. The caps are raised for every run (NEWSLAKE_MAX_FILE_BYTES,
NEWSLAKE_MAX_ARCHIVE_BYTES) so that the archive can be read whole at all. Each
`newslake run --no-extract --quiet` runs in a process tree of its own against one Prefect
server started first (wall seconds, peak summed RSS sampled every 0.2 s):
  1. whole: NEWSLAKE_RECORDS_PER_PIECE above N, so the member is no larger than a piece and
     is read whole, by the whole-archive reader (the path every archive took before);
  2. pieces: records_per_piece 2,000 (the default), through the gzip index; with --plain, the
     same records as a plain `.jsonl` in pieces too, the memory an archive's pieces should match;
  3. kill and resume: the pieces run with --checkpoint-articles C (default 10,000), SIGKILLed
     at --kill-at of its time (default 0.6), and a rerun into that lake: the articles the
     kill left committed, the records the rerun parsed (new + duplicates + quarantined) and
     how many of them an earlier checkpoint had already committed (parsed again).

    .venv/bin/python bench/archive_pieces.py [--n N] [--plain] [--checkpoint-articles C] [--kill-at F] [--work DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from backfill import CORPORA, article_rows, articles, log, run_newslake  # noqa: E402


def write_archive(n: int, path: Path, seed: int) -> int:
    path.parent.mkdir(parents=True)
    size = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for line in articles(n, seed):
            out.write(line)
            size += len(line.encode("utf-8"))
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="records of the archive (default 100,000)")
    parser.add_argument("--checkpoint-articles", type=int, default=10_000, help="checkpoints of the kill run (default 10,000)")
    parser.add_argument("--kill-at", type=float, default=0.6, help="kill at this fraction of the pieces run's time (default 0.6)")
    parser.add_argument("--work", type=Path, help="work folder to use and keep (new or empty)")
    parser.add_argument("--plain", action="store_true", help="also the same records as a plain .jsonl, in pieces")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (CORPORA / "wikinews.jsonl").exists():
        print(f"skipped: the corpora are not in {CORPORA}")
        return 0
    from newslake.server import start_server

    with contextlib.nullcontext(str(args.work)) if args.work else tempfile.TemporaryDirectory(prefix="newslake-archive-") as tmp:
        work = Path(tmp).resolve()
        work.mkdir(parents=True, exist_ok=True)
        source = work / "inbox"
        log(f"writing {args.n} records as one .jsonl.gz ...")
        plain = write_archive(args.n, source / "export.jsonl.gz", args.seed)
        packed = (source / "export.jsonl.gz").stat().st_size
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING",
               "NEWSLAKE_MAX_FILE_BYTES": str(4 * plain), "NEWSLAKE_MAX_ARCHIVE_BYTES": str(4 * plain)}
        server = start_server(work / "prefect")
        env["PREFECT_API_URL"] = server.api_url
        try:
            log("[1] read whole ...")
            whole = run_newslake(source, work / "lake-whole", {**env, "NEWSLAKE_RECORDS_PER_PIECE": str(args.n + 1)}, extract=False)
            log("[2] read in pieces ...")
            pieces = run_newslake(source, work / "lake-pieces", env, extract=False)
            plain_run = None
            if args.plain:
                log("[2] the same records as a plain .jsonl, in pieces ...")
                (work / "plain").mkdir()
                with gzip.open(source / "export.jsonl.gz", "rb") as packed_in, open(work / "plain" / "export.jsonl", "wb") as out:
                    while block := packed_in.read(1 << 20):
                        out.write(block)
                plain_run = run_newslake(work / "plain", work / "lake-plain", env, extract=False)
            log("[3] the same in checkpoints, killed ...")
            chunked = {**env, "NEWSLAKE_CHECKPOINT_ARTICLES": str(args.checkpoint_articles)}
            killed = run_newslake(source, work / "lake-kill", chunked, extract=False, kill_after=args.kill_at * pieces["seconds"])
            committed = article_rows(work / "lake-kill")
            log("[3] rerun ...")
            rerun = run_newslake(source, work / "lake-kill", chunked, extract=False)
        finally:
            server.stop()
    parsed = rerun["articles"] + rerun["duplicates"]
    print(f"{args.n:,} records, {plain / 2**20:,.0f} MiB as JSONL, {packed / 2**20:,.0f} MiB as .jsonl.gz; --no-extract")
    for name, r in (("whole (before)", whole), ("pieces (after)", pieces), ("plain .jsonl", plain_run)):
        if r is None:
            continue
        print(f"  {name:15} {r['seconds']:7.1f} s  {r['rate']:6.0f} articles/s  peak RSS {r['peak_rss_mib']:6.0f} MiB  "
              f"{len(r['checkpoints'])} version(s)")
    print(f"  kill at {args.kill_at:.0%} of the pieces run ({'killed' if killed['killed'] else 'NOT killed: it ended first'}), "
          f"checkpoints of {args.checkpoint_articles:,}: {committed:,} articles committed; the rerun parsed {parsed:,} "
          f"({parsed - (args.n - committed):,} of them committed before), {rerun['seconds']:.1f} s, "
          f"{len(rerun['checkpoints'])} checkpoint(s); final articles {article_rows(work / 'lake-kill') if args.work else 'n/a'}")
    print(json.dumps({"whole": {k: whole[k] for k in ("seconds", "peak_rss_mib", "articles")},
                      "pieces": {k: pieces[k] for k in ("seconds", "peak_rss_mib", "articles")},
                      "kill": {"committed": committed, "rerun_parsed": parsed, "parsed_again": parsed - (args.n - committed),
                               "rerun_s": rerun["seconds"], "rerun_articles": rerun["articles"]}}))
    print(f"\ncommand: .venv/bin/python bench/archive_pieces.py {' '.join(sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
