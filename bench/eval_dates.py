"""Score newslake.dates.tag_dates against MEANTIME (dev) and TempEval-3 TimeBank/AQUAINT.

Metrics follow TempEval-3: strict = exact span, relaxed = any overlap (one-to-one),
value/type F1 = attribute accuracy on relaxed matches x relaxed F1. Data is read from
<repo>/../shared/eval and never copied into the repository; without it the script prints
"skipped: ..." and exits 0.

Held-out split (deterministic): within each corpus the documents are sorted by id
(MEANTIME `doc_id` as a string, TimeML file name) and every 5th one (sorted positions
4, 9, 14, ...) is HELD OUT. Rules are tuned on the other four fifths (the "dev" part)
only; `--errors` therefore lists errors of the dev part and never of the held-out part.

Each corpus is printed for both parts (and for all of it, the figure earlier versions
printed), for the tagger and for a naive baseline,
dateparser.search.search_dates with RELATIVE_BASE = the DCT (every hit typed DATE, value
= the ISO day it returns). The tagger's speed is measured on the MEANTIME texts in this
single process (articles/s on one core).

MEANTIME: only the exhaustively annotated zone counts (spans ending at or before
exhaustive_zone.end_char). Its date line is the DCT and is a *textual* gold TIMEX
(functionInDocument=CREATION_TIME); the tagger sees the same text, so it is kept in both
gold and predictions. Non-textual gold TIMEXes are skipped. A record without an ISO `dct`
(nor an ISO CREATION_TIME value) takes its DCT from that date line.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO / ".." / "shared"
EVAL = SHARED / "eval"

from newslake.dates import tag_dates  # noqa: E402

HOLDOUT_EVERY = 5
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _parse_dct(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s[:10])
    except (ValueError, TypeError):
        return None


def _parse_date_line(text: str) -> dt.date | None:
    """The second line of a MEANTIME text, e.g. "February 03, 2009"."""
    lines = text.split("\n")
    if len(lines) < 2:
        return None
    for fmt in ("%B %d, %Y", "%B %d %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(lines[1].strip(), fmt).date()
        except ValueError:
            continue
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
        if dct is None:  # ... or not in ISO form: the date line itself is the DCT
            dct = _parse_date_line(d["text"])
        docs.append({"id": str(d["doc_id"]), "text": d["text"], "dct": dct, "gold": gold,
                     "limit": limit})
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
    docs = []
    for p in sorted(root.glob("*.tml")):
        d = parse_tml(p.read_text(encoding="utf-8"))
        d["id"] = p.name
        docs.append(d)
    return docs


def split(docs: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev, held_out): sort by id, every HOLDOUT_EVERY-th document is held out."""
    ordered = sorted(docs, key=lambda d: d["id"])
    dev = [d for i, d in enumerate(ordered) if i % HOLDOUT_EVERY != HOLDOUT_EVERY - 1]
    held = [d for i, d in enumerate(ordered) if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1]
    return dev, held


# --- systems: (start, end, type, value) tuples per document ---------------------------

def tagger_predict(doc: dict) -> list[tuple]:
    return [(m.start, m.end, m.type, m.value) for m in tag_dates(doc["text"], doc["dct"])]


def _dateparser_search():
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    return search_dates


def dateparser_predict(doc: dict, search_dates) -> list[tuple]:
    """Naive baseline: dateparser's search, located in the text left to right."""
    settings = {"RETURN_AS_TIMEZONE_AWARE": False}
    if doc["dct"] is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(doc["dct"], dt.time())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(doc["text"], languages=["en"], settings=settings) or []
    out, pos, text = [], 0, doc["text"]
    for sub, when in found:
        i = text.find(sub, pos)
        if i < 0:
            i = text.find(sub)
            if i < 0:
                continue
        else:
            pos = i + len(sub)
        out.append((i, i + len(sub), "DATE", when.date().isoformat()))
    return out


# --- scoring -------------------------------------------------------------------------

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


def score(docs: list[dict], predict=tagger_predict, errors: list | None = None) -> dict:
    n_gold = n_pred = strict_tp = relaxed_tp = val_ok = type_ok = 0
    for d in docs:
        pred = [p for p in predict(d) if d["limit"] is None or p[1] <= d["limit"]]
        gold = d["gold"]
        n_gold += len(gold)
        n_pred += len(pred)
        strict = _match(gold, pred, True)
        strict_tp += len(strict)
        relaxed = _match(gold, pred, False)
        relaxed_tp += len(relaxed)
        for gi, pi in relaxed:
            val_ok += gold[gi][3] == pred[pi][3]
            type_ok += gold[gi][2] == pred[pi][2]
        if errors is not None:
            _collect_errors(d, gold, pred, strict, relaxed, errors)
    sp, sr, sf = _prf(strict_tp, n_pred, n_gold)
    rp, rr, rf = _prf(relaxed_tp, n_pred, n_gold)
    vacc = val_ok / relaxed_tp if relaxed_tp else 0.0
    tacc = type_ok / relaxed_tp if relaxed_tp else 0.0
    return {
        "docs": len(docs), "gold": n_gold, "pred": n_pred,
        "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
        "value_f1": vacc * rf, "type_f1": tacc * rf,
    }


