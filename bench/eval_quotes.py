"""Score newslake.quotes on the PolNeAR dev articles with the shared scorer.

The gold (`../shared/eval/quotes/polnear_dev.jsonl`) and its scorer (`quote_score.py`)
stay in the shared folder: the scorer is imported from there at run time and never
copied into the project. Without them the script prints "skipped: ..." and exits 0.

Printed: the scorer's table for the direct subset and for all attributions, for
newslake and for a baseline computed in the same run (every double-quoted region a
quote, the PERSON nearest to it in its sentence the speaker), then the quote rules'
speed beside the NER's on the same texts.

usage: python bench/eval_quotes.py [--out SYS.jsonl] [--model NAME]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
QUOTES = REPO / ".." / "shared" / "eval" / "quotes"


def _scorer():
    spec = importlib.util.spec_from_file_location("quote_score", QUOTES / "quote_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mentions(nlp, texts):
    from newslake.canonical.resolve import resolve_article
    from newslake.extract.entities import ENTITY_LABELS, iter_entities
    from newslake.quotes import Mention

    out = []
    started = time.perf_counter()
    spans = list(iter_entities(nlp, texts, labels=ENTITY_LABELS))
    ner_seconds = time.perf_counter() - started
    for text, found in zip(texts, spans):
        out.append([Mention(m.start, m.end, m.label, m.alias_id) for m in resolve_article([("text", text, found)])])
    return out, ner_seconds


def _baseline(scorer, text, mentions):
    persons = [m for m in mentions if m.label == "PERSON"]
    quotes = []
    for s, e in scorer.quoted_regions(text):
        lo = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s))
        hi = min(x for x in (text.find(". ", e), text.find("\n", e), len(text)) if x >= 0)
        near = [m for m in persons if lo <= m.start < hi and not (s <= m.start < e)]
        best = min(near, key=lambda m: min(abs(m.start - e), abs(m.end - s)), default=None)
        quotes.append({"content": [s, e], "speaker": [best.start, best.end] if best else None})
    return quotes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="also write newslake's system records here")
    ap.add_argument("--model", default=None, help="spaCy model (default: the project's)")
    args = ap.parse_args()
    gold_path = QUOTES / "polnear_dev.jsonl"
    if not gold_path.is_file() or not (QUOTES / "quote_score.py").is_file():
        print(f"skipped: {gold_path} or its quote_score.py is absent")
        return 0
    scorer = _scorer()
    from newslake.extract.entities import DEFAULT_MODEL, load_nlp
    from newslake.quotes import find_quotes
    from newslake.quotes.records import quote_record

    records = [json.loads(line) for line in gold_path.open(encoding="utf-8")]
    texts = [r["text"] for r in records]
    mentions, ner_seconds = _mentions(load_nlp(args.model or DEFAULT_MODEL), texts)
    started = time.perf_counter()
    ours = [[quote_record(q) for q in find_quotes(t, m)] for t, m in zip(texts, mentions)]
    rule_seconds = time.perf_counter() - started
    systems = {
        "newslake": ours,
        "baseline": [_baseline(scorer, t, m) for t, m in zip(texts, mentions)],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, outputs in systems.items():
            path = args.out if name == "newslake" and args.out else Path(tmp) / f"{name}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for r, quotes in zip(records, outputs):
                    f.write(json.dumps({"id": r["id"], "quotes": quotes}) + "\n")
            result = scorer.score(str(gold_path), str(path))
            for subset in ("direct", "all"):
                print(scorer.fmt(f"{name:9s} {subset:6s}", result[subset]))
    chars = sum(map(len, texts))
    print(
        f"speed: quote rules {chars / rule_seconds / 1e3:.0f} k chars/s, NER {chars / ner_seconds / 1e3:.0f} k chars/s "
        f"(rules add {100 * rule_seconds / ner_seconds:.1f}% to the NER time)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
