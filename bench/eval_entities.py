"""Score newslake's named entities: recognition, canonicalization, and a BBC audit.

1. Recognition on CoNLL-2003 dev and MEANTIME (English). newslake runs through
   `newslake.extract.tagging.tag_records`, the same path as `newslake tag --jsonl`
   (spaCy, then each text resolved as one article by `newslake.canonical`); raw
   spaCy (the same model, its spans as they come) is measured in the same run.
   The temporal tagger is off: the speed figures are entity speed.
2. Canonicalization on `tests/data/canonical/` (the seed and 30 Wikinews
   articles, hand-labeled: see its README): the articles go through the
   pipeline's own extraction and `sql/` models, and each mention found with the
   gold span is scored by B-cubed precision and recall of its entity cluster
   across all articles. Raw spaCy's clusters (label + text) are the baseline.
3. BBC politics (394 articles from ../shared/corpora/bbc/politics): the 60
   entities named in the most articles, each flagged when it is titled
   ("Mr Blair"), a duplicate (a bare surname of a person in the table, a name
   or known variant another row already has), a fragment (the tail or head of
   another row's name) or mislabeled (the alias resource says otherwise, or a
   one-word name the corpus mostly writes in lower case). The rows are printed
   so a reader can check the flags.

Scoring: exact span and type; P/R/F1 per type and micro-F1 over PER/ORG/LOC.
spaCy labels map to PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC; NORP->LOC for
MEANTIME only (it types nationality adjectives, PRE.NAM, as LOC); NORP, EVENT,
PRODUCT, WORK_OF_ART, LAW, LANGUAGE->MISC for CoNLL. Unmapped predictions are
ignored. A second figure trims a leading "the " from gold and predicted spans
alike: CoNLL's gold never has one, MEANTIME's keeps it ("the United States"), and
OntoNotes-trained spaCy puts it in some spans; a newslake mention keeps it where the
model did (its name never has one). This figure compares the systems on the names
alone.

Data (never copied into the repository) is read from ../shared; when it is
absent the script prints "skipped: ... not found" and exits 0.

    .venv/bin/python bench/eval_entities.py [--limit N] [--json] [--dataset conll|meantime|canonical|bbc]
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
BBC_POLITICS = SHARED / "corpora" / "bbc" / "politics"
CANONICAL_GOLD = ROOT / "tests" / "data" / "canonical" / "articles.jsonl"

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


def _score_docs(docs: list[GoldDoc], predictions: list[list[dict]], label_map: dict[str, str]) -> tuple[Score, Score]:
    """Exact span and type; and the same with a leading "the " trimmed from gold and
    predicted spans alike (the determiner-free convention: CoNLL's, and that of newslake's names)."""
    strict, trimmed = Score(), Score()
    for doc, entities in zip(docs, predictions):
        pred, pred_trim = set(), set()
        for e in entities:
            etype = label_map.get(e["label"])
            if etype is None or (doc.zone_end is not None and e["end"] > doc.zone_end):
                continue
            pred.add((e["start"], e["end"], etype))
            pred_trim.add((_trim_the(doc.text, e["start"], e["end"]), e["end"], etype))
        strict.add(doc.gold, pred)
        trimmed.add({(_trim_the(doc.text, s, e), e, t) for s, e, t in doc.gold}, pred_trim)
    return strict, trimmed


def _raw_spacy(nlp, docs: list[GoldDoc], batch_size: int, n_process: int) -> list[list[dict]]:
    from newslake.extract.entities import ENTITY_LABELS, iter_entities

    spans = iter_entities(nlp, (d.text for d in docs), batch_size=batch_size, n_process=n_process, labels=ENTITY_LABELS)
    return [[{"start": s.start, "end": s.end, "label": s.label} for s in found] for found in spans]


def evaluate(nlp, docs: list[GoldDoc], label_map: dict[str, str], types: tuple[str, ...],
             batch_size: int, n_process: int) -> dict:
    from newslake.extract.tagging import tag_records

    t0 = time.perf_counter()
    raw = _raw_spacy(nlp, docs, batch_size, n_process)
    raw_seconds = time.perf_counter() - t0
    records = ({"id": i, "text": d.text, "dct": d.dct} for i, d in enumerate(docs))
    t0 = time.perf_counter()
    results = list(tag_records(nlp, records, batch_size=batch_size, n_process=n_process, dates=False))
    seconds = time.perf_counter() - t0
    assert [r["id"] for r in results] == list(range(len(docs))), "tag_records lost input order"

    strict, trimmed = _score_docs(docs, [r["entities"] for r in results], label_map)
    raw_strict, raw_trimmed = _score_docs(docs, raw, label_map)
    words = sum(len(d.text.split()) for d in docs)
    return {
        "docs": len(docs),
        "words": words,
        "gold_mentions": sum(len(d.gold) for d in docs),
        "seconds": round(seconds, 3),
        "raw_seconds": round(raw_seconds, 3),
        "docs_per_s": round(len(docs) / seconds, 1) if seconds else None,
        "words_per_s": round(words / seconds) if seconds else None,
        "per_type": strict.per_type(types),
        "micro_PER_ORG_LOC": strict.micro(MICRO_TYPES),
        "micro_PER_ORG_LOC_the_trimmed": trimmed.micro(MICRO_TYPES),
        "raw_spacy": {
            "per_type": raw_strict.per_type(types),
            "micro_PER_ORG_LOC": raw_strict.micro(MICRO_TYPES),
            "micro_PER_ORG_LOC_the_trimmed": raw_trimmed.micro(MICRO_TYPES),
        },
    }


# ---------------------------------------------------------------- report


def print_report(name: str, res: dict) -> None:
    print(f"\n== {name}: {res['docs']} docs, {res['words']} words, {res['gold_mentions']} gold mentions")
    print(f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'raw F1':>7}")
    for t, s in res["per_type"].items():
        raw = res["raw_spacy"]["per_type"][t]["f1"]
        print(f"{t:<6} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['gold']:6d} {s['pred']:6d} {raw:7.3f}")
    m, r = res["micro_PER_ORG_LOC"], res["raw_spacy"]["micro_PER_ORG_LOC"]
    print(f"micro F1 PER/ORG/LOC (exact span+type): newslake {m['f1']:.3f} (P {m['precision']:.3f}, R {m['recall']:.3f}); "
          f"raw spaCy {r['f1']:.3f} (P {r['precision']:.3f}, R {r['recall']:.3f}); "
          f"gain {100 * (m['f1'] - r['f1']):+.1f} points")
    m, r = res["micro_PER_ORG_LOC_the_trimmed"], res["raw_spacy"]["micro_PER_ORG_LOC_the_trimmed"]
    print(f"  determiner-free (a leading 'the ' trimmed from gold and predicted spans): "
          f"newslake {m['f1']:.3f}, raw spaCy {r['f1']:.3f}, gain {100 * (m['f1'] - r['f1']):+.1f} points")
    print(f"speed: {res['docs_per_s']} docs/s, {res['words_per_s']} words/s ({res['seconds']} s; "
          f"raw spaCy {res['raw_seconds']} s, ratio {res['raw_seconds'] / res['seconds']:.3f})")


# ---------------------------------------------------------------- canonicalization


def _extract_lake(nlp, rows: list[dict]):
    """Extraction and the entity models over in-memory articles: the pipeline's own path."""
    from newslake import schema
    from newslake.extract.mentions import extract_mentions
    from newslake.derived.build import run_models

    articles = schema.to_table(rows, schema.ARTICLES)
    found = extract_mentions(nlp, articles)
    built = run_models({"articles": articles, "entity_mentions": found.entities}, ROOT / "sql")
    return found.entities, built


