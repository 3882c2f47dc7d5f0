"""The incremental lake end to end: runs cost what is new, equal a full rebuild, and
survive a kill at any point. Real flow, real DuckDB, GX and spaCy."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newslake import schema
from newslake.analyst import warehouse
from newslake.cli import app
from newslake.lake import Lake
from newslake.lake.layout import Manifest
from newslake.lake.runs_log import read_runs
from newslake.storage import file_sha256

from conftest import REPO, rows_of, table_of

SEED_NAME = "000_803bced9ea77c050.txt"
runner = CliRunner()


def syndicated(seed_text: str) -> str:
    """A near copy of the seed: another headline, a promo line and a footer."""
    body = seed_text.split("January 10, 2020", 1)[1]
    return "Sign up for our newsletter!\n\nIraq asks US to plan troop withdrawal\n\nJanuary 10, 2020\n\n" + body + "\n\nRead more: world news\n"


def assert_whole(lake_dir: Path) -> Manifest:
    """`current` is a complete version: every listed part is there with its checksum,
    no key repeats, and no file under parts/ is left that no version lists."""
    lake = Lake(lake_dir)
    manifest = lake.manifest()
    listed = set()
    for version in lake.versions():
        listed |= {p.path for t in lake.manifest(version).tables.values() for p in t.parts}
    for table in manifest.tables.values():
        for part in table.parts:
            assert file_sha256(lake.path_of(part)) == part.sha256, part.path
    on_disk = {p.relative_to(lake.root).as_posix() for p in lake.parts_root.rglob("*") if p.is_file()}
    assert on_disk == listed
    for table, key in (("articles", "article_id"), ("ledger", "source_uri"), ("runs", "run_id"), ("signatures", "article_id")):
        values = table_of(lake_dir, table).column(key).to_pylist()
        assert len(values) == len(set(values)), table
    return manifest


# ----------------------------------------------------------------------------- equality


def test_incremental_runs_equal_a_full_rebuild(prefect_server, tmp_path, source_copy, seed_text):
    """Four runs (adds, a near copy, changed files, a deleted file, more adds) end
    with the same tables as one run over the final files."""
    from flows.pipeline import news_pipeline

    held = ["wikinews_05_boris_johnson_elected_conservative_leader_slated_t.txt",
            "wikinews_10_sultan_qaboos_of_oman_dies.json", "wikinews_12_14_newsplease.jsonl"]
    saved = {name: (source_copy / name).read_bytes() for name in held}
    for name in held:
        (source_copy / name).unlink()
    lake = tmp_path / "lake"
    reports = [news_pipeline(source=str(source_copy), lake=str(lake))]

    (source_copy / "syndicated_copy.txt").write_text(syndicated(seed_text), encoding="utf-8")
    (source_copy / held[0]).write_bytes(saved[held[0]])
    reports.append(news_pipeline(source=str(source_copy), lake=str(lake)))

    changed = source_copy / "wikinews_03_texas_federal_judge_says_drafting_only_men_violate.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("judge", "magistrate"), encoding="utf-8")
    (source_copy / SEED_NAME).write_text(seed_text.replace("Mike Pompeo", "Michael Pompeo"), encoding="utf-8")
    (source_copy / "wikinews_06_nevada_prop_plane_crash_near_las_vegas_leaves_two_.txt").unlink()
    reports.append(news_pipeline(source=str(source_copy), lake=str(lake)))

    for name in held[1:]:
        (source_copy / name).write_bytes(saved[name])
    reports.append(news_pipeline(source=str(source_copy), lake=str(lake)))

    assert [r["status"] for r in reports] == ["published"] * 4
    assert [r["models"] for r in reports] == ["full", "incremental", "full", "incremental"]
    assert reports[1]["counts"]["near_duplicates"] == 1
    assert reports[2]["counts"]["replaced"] == 2 and reports[2]["counts"]["deleted_files"] == 1
    assert reports[2]["counts"]["removed"] == 1

    full = tmp_path / "full"
    rebuilt = news_pipeline(source=str(source_copy), lake=str(full))
    assert rebuilt["counts"]["items_seen"] == reports[-1]["counts"]["items_seen"]
    for table in schema.PUBLISHED:
        if table != "runs":
            assert rows_of(lake, table) == rows_of(full, table), table
    assert_whole(lake)


def test_a_run_that_moves_an_old_alias_repairs_and_equals_a_full_rebuild(prefect_server, tmp_path):
    """A bare surname joins a full name only once the lake holds that person: a later
    file changes which entity an earlier article's "Obama" is, and the run repairs the
    rows that touches (not a rebuild) into the tables a full build makes."""
    from flows.pipeline import news_pipeline

    source, lake = tmp_path / "inbox", tmp_path / "lake"
    source.mkdir()
    (source / "first.txt").write_text(
        "Speech in Chicago\n\nMarch 3, 2021\n\nMr Obama told supporters in Chicago that Obama would return.\n",
        encoding="utf-8",
    )
    first = news_pipeline(source=str(source), lake=str(lake))
    (source / "second.txt").write_text(
        "Visit to Paris\n\nMarch 4, 2021\n\nBarack Obama visited Paris on Thursday and met officials.\n",
        encoding="utf-8",
    )
    second = news_pipeline(source=str(source), lake=str(lake))
    assert [first["status"], second["status"]] == ["published", "published"]
    assert second["models"] == "incremental"  # the old rows that move are repaired, the rest merged
    aliases = {a["alias"]: a["entity_id"] for a in table_of(lake, "entity_aliases").to_pylist()}
    assert aliases["Obama"] == aliases["Barack Obama"]

    full = tmp_path / "full"
    news_pipeline(source=str(source), lake=str(full))
    for table in schema.PUBLISHED:
        if table != "runs":
            assert rows_of(lake, table) == rows_of(full, table), table


def test_models_merged_from_new_rows_equal_models_rebuilt(prefect_server, tmp_path, source_copy):
    """The same lake grown one file at a time, with incremental models on and off."""
    from flows.pipeline import news_pipeline

    files = sorted(p for p in source_copy.iterdir() if p.name != "ATTRIBUTION.md")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lakes = {True: tmp_path / "incremental", False: tmp_path / "rebuilt"}
    os.environ["NEWSLAKE_EXTRACT"] = "true"
    try:
        for chunk in (files[:6], files[6:9], files[9:]):
            for path in chunk:
                shutil.copy2(path, inbox / path.name)
            for incremental, lake in lakes.items():
                os.environ["NEWSLAKE_INCREMENTAL_MODELS"] = str(incremental).lower()
                report = news_pipeline(source=str(inbox), lake=str(lake))
                assert report["models"] == ("incremental" if incremental and report["version"] != "v000001" else "full")
    finally:
        os.environ.pop("NEWSLAKE_INCREMENTAL_MODELS", None)
        os.environ.pop("NEWSLAKE_EXTRACT", None)
    for table in ("entity_aliases", "entities", "article_entities", "entity_cooccurrence", "entity_daily", "dates"):
        assert rows_of(lakes[True], table) == rows_of(lakes[False], table), table


def test_a_run_rewrites_only_the_parts_it_must(prefect_server, tmp_path, source_copy, seed_text):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    news_pipeline(source=str(source_copy), lake=str(lake.root))
    first = {name: {p.path for p in t.parts} for name, t in lake.manifest().tables.items()}
    (source_copy / "later.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    news_pipeline(source=str(source_copy), lake=str(lake.root))
    second = {name: {p.path for p in t.parts} for name, t in lake.manifest().tables.items()}
    for table in ("articles", "entity_mentions", "date_mentions", "quarantine", "ledger", "signatures", "article_entities", "runs"):
        assert first[table] <= second[table], table  # appended, nothing rewritten
    assert {p.partition for p in lake.manifest().parts("articles") if p.path not in first["articles"]} == {"2021-03"}

    (source_copy / SEED_NAME).write_text(seed_text.replace("Mike Pompeo", "Michael Pompeo"), encoding="utf-8")
    news_pipeline(source=str(source_copy), lake=str(lake.root))
    third = {p.path: p for p in lake.manifest().parts("articles")}
    rewritten = second["articles"] - set(third)
    assert len(rewritten) == 1  # only the part that held the seed's old row
    assert {p.partition for p in lake.manifest().parts("articles") if p.path not in second["articles"]} == {"2020-01"}


# ----------------------------------------------------------------------------- near copies and removals


def test_a_near_copy_takes_over_when_its_canonical_article_changes(prefect_server, tmp_path, source_copy, seed_text):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    (source_copy / "syndicated_copy.txt").write_text(syndicated(seed_text), encoding="utf-8")
    news_pipeline(source=str(source_copy), lake=str(lake.root))
    copy = next(a for a in table_of(lake.root, "articles").to_pylist() if a["source_uri"] == "syndicated_copy.txt")
    assert copy["duplicate_of"] is not None

    (source_copy / SEED_NAME).write_text("Another story entirely\n\nJanuary 11, 2020\n\nNothing like the original.\n", encoding="utf-8")
    report = news_pipeline(source=str(source_copy), lake=str(lake.root))
    assert report["counts"]["replaced"] == 1 and report["models"] == "full"
    articles = {a["source_uri"]: a for a in table_of(lake.root, "articles").to_pylist()}
    assert articles["syndicated_copy.txt"]["article_id"] == copy["article_id"]  # never left the lake
    assert articles["syndicated_copy.txt"]["duplicate_of"] is None  # and is canonical now
    with warehouse.connect(lake) as con:
        extracted = con.execute("select count(*) from entity_mentions where article_id = ?", [copy["article_id"]]).fetchone()[0]
        pompeo = con.execute("select article_count from entities where name = 'Mike Pompeo'").fetchone()[0]
    assert extracted > 0 and pompeo == 1
    assert_whole(lake.root)


def test_a_deleted_file_takes_its_rows_with_it(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    (source_copy / "empty.txt").write_bytes(b"")
    lake = Lake(tmp_path / "lake")
    first = news_pipeline(source=str(source_copy), lake=str(lake.root))
    seed_id = next(a["article_id"] for a in table_of(lake.root, "articles").to_pylist() if a["source_uri"] == SEED_NAME)
    (source_copy / SEED_NAME).unlink()
    (source_copy / "empty.txt").unlink()
    report = news_pipeline(source=str(source_copy), lake=str(lake.root))
    counts = report["counts"]
    assert (counts["deleted_files"], counts["removed"], counts["new_articles"]) == (2, 1, 0)
    assert table_of(lake.root, "articles").num_rows == first["counts"]["new_articles"] - 1
    assert seed_id not in table_of(lake.root, "entity_mentions").column("article_id").to_pylist()
    assert table_of(lake.root, "quarantine").num_rows == 0
    assert {SEED_NAME, "empty.txt"}.isdisjoint(table_of(lake.root, "ledger").column("source_uri").to_pylist())
    with warehouse.connect(lake) as con:
        assert con.execute("select count(*) from entities where name = 'Qassem Soleimani'").fetchone()[0] == 0
    assert_whole(lake.root)


def test_deleted_files_can_be_kept_for_an_inbox(prefect_server, tmp_path, source_copy, monkeypatch):
    from flows.pipeline import news_pipeline

    monkeypatch.setenv("NEWSLAKE_DELETED_FILES", "keep")
    lake = tmp_path / "lake"
    first = news_pipeline(source=str(source_copy), lake=str(lake))
    (source_copy / SEED_NAME).unlink()
    again = news_pipeline(source=str(source_copy), lake=str(lake))
    assert again["status"] == "nothing_new" and again["counts"]["deleted_files"] == 0
    assert table_of(lake, "articles").num_rows == first["counts"]["new_articles"]


def test_an_emptied_source_does_not_empty_the_lake(prefect_server, tmp_path, source_copy):
    lake = tmp_path / "lake"
    assert runner.invoke(app, ["run", "--source", str(source_copy), "--lake", str(lake), "--no-extract"]).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["run", "--source", str(empty), "--lake", str(lake), "--no-extract"])
    assert result.exit_code == 2 and "refusing to remove every article" in result.output
    assert "Traceback" not in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "story.txt").write_text("Another folder's story\n\nMarch 3, 2021\n\nThe council met in Leeds.\n")
    result = runner.invoke(app, ["run", "--source", str(other), "--lake", str(lake), "--no-extract"])
    assert result.exit_code == 2 and "was built from" in result.output, result.output
    assert Lake(lake).current_version() == "v000001"


def test_an_article_stays_while_another_file_holds_it(prefect_server, tmp_path, source_copy):
    """Exact copies count once; when the file whose copy was published goes, the
    other file's copy takes its place."""
    from flows.pipeline import news_pipeline

    shutil.copy2(source_copy / SEED_NAME, source_copy / "mirror.txt")
    lake = tmp_path / "lake"
    first = news_pipeline(source=str(source_copy), lake=str(lake))
    assert first["counts"]["duplicates"] == 1
    (source_copy / SEED_NAME).unlink()
    news_pipeline(source=str(source_copy), lake=str(lake))
    seeds = [a for a in table_of(lake, "articles").to_pylist() if a["title"].startswith("Iraqi PM")]
    assert [a["source_uri"] for a in seeds] == ["mirror.txt"]
    assert seeds[0]["article_id"] in table_of(lake, "entity_mentions").column("article_id").to_pylist()
    assert_whole(lake)


