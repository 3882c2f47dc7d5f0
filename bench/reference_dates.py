"""How often each reference-date rule fires on an undated corpus, and what it buys.

Reads the BBC News corpus (../shared/corpora/bbc, 2,225 articles with no publication
date; never copied into the project) through newslake's own reader, picks each
article's reference date (`newslake.ingest.reference_dates`) and prints how often each rule
chose it, then the date mentions resolved to a day without a reference and with it.
The file modification rule is off, as by default (the corpus's files carry the time
they were copied). Skips with a message when the corpus is absent.

    .venv/bin/python bench/reference_dates.py [--corpus DIR] [--file-mtime]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BBC = ROOT / ".." / "shared" / "corpora" / "bbc"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Reference-date rules on an undated corpus (default: the BBC News corpus).")
    ap.add_argument("--corpus", type=Path, default=BBC, help="folder of .txt articles (searched recursively)")
    ap.add_argument("--file-mtime", action="store_true", help="allow the file modification rule (dct_file_mtime)")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus.name} not found")
        return 0

    from newslake.dates import tag_dates
    from newslake.ingest.normalize import clean_text
    from newslake.readers.publication_dates import parse_published
    from newslake.readers import RawArticle, read_document
    from newslake.ingest.reference_dates import DCT_SOURCES, reference_date

    rules: Counter[str] = Counter()
    mentions = resolved_before = resolved_after = articles = 0
    t0 = time.perf_counter()
    for path in sorted(args.corpus.rglob("*.txt")):
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        for raw in read_document(path.name, path.read_bytes()):
            if not isinstance(raw, RawArticle):
                continue
            articles += 1
            published, _ = parse_published(raw.published, now=datetime.now(timezone.utc))
            title, body = clean_text(raw.title or ""), clean_text(raw.body)
            day, rule = reference_date(published, title, body, file_mtime=mtime, use_file_mtime=args.file_mtime)
            rules[rule] += 1
            text = f"{title}\n\n{body}"
            before = tag_dates(text, published.date() if published else None)
            after = tag_dates(text, day) if day else before
            mentions += len(before)
            resolved_before += sum(m.resolved_date is not None for m in before)
            resolved_after += sum(m.resolved_date is not None for m in after)
    seconds = time.perf_counter() - t0

    print(f"{args.corpus.name}: {articles} articles ({seconds:.1f} s)")
    for rule in DCT_SOURCES:
        print(f"  {rule:<11} {rules[rule]:6d}  {rules[rule] / articles:6.1%}")
    print(f"date mentions resolved to a day: {resolved_before} of {mentions} without a reference date, "
          f"{resolved_after} with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
