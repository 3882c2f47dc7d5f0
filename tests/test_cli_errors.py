"""A person's mistakes: one line naming the cause and the fix, exit code 2, no traceback
(unless --debug). Through the real console script, for exit codes and stderr."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES, command_env


def newslake(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from newslake.cli import main; main()", *args],
        cwd=cwd or REPO, env=environment, capture_output=True, text=True, timeout=600,
    )


def one_error_line(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_lake_that_is_a_file_fails_before_the_run(tmp_path):
    lake = tmp_path / "lake"
    lake.write_text("not a folder")
    result = newslake("run", "--source", str(SAMPLES), "--lake", str(lake), env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    one_error_line(result, "is a file, not a folder", "--lake")  # no server was needed: it failed first
    assert lake.read_text() == "not a folder"


def test_a_wrong_declaration_in_sql_fails_before_the_run(tmp_path):
    sql = Path(shutil.copytree(REPO / "sql", tmp_path / "sql"))
    roles = sql / "roles.sql"
    roles.write_text(roles.read_text(encoding="utf-8").replace("-- repair: article\n", ""), encoding="utf-8")
    lake = tmp_path / "lake"
    result = newslake("run", "--source", str(SAMPLES), "--lake", str(lake),
                      env={"NEWSLAKE_SQL_DIR": str(sql), "PREFECT_API_URL": "http://127.0.0.1:9/api"})
    one_error_line(result, str(roles), "declares no `-- repair:`")  # no server was needed: it failed first
    assert not (lake / "published").exists()


def test_a_source_that_is_a_file(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    result = newslake("run", "--source", str(tmp_path / "a.txt"), "--lake", str(tmp_path / "lake"))
    one_error_line(result, "is a file, not a folder", "--source")


def test_tag_jsonl_with_a_bad_dct_names_the_line(tmp_path):
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"id": "a", "text": "Markets fell on Monday.", "dct": "2020-01-10"}) + "\n"
        + json.dumps({"id": "b", "text": "Then they rose.", "dct": "10th of Jan"}) + "\n"
    )
    out = tmp_path / "out.jsonl"
    line = one_error_line(newslake("tag", "--jsonl", str(records), "--out", str(out)), "line 2", "'b'", "dct", "YYYY-MM-DD")
    assert "10th of Jan" in line
    assert not out.exists()  # checked before anything is written
    debug = newslake("--debug", "tag", "--jsonl", str(records))
    assert debug.returncode == 2 and "Traceback" in debug.stderr and "line 2" in debug.stderr


def test_tag_out_needs_jsonl(tmp_path):
    one_error_line(newslake("tag", "--out", str(tmp_path / "x.json")), "--out needs --jsonl")


def test_query_with_no_sql_says_what_to_pass(tmp_path):
    one_error_line(newslake("query", "--lake", str(tmp_path)), "no SQL", "--file", "--example")
    one_error_line(newslake("query", "--lake", str(tmp_path), "--example", "top_entities_by_wek"), "did you mean top_entities_by_week")


def test_an_unknown_setting_in_pyproject_is_named(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.newslake]\nbatchsize = 10\nlake = "lake"\n')
    line = one_error_line(newslake("query", "select 1", cwd=tmp_path), "'batchsize'", "[tool.newslake]", "batch_size")
    assert str(tmp_path / "pyproject.toml") in line
    (tmp_path / "pyproject.toml").write_text('[tool.newslake]\nbatch_size = 10\nlake = "lake"\n')
    assert "unknown setting" not in newslake("query", "select 1", cwd=tmp_path).stderr


def test_a_failed_validation_prints_only_the_failures(kept_home, tmp_path, source_copy):
    server = command_env(kept_home)
    strict = tmp_path / "strict"
    shutil.copytree(REPO / "expectations", strict)
    suite = json.loads((strict / "articles.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "title", "regex": "^Iraq"}})
    (strict / "articles.json").write_text(json.dumps(suite))
    lake = tmp_path / "lake"
    failed = newslake("run", "--source", str(source_copy), "--lake", str(lake), "--expectations", str(strict), "--no-extract", env=server)
    assert failed.returncode == 1, failed.stderr
    assert "validation failed: nothing was published" in failed.stderr
    assert "✗ articles: expect_column_values_to_match_regex(title)" in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout and "ValidationFailed" not in failed.stderr + failed.stdout
    assert "Try:" not in failed.stdout  # no version: the hint would not work

    passed = newslake("run", "--source", str(source_copy), "--lake", str(lake), "--no-extract", env=server)
    assert passed.returncode == 0, passed.stderr
    hint = [line for line in passed.stdout.splitlines() if line.startswith("Try:")]
    assert len(hint) == 1
    query = hint[0].removeprefix("Try: newslake ").split(" ", 3)  # query --lake LAKE "SQL"
    assert query[:3] == ["query", "--lake", str(lake)]
    assert newslake("query", "--lake", str(lake), query[3].strip('"')).returncode == 0


@pytest.mark.parametrize("args", [["--debug", "--help"]])
def test_debug_is_a_global_option(args):
    result = newslake(*args)
    assert result.returncode == 0 and "--debug" in result.stdout


def test_serve_refuses_a_bad_cron_before_it_starts_anything(tmp_path):
    result = newslake("serve", "--source", str(SAMPLES), "--lake", str(tmp_path / "lake"), "--cron", "every 5 minutes",
                      env={"PREFECT_HOME": str(tmp_path / "home")})
    one_error_line(result, "cron", "every 5 minutes", "*/15 * * * *")
    assert not (tmp_path / "home").exists() and not (tmp_path / "lake").exists()  # no server, no lake


def test_version_names_the_stack():
    result = newslake("--version")
    assert result.returncode == 0
    from importlib.metadata import version

    assert result.stdout.startswith(f"newslake {version('newslake')} (Prefect {version('prefect')}, DuckDB {version('duckdb')}")


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
