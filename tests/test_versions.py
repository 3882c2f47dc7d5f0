"""Versions: list, verify, roll back and query older ones, on a real two-version lake."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from newslake.cli import app
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs
from newslake.analyst.warehouse import warehouse_version

runner = CliRunner()
HELD_BACK = "wikinews_05_boris_johnson_elected_conservative_leader_slated_t.txt"


@pytest.fixture
def two_versions(prefect_server, source_copy, tmp_path):
    """v1 without one sample file, v2 with it: two versions whose articles differ."""
    from flows.pipeline import news_pipeline

    lake = tmp_path / "lake"
    aside = tmp_path / HELD_BACK
    shutil.move(source_copy / HELD_BACK, aside)
    first = news_pipeline(source=str(source_copy), lake=str(lake))
    shutil.move(aside, source_copy / HELD_BACK)
    second = news_pipeline(source=str(source_copy), lake=str(lake))
    assert (first["version"], second["version"]) == ("v000001", "v000002")
    return lake, source_copy


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def count(lake, table="articles", version=None):
    extra = ["--version", version] if version else []
    out = cli("query", "--lake", lake, "--format", "json", *extra, f"select count(*) as n from {table}")
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)[0]["n"]


def test_help_on_every_version_command():
    for command in ("versions", "verify", "rollback", "repair"):
        result = cli(command, "--help")
        assert result.exit_code == 0 and "--lake" in result.output, result.output


def test_versions_verify_rollback_and_query(two_versions):
    from flows.pipeline import news_pipeline

    lake_dir, source = two_versions
    lake = Lake(lake_dir)
    v1, v2 = lake.manifest("v000001"), lake.manifest("v000002")
    assert v2.tables["articles"].rows == v1.tables["articles"].rows + 1

    listed = cli("versions", "--lake", lake_dir)
    assert listed.exit_code == 0, listed.output
    rows = [line for line in listed.stdout.splitlines() if "v00000" in line and "current:" not in line]
    assert len(rows) == 2 and "v000002" in rows[0] and "v000001" in rows[1]  # newest first
    assert rows[0].lstrip().startswith("*") and not rows[1].lstrip().startswith("*")
    assert v2.run_id in rows[0] and "passed" in rows[0] and str(v2.tables["articles"].rows) in rows[0]
    assert "current: v000002" in listed.stdout

    ok = cli("verify", "--lake", lake_dir)
    assert ok.exit_code == 0 and "v000002 OK" in ok.stdout, ok.output
    assert cli("verify", "v1", "--lake", lake_dir).exit_code == 0

    # corrupt a part only v2 holds (same size, different bytes): verify names it
    only_v2 = sorted({p.path for p in v2.parts("articles")} - {p.path for p in v1.parts("articles")})[0]
    with open(lake_dir / only_v2, "r+b") as handle:
        handle.seek(10)
        byte = handle.read(1)
        handle.seek(10)
        handle.write(bytes([byte[0] ^ 0xFF]))
    bad = cli("verify", "v2", "--lake", lake_dir)
    assert bad.exit_code == 1 and only_v2 in bad.output and "sha256" in bad.output, bad.output
    assert "Traceback" not in bad.output

    refused = cli("rollback", "v2", "--lake", lake_dir)
    assert refused.exit_code == 2 and "refusing" in refused.output and only_v2 in refused.output, refused.output
    missing = cli("rollback", "v9", "--lake", lake_dir)
    assert missing.exit_code == 2 and "not on disk" in missing.output, missing.output
    assert lake.current_version() == "v000002"

    back = cli("rollback", "v1", "--lake", lake_dir)
    assert back.exit_code == 0 and "v000001 is current" in back.stdout, back.output
    assert lake.current_version() == "v000001" and warehouse_version(lake) == "v000001"
    assert count(lake_dir) == v1.tables["articles"].rows
    rolled = read_runs(lake).to_pylist()[-1]
    assert rolled["status"] == "rolled_back" and rolled["published_version"] == "v000001"

    # an older version, queried in place, while another is current
    assert count(lake_dir, version="v1") == v1.tables["articles"].rows
    assert count(lake_dir, "entity_mentions", version="v000001") == v1.tables["entity_mentions"].rows

    # the next run builds on v1 (re-ingesting the held-back file) and takes a new number
    third = news_pipeline(source=str(source), lake=str(lake_dir))
    assert third["status"] == "published" and third["version"] == "v000003", third
    v3 = lake.manifest("v000003")
    assert v3.previous_version == "v000001"
    assert v3.tables["articles"].rows == v2.tables["articles"].rows
    assert lake.current_version() == "v000003" and count(lake_dir) == v3.tables["articles"].rows
    runs_of_v3 = cli("query", "--lake", lake_dir, "--version", "v3", "--format", "json", "select status from runs")
    assert "rolled_back" in runs_of_v3.stdout  # the rollback is in the next version's runs table too


def test_version_errors_are_one_line(tmp_path):
    for args in (("versions",), ("verify",), ("rollback", "v1"), ("query", "--version", "v1", "select 1")):
        out = cli(*args, "--lake", tmp_path / "nowhere")
        assert out.exit_code == 2 and "no published version" in out.output, out.output
        assert len(out.output.strip().splitlines()) == 1
    bad = cli("verify", "vx", "--lake", tmp_path / "nowhere")
    assert bad.exit_code == 2
