"""End to end: the real news_pipeline flow on the bundled samples, into temporary lakes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from newslake import schema
from newslake.publish import Lake
from newslake.report import ValidationFailed
from newslake.storage import file_sha256

from conftest import REPO, SAMPLES


def test_first_run_publishes_v1(sample_lake):
    lake_dir, report = sample_lake
    lake = Lake(lake_dir)
    assert report["status"] == "published" and report["version"] == "v000001"
    counts = report["counts"]
    sample_files = [p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "ATTRIBUTION.md"]
    assert counts["files_seen"] == len(sample_files)
    assert counts["new_articles"] + counts["duplicates"] + counts["unchanged"] + counts["quarantined"] == counts["items_seen"]
    assert counts["quarantined"] == 0 and counts["unchanged"] == 0
    assert counts["new_articles"] >= 13
    assert lake.current_version() == "v000001"
    assert (lake.published / "v000001" / "_SUCCESS").exists()


def test_published_articles(sample_lake):
    lake_dir, report = sample_lake
    articles = pq.read_table(Lake(lake_dir).current / "articles")
    assert articles.schema.names == schema.ARTICLES.names
    assert articles.num_rows == report["counts"]["new_articles"]
    rows = {r["source_uri"]: r for r in articles.to_pylist()}
    seed = rows["000_803bced9ea77c050.txt"]
    assert seed["title"] == "Iraqi PM tells US to withdraw troops ‘in Iraq without permission’"
    assert seed["published_at"].date().isoformat() == "2020-01-10"
    assert seed["body"].startswith("Iraq’s acting prime minister")
    assert seed["captions"][0].endswith("(Maj. Vonnie Wright/U.S. Army)")
    assert seed["language"] == "en" and seed["source_format"] == "text"
    assert {r["source_format"] for r in rows.values()} == {"text", "json", "jsonl"}
    assert all(r["published_at"] is not None for r in rows.values())
    assert len({r["article_id"] for r in rows.values()}) == len(rows)


def test_manifest_matches_files(sample_lake):
    lake_dir, report = sample_lake
    current = Lake(lake_dir).current
    manifest = json.loads((current / "manifest.json").read_text())
    assert manifest["run_id"] == report["run_id"]
    assert manifest["validation"]["success"] is True
    assert set(manifest["tables"]) >= {"articles", "quarantine", "runs"}
    for name, table in manifest["tables"].items():
        for entry in table["files"]:
            path = current / entry["path"]
            assert file_sha256(path) == entry["sha256"]
            assert pq.read_metadata(path).num_rows == table["rows"]
        assert [c["name"] for c in table["schema"]] == pq.read_schema(current / table["files"][0]["path"]).names
    runs = pq.read_table(current / "runs").to_pylist()
    assert runs[-1]["run_id"] == report["run_id"] and runs[-1]["published_version"] == "v000001"
    saved = json.loads((Path(lake_dir) / "runs" / report["run_id"] / "validation.json").read_text())
    assert saved["success"] is True


def test_warehouse_views(sample_lake):
    lake_dir, report = sample_lake
    with duckdb.connect(str(Path(lake_dir) / "warehouse.duckdb"), read_only=True) as con:
        views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        assert {"articles", "quarantine", "runs"} <= views
        count = con.execute("select count(*) from articles").fetchone()[0]
        assert count == report["counts"]["new_articles"]


def test_rerun_publishes_nothing_and_reports_unchanged(prefect_server, tmp_path):
    from flows.pipeline import news_pipeline

    lake = tmp_path / "lake"
    first = news_pipeline(source=str(SAMPLES), lake=str(lake))
    second = news_pipeline(source=str(SAMPLES), lake=str(lake))
    assert second["status"] == "nothing_new"
    assert second["version"] is None and second["current_version"] == first["version"]
    assert second["counts"]["unchanged"] == second["counts"]["items_seen"] == first["counts"]["items_seen"]
    assert second["counts"]["new_articles"] == second["counts"]["quarantined"] == 0
    assert Lake(lake).versions() == [first["version"]]
    runs = pq.read_table(Lake(lake).runs_path).to_pylist()
    assert [r["status"] for r in runs] == ["published", "nothing_new"]


def test_failing_suite_blocks_publish(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = tmp_path / "lake"
    first = news_pipeline(source=str(source_copy), lake=str(lake))
    strict = tmp_path / "strict"
    shutil.copytree(REPO / "expectations", strict)
    suite = json.loads((strict / "articles.json").read_text())
    suite["expectations"].append(
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "word_count", "max_value": 50}}
    )
    (strict / "articles.json").write_text(json.dumps(suite))
    (source_copy / "extra.txt").write_text("Another story\n\nJanuary 11, 2020\n\nIt has a body.\n")

    with pytest.raises(ValidationFailed) as failed:
        news_pipeline(source=str(source_copy), lake=str(lake), expectations_dir=str(strict))
    assert any("articles" in line and "expect_column_max_to_be_between(word_count)" in line for line in failed.value.failures)
    the_lake = Lake(lake)
    assert the_lake.current_version() == first["version"]
    assert the_lake.versions() == [first["version"]]
    runs = pq.read_table(the_lake.runs_path).to_pylist()
    assert runs[-1]["status"] == "validation_failed" and runs[-1]["published_version"] is None
    # the blocked file was not marked as ingested: a run with the normal suites publishes it
    again = news_pipeline(source=str(source_copy), lake=str(lake))
    assert again["status"] == "published" and again["counts"]["new_articles"] == 1


def test_bad_files_are_quarantined_and_counted(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    (source_copy / "bad").mkdir()
    (source_copy / "bad" / "empty.txt").write_bytes(b"")
    (source_copy / "bad" / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (source_copy / "bad" / "lines.jsonl").write_text('{"title": "Good", "text": "Fine body."}\n{"title": \n')
    (source_copy / "copy_of_seed.txt").write_bytes((SAMPLES / "000_803bced9ea77c050.txt").read_bytes() + b"\n\n")
    report = news_pipeline(source=str(source_copy), lake=str(tmp_path / "lake"))
    counts = report["counts"]
    assert counts["quarantined"] == 3 and counts["duplicates"] == 1
    assert counts["new_articles"] + counts["duplicates"] + counts["unchanged"] + counts["quarantined"] == counts["items_seen"]
    quarantine = pq.read_table(Lake(tmp_path / "lake").current / "quarantine").to_pylist()
    assert sorted((q["source_uri"], q["reason"], q["line"]) for q in quarantine) == [
        ("bad/binary.txt", "binary", None),
        ("bad/empty.txt", "empty", None),
        ("bad/lines.jsonl", "malformed_json", 2),
    ]


def test_interrupted_publish_leaves_current_intact(prefect_server, tmp_path, source_copy):
    """A staging folder left by a killed run is never visible and is cleaned by the next publish."""
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    first = news_pipeline(source=str(source_copy), lake=str(lake.root))
    leftover = lake.published / ".staging-v000002"
    (leftover / "articles").mkdir(parents=True)
    (leftover / "articles" / "part-0.parquet").write_bytes(b"half")
    assert lake.versions() == [first["version"]] and lake.current_version() == first["version"]
    assert lake.read_current("articles", schema.ARTICLES).num_rows == first["counts"]["new_articles"]
    (source_copy / "later.txt").write_text("A later story\n\nJanuary 12, 2020\n\nWith a body.\n")
    second = news_pipeline(source=str(source_copy), lake=str(lake.root))
    assert second["version"] == "v000002" and not leftover.exists()
    assert lake.read_current("articles", schema.ARTICLES).num_rows == first["counts"]["new_articles"] + 1
    # the unchanged quarantine table is hard-linked, not copied
    q1 = lake.published / "v000001" / "quarantine" / "part-0.parquet"
    q2 = lake.published / "v000002" / "quarantine" / "part-0.parquet"
    assert os.stat(q1).st_ino == os.stat(q2).st_ino


def test_changed_file_replaces_its_article(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    first = news_pipeline(source=str(source_copy), lake=str(lake.root))
    seed = source_copy / "000_803bced9ea77c050.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("Mike Pompeo", "Michael Pompeo"), encoding="utf-8")
    second = news_pipeline(source=str(source_copy), lake=str(lake.root))
    assert second["status"] == "published"
    assert second["counts"]["new_articles"] == 1 and second["counts"]["replaced"] == 1
    assert second["counts"]["unchanged"] == first["counts"]["items_seen"] - 1
    articles = lake.read_current("articles", schema.ARTICLES)
    assert articles.num_rows == first["counts"]["new_articles"]
    seeds = [a for a in articles.to_pylist() if a["source_uri"] == "000_803bced9ea77c050.txt"]
    assert len(seeds) == 1 and "Michael Pompeo" in seeds[0]["body"]
    mentions = lake.read_current("entity_mentions", schema.ENTITY_MENTIONS)
    assert set(mentions.column("article_id").to_pylist()) <= set(articles.column("article_id").to_pylist())
    texts = {m["text"] for m in mentions.to_pylist() if m["article_id"] == seeds[0]["article_id"]}
    assert "Michael Pompeo" in texts and "Mike Pompeo" not in texts


def test_rerun_trusts_size_and_mtime(prefect_server, tmp_path, source_copy):
    """An unchanged file is not read again; touching it makes discovery hash it, and it stays unchanged."""
    from flows.pipeline import news_pipeline
    from newslake.ledger import Ledger, discover

    lake = Lake(tmp_path / "lake")
    news_pipeline(source=str(source_copy), lake=str(lake.root))
    ledger = Ledger(lake.ledger_path)
    files = discover(source_copy, known=ledger.known_sha)
    assert all(ledger.seen(f.sha256) for f in files)
    seed = source_copy / "000_803bced9ea77c050.txt"
    os.utime(seed, ns=(0, 0))
    assert ledger.known_sha("000_803bced9ea77c050.txt", seed.stat().st_size, 0) is None
    again = news_pipeline(source=str(source_copy), lake=str(lake.root))
    assert again["status"] == "nothing_new" and again["counts"]["unchanged"] == again["counts"]["items_seen"]
    assert Ledger(lake.ledger_path).known_sha("000_803bced9ea77c050.txt", seed.stat().st_size, 0) is not None


def test_near_duplicate_is_published_linked_and_not_counted_twice(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    first = news_pipeline(source=str(source_copy), lake=str(lake.root))
    assert first["counts"]["near_duplicates"] == 0
    seed = (source_copy / "000_803bced9ea77c050.txt").read_text(encoding="utf-8")
    syndicated = "Sign up for our newsletter!\n\nIraq asks US to plan troop withdrawal\n\nJanuary 10, 2020\n\n" + seed.split("January 10, 2020", 1)[1] + "\n\nRead more: world news\n"
    (source_copy / "syndicated_copy.txt").write_text(syndicated, encoding="utf-8")
    second = news_pipeline(source=str(source_copy), lake=str(lake.root))
    counts = second["counts"]
    assert counts["near_duplicates"] == 1 and counts["duplicates"] == 1 and counts["new_articles"] == 0
    articles = {a["source_uri"]: a for a in lake.read_current("articles", schema.ARTICLES).to_pylist()}
    copy, original = articles["syndicated_copy.txt"], articles["000_803bced9ea77c050.txt"]
    assert copy["duplicate_of"] == original["article_id"] and copy["article_id"] != original["article_id"]
    assert original["duplicate_of"] is None
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from entity_mentions where article_id = ?", [copy["article_id"]]).fetchone()[0] == 0
        pompeo = con.execute("select article_count from entities where name = 'Mike Pompeo'").fetchone()[0]
    assert pompeo == 1
    assert len(list(lake.dedup_dir.glob("*.parquet"))) == 1  # the second run added no canonical article


def test_json_field_mapping_setting(prefect_server, tmp_path, monkeypatch):
    from flows.pipeline import news_pipeline

    source = tmp_path / "in"
    source.mkdir()
    (source / "custom.jsonl").write_text(
        json.dumps({"headline_text": "Custom schema", "story": {"text": "A body from a nested field."}, "ts": "2021-03-04"}) + "\n"
    )
    monkeypatch.setenv("NEWSLAKE_JSON_FIELDS", json.dumps({"title": ["headline_text"], "body": ["story.text"], "published": ["ts"]}))
    report = news_pipeline(source=str(source), lake=str(tmp_path / "lake"), extract=False)
    assert report["counts"]["new_articles"] == 1, report
    row = Lake(tmp_path / "lake").read_current("articles", schema.ARTICLES).to_pylist()[0]
    assert (row["title"], row["body"], row["published_at"].date().isoformat()) == ("Custom schema", "A body from a nested field.", "2021-03-04")


def test_other_languages_are_kept_flagged_and_not_extracted(prefect_server, tmp_path):
    from flows.pipeline import news_pipeline

    source = tmp_path / "in"
    source.mkdir()
    (source / "de.txt").write_text(
        "Bundestag beschließt neues Gesetz\n\n10. Januar 2020\n\n"
        "Der Bundestag in Berlin hat am Donnerstag ein neues Gesetz zur Förderung der Windenergie beschlossen. "
        "Die Abgeordneten stimmten mit großer Mehrheit für den Entwurf der Bundesregierung.\n",
        encoding="utf-8",
    )
    (source / "en.txt").write_text(
        "Parliament passes wind law\n\nJanuary 10, 2020\n\n"
        "The German parliament in Berlin passed a new law on Thursday to promote wind energy, officials said.\n",
        encoding="utf-8",
    )
    report = news_pipeline(source=str(source), lake=str(tmp_path / "lake"))
    assert report["counts"]["skipped_language"] == 1
    lake = Lake(tmp_path / "lake")
    languages = {a["source_uri"]: a["language"] for a in lake.read_current("articles", schema.ARTICLES).to_pylist()}
    assert languages == {"de.txt": "de", "en.txt": "en"}
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        extracted = {r[0] for r in con.execute("select distinct a.language from entity_mentions m join articles a using (article_id)").fetchall()}
    assert extracted == {"en"}
