"""The newslake command, end to end, in-process."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from newslake.cli import app

from conftest import SAMPLES

runner = CliRunner()


def test_help_on_every_command():
    for args in (["--help"], ["run", "--help"], ["query", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_run_then_query(prefect_server, tmp_path):
    lake = tmp_path / "lake"
    result = runner.invoke(app, ["run", "--source", str(SAMPLES), "--lake", str(lake)])
    assert result.exit_code == 0, result.output
    for words in ("files seen", "new articles", "unchanged", "quarantined", "validation", "passed", "v000001", "newslake query"):
        assert words in result.output

    out = runner.invoke(app, ["query", "--lake", str(lake), "--format", "json", "select count(*) as n from articles"])
    assert out.exit_code == 0, out.output
    n = json.loads(out.stdout)[0]["n"]
    assert n >= 13

    out = runner.invoke(app, ["query", "--lake", str(lake), "-f", "csv", "select title from articles where source_uri like '000_%'"])
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows == [{"title": "Iraqi PM tells US to withdraw troops ‘in Iraq without permission’"}]

    out = runner.invoke(app, ["query", "--lake", str(lake), "select status, published_version from runs"])
    assert out.exit_code == 0 and "published" in out.stdout


def test_query_errors_are_clear(tmp_path):
    out = runner.invoke(app, ["query", "--lake", str(tmp_path / "nowhere"), "select 1"])
    assert out.exit_code == 2 and "no warehouse" in out.output


def test_missing_source_is_clear(tmp_path):
    out = runner.invoke(app, ["run", "--source", str(tmp_path / "missing"), "--lake", str(tmp_path / "lake")])
    assert out.exit_code == 2 and "source folder not found" in out.output
    (tmp_path / "a_file.txt").write_text("not a folder")
    out = runner.invoke(app, ["run", "--source", str(tmp_path / "a_file.txt"), "--lake", str(tmp_path / "lake")])
    assert out.exit_code == 2 and "source folder is a file, not a folder" in out.output


def test_lake_from_environment(prefect_server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSLAKE_LAKE", str(tmp_path / "envlake"))
    monkeypatch.setenv("NEWSLAKE_SOURCE", str(SAMPLES))
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "envlake" / "warehouse.duckdb").exists()
