"""The backfill: a run over a backlog commits a version every `checkpoint_articles` new
articles, resumes after `kill -9` without parsing or committing again what a
checkpoint committed (inside one large JSONL file too), and ends with the tables of a
run that took the backlog whole. Large files of every multi-record format are read in
pieces: JSONL, a JSON list and a WARC. Real flow, DuckDB, GX and spaCy; kills in real
CLI subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newslake import schema
from newslake.failpoints import ENV
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs

from conftest import REPO, WRITERS, command_env, rows_of, synthetic_record, table_of, write_jsonl, write_json_list

CONTENT = [t for t in schema.TABLES if t not in ("runs", "signatures")]  # runs and seq are run metadata


def content(lake_dir: Path) -> dict[str, list[tuple]]:
    found = {table: rows_of(lake_dir, table) for table in CONTENT}
    sigs = table_of(lake_dir, "signatures").drop_columns(["seq"]).to_pylist()
    found["signatures"] = sorted((r["article_id"], r["signature"]) for r in sigs)
    return found


def assert_no_repeats(lake_dir: Path) -> None:
    for table, key in (("articles", "article_id"), ("ledger", "source_uri"), ("runs", "run_id"), ("signatures", "article_id")):
        values = table_of(lake_dir, table).column(key).to_pylist()
        assert len(values) == len(set(values)), table


def cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = command_env(home, PREFECT_LOGGING_LEVEL="WARNING", **env)
    return subprocess.run([sys.executable, "-m", "newslake.cli", *args], env=environ, cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def published_runs(lake: Lake) -> list[dict]:
    return [r for r in read_runs(lake).to_pylist() if r["status"] == "published"]


def test_a_three_checkpoint_run_equals_a_one_shot_build(prefect_server, tmp_path, monkeypatch):
    """Four JSONL files of 6 records, one of them with a seventh line and so cut into
    pieces of 6: with checkpoints of 8 articles, three versions arrive one by one, each
    passing the gates, and the last holds exactly what one run over the same files
    builds, derived tables included."""
    from flows.pipeline import news_pipeline

    source = tmp_path / "inbox"
    for f in range(3):
        write_jsonl(source / f"export_{f}.jsonl", [synthetic_record(6 * f + i) for i in range(6)])
    write_jsonl(source / "export_3.jsonl", [synthetic_record(18 + i) for i in range(6)] + [synthetic_record(0)])  # an exact copy
    monkeypatch.setenv("NEWSLAKE_RECORDS_PER_PIECE", "6")

    whole = news_pipeline(source=str(source), lake=str(tmp_path / "whole"))
    assert whole["version"] == "v000001" and "checkpoints" not in whole

    monkeypatch.setenv("NEWSLAKE_CHECKPOINT_ARTICLES", "8")
    report = news_pipeline(source=str(source), lake=str(tmp_path / "chunked"))
    lake = Lake(tmp_path / "chunked")
    assert lake.versions() == ["v000001", "v000002", "v000003"] and report["version"] == "v000003"
    assert [c["version"] for c in report["checkpoints"]] == lake.versions()
    assert report["counts"] == whole["counts"]  # the checkpoints' counts add up to the one-shot run's
    articles = [lake.manifest(v).tables["articles"].rows for v in lake.versions()]
    assert articles == sorted(articles) and articles[0] < articles[-1] == 24
    for version in lake.versions():  # every checkpoint passed the gates
        assert lake.manifest(version).validation["success"], version
    runs = published_runs(lake)
    assert len(runs) == 3 and [r["published_version"] for r in runs] == lake.versions()
    assert content(lake.root) == content(tmp_path / "whole")
    assert_no_repeats(lake.root)


def one_shot(source: Path, lake: Path, monkeypatch, **env: str) -> Path:
    """The reference: one run over the whole backlog, in this process."""
    from flows.pipeline import news_pipeline

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert news_pipeline(source=str(source), lake=str(lake), extract=False)["status"] == "published"
    return lake


def write_gzipped(path: Path, records) -> Path:
    """Records as a JSONL file compressed whole (`export.jsonl.gz`): a member read in pieces."""
    import gzip

    plain = write_jsonl(path.with_suffix(""), records)
    path.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    return path


def write_tar_gz(path: Path, records) -> Path:
    """Records as a JSON list beside a small note inside a `.tar.gz`."""
    import tarfile

    listed = write_json_list(path.parent / "staging" / "feed.json", records)
    note = path.parent / "staging" / "note.json"
    note.write_text('{"title": "A note", "text": "The council of Leeds met on Monday and approved the plan."}')
    with tarfile.open(path, "w:gz") as tar:
        tar.add(note, "note.json")
        tar.add(listed, "feed.json")
    for f in (note, listed):
        f.unlink()
    listed.parent.rmdir()
    return path


PIECED = {**WRITERS, "jsonl.gz": write_gzipped}  # and a compressed member, read in pieces through its gzip index
FIRST_PIECE = {"jsonl": ("L1-5", 6), "json": ("item-0-4", 5), "warc.gz": ("record-1-6", 7),  # records of 5 articles; the next
               "jsonl.gz": ("!c_archive.jsonl#L1-5", 6)}


@pytest.mark.parametrize("kind", list(PIECED))
def test_a_kill_between_checkpoints_or_inside_a_large_file_redoes_nothing_committed(kept_home, tmp_path, monkeypatch, kind):
    """Two small files and a file of 30 records (JSONL lines, JSON list items, WARC pages,
    the lines of a `.jsonl.gz`) in pieces of 5, checkpoints of 10: a kill as the second checkpoint is about to commit
    loses that chunk only; a kill after it commits loses nothing; each rerun starts at the
    record the ledger recorded, not at the top of the file, and parses no record an earlier
    checkpoint committed."""
    source = tmp_path / "inbox"
    write_jsonl(source / "a_day.jsonl", [synthetic_record(300 + i) for i in range(4)])
    write_jsonl(source / "b_day.jsonl", [synthetic_record(310 + i) for i in range(4)])
    big = f"c_archive.{kind}"
    PIECED[kind](source / big, [synthetic_record(200 + i) for i in range(29)] + [{"title": "no text"}])
    env = {"NEWSLAKE_CHECKPOINT_ARTICLES": "10", "NEWSLAKE_RECORDS_PER_PIECE": "5", "NEWSLAKE_BATCH_SIZE": "1"}
    lake = Lake(tmp_path / "lake")
    run = ("run", "--no-extract", "--source", str(source), "--lake", str(lake.root))

    in_flight = cli(*run, home=kept_home, **env, **{ENV: "commit.before_rename@2"})  # chunk 2, staged
    assert in_flight.returncode == -9, in_flight.stderr[-2000:]
    assert lake.current_version() == "v000001" and lake.manifest().tables["articles"].rows == 8 + 5  # two files, a piece
    segments = [r for r in table_of(lake.root, "ledger").to_pylist() if r["outcome"] == "segment"]
    name, following = FIRST_PIECE[kind]
    name = name if name[0] in "!#" else f"#{name}"
    assert [(r["source_uri"], r["end_line"]) for r in segments] == [(f"{big}{name}", following)]

    after_commit = cli(*run, home=kept_home, **env, **{ENV: "checkpoint.committed@1"})
    assert after_commit.returncode == -9, after_commit.stderr[-2000:]
    assert lake.current_version() == "v000002" and lake.manifest().tables["articles"].rows == 8 + 15
    resumed = published_runs(lake)[-1]
    # nothing committed was parsed again: what it read is new, no record came back as a duplicate of itself
    assert (resumed["unchanged"], resumed["new_articles"], resumed["duplicates"]) == (8 + 5, 10, 0)
    assert resumed["items_seen"] == 8 + 5 + 10

    before = len(published_runs(lake))
    done = cli(*run, home=kept_home, **env)
    assert done.returncode == 0, done.stderr[-2000:]
    checkpoints = published_runs(lake)[before:]
    assert [c["published_version"] for c in checkpoints] == ["v000003", "v000004"]
    assert [sum(c[k] for c in checkpoints) for k in ("unchanged", "new_articles", "quarantined", "duplicates")] == [8 + 15, 14, 1, 0]
    ledger = {r["source_uri"]: r for r in table_of(lake.root, "ledger").to_pylist()}
    assert ledger[big]["outcome"] == "pieces" and len(ledger) == 2 + 6 + 1 + kind.endswith(".gz") - (kind == "warc.gz")  # + its member row

    assert content(lake.root) == content(one_shot(source, tmp_path / "whole", monkeypatch, NEWSLAKE_RECORDS_PER_PIECE="5"))
    assert_no_repeats(lake.root)

    from newslake.config import load_settings
    from newslake.pipeline.session import run_if_nothing_new

    again = run_if_nothing_new(load_settings(source=source, lake=lake.root, records_per_piece=5))
    assert again["status"] == "nothing_new" and again["counts"]["unchanged"] == 38  # every file whole in the ledger


@pytest.mark.parametrize("kind", list(WRITERS))
def test_a_file_read_in_pieces_gives_the_tables_of_the_file_read_whole(prefect_server, tmp_path, monkeypatch, kind):
    """One file of 14 records (a bad one among them) in pieces of 4: four pieces, four
    segment rows, and every other table as when the file is read whole."""
    from flows.pipeline import news_pipeline

    source = tmp_path / "inbox"
    records = [synthetic_record(400 + i) for i in range(13)]
    WRITERS[kind](source / f"feed.{kind}", records[:6] + [{"title": "no text"}] + records[6:])
    monkeypatch.setenv("NEWSLAKE_RECORDS_PER_PIECE", "4")
    pieces = news_pipeline(source=str(source), lake=str(tmp_path / "pieces"), extract=False)
    monkeypatch.setenv("NEWSLAKE_RECORDS_PER_PIECE", "1000")
    whole = news_pipeline(source=str(source), lake=str(tmp_path / "whole"), extract=False)
    assert pieces["counts"] == whole["counts"] and whole["counts"]["quarantined"] == 1
    ledger = table_of(tmp_path / "pieces", "ledger").to_pylist()
    assert sorted(r["outcome"] for r in ledger) == ["pieces"] + ["segment"] * 4
    assert sum(r["item_count"] for r in ledger) == 14
    found, expected = content(tmp_path / "pieces"), content(tmp_path / "whole")
    assert found.pop("ledger") != expected.pop("ledger")
    assert found == expected


@pytest.mark.parametrize("kind", ["jsonl.gz", "tar.gz"])
def test_an_archive_read_in_pieces_gives_the_tables_of_the_archive_read_whole(prefect_server, tmp_path, monkeypatch, kind):
    """A `.jsonl.gz` and a `.tar.gz` (a small member, then a JSON list) of 14 records in
    pieces of 4: every table but the ledger as when the archive is read whole."""
    from flows.pipeline import news_pipeline

    source = tmp_path / "inbox"
    records = [synthetic_record(600 + i) for i in range(13)]
    (PIECED.get(kind) or write_tar_gz)(source / f"feed.{kind}", records[:6] + [{"title": "no text"}] + records[6:])
    monkeypatch.setenv("NEWSLAKE_RECORDS_PER_PIECE", "4")
    pieces = news_pipeline(source=str(source), lake=str(tmp_path / "pieces"), extract=False)
    monkeypatch.setenv("NEWSLAKE_RECORDS_PER_PIECE", "1000")
    whole = news_pipeline(source=str(source), lake=str(tmp_path / "whole"), extract=False)
    assert pieces["counts"] == whole["counts"] and whole["counts"]["quarantined"] == 1
    outcomes = sorted(r["outcome"] for r in table_of(tmp_path / "pieces", "ledger").to_pylist())
    assert outcomes.count("pieces") == 1 and outcomes.count("segment") >= 4
    found, expected = content(tmp_path / "pieces"), content(tmp_path / "whole")
    assert found.pop("ledger") != expected.pop("ledger")
    assert found == expected and len(found["articles"]) == 13 + (kind == "tar.gz")


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
