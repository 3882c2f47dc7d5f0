"""Entities and dates end to end: the sample run's tables, the SQL models, and `newslake tag`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
from conftest import REPO, SEED, table_of
from typer.testing import CliRunner

from newslake import schema
from newslake.analyst import warehouse
from newslake.validate.checks import checks_on_tables
from newslake.cli import app
from newslake.extract.mentions import date_mentions
from newslake.lake import Lake
from newslake.derived.build import graph, merge_models, run_models
from newslake.ingest.normalize import article_fields

SEED_PERSONS = {"Adel Abdul-Mahdi", "Mike Pompeo", "Qassem Soleimani", "Mark Esper", "Mark Milley", "Donald Trump"}
runner = CliRunner()


def _warehouse(lake_dir: Path) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(Lake(lake_dir))


def test_seed_persons_in_entities(sample_lake):
    lake_dir, _ = sample_lake
    with _warehouse(lake_dir) as con:
        persons = {
            row[0]
            for row in con.execute(
                """select e.name from entities e
                   join article_entities ae using (entity_id)
                   join articles a using (article_id)
                   where a.source_uri = '000_803bced9ea77c050.txt' and e.label = 'PERSON'"""
            ).fetchall()
        }
    assert SEED_PERSONS <= persons


def test_seed_date_mentions(sample_lake):
    lake_dir, _ = sample_lake
    with _warehouse(lake_dir) as con:
        rows = con.execute(
            """select d.text, d.type, d.value, d.resolved_date, d.anchored from date_mentions d
               join articles a using (article_id) where a.source_uri = '000_803bced9ea77c050.txt'"""
        ).fetchall()
    assert ("Thursday night", "TIME", "2020-01-09TNI", date(2020, 1, 9), True) in rows
    assert ("Friday", "DATE", "2020-01-10", date(2020, 1, 10), True) in rows


def test_every_derived_table_is_published_with_a_view(sample_lake):
    lake_dir, report = sample_lake
    lake = Lake(lake_dir)
    manifest = lake.manifest()
    for table in ("entity_mentions", "date_mentions", *graph(REPO / "sql").models):
        assert table in manifest.tables, table
        assert manifest.tables[table].rows > 0, table
    checked = {t["table"] for t in manifest.validation["tables"]}
    assert {"entity_mentions", "date_mentions", "entities", "mention_offsets", "referential_integrity", "uniqueness", "reconciliation"} <= checked
    with _warehouse(lake_dir) as con:
        n = con.execute("select count(*) from entities where mention_count < article_count").fetchone()[0]
        assert n == 0
        top = con.execute("select name from entities order by mention_count desc limit 1").fetchone()[0]
        assert top


def test_published_offsets_slice_back(sample_lake):
    lake_dir, _ = sample_lake
    articles = {a["article_id"]: dict(article_fields(a["title"], a["captions"], a["body"])) for a in table_of(lake_dir, "articles").to_pylist()}
    for table in ("entity_mentions", "date_mentions"):
        for m in table_of(lake_dir, table).to_pylist():
            assert articles[m["article_id"]][m["field"]][m["start"] : m["end"]] == m["text"]


def _seed_tables(article_id="a" * 16, text="Mike Pompeo met Mark Esper on Friday. Pompeo's aide waited.") -> dict:
    articles = schema.to_table(
        [{"article_id": article_id, "title": "Talks", "body": text, "captions": [], "language": "en",
          "published_at": None, "duplicate_of": None}],
        schema.ARTICLES,
    )
    mentions = schema.to_table(
        [
            {"article_id": article_id, "field": "body", "start": 0, "end": 11, "text": "Mike Pompeo", "label": "PERSON",
             "name": "Mike Pompeo", "alias_id": "1" * 16, "surname": "pompeo"},
            {"article_id": article_id, "field": "body", "start": 16, "end": 26, "text": "Mark Esper", "label": "PERSON",
             "name": "Mark Esper", "alias_id": "2" * 16, "surname": "esper", "role": "Defense Secretary"},
        ],
        schema.ENTITY_MENTIONS,
    )
    return {"articles": articles, "entity_mentions": mentions, "date_mentions": date_mentions(articles)}


def test_models_on_small_tables():
    tables = _seed_tables()
    built = run_models(tables, REPO / "sql")
    assert sorted(r["name"] for r in built["entities"].to_pylist()) == ["Mark Esper", "Mike Pompeo"]
    assert built["entity_cooccurrence"].num_rows == 1
    assert built["dates"].num_rows == 0  # no publication date and "Friday" cannot be anchored
    checks = checks_on_tables({**tables, **built}, REPO / "sql")
    assert checks["referential_integrity"].to_pylist()[0]["entity_mentions_without_alias"] == 0
    assert built["roles"].to_pylist()[0]["role"] == "Defense Secretary"
    assert all(checks["mention_offsets"].column("slices_back").to_pylist())


def test_orphans_are_counted():
    tables = _seed_tables()
    built = run_models(tables, REPO / "sql")
    built["entities"] = built["entities"].filter(pa.compute.equal(built["entities"].column("name"), "Mark Esper"))
    counts = checks_on_tables({**tables, **built}, REPO / "sql")["referential_integrity"].to_pylist()[0]
    assert counts["entity_aliases_without_entity"] == 1
    assert counts["article_entities_without_entity"] == 1
    assert counts["roles_without_entity"] == 0  # Mark Esper's role stays with Mark Esper


def test_tag_command_offsets_slice_back():
    text = SEED.read_text(encoding="utf-8")
    result = runner.invoke(app, ["tag", "--dct", "2020-01-10", str(SEED)])
    assert result.exit_code == 0, result.output
    tagged = json.loads(result.stdout)
    assert tagged["entities"] and tagged["dates"]
    for item in tagged["entities"] + tagged["dates"]:
        assert text[item["start"] : item["end"]] == item["text"]
    assert {"name", "id", "label"} <= set(tagged["entities"][0])
    values = {(d["text"], d["value"]) for d in tagged["dates"]}
    assert ("Thursday night", "2020-01-09TNI") in values and ("Friday", "2020-01-10") in values
    thursday = next(d for d in tagged["dates"] if d["text"] == "Thursday night")
    assert (thursday["resolved_date"], thursday["granularity"], thursday["anchored"]) == ("2020-01-09", "time", True)
    assert "Mike Pompeo" in {e["name"] for e in tagged["entities"]}


def test_tag_jsonl(tmp_path):
    texts = ["Angela Merkel spoke in Berlin yesterday.", "Über Straße: “Nothing” — said the Red Cross’s chief on Monday."]
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps({"id": i, "text": t, "dct": "2019-05-02"}, ensure_ascii=False) for i, t in enumerate(texts)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["tag", "--jsonl", str(inp), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [0, 1]
    for line, text in zip(lines, texts):
        for item in line["entities"] + line["dates"]:
            assert text[item["start"] : item["end"]] == item["text"]
    assert {"text": "yesterday", "value": "2019-05-01"}.items() <= next(d for d in lines[0]["dates"]).items()


def test_tag_prints_quotes_with_speakers(tmp_path):
    text = (
        "Angela Merkel visited Paris on Monday.\n\n"
        "“We will not give up on this agreement,” she said. “Europe needs it more than ever.”"
    )
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "a", "text": text, "dct": None}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["tag", "--jsonl", str(inp)])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.stdout.splitlines()]
    (quote,) = line["quotes"]
    assert [text[s:e] for s, e in quote["content"]] == [
        "“We will not give up on this agreement,”", "“Europe needs it more than ever.”"
    ]
    assert text[slice(*quote["speaker"])] == "she" and quote["kind"] == "direct"
    merkel = next(e for e in line["entities"] if e["text"] == "Angela Merkel")
    assert quote["speaker_id"] == merkel["id"]


def test_tag_rejects_bad_dct():
    result = runner.invoke(app, ["tag", "--dct", "10/01/2020", str(SEED)])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_analyst_queries_run(sample_lake):
    lake_dir, _ = sample_lake
    for path in sorted((REPO / "sql" / "analyst").glob("*.sql")):
        result = runner.invoke(app, ["query", "--lake", str(lake_dir), "--format", "json", "--file", str(path)])
        assert result.exit_code == 0, (path.name, result.output)
        assert json.loads(result.stdout), path.name


def test_suites_agree_with_the_code():
    """The static suites repeat sets and patterns the code defines; they must not drift apart."""
    from newslake.dates import TIMEX3_TYPES, TIMEX3_VALUE
    from newslake.extract.entities import ENTITY_LABELS
    from newslake.ingest.reference_dates import DCT_SOURCES
    from newslake.report.run_report import STATUSES

    def kwargs(suite: str, kind: str, column: str) -> dict:
        spec = json.loads((REPO / "expectations" / f"{suite}.json").read_text())
        return next(e["kwargs"] for e in spec["expectations"] if e["type"] == kind and e["kwargs"].get("column") == column)

    assert kwargs("date_mentions", "expect_column_values_to_match_regex", "value")["regex"] == TIMEX3_VALUE.pattern
    assert set(kwargs("date_mentions", "expect_column_values_to_be_in_set", "type")["value_set"]) == set(TIMEX3_TYPES)
    assert set(kwargs("entity_mentions", "expect_column_values_to_be_in_set", "label")["value_set"]) == set(ENTITY_LABELS)
    assert set(kwargs("articles", "expect_column_values_to_be_in_set", "source_format")["value_set"]) == set(schema.SOURCE_FORMATS)
    assert tuple(kwargs("articles", "expect_column_values_to_be_in_set", "dct_source")["value_set"]) == DCT_SOURCES
    assert tuple(kwargs("runs", "expect_column_values_to_be_in_set", "status")["value_set"]) == STATUSES


def _many_entities_tables(article_id: str, n: int, word: str = "Agency") -> dict:
    """One article naming n organizations; the i-th is mentioned i + 1 times (ORG 0 once)."""
    names = [f"{word} {i:03d}" for i in range(n)]
    body = " ".join(names)
    articles = schema.to_table(
        [{"article_id": article_id, "title": "Many", "body": body, "captions": [], "language": "en",
          "published_at": None, "duplicate_of": None}],
        schema.ARTICLES,
    )
    rows = []
    for i, name in enumerate(names):
        start = body.index(name)
        for k in range(i + 1):  # repeats at the same span are enough for the counts
            rows.append({"article_id": article_id, "field": "body", "start": start, "end": start + len(name), "text": name,
                         "label": "ORG", "name": name, "alias_id": f"{article_id[:4]}{i:012d}"})
    mentions = schema.to_table(rows, schema.ENTITY_MENTIONS)
    return {"articles": articles, "entity_mentions": mentions, "date_mentions": schema.DATE_MENTIONS.empty_table()}


def test_cooccurrence_pairs_only_each_articles_top_entities():
    k, n = 6, 40
    tables = _many_entities_tables("b" * 16, n)
    built = run_models(tables, REPO / "sql", top_entities=k)
    pairs = built["entity_cooccurrence"].to_pylist()
    assert len(pairs) == k * (k - 1) // 2 < n * (n - 1) // 2
    assert all(p["entity_a"] < p["entity_b"] for p in pairs)  # ordered, never an entity with itself
    names = dict(zip(built["entities"].column("entity_id").to_pylist(), built["entities"].column("name").to_pylist()))
    kept = {names[p[side]] for p in pairs for side in ("entity_a", "entity_b")}
    assert kept == {f"Agency {i:03d}" for i in range(n - k, n)}  # the most mentioned
    assert built["article_entities"].num_rows == n  # the bound is on pairs only
    # per article, whatever else the lake holds: a merge adds the same pairs a full build makes
    other = _many_entities_tables("c" * 16, n, "Bureau")
    both = {t: pa.concat_tables([tables[t], other[t]]) for t in tables}
    merged = merge_models(built, other, REPO / "sql", top_entities=k)
    full = run_models(both, REPO / "sql", top_entities=k)
    key = ["entity_a", "entity_b"]
    assert merged["entity_cooccurrence"].sort_by([(c, "ascending") for c in key]).to_pylist() == \
        full["entity_cooccurrence"].sort_by([(c, "ascending") for c in key]).to_pylist()
    assert full["entity_cooccurrence"].num_rows == 2 * k * (k - 1) // 2
