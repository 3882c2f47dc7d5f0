"""Near-duplicate detection on the BBC corpus: throughput, and the pairs it finds.

Reads <repo>/../shared/corpora/bbc/<category>/*.txt (first line the title, the rest
the body; never copied into the repository) and prints:
  * signature throughput (articles/s, wall and CPU, one process);
  * index build and LSH query throughput;
  * the near-duplicate pairs (estimated Jaccard >= 0.9), with the exact Jaccard of
    their shingle sets and whether they are exact duplicates (same article_id), so
    a person can open the files and check;
  * how many of those pairs datasketch's default banding for threshold 0.9 would find;
  * the links one run over the whole corpus makes (articles taken in file order).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BBC = REPO.parent / "shared" / "corpora" / "bbc"

import numpy as np  # noqa: E402

from newslake.ingest import dedup  # noqa: E402
from newslake.ingest.normalize import article_id, clean_text  # noqa: E402


def read_corpus(root: Path) -> tuple[list[str], list[str], list[str]]:
    names, titles, bodies = [], [], []
    for path in sorted(root.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        title, _, body = text.partition("\n")
        names.append(f"{path.parent.name}/{path.name}")
        titles.append(clean_text(title))
        bodies.append(clean_text(body))
    return names, titles, bodies


def timed(function, repeat: int):
    """(result, best wall seconds, CPU seconds of that run)."""
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if best is None or wall < best[1]:
            best = (result, wall, cpu)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (the best is reported)")
    parser.add_argument("--show", type=int, default=12, help="pairs to list")
    args = parser.parse_args()

    if not BBC.is_dir():
        print(f"skipped: the BBC corpus is not there ({BBC.relative_to(REPO.parent)} next to the repository)")
        return 0
    names, titles, bodies = read_corpus(BBC)
    n = len(names)
    texts = [dedup.dedup_text(t, b) for t, b in zip(titles, bodies)]
    print(f"BBC corpus: {n} articles, {sum(len(b.split()) for b in bodies) / n:.0f} body words on average, "
          f"{sum(t.startswith(tt + chr(10)) for t, tt in zip(texts, titles))} short bodies compared with their title")
    print(f"parameters: k={dedup.SHINGLE_WORDS} word shingles, num_perm={dedup.NUM_PERM}, seed={dedup.SEED}, "
          f"threshold={dedup.THRESHOLD}, LSH bands x rows={dedup.LSH_BANDS[0]} x {dedup.LSH_BANDS[1]}")

    sigs, wall, cpu = timed(lambda: dedup.signatures(texts), args.repeat)
    print(f"signatures:   {n / wall:8.0f} articles/s wall, {n / cpu:8.0f} articles/s CPU (one process)")
    ids = [str(i) for i in range(n)]
    index, wall, _ = timed(lambda: dedup.NearDuplicateIndex.from_signatures(ids, sigs), args.repeat)
    print(f"index build:  {n / wall:8.0f} articles/s")
    tracemalloc.start()
    measured = dedup.NearDuplicateIndex.from_signatures(ids, sigs)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"index memory: {size / len(measured):8.0f} bytes/article (signature + LSH buckets, tracemalloc)")
    _, wall, _ = timed(lambda: [index.find(s) for s in sigs], args.repeat)
    print(f"LSH query:    {n / wall:8.0f} queries/s (find: candidates + verification)")
    _, wall, _ = timed(lambda: dedup.link_near_duplicates([], sigs[:0], ids, texts), 1)
    print(f"one run:      {n / wall:8.0f} articles/s (link_near_duplicates: signatures + index + links)")

    # Every pair at estimated Jaccard >= threshold: candidates of each article, verified.
    pairs = set()
    for i, signature in enumerate(sigs):
        for key in index.candidates(signature):
            j = int(key)
            if j != i and dedup.estimated_jaccard(signature, sigs[j])[0] >= dedup.THRESHOLD:
                pairs.add((min(i, j), max(i, j)))
    pairs = sorted(pairs)
    shingle_sets = {i: dedup.shingles(texts[i]) for pair in pairs for i in pair}
    ids_exact = [article_id(t, b) for t, b in zip(titles, bodies)]

    def exact(i: int, j: int) -> float:
        a, b = shingle_sets[i], shingle_sets[j]
        return len(a & b) / len(a | b)

    identical = sum(ids_exact[i] == ids_exact[j] for i, j in pairs)
    print(f"\nnear-duplicate pairs: {len(pairs)} (of them {identical} exact duplicates: same article_id; "
          f"{len(pairs) - identical} near only)")
    groups: dict[int, set[int]] = {}
    for i, j in pairs:  # connected groups, to see clusters of copies
        group = groups.get(i, {i}) | groups.get(j, {j})
        for member in group:
            groups[member] = group
    distinct_groups = {id(g): g for g in groups.values()}
    print(f"articles involved: {len(groups)}, in {len(distinct_groups)} groups")

    same_body = sum(ids_exact[i] != ids_exact[j] and bodies[i] == bodies[j] for i, j in pairs)
    print(f"near only: {same_body} with the same body under another headline, "
          f"{len(pairs) - identical - same_body} with bodies that differ")
    # Bodies that differ first (the interesting ones), then headline-only, then exact copies.
    shown = sorted(pairs, key=lambda p: (ids_exact[p[0]] == ids_exact[p[1]], bodies[p[0]] == bodies[p[1]], p))
    shown = shown[: args.show]
    print(f"\n{'file A':<22} {'file B':<22} {'est J':>6} {'exact J':>7}  same id  titles")
    for i, j in shown:
        same = "yes" if ids_exact[i] == ids_exact[j] else "no"
        title = titles[i] if titles[i] == titles[j] else f"{titles[i]!r} / {titles[j]!r}"
        print(f"{names[i]:<22} {names[j]:<22} {dedup.estimated_jaccard(sigs[i], sigs[j])[0]:6.3f} "
              f"{exact(i, j):7.3f}  {same:<7}  {title[:70]}")
    exact_values = np.array([exact(i, j) for i, j in pairs]) if pairs else np.zeros(0)
    if pairs:
        print(f"exact Jaccard of the pairs: min {exact_values.min():.3f}, median {np.median(exact_values):.3f}")

    default = dedup.NearDuplicateIndex.from_signatures(ids, sigs, bands=_default_bands())
    found = sum(str(j) in default.candidates(sigs[i]) for i, j in pairs)
    print(f"datasketch's default banding {_default_bands()} would propose {found} of these {len(pairs)} pairs")

    # Recall check: all pairs by brute force over the signatures (no LSH), then the
    # exact Jaccard of every pair estimated at 0.75 or more.
    close = []
    for i in range(n - 1):
        similar = dedup.estimated_jaccard(sigs[i], sigs[i + 1 :])
        close += [(i, i + 1 + int(j)) for j in np.nonzero(similar >= 0.75)[0]]
    for i, j in close:
        shingle_sets.setdefault(i, dedup.shingles(texts[i]))
        shingle_sets.setdefault(j, dedup.shingles(texts[j]))
    truly = [p for p in close if exact(*p) >= dedup.THRESHOLD]
    print(f"brute force: {len(close)} pairs at estimated Jaccard >= 0.75, {len(truly)} of them at exact "
          f"Jaccard >= {dedup.THRESHOLD}; found by the index: {len(set(truly) & set(pairs))}; "
          f"index pairs below {dedup.THRESHOLD} exact: {sum(exact(*p) < dedup.THRESHOLD for p in pairs)}")
    for i, j in sorted(set(close) - set(pairs)):
        print(f"  not linked: {names[i]} {names[j]} est {dedup.estimated_jaccard(sigs[i], sigs[j])[0]:.3f} "
              f"exact {exact(i, j):.3f}")

    _, links = dedup.link_near_duplicates([], sigs[:0], names, texts)
    linked = [(name, target) for name, target in zip(names, links) if target]
    print(f"\none run over the corpus in file order: {len(linked)} articles linked as near duplicates "
          f"({sum(ids_exact[names.index(a)] != ids_exact[names.index(b)] for a, b in linked)} not exact copies)")
    chained = sum(target in dict(linked) for _, target in linked)
    print(f"links to an article that is itself a duplicate: {chained}")
    # Sanity: no pair among canonical articles was left unlinked by the run.
    canonical = {name for name, target in zip(names, links) if target is None}
    missed = [(names[i], names[j]) for i, j in pairs if names[i] in canonical and names[j] in canonical]
    print(f"pairs of canonical articles still at estimated Jaccard >= {dedup.THRESHOLD}: {len(missed)}")
    return 0


def _default_bands() -> tuple[int, int]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    return lsh.b, lsh.r


if __name__ == "__main__":
    sys.exit(main())
