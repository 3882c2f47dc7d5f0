"""Score newslake's HTML reader (`read_document` on the page bytes, as the pipeline calls it).

(a) Publication date, exact day, on ../shared/eval/html_dates (200 news pages,
    eval_mediacloud_2020.json {url: {file, date}}). The reader's `published` goes through
    `parse_published` like in the pipeline; a day- or second-precision result is compared
    with the gold day. Pages whose gold date is missing (5, stored as NaN) count as right
    when the reader finds no date; a rejected page counts as "no date". The page URL from
    the gold file is NOT given to the reader (it only gets the bytes, like an inbox file).
(b) Main text on ../shared/eval/html_extraction (181 pages + ground-truth.json
    {id: {url, articleBody}}): token F1 = bag-of-words overlap (multiset intersection) of
    lowercase word tokens (regex \\w+), per page, then macro-averaged over pages (a rejected
    page scores 0). Micro F1 (pooled over all tokens) is printed too.
Pages/s is wall time of the reader calls only (file reading excluded).

Data is read from <repo>/../shared/eval and never copied into the repository.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO / ".." / "shared"
EVAL = SHARED / "eval"

from newslake.readers.publication_dates import parse_published  # noqa: E402
from newslake.readers import RawArticle, read_document  # noqa: E402

_WORD = re.compile(r"\w+")


def _read(name: str, data: bytes) -> RawArticle | None:
    items = list(read_document(name, data))
    return next((item for item in items if isinstance(item, RawArticle)), None)


def _day(article: RawArticle | None) -> str | None:
    if article is None or article.published is None:
        return None
    parsed, precision = parse_published(article.published)
    if parsed is None:
        return None
    if precision not in ("day", "second"):
        return f"~{parsed.date().isoformat()} ({precision})"  # a date, but not a day: wrong either way
    return parsed.date().isoformat()


def eval_dates(root: Path, limit: int | None) -> dict:
    gold = json.loads((root / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
    items = list(gold.items())[:limit] if limit else list(gold.items())
    right = undated = undated_right = found = 0
    errors = []
    seconds = 0.0
    for url, entry in items:
        want = entry.get("date")
        want = want if isinstance(want, str) else None  # undated pages hold NaN
        data = (root / "html" / entry["file"]).read_bytes()
        start = time.perf_counter()
        article = _read(entry["file"], data)
        seconds += time.perf_counter() - start
        got = _day(article)
        found += got is not None
        if want is None:
            undated += 1
            undated_right += got is None
        if got == want:
            right += 1
        else:
            errors.append({"file": entry["file"], "url": url, "gold": want, "got": got})
    n = len(items)
    return {
        "pages": n,
        "correct": right,
        "accuracy": right / n if n else 0.0,
        "gold_undated": undated,
        "undated_correct": undated_right,
        "pages_with_a_date_found": found,
        "pages_per_s": n / seconds if seconds else 0.0,
        "errors": errors,
    }


def _tokens(text: str) -> Counter:
    return Counter(_WORD.findall(text.lower()))


def eval_extraction(root: Path, limit: int | None) -> dict:
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    items = list(gold.items())[:limit] if limit else list(gold.items())
    f1s, rejected = [], 0
    overlap_all = predicted_all = gold_all = 0
    seconds = 0.0
    for page_id, entry in items:
        data = (root / "html" / f"{page_id}.html").read_bytes()
        start = time.perf_counter()
        article = _read(f"{page_id}.html", data)
        seconds += time.perf_counter() - start
        if article is None:
            rejected += 1
        predicted, wanted = _tokens(article.body if article else ""), _tokens(entry.get("articleBody") or "")
        overlap = sum((predicted & wanted).values())
        p_n, g_n = sum(predicted.values()), sum(wanted.values())
        overlap_all, predicted_all, gold_all = overlap_all + overlap, predicted_all + p_n, gold_all + g_n
        if overlap == 0:
            f1s.append(0.0)
        else:
            precision, recall = overlap / p_n, overlap / g_n
            f1s.append(2 * precision * recall / (precision + recall))
    n = len(items)
    micro_p = overlap_all / predicted_all if predicted_all else 0.0
    micro_r = overlap_all / gold_all if gold_all else 0.0
    return {
        "pages": n,
        "rejected": rejected,
        "token_f1_macro": sum(f1s) / n if n else 0.0,
        "token_f1_micro": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "pages_per_s": n / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages of each set")
    parser.add_argument("--errors", action="store_true", help="list the pages whose date is wrong")
    args = parser.parse_args(argv)

    dates_root, extraction_root = EVAL / "html_dates", EVAL / "html_extraction"
    if not (dates_root.is_dir() or extraction_root.is_dir()):
        print("skipped: ../shared/eval not found")
        return 0
    results: dict = {}
    if (dates_root / "eval_mediacloud_2020.json").is_file():
        results["dates"] = eval_dates(dates_root, args.limit)
    if (extraction_root / "ground-truth.json").is_file():
        results["extraction"] = eval_extraction(extraction_root, args.limit)

    if args.json:
        if not args.errors and "dates" in results:
            results["dates"] = {k: v for k, v in results["dates"].items() if k != "errors"}
        print(json.dumps(results, indent=2))
        return 0
    if "dates" in results:
        d = results["dates"]
        print(f"publication date (exact day), html_dates: {d['correct']}/{d['pages']} = {d['accuracy']:.3f}"
              f"  (gold undated {d['gold_undated']}, of which reported undated {d['undated_correct']})"
              f"  {d['pages_per_s']:.1f} pages/s")
        if args.errors:
            for e in d["errors"]:
                print(f"  {e['file']}: gold {e['gold']} got {e['got']}  {e['url'][:80]}")
    else:
        print("skipped dates: ../shared/eval/html_dates not found")
    if "extraction" in results:
        x = results["extraction"]
        print(f"main text token F1, html_extraction: macro {x['token_f1_macro']:.4f}  micro {x['token_f1_micro']:.4f}"
              f" (P {x['micro_precision']:.3f} R {x['micro_recall']:.3f})  rejected {x['rejected']}/{x['pages']}"
              f"  {x['pages_per_s']:.1f} pages/s")
    else:
        print("skipped extraction: ../shared/eval/html_extraction not found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