def _collect_errors(d, gold, pred, strict, relaxed, errors):
    text = d["text"]
    sg = {gi for gi, _ in strict}

    def ctx(s, e):
        return text[max(0, s - 50):s].replace("\n", " ") + "[[" + text[s:e] + "]]" + \
            text[e:e + 30].replace("\n", " ")

    for gi, pi in relaxed:
        g, p = gold[gi], pred[pi]
        kinds = []
        if gi not in sg:
            kinds.append("SPAN")
        if g[2] != p[2]:
            kinds.append("TYPE")
        if g[3] != p[3]:
            kinds.append("VALUE")
        if kinds:
            errors.append(("/".join(kinds), d["id"], d["dct"], text[g[0]:g[1]], g[2], g[3],
                           text[p[0]:p[1]], p[2], p[3], ctx(g[0], g[1])))
    mg = {gi for gi, _ in relaxed}
    mp = {pi for _, pi in relaxed}
    errors += [("FN", d["id"], d["dct"], text[g[0]:g[1]], g[2], g[3], "", "", "", ctx(g[0], g[1]))
               for i, g in enumerate(gold) if i not in mg]
    errors += [("FP", d["id"], d["dct"], "", "", "", text[p[0]:p[1]], p[2], p[3], ctx(p[0], p[1]))
               for i, p in enumerate(pred) if i not in mp]


def speed(docs: list[dict], seconds: float = 2.0) -> dict:
    """Articles/s of tag_dates on these texts in this process (one core), best of repeats."""
    texts = [(d["text"], d["dct"]) for d in docs]
    for t, c in texts[:5]:  # warm up
        tag_dates(t, c)
    best, total, reps = float("inf"), 0.0, 0
    while total < seconds or reps < 3:
        t0 = time.perf_counter()
        for t, c in texts:
            tag_dates(t, c)
        el = time.perf_counter() - t0
        best, total, reps = min(best, el), total + el, reps + 1
    chars = sum(len(t) for t, _ in texts)
    return {"articles": len(texts), "repeats": reps, "articles_per_s": len(texts) / best,
            "mb_per_s": chars / 1e6 / best}


def load_corpora(names: list[str]) -> dict[str, list[dict]]:
    corpora = {}
    mt = EVAL / "meantime_dev.jsonl"
    if "meantime" in names and mt.is_file():
        corpora["meantime"] = load_meantime(mt)
    for name in ("TimeBank", "AQUAINT"):
        root = EVAL / "timebank" / name
        if name.lower() in names and root.is_dir():
            corpora[name.lower()] = load_timebank(root)
    return corpora


CORPORA = ("meantime", "timebank", "aquaint")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--errors", metavar="CORPUS", choices=list(CORPORA),
                    help="also list span/type/value/FN/FP errors of the DEV part of one corpus "
                         f"({', '.join(CORPORA)}); the held-out part is never listed")
    ap.add_argument("--corpus", action="append", choices=list(CORPORA),
                    help="score only this corpus (repeatable; default: all present)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the dateparser baseline (it takes a few seconds)")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    args = ap.parse_args(argv)

    if not EVAL.is_dir():
        print(f"skipped: evaluation data not found at {EVAL.resolve()} "
              "(see ../shared/eval/README.md)")
        return 0
    corpora = load_corpora(args.corpus or list(CORPORA))
    if not corpora:
        print(f"skipped: no MEANTIME or TimeBank/AQUAINT data under {EVAL.resolve()}")
        return 0

    search_dates = None if args.no_baseline else _dateparser_search()
    systems = [("tagger", tagger_predict)]
    if search_dates is not None:
        systems.append(("dateparser", lambda d: dateparser_predict(d, search_dates)))
    results, errors = {}, []
    for name, docs in corpora.items():
        dev, held = split(docs)
        for sysname, predict in systems:
            for part, pdocs in (("dev", dev), ("held-out", held), ("all", dev + held)):
                errs = errors if (args.errors == name and sysname == "tagger"
                                  and part == "dev") else None
                results[(name, part, sysname)] = score(pdocs, predict, errs)
    spd = None
    if not args.no_speed and "meantime" in corpora:
        spd = speed(corpora["meantime"])

    if args.json:
        out = {f"{c}/{p}/{s}": {k: round(v, 4) if isinstance(v, float) else v
                                for k, v in r.items()} for (c, p, s), r in results.items()}
        if spd:
            out["speed_meantime"] = {k: round(v, 1) if isinstance(v, float) else v
                                     for k, v in spd.items()}
        print(json.dumps(out, indent=2))
    else:
        hdr = (f"{'corpus':<10}{'part':<9}{'system':<11}{'docs':>5}{'gold':>6}{'pred':>6} |"
               f" {'strict P':>8}{'R':>7}{'F1':>7} | {'relax P':>8}{'R':>7}{'F1':>7} |"
               f" {'value F1':>8}{'type F1':>8}")
        print(hdr)
        print("-" * len(hdr))
        prev = None
        for (name, part, sysname), r in sorted(results.items(), key=lambda kv: (
                list(corpora).index(kv[0][0]), kv[0][2] != "tagger",
                ("dev", "held-out", "all").index(kv[0][1]))):
            if prev is not None and prev != name:
                print()
            prev = name
            print(f"{name:<10}{part:<9}{sysname:<11}{r['docs']:>5}{r['gold']:>6}{r['pred']:>6} |"
                  f" {r['strict_p']:>8.3f}{r['strict_r']:>7.3f}{r['strict_f1']:>7.3f} |"
                  f" {r['relaxed_p']:>8.3f}{r['relaxed_r']:>7.3f}{r['relaxed_f1']:>7.3f} |"
                  f" {r['value_f1']:>8.3f}{r['type_f1']:>8.3f}")
        if search_dates is None and not args.no_baseline:
            print("(dateparser baseline skipped: dateparser is not installed)")
        if spd:
            print(f"\nspeed (MEANTIME texts, one process): {spd['articles_per_s']:.0f} articles/s"
                  f" per core, {spd['mb_per_s']:.2f} MB/s (best of {spd['repeats']} passes"
                  f" over {spd['articles']} articles)")
    for e in errors:
        print("\t".join(str(x) for x in e))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
