"""Score newslake's named entities against CoNLL-2003 dev and MEANTIME (English).

The NER runs through `newslake.tagging.tag_records`, the same path as
`newslake tag --jsonl` (the temporal tagger is switched off: this measures
entities only, and the speed figures are NER speed).

Scoring: exact span and type; P/R/F1 per type and micro-F1 over PER/ORG/LOC.
spaCy labels map to PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC; NORP->LOC for
MEANTIME only (it types nationality adjectives, PRE.NAM, as LOC); NORP, EVENT,
PRODUCT, WORK_OF_ART, LAW, LANGUAGE->MISC for CoNLL. Unmapped predictions are
ignored. A secondary figure trims a leading "the " from predicted spans
(CoNLL/MEANTIME spans exclude the article, OntoNotes-trained spaCy includes it).

Data (never copied into the repository) is read from ../shared/eval; when it
is absent the script prints "skipped: ../shared/eval not found" and exits 0.

    .venv/bin/python bench/eval_entities.py [--limit N] [--json] [--dataset conll|meantime]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

SHARED = ROOT / ".." / "shared"
EVAL_DIR = SHARED / "eval"
CONLL = EVAL_DIR / "conll2003_dev.txt"
MEANTIME = EVAL_DIR / "meantime_dev.jsonl"

MICRO_TYPES = ("PER", "ORG", "LOC")

BASE_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
CONLL_MAP = {
    **BASE_MAP,
    **{label: "MISC" for label in ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE")},
}
MEANTIME_MAP = {**BASE_MAP, "NORP": "LOC"}


@dataclass
class GoldDoc:
    id: str
    text: str
    dct: str | None
    gold: set[tuple[int, int, str]]
    zone_end: int | None = None  # score only spans ending at or before this offset


# ---------------------------------------------------------------- loaders


def load_conll(path: Path, limit: int | None) -> list[GoldDoc]:
    """eng.testa: documents split at -DOCSTART-, tokens joined by " ", sentences by "\\n"."""
    docs: list[GoldDoc] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_sentence() -> None:
        nonlocal current
        if current:
            sentences.append(current)
            current = []

    def flush_doc() -> None:
        nonlocal sentences
        flush_sentence()
        if sentences:
            docs.append(_conll_doc(f"conll-{len(docs)}", sentences))
            sentences = []

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                flush_sentence()
            elif parts[0] == "-DOCSTART-":
                flush_doc()
                if limit is not None and len(docs) >= limit:
                    return docs
            else:
                current.append((parts[0], parts[-1]))
    flush_doc()
    return docs[:limit] if limit is not None else docs


def _conll_doc(doc_id: str, sentences: list[list[tuple[str, str]]]) -> GoldDoc:
    pieces: list[str] = []
    gold: set[tuple[int, int, str]] = set()
    pos = 0
    for si, sentence in enumerate(sentences):
        if si:
            pieces.append("\n")
            pos += 1
        open_span: tuple[int, int, str] | None = None  # (start, end, type)
        for ti, (token, tag) in enumerate(sentence):
            if ti:
                pieces.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            pieces.append(token)
            pos = end
            prefix, _, etype = tag.partition("-")
            continues = prefix == "I" and open_span is not None and open_span[2] == etype
            if open_span is not None and not continues:
                gold.add(open_span)
                open_span = None
            if prefix in ("B", "I") and not continues:
                open_span = (start, end, etype)  # I- without B- opens a span too
            elif continues:
                open_span = (open_span[0], end, etype)
        if open_span is not None:
            gold.add(open_span)
    return GoldDoc(doc_id, "".join(pieces), None, gold)


def load_meantime(path: Path, limit: int | None) -> list[GoldDoc]:
    docs: list[GoldDoc] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            zone_end = rec["exhaustive_zone"]["end_char"]
            gold = {
                (m["start"], m["end"], m["type"])
                for m in rec["entity_mentions"]
                if m.get("syntactic_type") in ("NAM", "PRE.NAM")
                and m.get("type") in MICRO_TYPES
                and m["end"] <= zone_end
            }
            docs.append(GoldDoc(str(rec["doc_id"]), rec["text"], _iso_date(rec.get("dct")), gold, zone_end))
            if limit is not None and len(docs) >= limit:
                break
    return docs


def _iso_date(value: str | None) -> str | None:
    """MEANTIME's dct is "YYYY-MM-DD", null, or (once, doc 120578) "DD-MM-YYYY"."""
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            pass
    return None


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def add(self, gold: set, pred: set) -> None:
        for _, _, t in gold & pred:
            self.tp[t] += 1
        for _, _, t in pred - gold:
            self.fp[t] += 1
        for _, _, t in gold - pred:
            self.fn[t] += 1

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> dict:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": tp, "fp": fp, "fn": fn, "gold": tp + fn, "pred": tp + fp}

    def per_type(self, types) -> dict:
        return {t: self.prf(self.tp[t], self.fp[t], self.fn[t]) for t in types}

    def micro(self, types) -> dict:
        return self.prf(*(sum(c[t] for t in types) for c in (self.tp, self.fp, self.fn)))


