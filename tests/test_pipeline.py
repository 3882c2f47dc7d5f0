"""End to end: the real news_pipeline flow on the bundled samples, into temporary lakes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newslake import schema
from newslake.analyst import warehouse
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs
from newslake.ingest.ledger import Ledger
from newslake.validate import ValidationFailed
from newslake.storage import file_sha256

from conftest import REPO, SAMPLES, table_of


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
    assert (lake.published / "v000001" / "manifest.json").exists()


def test_published_articles(sample_lake):
    lake_dir, report = sample_lake
    articles = table_of(lake_dir, "articles")
    assert articles.schema.names == schema.ARTICLES.names
    # consumers may read the version folder directly: it holds exactly the version's parts
    direct = pq.ParquetDataset(Lake(lake_dir).current / "articles", partitioning=None).read()
    assert direct.num_rows == articles.num_rows
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


def shape(fld) -> str:
    """A field's type and nullability (a list by its items' type: Parquet renames the item field)."""
    import pyarrow as pa

    kind = f"list<{fld.type.value_type}>" if pa.types.is_list(fld.type) else str(fld.type)
    return f"{kind} {'null' if fld.nullable else 'not null'}"


def physical_schemas(lake: Lake) -> dict[tuple[str, str], set[str]]:
    """Every part of the current version: (table, column) -> the Parquet files' type and
    nullability, as written."""
    found: dict[tuple[str, str], set[str]] = {}
    manifest = lake.manifest()
    for table in manifest.tables:
        for part in manifest.parts(table):
            for fld in pq.read_schema(lake.path_of(part)):
                found.setdefault((table, fld.name), set()).add(shape(fld))
    return found


def test_the_physical_schema_is_the_contract(sample_lake, prefect_server, tmp_path, source_copy):
    """Parts written by different runs over different inputs (extraction on and off, a
    first run and an incremental one, tables empty and full) have the contract's types
    and nullability, never ones inferred from the rows a run happened to hold."""
    from flows.pipeline import news_pipeline

    lakes = [Lake(sample_lake[0]), Lake(tmp_path / "bare")]
    news_pipeline(source=str(source_copy), lake=str(lakes[1].root), extract=False)
    (source_copy / "later.txt").write_text("A later story\n\nMarch 3, 2021\n\nLondon officials met on Tuesday.\n")
    news_pipeline(source=str(source_copy), lake=str(lakes[1].root))
    contract = {(t, f.name): {shape(f)} for t, spec in schema.TABLES.items() for f in spec.schema}
    for lake in lakes:
        written = physical_schemas(lake)
        assert written and {k: v for k, v in written.items() if contract.get(k) != v} == {}


def test_manifest_matches_files(sample_lake):
    lake_dir, report = sample_lake
    lake = Lake(lake_dir)
    manifest = json.loads((lake.current / "manifest.json").read_text())
    assert manifest["run_id"] == report["run_id"]
    assert manifest["validation"]["success"] is True
    assert manifest["run"]["run_id"] == report["run_id"] and manifest["run"]["published_version"] == "v000001"
    assert set(manifest["tables"]) == set(schema.TABLES)
    for name, table in manifest["tables"].items():
        assert table["schema_version"] == schema.TABLES[name].version
        assert [c["name"] for c in table["schema"]] == schema.TABLES[name].schema.names
        assert table["rows"] == sum(p["rows"] for p in table["parts"])
        for entry in table["parts"]:
            path = lake.root / entry["path"]
            assert entry["path"].startswith(f"parts/{name}/")
            assert file_sha256(path) == entry["sha256"] and path.stat().st_size == entry["bytes"]
            assert pq.read_metadata(path).num_rows == entry["rows"]
            assert pq.read_schema(path).names == schema.TABLES[name].schema.names
            # the version folder holds the same file, not a copy
            assert os.stat(lake.current / entry["path"].split("/", 1)[1]).st_ino == path.stat().st_ino
    runs = table_of(lake_dir, "runs").to_pylist()
    assert runs[-1]["run_id"] == report["run_id"] and runs[-1]["published_version"] == "v000001"
    saved = json.loads((Path(lake_dir) / "runs" / report["run_id"] / "validation.json").read_text())
    assert saved["success"] is True


def test_articles_and_mentions_are_partitioned_by_month(sample_lake):
    lake_dir, _ = sample_lake
    manifest = Lake(lake_dir).manifest()
    for table in ("articles", "entity_mentions", "date_mentions"):
        for part in manifest.parts(table):
            assert f"/month={part.partition}/" in part.path
    months = {p.partition for p in manifest.parts("articles")}
    published = {a["published_at"].strftime("%Y-%m") for a in table_of(lake_dir, "articles").to_pylist()}
    assert months == published


def test_warehouse_views(sample_lake):
    lake_dir, report = sample_lake
    with warehouse.connect(Lake(lake_dir)) as con:
        views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        assert set(schema.PUBLISHED) <= views
        count = con.execute("select count(*) from articles").fetchone()[0]
        assert count == report["counts"]["new_articles"]
        columns = [r[0] for r in con.execute("select column_name from (describe articles)").fetchall()]
        assert columns == schema.ARTICLES.names


def test_rerun_publishes_nothing_and_reports_unchanged(prefect_server, tmp_path):
    from flows.pipeline import news_pipeline

    lake = tmp_path / "lake"
    first = news_pipeline(source=str(SAMPLES), lake=str(lake), extract=False)
    second = news_pipeline(source=str(SAMPLES), lake=str(lake), extract=False)
    assert second["status"] == "nothing_new"
    assert second["version"] is None and second["current_version"] == first["version"]
    assert second["counts"]["unchanged"] == second["counts"]["items_seen"] == first["counts"]["items_seen"]
    assert second["counts"]["new_articles"] == second["counts"]["quarantined"] == 0
    assert Lake(lake).versions() == [first["version"]]
    runs = read_runs(Lake(lake)).to_pylist()
    assert [r["status"] for r in runs] == ["published", "nothing_new"]


def test_failing_suite_blocks_publish(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = tmp_path / "lake"
    first = news_pipeline(source=str(source_copy), lake=str(lake), extract=False)
    strict = tmp_path / "strict"
    shutil.copytree(REPO / "expectations", strict)
    suite = json.loads((strict / "articles.json").read_text())
    suite["expectations"].append(
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "title", "regex": "^Iraq"}}
    )
    (strict / "articles.json").write_text(json.dumps(suite))
    (source_copy / "extra.txt").write_text("Another story\n\nJanuary 11, 2020\n\nIt has a body.\n")

    with pytest.raises(ValidationFailed) as failed:
        news_pipeline(source=str(source_copy), lake=str(lake), expectations_dir=str(strict), extract=False)
    assert any("articles" in line and "expect_column_values_to_match_regex(title)" in line for line in failed.value.failures)
    the_lake = Lake(lake)
    assert the_lake.current_version() == first["version"]
    assert the_lake.versions() == [first["version"]]
    runs = read_runs(the_lake).to_pylist()
    assert runs[-1]["status"] == "validation_failed" and runs[-1]["published_version"] is None
    assert not any(p.name.startswith(f"part-{runs[-1]['run_id']}") for p in the_lake.parts_root.rglob("*.parquet"))
    # the blocked file was not marked as ingested: a run with the normal suites publishes it
    again = news_pipeline(source=str(source_copy), lake=str(lake), extract=False)
    assert again["status"] == "published" and again["counts"]["new_articles"] == 1


def test_bad_files_are_quarantined_and_counted(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    (source_copy / "bad").mkdir()
    (source_copy / "bad" / "empty.txt").write_bytes(b"")
    (source_copy / "bad" / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (source_copy / "bad" / "lines.jsonl").write_text('{"title": "Good", "text": "Fine body."}\n{"title": \n')
    (source_copy / "copy_of_seed.txt").write_bytes((SAMPLES / "000_803bced9ea77c050.txt").read_bytes() + b"\n\n")
    report = news_pipeline(source=str(source_copy), lake=str(tmp_path / "lake"), extract=False)
    counts = report["counts"]
    assert counts["quarantined"] == 3 and counts["duplicates"] == 1
    assert counts["new_articles"] + counts["duplicates"] + counts["unchanged"] + counts["quarantined"] == counts["items_seen"]
    quarantine = table_of(tmp_path / "lake", "quarantine").to_pylist()
    assert sorted((q["source_uri"], q["reason"], q["line"]) for q in quarantine) == [
        ("bad/binary.txt", "binary", None),
        ("bad/empty.txt", "empty", None),
        ("bad/lines.jsonl", "malformed_json", 2),
    ]


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
    articles = table_of(lake.root, "articles")
    assert articles.num_rows == first["counts"]["new_articles"]
    seeds = [a for a in articles.to_pylist() if a["source_uri"] == "000_803bced9ea77c050.txt"]
    assert len(seeds) == 1 and "Michael Pompeo" in seeds[0]["body"]
    mentions = table_of(lake.root, "entity_mentions")
    assert set(mentions.column("article_id").to_pylist()) <= set(articles.column("article_id").to_pylist())
    texts = {m["text"] for m in mentions.to_pylist() if m["article_id"] == seeds[0]["article_id"]}
    assert "Michael Pompeo" in texts and "Mike Pompeo" not in texts


def test_rerun_trusts_size_and_mtime(prefect_server, tmp_path, source_copy):
    """An unchanged file is not read again; touching it makes discovery hash it, and it stays unchanged."""
    from flows.pipeline import news_pipeline
    from newslake.ingest.ledger import discover

    lake = Lake(tmp_path / "lake")
    news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    ledger = Ledger(table_of(lake.root, "ledger"))
    files = discover(source_copy, known=ledger.known_sha)
    assert all(ledger.seen(f.sha256) for f in files)
    seed = source_copy / "000_803bced9ea77c050.txt"
    os.utime(seed, ns=(0, 0))
    assert ledger.known_sha("000_803bced9ea77c050.txt", seed.stat().st_size, 0) is None
    again = news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    assert again["status"] == "nothing_new" and again["counts"]["unchanged"] == again["counts"]["items_seen"]
    # nothing was published, so the new mtime is kept as a hint beside the versions
    hints = pq.read_table(lake.stat_cache_path)
    assert Ledger(table_of(lake.root, "ledger"), hints).known_sha("000_803bced9ea77c050.txt", seed.stat().st_size, 0) is not None


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
    articles = {a["source_uri"]: a for a in table_of(lake.root, "articles").to_pylist()}
    copy, original = articles["syndicated_copy.txt"], articles["000_803bced9ea77c050.txt"]
    assert copy["duplicate_of"] == original["article_id"] and copy["article_id"] != original["article_id"]
    assert original["duplicate_of"] is None
    with warehouse.connect(lake) as con:
        assert con.execute("select count(*) from entity_mentions where article_id = ?", [copy["article_id"]]).fetchone()[0] == 0
        pompeo = con.execute("select article_count from entities where name = 'Mike Pompeo'").fetchone()[0]
    assert pompeo == 1
    assert table_of(lake.root, "signatures").num_rows == first["counts"]["new_articles"]  # no canonical article added


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
    row = table_of(tmp_path / "lake", "articles").to_pylist()[0]
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
    languages = {a["source_uri"]: a["language"] for a in table_of(lake.root, "articles").to_pylist()}
    assert languages == {"de.txt": "de", "en.txt": "en"}
    with warehouse.connect(lake) as con:
        extracted = {r[0] for r in con.execute("select distinct a.language from entity_mentions m join articles a using (article_id)").fetchall()}
    assert extracted == {"en"}