# ----------------------------------------------------------------------------- gates in the flow


def test_odd_language_codes_are_normalized_and_published(prefect_server, tmp_path):
    from flows.pipeline import news_pipeline

    source = tmp_path / "in"
    source.mkdir()
    body = "<p>" + "The council in Belgrade approved the new budget on Monday after a long debate. " * 4 + "</p>"
    (source / "page.html").write_text(
        f'<html lang="sh"><head><title>Budget approved</title></head><body><article><h1>Budget approved</h1>{body}</article></body></html>'
    )
    (source / "record.json").write_text(json.dumps({"title": "Markets rally", "text": "Shares rose sharply in New York on Friday as investors cheered jobs data.", "language": "en-US"}))
    report = news_pipeline(source=str(source), lake=str(tmp_path / "lake"), extract=False)
    assert report["status"] == "published" and report["counts"]["quarantined"] == 0
    languages = {a["source_uri"]: a["language"] for a in table_of(tmp_path / "lake", "articles").to_pylist()}
    assert languages == {"page.html": "sr", "record.json": "en"}


def suites_with(tmp_path: Path, expectation: dict) -> Path:
    """The project's suites plus one more expectation on articles."""
    folder = tmp_path / "expectations"
    shutil.copytree(REPO / "expectations", folder)
    suite = json.loads((folder / "articles.json").read_text())
    suite["expectations"].append(expectation)
    (folder / "articles.json").write_text(json.dumps(suite))
    return folder