def _trim_the(text: str, start: int, end: int) -> int:
    span = text[start:end]
    if span[:4].lower() == "the " and end - start > 4:
        return start + 4
    return start


def evaluate(nlp, docs: list[GoldDoc], label_map: dict[str, str], types: tuple[str, ...],
             batch_size: int, n_process: int) -> dict:
    from newslake.tagging import tag_records

    strict, trimmed = Score(), Score()
    records = ({"id": i, "text": d.text, "dct": d.dct} for i, d in enumerate(docs))
    t0 = time.perf_counter()
    results = list(tag_records(nlp, records, batch_size=batch_size, n_process=n_process, dates=False))
    seconds = time.perf_counter() - t0

    assert [r["id"] for r in results] == list(range(len(docs))), "tag_records lost input order"
    for doc, res in zip(docs, results):
        pred, pred_trim = set(), set()
        for e in res["entities"]:
            etype = label_map.get(e["label"])
            if etype is None or (doc.zone_end is not None and e["end"] > doc.zone_end):
                continue
            pred.add((e["start"], e["end"], etype))
            pred_trim.add((_trim_the(doc.text, e["start"], e["end"]), e["end"], etype))
        strict.add(doc.gold, pred)
        trimmed.add(doc.gold, pred_trim)

    words = sum(len(d.text.split()) for d in docs)
    return {
        "docs": len(docs),
        "words": words,
        "gold_mentions": sum(len(d.gold) for d in docs),
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(docs) / seconds, 1) if seconds else None,
        "words_per_s": round(words / seconds) if seconds else None,
        "per_type": strict.per_type(types),
        "micro_PER_ORG_LOC": strict.micro(MICRO_TYPES),
        "micro_PER_ORG_LOC_the_trimmed": trimmed.micro(MICRO_TYPES),
    }


# ---------------------------------------------------------------- report


def print_report(name: str, res: dict) -> None:
    print(f"\n== {name}: {res['docs']} docs, {res['words']} words, {res['gold_mentions']} gold mentions")
    print(f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for t, s in res["per_type"].items():
        print(f"{t:<6} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['gold']:6d} {s['pred']:6d}")
    m = res["micro_PER_ORG_LOC"]
    print(f"micro F1 PER/ORG/LOC (exact span+type): {m['f1']:.3f}  (P {m['precision']:.3f}, R {m['recall']:.3f})")
    m = res["micro_PER_ORG_LOC_the_trimmed"]
    print(f"  same, leading 'the ' trimmed from predictions: {m['f1']:.3f}")
    print(f"speed: {res['docs_per_s']} docs/s, {res['words_per_s']} words/s ({res['seconds']} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score newslake entity extraction (via newslake.tagging.tag_records) "
        "on CoNLL-2003 dev and MEANTIME English from ../shared/eval."
    )
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="first N documents of each dataset")
    ap.add_argument("--dataset", choices=("conll", "meantime", "all"), default="all")
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: the spacy_model setting)")
    ap.add_argument("--batch-size", type=int, default=64, help="texts per nlp.pipe batch")
    ap.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be >= 1")

    if not EVAL_DIR.is_dir():
        print("skipped: ../shared/eval not found")
        return 0

    from newslake.entities import DEFAULT_MODEL, load_nlp

    t0 = time.perf_counter()
    model = args.model or DEFAULT_MODEL
    nlp = load_nlp(model)
    load_s = time.perf_counter() - t0

    plan = [
        ("conll2003_dev", CONLL, load_conll, CONLL_MAP, ("PER", "ORG", "LOC", "MISC")),
        ("meantime_dev", MEANTIME, load_meantime, MEANTIME_MAP, MICRO_TYPES),
    ]
    out: dict = {"model": model, "pipes": list(nlp.pipe_names), "load_seconds": round(load_s, 3),
                 "datasets": {}}
    if not args.json:
        print(f"model {model} (pipes: {', '.join(nlp.pipe_names)}), loaded in {load_s:.2f} s")
    for name, path, loader, label_map, types in plan:
        if args.dataset != "all" and not name.startswith(args.dataset):
            continue
        if not path.is_file():
            out["datasets"][name] = {"skipped": f"../shared/eval/{path.name} not found"}
            if not args.json:
                print(f"\n== {name}: skipped: ../shared/eval/{path.name} not found")
            continue
        docs = loader(path, args.limit)
        res = evaluate(nlp, docs, label_map, types, args.batch_size, args.n_process)
        out["datasets"][name] = res
        if not args.json:
            print_report(name, res)
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