def b_cubed(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering `pred` against `gold` (same items)."""
    from collections import defaultdict

    by_gold, by_pred, both = defaultdict(int), defaultdict(int), defaultdict(int)
    for g, p in zip(gold, pred):
        by_gold[g] += 1
        by_pred[p] += 1
        both[g, p] += 1
    if not gold:
        return 0.0, 0.0
    precision = sum(both[g, p] / by_pred[p] for g, p in zip(gold, pred)) / len(gold)
    recall = sum(both[g, p] / by_gold[g] for g, p in zip(gold, pred)) / len(gold)
    return precision, recall


def evaluate_canonical(nlp, path: Path) -> dict:
    from newslake.extract.entities import ENTITY_LABELS, extract_entities

    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [
        {"article_id": f"{i:016x}", "title": d["title"], "body": d["body"], "language": "en",
         "published_at": datetime.datetime.fromisoformat(d["published"]).replace(tzinfo=datetime.timezone.utc)
         if d.get("published") else None}
        for i, d in enumerate(docs)
    ]
    mentions, built = _extract_lake(nlp, rows)
    alias_entity = dict(zip(built["entity_aliases"].column("alias_id").to_pylist(),
                            built["entity_aliases"].column("entity_id").to_pylist()))
    ours = {(m["article_id"], m["field"], m["start"], m["end"]): alias_entity[m["alias_id"]]
            for m in mentions.to_pylist()}
    # raw spaCy: an entity is its label and exact text
    raw = {}
    texts = [(i, part, d[part]) for i, d in enumerate(docs) for part in ("title", "body") if d[part]]
    for (i, part, _), spans in zip(texts, extract_entities(nlp, [t for _, _, t in texts], labels=ENTITY_LABELS)):
        for s in spans:
            raw[(f"{i:016x}", part, s.start, s.end)] = f"{s.label}\t{s.text}"

    out = {"articles": len(docs), "gold_mentions": sum(len(d["mentions"]) for d in docs)}
    for name, pred in (("newslake", ours), ("raw_spacy", raw)):
        gold_keys, pred_keys = [], []
        for i, d in enumerate(docs):
            for m in d["mentions"]:
                key = (f"{i:016x}", m["field"], m["start"], m["end"])
                if key in pred:
                    gold_keys.append(m["entity"])
                    pred_keys.append(pred[key])
        p, r = b_cubed(gold_keys, pred_keys)
        out[name] = {"matched_mentions": len(gold_keys), "precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    return out


def print_canonical(res: dict) -> None:
    print(f"\n== canonicalization: {res['articles']} articles, {res['gold_mentions']} gold mentions "
          "(B-cubed over mentions found with the gold span)")
    for name in ("newslake", "raw_spacy"):
        r = res[name]
        print(f"{name:<10} precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
              f"({r['matched_mentions']} mentions matched)")


# ---------------------------------------------------------------- BBC audit


def evaluate_bbc(nlp, folder: Path, top: int = 60) -> dict:
    import re as _re

    from newslake.canonical import aliases
    from newslake.canonical.names import TITLE_RE, fold, surname
    from newslake.readers import RawArticle, read_document

    rows, corpus, seen = [], [], set()
    for n, path in enumerate(sorted(folder.glob("*.txt"))):
        for raw in read_document(path.name, path.read_bytes()):
            if isinstance(raw, RawArticle) and (raw.title, raw.body) not in seen:  # exact copies once
                seen.add((raw.title, raw.body))
                rows.append({"article_id": f"{n:016x}", "title": raw.title, "body": raw.body, "language": "en",
                             "captions": raw.captions})
                corpus.append(f"{raw.title or ''}\n{raw.body}")
    _, built = _extract_lake(nlp, rows)
    entities = sorted(built["entities"].to_pylist(), key=lambda e: (-e["article_count"], -e["mention_count"], e["name"]))
    surnames = {surname(e["name"]) for e in entities if e["label"] == "PERSON" and surname(e["name"])}
    text = "\n".join(corpus)
    names = {fold(a) for e in entities for a in [e["name"], *(e["aliases"] or [])]}
    chosen = entities[:top]
    flagged = []
    for e in chosen:
        name, label, flags = e["name"], e["label"], []
        others = [o for o in chosen if o is not e]
        if TITLE_RE.match(name) or _re.match(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s", name):
            flags.append("titled")
        if label == "PERSON" and " " not in name and fold(name) in surnames:
            flags.append("duplicate: bare surname")
        if any(fold(o["name"]) == fold(name) for o in others):
            flags.append("duplicate: same name")
        known = aliases.known(name)
        if known and any(aliases.known(o["name"]) == known for o in others):
            flags.append("duplicate: known variant")
        if label != "PERSON" and _mostly_inside_longer(name, text, names):
            flags.append("fragment")
        if known and known.label != label:
            flags.append(f"mislabeled: {known.label}")
        elif " " not in name:
            lower = len(_re.findall(rf"(?<![\w-]){_re.escape(name.lower())}(?![\w-])", text))
            upper = len(_re.findall(rf"(?<=[a-z,;] ){_re.escape(name)}(?![\w-])", text))
            if lower > upper:
                flags.append("mislabeled: a common word")
        flagged.append({**{k: e[k] for k in ("name", "label", "article_count", "mention_count")}, "flags": flags})
    return {"articles": len(rows), "entities": len(entities), "top": flagged,
            "flagged_rows": sum(1 for f in flagged if f["flags"])}


def _mostly_inside_longer(name: str, text: str, names: set[str]) -> bool:
    """Is a name written, most of the times the corpus writes it, as the head or tail of a
    longer name the lake knows ("Democrats" of "Liberal Democrats")?"""
    import re as _re

    from newslake.canonical import aliases
    from newslake.canonical.names import fold

    total = inside = 0
    for m in _re.finditer(rf"(?<![\w-]){_re.escape(name)}(?![\w-])", text):
        total += 1
        before = _re.search(r"([A-Z][\w'-]*) $", text[max(0, m.start() - 40) : m.start()])
        after = _re.match(r" ([A-Z][\w'-]*)", text[m.end() : m.end() + 40])
        longer = [f"{before.group(1)} {name}"] if before else []
        longer += [f"{name} {after.group(1)}"] if after else []
        if any(fold(x) in names or aliases.known(x) for x in longer):
            inside += 1
    return total > 0 and inside / total > 0.5


def print_bbc(res: dict) -> None:
    print(f"\n== BBC politics: {res['articles']} articles, {res['entities']} entities; "
          f"the {len(res['top'])} named in the most articles:")
    for i, e in enumerate(res["top"], 1):
        print(f"{i:3d}. {e['name']:<32} {e['label']:<8} {e['article_count']:4d} articles  {'; '.join(e['flags'])}")
    print(f"duplicated, mislabeled, titled or fragment rows: {res['flagged_rows']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score newslake entity extraction (via newslake.extract.tagging.tag_records) "
        "on CoNLL-2003 dev and MEANTIME English from ../shared/eval."
    )
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="first N documents of each dataset")
    ap.add_argument("--dataset", choices=("conll", "meantime", "canonical", "bbc", "all"), default="all")
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: the spacy_model setting)")
    ap.add_argument("--batch-size", type=int, default=64, help="texts per nlp.pipe batch")
    ap.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be >= 1")

    if not EVAL_DIR.is_dir():
        print("skipped: ../shared/eval not found")
        return 0

    from newslake.extract.entities import DEFAULT_MODEL, load_nlp

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
    extra = [
        ("canonical", CANONICAL_GOLD, lambda: evaluate_canonical(nlp, CANONICAL_GOLD), print_canonical),
        ("bbc_politics", BBC_POLITICS, lambda: evaluate_bbc(nlp, BBC_POLITICS), print_bbc),
    ]
    for name, path, run, report in extra:
        if args.dataset != "all" and not name.startswith(args.dataset):
            continue
        if not path.exists():
            out["datasets"][name] = {"skipped": f"{path.name} not found"}
            if not args.json:
                print(f"\n== {name}: skipped: {path.name} not found")
            continue
        out["datasets"][name] = run()
        if not args.json:
            report(out["datasets"][name])
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
