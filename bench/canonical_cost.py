"""What canonical entities cost: extraction with and without `newslake.canonical`.

On the first --n Reuters-21578 records with a unique body (default 2,000), read from
../shared/corpora, in one process and on one core:

  (a) spaCy's spans as they come: `entities.extract_entities` over each article's
      title and body, the pipeline's model, labels and batch size;
  (b) the same, then each article resolved as a whole (`canonical.resolve_article`:
      cleaned spans, short forms, acronyms, repeats, label votes, aliases, places),
      which is what `entity_mentions` does in the pipeline.

Each repeat (--repeat, default 3) times (a), then the resolution alone over the
spans (a) found, so (b) = (a) + resolution; medians are compared (timing (b) in one
piece as well would put the machine's noise, larger than the resolution, into the
ratio). The gazetteer is built before the first timing (once per process in a run,
about a second). b/a bounds the end-to-end cost from above: the other stages of a
run do not change, so the whole run slows by less than extraction does.

    .venv/bin/python bench/canonical_cost.py [--n N] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578.jsonl"
sys.path.insert(0, str(REPO))


def articles(n: int) -> list[list[tuple[str, str]]]:
    """(field, text) pairs of the first n records with a unique, non-empty body."""
    from bench.throughput import unique_records

    return [
        [(f, t) for f, t in (("title", record.get("title")), ("body", record["body"])) if t and t.strip()]
        for record in unique_records(n)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="unique Reuters records (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="timings of each (default 3)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS.name} not found in ../shared/corpora")
        return 0
    from newslake.canonical import places
    from newslake.canonical.resolve import resolve_article
    from newslake.config import Settings
    from newslake.extract.entities import ENTITY_LABELS, extract_entities, load_nlp

    settings = Settings()
    nlp = load_nlp(settings.spacy_model)
    docs = articles(args.n)
    texts = [text for fields in docs for _, text in fields]
    places.locate("Paris")  # the gazetteer, built once per process in a run too

    def spans_only() -> list:
        return extract_entities(nlp, texts, batch_size=settings.nlp_batch_size, labels=ENTITY_LABELS)

    spans_only()  # warm
    a, resolution = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        found = spans_only()
        a.append(time.perf_counter() - start)
        spans = iter(found)
        start = time.perf_counter()
        mentions = sum(len(resolve_article([(f, t, next(spans)) for f, t in fields])) for fields in docs)
        resolution.append(time.perf_counter() - start)
    ma, mr = statistics.median(a), statistics.median(resolution)
    mb = ma + mr
    print(f"{len(docs)} Reuters-21578 articles, one process, nlp_batch_size {settings.nlp_batch_size}, median of {args.repeat}")
    print(f"(a) spaCy spans as they come     {ma:7.2f} s  {len(docs) / ma:7.1f} articles/s  ({sum(map(len, found))} spans)")
    print(f"    resolution                   {mr:7.2f} s  {1000 * mr / len(docs):7.2f} ms an article  ({mentions} mentions)")
    print(f"(b) spans resolved canonically   {mb:7.2f} s  {len(docs) / mb:7.1f} articles/s")
    print(f"extraction throughput b/a: {ma / mb:.3f} (a drop of {100 * (1 - ma / mb):.1f}%; target: a drop of 10% at most)")
    print(f"\ncommand: .venv/bin/python bench/canonical_cost.py {' '.join(sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
