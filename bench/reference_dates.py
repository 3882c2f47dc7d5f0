"""How often each reference-date rule fires, how often it is right, and what it buys.

1. An undated corpus: the BBC News corpus (../shared/corpora/bbc, 2,225 articles with
   no publication date; never copied into the project), or its part given by --part
   (e.g. `tech`), read through newslake's own reader. Prints how often each rule chose
   the reference, then the date mentions (title and body tagged apart, as extraction
   does) resolved without a reference, with the old defaults (the `text` day rule on,
   `text_year` off) and with the new ones (`text` off, `text_year` on): resolved to a
   day (`resolved_date`), and resolved to any calendar value (a day, week, month,
   quarter or year with no X left).
2. Dated corpora with their dates hidden: Wikinews and Reuters-21578 (../shared/corpora;
   the first --n Reuters records with a unique body, or those after the first --skip of
   them: records 6,001 to 12,000, `--skip 6000 --n 12000`, were held out while the
   `text_year` cues were chosen). The publication date is hidden,
   and Wikinews's date line (the first line, a date alone) is removed too, as it is
   that date (and, as a check of the `dateline` rule, kept). For the old and the new
   defaults, and each rule: how many articles it dated (coverage), and of those how
   many got the true year, and the true month (among references of month or day
   precision); for `text_year`, each of its cues alone too (`year_cues`).
3. Cost, in the same run, on the undated corpus: spaCy's entities plus the date tagger
   as extraction runs them without a reference (the extraction time), against what the
   new defaults add: the reference rules as they now run against the old defaults, and
   tagging against the year references instead of none. Medians of --repeat timings, one process.

The file modification rule stays off (the corpus's files carry the time they were copied).
Skips a part with a message when its corpus is absent.

    .venv/bin/python bench/reference_dates.py [--part tech] [--n 2000] [--skip 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPORA = ROOT / ".." / "shared" / "corpora"
BBC = CORPORA / "bbc"
_CALENDAR = re.compile(r"\A\d{4}(?:-(?:\d\d|W\d\d|Q\d|H\d|SP|SU|FA|WI)(?:-\d\d)?)?(?:T|\Z)")


def bbc_articles(folder: Path) -> list[tuple[str, str]]:
    """(title, body) of every article in the folder, cleaned as the pipeline cleans them."""
    from newslake.ingest.normalize import clean_text
    from newslake.readers import RawArticle, read_document

    out = []
    for path in sorted(folder.rglob("*.txt")):
        for raw in read_document(path.name, path.read_bytes()):
            if isinstance(raw, RawArticle):
                out.append((clean_text(raw.title or ""), clean_text(raw.body)))
    return out


def without_date_line(body: str) -> str:
    """The body without a first line that is a date alone ("Friday, January 4, 2019")."""
    from newslake.dates import tag_dates

    head, sep, rest = body.partition("\n")
    left = head
    for m in sorted(tag_dates(head, None), key=lambda m: -m.start):
        left = left[: m.start] + left[m.end :]
    return rest.lstrip("\n") if sep and head.strip() and not re.sub(r"[\W_]", "", left) else body


def dated_corpora(n: int, skip: int = 0) -> dict[str, list[tuple[str, str, date]]]:
    """(title, body, true publication day) per dated corpus, dates hidden."""
    from newslake.ingest.normalize import clean_text

    out: dict[str, list[tuple[str, str, date]]] = {}
    wikinews = CORPORA / "wikinews.jsonl"
    if wikinews.is_file():
        rows = [json.loads(line) for line in wikinews.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r.get("published") and r.get("text")]
        out["wikinews"] = [
            (clean_text(r.get("title") or ""), without_date_line(clean_text(r["text"])), date.fromisoformat(r["published"][:10]))
            for r in rows
        ]
        out["wikinews, date line kept"] = [
            (clean_text(r.get("title") or ""), clean_text(r["text"]), date.fromisoformat(r["published"][:10])) for r in rows
        ]
    if (CORPORA / "reuters21578.jsonl").is_file():
        from bench.throughput import unique_records

        out["reuters" if not skip else f"reuters after {skip}"] = [
            (clean_text(r.get("title") or ""), clean_text(r["body"]), date.fromisoformat(r["date_iso"][:10]))
            for r in islice(unique_records(n), skip, None) if r.get("date_iso")
        ]
    return out


DEFAULTS = {"old defaults": {"use_text_day": True, "use_text_year": False},
            "new defaults": {"use_text_day": False, "use_text_year": True}}


def decide(title: str, body: str, config: str) -> tuple[date | None, str, str | None]:
    from newslake.ingest.reference_dates import reference_date, reference_precision

    day, rule = reference_date(None, title, body, **DEFAULTS[config])
    return day, rule, reference_precision(rule)


def cue_years(title: str, body: str) -> dict[str, int]:
    """What each `text_year` cue alone says, read as `reference_date` reads the article."""
    from newslake.dates import tag_dates
    from newslake.ingest.reference_dates import year_cues

    text = "\n\n".join(part for part in (title, body) if part)
    return year_cues(text, [m for m in tag_dates(text, None) if m.type == "DATE"], len(title) if title else 0)


def resolved(articles: list[tuple[str, str]], refs: list[tuple[date | None, str | None]]) -> tuple[int, int, int]:
    """(mentions, resolved to a day, resolved to a calendar value) over title and body apart."""
    from newslake.dates import tag_dates

    mentions = days = values = 0
    for (title, body), (day, precision) in zip(articles, refs):
        for text in (title, body):
            for m in tag_dates(text, day, precision or "day"):
                mentions += 1
                days += m.resolved_date is not None
                values += m.type in ("DATE", "TIME") and bool(_CALENDAR.match(m.value))
    return mentions, days, values


def undated(folder: Path) -> list[tuple[str, str]]:
    from newslake.ingest.reference_dates import DCT_SOURCES

    articles = bbc_articles(folder)
    print(f"{folder.name}: {len(articles)} articles, no publication date")
    default = [decide(t, b, "old defaults") for t, b in articles]
    with_year = [decide(t, b, "new defaults") for t, b in articles]
    rules_default, rules_year = Counter(r for _, r, _ in default), Counter(r for _, r, _ in with_year)
    print(f"  {'rule':<11} {'old defaults':>14} {'new defaults':>14}")
    for rule in DCT_SOURCES:
        print(f"  {rule:<11} {rules_default[rule]:6d} {rules_default[rule] / len(articles):6.1%}"
              f"  {rules_year[rule]:6d} {rules_year[rule] / len(articles):6.1%}")
    print("  date mentions (title and body apart)   to a day   to a calendar value")
    for name, refs in (("no reference date", [(None, None)] * len(articles)),
                       ("old defaults", [(d, p) for d, _, p in default]),
                       ("new defaults", [(d, p) for d, _, p in with_year])):
        n, days, values = resolved(articles, refs)
        print(f"  {name:<38} {days:5d} of {n}  {values:5d} of {n} ({values / max(n, 1):.1%})")
    return articles


def hidden(corpora: dict[str, list[tuple[str, str, date]]]) -> None:
    print("\ndated corpora, dates hidden: coverage, year and month accuracy per rule")
    for corpus, rows in corpora.items():
        for config in DEFAULTS:
            tally: dict[str, Counter] = {}
            for title, body, true in rows:
                day, rule, precision = decide(title, body, config)
                if day is None:
                    continue
                t = tally.setdefault(rule, Counter())
                t["n"] += 1
                t["year"] += day.year == true.year
                if precision in ("day", "month"):
                    t["with_month"] += 1
                    t["month"] += (day.year, day.month) == (true.year, true.month)
            label = config
            total = sum(t["n"] for t in tally.values())
            right = sum(t["year"] for t in tally.values())
            print(f"  {corpus} ({len(rows)} articles), {label}: dated {total} ({total / len(rows):.1%}), "
                  f"year right {right} ({right / max(total, 1):.1%})")
            for rule, t in sorted(tally.items()):
                month = f"month right {t['month']} of {t['with_month']}" if t["with_month"] else "no month"
                print(f"    {rule:<10} {t['n']:5d} ({t['n'] / len(rows):5.1%})  year right {t['year']:4d} "
                      f"({t['year'] / t['n']:6.1%})  {month}")
        cues: dict[str, Counter] = {}
        for title, body, true in rows:
            for cue, year in cue_years(title, body).items():
                cues.setdefault(cue, Counter())["n"] += 1
                cues[cue]["year"] += year == true.year
        named = sum(1 for title, body, true in rows if str(true.year) in title + " " + body)
        print(f"    text_year cues alone (the rule needs those that speak to agree; the year is in the text of {named}):")
        for cue, t in sorted(cues.items()):
            print(f"      {cue:<13} {t['n']:5d}  year right {t['year']:4d} ({t['year'] / t['n']:6.1%})")


def cost(articles: list[tuple[str, str]], repeat: int) -> None:
    from newslake.config import Settings
    from newslake.dates import tag_dates
    from newslake.extract.entities import ENTITY_LABELS, extract_entities, load_nlp
    from newslake.ingest.reference_dates import reference_date

    settings = Settings()
    nlp = load_nlp(settings.spacy_model)
    texts = [x for pair in articles for x in pair if x]
    year_refs = [decide(t, b, "new defaults") for t, b in articles]

    def extraction() -> None:
        extract_entities(nlp, texts, batch_size=settings.nlp_batch_size, labels=ENTITY_LABELS)
        for text in texts:
            tag_dates(text, None)

    def rule(config: str) -> None:
        for t, b in articles:
            reference_date(None, t, b, **DEFAULTS[config])

    def tag_year() -> None:
        for (t, b), (day, _, precision) in zip(articles, year_refs):
            tag_dates(t, day, precision or "day")
            tag_dates(b, day, precision or "day")

    def tag_none() -> None:
        for text in texts:
            tag_dates(text, None)

    def timed(fn, *a) -> float:
        start = time.perf_counter()
        fn(*a)
        return time.perf_counter() - start

    extraction()  # warm
    runs = {k: [] for k in ("extraction", "rule_on", "rule_off", "tag_year", "tag_none")}
    for _ in range(repeat):
        runs["extraction"].append(timed(extraction))
        runs["rule_on"].append(timed(rule, "new defaults"))
        runs["rule_off"].append(timed(rule, "old defaults"))
        runs["tag_year"].append(timed(tag_year))
        runs["tag_none"].append(timed(tag_none))
    m = {k: statistics.median(v) for k, v in runs.items()}
    added = max(m["rule_on"] - m["rule_off"], 0) + max(m["tag_year"] - m["tag_none"], 0)
    print(f"\ncost on {len(articles)} undated articles, median of {repeat}, one process:")
    print(f"  extraction (spaCy entities + date tagging)   {m['extraction']:7.2f} s")
    print(f"  reference rules: old defaults {m['rule_off']:.3f} s, new defaults {m['rule_on']:.3f} s")
    print(f"  date tagging: no reference {m['tag_none']:.3f} s, against the year references {m['tag_year']:.3f} s")
    print(f"  added {added:.3f} s = {added / m['extraction']:.1%} of extraction")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", default=None, help="a part of the BBC corpus (business, tech, ...); default all")
    ap.add_argument("--corpus", type=Path, default=None, help="another folder of undated .txt articles")
    ap.add_argument("--n", type=int, default=2000, help="unique Reuters records (default 2000)")
    ap.add_argument("--skip", type=int, default=0, help="of them, leave out the first SKIP (default 0)")
    ap.add_argument("--repeat", type=int, default=3, help="timings of each (default 3)")
    args = ap.parse_args(argv)
    folder = args.corpus or (BBC / args.part if args.part else BBC)
    articles = None
    if folder.is_dir():
        articles = undated(folder)
    else:
        print(f"skipped: {folder.name} not found")
    corpora = dated_corpora(args.n, args.skip)
    if corpora:
        hidden(corpora)
    else:
        print("skipped: no dated corpus found")
    if articles:
        cost(articles, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
