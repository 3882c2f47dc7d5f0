"""Score newslake.dates.tag_dates against MEANTIME (dev) and TempEval-3 TimeBank/AQUAINT.

Metrics follow TempEval-3: strict = exact span, relaxed = any overlap (one-to-one),
value/type F1 = attribute accuracy on relaxed matches x relaxed F1. Data is read from
<repo>/../shared/eval and never copied into the repository.

MEANTIME: only the exhaustively annotated zone counts (spans ending at or before
exhaustive_zone.end_char). Its date line is the DCT and is a *textual* gold TIMEX
(functionInDocument=CREATION_TIME); the tagger sees the same text, so it is kept in both
gold and predictions. Non-textual gold TIMEXes are skipped.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO / ".." / "shared"
EVAL = SHARED / "eval"

from newslake.dates import tag_dates  # noqa: E402

_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _parse_dct(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s[:10])
    except (ValueError, TypeError):
        return None


def load_meantime(path: Path) -> list[dict]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        limit = d["exhaustive_zone"]["end_char"]
        gold = [(t["start"], t["end"], t["type"], t["value"]) for t in d["timexes"]
                if not t.get("non_textual") and t["start"] is not None and t["end"] <= limit]
        dct = _parse_dct(d.get("dct") or "")
        if dct is None:  # some records lack `dct`; the date line's CREATION_TIME timex carries it
            dct = next((_parse_dct(t["value"]) for t in d["timexes"]
                        if t.get("functionInDocument") == "CREATION_TIME"), None)
        docs.append({"text": d["text"], "dct": dct, "gold": gold, "limit": limit})
    return docs


def parse_tml(raw: str) -> dict:
    """Plain text of <TEXT> with gold TIMEX3 offsets into it; DCT from the CREATION_TIME TIMEX3."""
    dct = None
    m = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    if m:
        dct = _parse_dct(dict(_ATTR.findall(m.group(1))).get("value", ""))
    body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
    out, gold, open_t, pos, length = [], [], None, 0, 0
    for tm in _TAG.finditer(body):
        chunk = html.unescape(body[pos:tm.start()])
        out.append(chunk)
        length += len(chunk)
        pos = tm.end()
        if tm.group(2) != "TIMEX3":
            continue
        if tm.group(1):
            if open_t is not None:
                gold.append((open_t[0], length, open_t[1].get("type"), open_t[1].get("value")))
            open_t = None
        else:
            open_t = (length, dict(_ATTR.findall(tm.group(3))))
    out.append(html.unescape(body[pos:]))
    return {"text": "".join(out), "dct": dct, "gold": gold, "limit": None}


def load_timebank(root: Path) -> list[dict]:
    return [parse_tml(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.tml"))]


def _match(gold, pred, strict: bool):
    """Greedy one-to-one alignment; relaxed pairs prefer the largest overlap."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if strict:
                if g[0] == p[0] and g[1] == p[1]:
                    pairs.append((0, gi, pi))
            else:
                ov = min(g[1], p[1]) - max(g[0], p[0])
                if ov > 0:
                    pairs.append((-ov, gi, pi))
    pairs.sort()
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _prf(tp: float, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(docs: list[dict], errors: list | None = None) -> dict:
    n_gold = n_pred = strict_tp = relaxed_tp = val_ok = type_ok = 0
    t0 = time.perf_counter()
    preds_all = [tag_dates(d["text"], d["dct"]) for d in docs]
    elapsed = time.perf_counter() - t0
    chars = sum(len(d["text"]) for d in docs)
    for d, mentions in zip(docs, preds_all):
        pred = [(m.start, m.end, m.type, m.value) for m in mentions
                if d["limit"] is None or m.end <= d["limit"]]
        gold = d["gold"]
        n_gold += len(gold)
        n_pred += len(pred)
        strict_tp += len(_match(gold, pred, True))
        relaxed = _match(gold, pred, False)
        relaxed_tp += len(relaxed)
        for gi, pi in relaxed:
            val_ok += gold[gi][3] == pred[pi][3]
            type_ok += gold[gi][2] == pred[pi][2]
            if errors is not None and gold[gi][3] != pred[pi][3]:
                errors.append(("VALUE", d["dct"], d["text"][gold[gi][0]:gold[gi][1]], gold[gi][3],
                               d["text"][pred[pi][0]:pred[pi][1]], pred[pi][3]))
        if errors is not None:
            mg = {gi for gi, _ in relaxed}
            mp = {pi for _, pi in relaxed}
            errors += [("FN", d["dct"], d["text"][g[0]:g[1]], g[3], "", "")
                       for i, g in enumerate(gold) if i not in mg]
            errors += [("FP", d["dct"], "", "", d["text"][p[0]:p[1]], p[3])
                       for i, p in enumerate(pred) if i not in mp]
    sp, sr, sf = _prf(strict_tp, n_pred, n_gold)
    rp, rr, rf = _prf(relaxed_tp, n_pred, n_gold)
    vacc = val_ok / relaxed_tp if relaxed_tp else 0.0
    tacc = type_ok / relaxed_tp if relaxed_tp else 0.0
    return {
        "docs": len(docs), "gold": n_gold, "pred": n_pred,
        "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
        "value_f1": vacc * rf, "type_f1": tacc * rf,
        "seconds": elapsed, "docs_per_s": len(docs) / elapsed if elapsed else 0.0,
        "mb_per_s": chars / 1e6 / elapsed if elapsed else 0.0,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--errors", metavar="CORPUS", choices=["meantime", "timebank", "aquaint"],
                    help="also list FN/FP/value errors for one corpus (for rule development)")
    args = ap.parse_args(argv)

    if not EVAL.is_dir():
        print("skipped: ../shared/eval not found")
        return 0
    corpora = {}
    mt = EVAL / "meantime_dev.jsonl"
    if mt.is_file():
        corpora["meantime"] = load_meantime(mt)
    for name in ("TimeBank", "AQUAINT"):
        root = EVAL / "timebank" / name
        if root.is_dir():
            corpora[name.lower()] = load_timebank(root)
    if not corpora:
        print("skipped: ../shared/eval not found")
        return 0

    results, errors = {}, []
    for name, docs in corpora.items():
        results[name] = score(docs, errors if args.errors == name else None)

    if args.json:
        print(json.dumps({k: {m: round(v, 4) if isinstance(v, float) else v for m, v in r.items()}
                          for k, r in results.items()}, indent=2))
    else:
        hdr = (f"{'corpus':<10}{'docs':>6}{'gold':>6}{'pred':>6} | {'strict P':>8}{'R':>7}{'F1':>7}"
               f" | {'relax P':>8}{'R':>7}{'F1':>7} | {'value F1':>8}{'type F1':>8} | {'docs/s':>8}{'MB/s':>7}")
        print(hdr)
        print("-" * len(hdr))
        for name, r in results.items():
            print(f"{name:<10}{r['docs']:>6}{r['gold']:>6}{r['pred']:>6} | {r['strict_p']:>8.3f}"
                  f"{r['strict_r']:>7.3f}{r['strict_f1']:>7.3f} | {r['relaxed_p']:>8.3f}"
                  f"{r['relaxed_r']:>7.3f}{r['relaxed_f1']:>7.3f} | {r['value_f1']:>8.3f}"
                  f"{r['type_f1']:>8.3f} | {r['docs_per_s']:>8.0f}{r['mb_per_s']:>7.2f}")
    for e in errors:
        print("\t".join(str(x) for x in e))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