def test_a_quarantine_action_takes_out_the_failing_articles_only(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    strict = suites_with(tmp_path, {
        "type": "expect_column_values_to_be_between", "kwargs": {"column": "word_count", "min_value": 20},
        "meta": {"action": "quarantine", "notes": "briefs are not articles here"},
    })
    (source_copy / "brief.txt").write_text("A brief\n\nJanuary 11, 2020\n\nToo short to publish.\n")
    report = news_pipeline(source=str(source_copy), lake=str(tmp_path / "lake"), expectations_dir=str(strict))
    assert report["status"] == "published"
    assert report["counts"]["quarantined"] == 1
    (row,) = table_of(tmp_path / "lake", "quarantine").to_pylist()
    assert (row["source_uri"], row["reason"]) == ("brief.txt", "failed_expectation")
    assert "expect_column_values_to_be_between(word_count)" in row["detail"]
    titles = table_of(tmp_path / "lake", "articles").column("title").to_pylist()
    assert "A brief" not in titles and len(titles) == report["counts"]["new_articles"]


def test_a_warn_action_publishes_and_reports(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    strict = suites_with(tmp_path, {
        "type": "expect_column_values_to_be_between", "kwargs": {"column": "word_count", "max_value": 100},
        "meta": {"action": "warn", "notes": "long reads are worth a look"},
    })
    report = news_pipeline(source=str(source_copy), lake=str(tmp_path / "lake"), expectations_dir=str(strict))
    assert report["status"] == "published" and report["counts"]["quarantined"] == 0
    (articles,) = [t for t in report["validation"]["tables"] if t["table"] == "articles"]
    assert articles["success"] and [w["action"] for w in articles["warnings"]] == ["warn"]


# ----------------------------------------------------------------------------- the runs view


def test_the_runs_view_lists_every_run(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline
    from newslake.validate import ValidationFailed

    lake = Lake(tmp_path / "lake")
    news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    broken = tmp_path / "sql"
    shutil.copytree(REPO / "sql", broken)
    (broken / "dates.sql").write_text("-- key: date\n-- incremental: rebuild\nselect cast('no day' as date) as date from stg_day_counts\n")
    (source_copy / "a.txt").write_text("A story\n\nJanuary 11, 2020\n\nWith a body of a few words.\n")
    os.environ["NEWSLAKE_SQL_DIR"] = str(broken)
    try:
        with pytest.raises(RuntimeError, match="dates"):
            news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    finally:
        del os.environ["NEWSLAKE_SQL_DIR"]
    strict = suites_with(tmp_path, {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "title", "regex": "^Iraq"}})
    with pytest.raises(ValidationFailed):
        news_pipeline(source=str(source_copy), lake=str(lake.root), expectations_dir=str(strict), extract=False)
    news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)

    statuses = warehouse.query(lake, "select status from runs order by started_at").column("status").to_pylist()
    assert statuses == ["published", "nothing_new", "failed", "validation_failed", "published"]
    # the current version carries the same history up to its own run
    assert table_of(lake.root, "runs").column("status").to_pylist() == statuses
    assert read_runs(lake).num_rows == 5


# ----------------------------------------------------------------------------- schema evolution and compaction


def _downgrade(lake: Lake, table: str, column: str) -> None:
    """Make the current version look as if it was written before `column` existed."""
    manifest = lake.manifest()
    raw = json.loads((lake.current / "manifest.json").read_text())
    for entry in raw["tables"][table]["parts"]:
        path = lake.root / entry["path"]
        old = pq.read_table(path).drop_columns([column])
        os.unlink(lake.current / entry["path"].split("/", 1)[1])
        pq.write_table(old, path, compression="zstd")
        os.link(path, lake.current / entry["path"].split("/", 1)[1])
        entry.update(sha256=file_sha256(path), bytes=path.stat().st_size, schema_version=0)
    raw["tables"][table]["schema_version"] = 0
    raw["tables"][table]["schema"] = [c for c in raw["tables"][table]["schema"] if c["name"] != column]
    (lake.current / "manifest.json").write_text(json.dumps(raw))
    assert manifest.version == raw["version"]


def test_a_lake_written_with_an_older_schema_keeps_working_and_upgrades(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    _downgrade(lake, "articles", "outlet")
    (source_copy / "later.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    report = news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    assert report["status"] == "published"
    with warehouse.connect(lake) as con:
        outlets = con.execute("select count(*), count(outlet) from articles").fetchone()
    assert outlets[0] == report["rows"]["articles"] and outlets[1] < outlets[0]  # old rows: null outlet
    assert lake.manifest().tables["articles"].schema_version == schema.TABLES["articles"].version

    result = runner.invoke(app, ["compact", "--lake", str(lake.root)])
    assert result.exit_code == 0, result.output
    upgraded = lake.manifest()
    assert all(p.schema_version == schema.TABLES["articles"].version for p in upgraded.parts("articles"))
    for part in upgraded.parts("articles"):
        assert pq.read_schema(lake.path_of(part)).names == schema.ARTICLES.names
    assert table_of(lake.root, "articles").num_rows == report["rows"]["articles"]
    assert read_runs(lake).column("status").to_pylist()[-1] == "compacted"


def test_compaction_merges_small_parts_into_a_new_version(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    for i in range(3):
        (source_copy / f"later_{i}.txt").write_text(f"Story {i}\n\nMarch {i + 3}, 2021\n\nThe council met in Leeds on day {i}.\n")
        news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    before = lake.manifest()
    assert len([p for p in before.parts("articles") if p.partition == "2021-03"]) == 3
    result = runner.invoke(app, ["compact", "--lake", str(lake.root)])
    assert result.exit_code == 0 and "published v000004" in result.output, result.output
    after = lake.manifest()
    assert len([p for p in after.parts("articles") if p.partition == "2021-03"]) == 1
    assert len(after.parts("ledger")) == 1
    for table in before.tables:
        if table != "runs":
            assert rows_of(lake.root, table) == rows_of(lake.root, table, before.version), table
    again = runner.invoke(app, ["compact", "--lake", str(lake.root)])
    assert again.exit_code == 0 and "nothing to compact" in again.output


def test_the_run_is_plain_domain_code_and_a_retried_commit_publishes_once(tmp_path, source_copy):
    """The steps the flow wires, called without Prefect; the commit called twice (as a
    retry would) publishes one version with one runs row."""
    from newslake.config import load_settings
    from newslake.pipeline import base_tables, derive, extraction, gate, merge, parse
    from newslake.pipeline import session as run

    settings = load_settings(source=source_copy, lake=tmp_path / "lake", extract=False)
    with run.open_session(settings) as session:
        run.plan_backlog(session)
        run.check_nothing_to_do(session)
        for chunk in run.chunks(session):
            cp = run.open_checkpoint(session, chunk)
            job = parse.parse_job(settings, cp.run_id, chunk.now, session.plan.revive)
            merge.merge(cp, [job.parse(files) for files in parse.batches(chunk.work, 5, settings.records_per_piece)])
            run.check_changes(cp)
            base_tables.write_base_tables(cp)
            assert extraction.batches(cp, 5) == []
            derive.derive(cp)
            assert gate.gate_version(cp).success
            first = run.commit(cp)
            again = run.commit(cp)
            run.finish_checkpoint(session, cp)
    lake = Lake(tmp_path / "lake")
    assert first["version"] == again["version"] == "v000001" == lake.current_version()
    assert lake.versions() == ["v000001"]
    assert table_of(lake.root, "runs").num_rows == 1 and read_runs(lake).num_rows == 1
    assert_whole(lake.root)
