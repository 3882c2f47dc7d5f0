"""`newslake query` is a sandbox: it reads only the lake's tables, writes, installs and
sets nothing, runs one statement unless --script, and prints no raw control character.
Through the real CLI (typer's runner; one case through the console script), with every
file of the lake checksummed before and after the attempts."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from newslake.cli import app

runner = CliRunner()
PART = "published/current/articles/part-0.parquet"


def q(lake: Path, *args: str):
    return runner.invoke(app, ["query", "--lake", str(lake), *args])


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def one_line(result, code: int, *words: str) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert not result.stdout.strip(), result.stdout  # nothing ran, nothing printed
    return lines[0]


@pytest.fixture(scope="module")
def lake(sample_lake):
    lake, _ = sample_lake
    before = checksums(lake)
    yield lake
    assert checksums(lake) == before  # no attempt of this module changed a file of the lake


def test_reads_only_the_lake(lake, tmp_path):
    (tmp_path / "secret.txt").write_text("not the lake's")
    for sql in (
        "select * from read_text('/etc/hostname')",
        "select * from read_csv('/etc/passwd')",
        "select * from glob('/etc/*')",
        f"select * from read_text('{tmp_path / 'secret.txt'}')",
        f"select * from read_text('{lake.resolve()}/published/current/../../runs/../../{tmp_path.name}/secret.txt')",
        f"select * from read_parquet('{lake.resolve()}/state/*.parquet')",  # the lake's bookkeeping is not published
        "select * from read_parquet('https://127.0.0.1:9/x.parquet')",
    ):
        one_line(q(lake, sql), 1, "query failed: Permission Error", "reads only the lake's published tables")
    for sql in ("select current_setting('enable_external_access') as v", "select current_setting('lock_configuration') as v"):
        assert json.loads(q(lake, "-f", "json", sql).stdout) == [{"v": sql.endswith("'lock_configuration') as v")}]


def test_writes_attaches_installs_and_sets_nothing(lake, tmp_path):
    target = tmp_path / "x.db"
    for sql, kind in (
        (f"COPY (select 1) TO '{lake / PART}'", "COPY"),
        (f"copy (select * from articles) to '{tmp_path / 'a.csv'}'", "COPY"),
        (f"ATTACH '{target}' (READ_WRITE)", "ATTACH"),
        (f"EXPORT DATABASE '{tmp_path / 'export'}'", "EXPORT"),
        ("create table t as select 1", "CREATE"),
        ("create temp table t as select 1", "CREATE"),
        (f"explain analyze copy (select 1) to '{lake / 'published/current/x.csv'}'", "EXPLAIN"),
        ("checkpoint", "CALL"),
        ("pragma enable_profiling", "PRAGMA"),
        ("INSTALL httpfs", "INSTALL"),
        ("INSTALL httpfs FROM 'http://127.0.0.1:9/'", "INSTALL"),
        ("LOAD httpfs", "LOAD"),
        ("SET enable_external_access = true", "SET"),
        ("RESET lock_configuration", "SET"),
        ("set variable x = 1", "SET"),
    ):
        one_line(q(lake, sql), 2, "error: refused", f"{kind}", "is not a query", "your own DuckDB")
    assert not list(tmp_path.iterdir())  # no file made outside the lake either


def test_a_script_runs_only_if_every_statement_is_a_query(lake):
    one_line(q(lake, "select 1 as one; select 2 as two"), 2, "2 statements given", "--script")
    out = q(lake, "--script", "select 1 as one; set enable_external_access = true; select * from read_text('/etc/hostname')")
    one_line(out, 2, "refused", "SET")  # refused before the first statement ran
    out = q(lake, "--script", "select count(*) as n from articles; select 2 as two")
    assert out.exit_code == 0 and "two" in out.stdout and out.stdout.count("1 row\n") == 2


def test_an_old_version_is_sandboxed_too(lake):
    one_line(q(lake, "--version", "v1", "select * from read_text('/etc/hostname')"), 1, "Permission Error")
    one_line(q(lake, "--version", "v1", f"copy (select 1) to '{lake / PART}'"), 2, "refused", "COPY")
    out = q(lake, "--version", "v1", "-f", "json", "select count(*) as n from articles")
    assert out.exit_code == 0 and json.loads(out.stdout)[0]["n"] > 0


NASTY = "select 'red ' || chr(27) || '[31mALERT' || chr(7) || chr(13) || chr(155) || 'x' || chr(8238) as " + '"h' + "\x1b[2J" + '"'


def test_control_characters_print_as_escapes(lake, tmp_path):
    for fmt in ("table", "csv", "json"):
        out = q(lake, "-f", fmt, NASTY)
        assert out.exit_code == 0, out.output
        assert not any(c in out.stdout for c in "\x1b\x07\r\x9b\u202e"), repr(out.stdout)
        if fmt != "json":
            assert "\\x1b[31mALERT\\x07\\x0d\\x9bx\\u202e" in out.stdout and "h\\x1b[2J" in out.stdout
    out = q(lake, "-f", "json", NASTY)
    assert json.loads(out.stdout) == [{"h\x1b[2J": "red \x1b[31mALERT\x07\r\x9bx\u202e"}]  # escaped, and still the data
    target = tmp_path / "out.csv"
    out = q(lake, "-f", "csv", "--output", str(target), NASTY)
    assert out.exit_code == 0, out.output
    with open(target, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [["h\x1b[2J"], ["red \x1b[31mALERT\x07\r\x9bx\u202e"]]  # a file gets the bytes
    one_line(q(lake, "-f", "csv", "--output", str(lake / "out.csv"), "select 1"), 2, "inside the lake")
    assert not (lake / "out.csv").exists()
    one_line(q(lake, "--output", str(tmp_path / "t.txt"), "select 1"), 2, "--format csv or --format json")


FORMULAS = ("=HYPERLINK(\"http://example.com\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "a=b")


def test_csv_cells_cannot_run_in_a_spreadsheet(lake, tmp_path):
    sql = "select " + ", ".join(f"'{text}' as c{i}" for i, text in enumerate(FORMULAS)) + ", -5 as n, '=h' as \"=head\""
    target = tmp_path / "f.csv"
    assert q(lake, "-f", "csv", "--output", str(target), sql).exit_code == 0
    with open(target, newline="", encoding="utf-8") as f:
        header, row = list(csv.reader(f))
    assert row == ["'" + t for t in FORMULAS[:6]] + ["plain", "a=b", "-5", "'=h"] and header[-1] == "'=head"
    printed = next(csv.reader(io.StringIO(q(lake, "-f", "csv", sql).stdout), strict=True), None)
    assert printed[-1] == "'=head"
    assert json.loads(q(lake, "-f", "json", sql).stdout)[0]["c0"] == FORMULAS[0]  # JSON is data, kept as it is


def test_output_never_writes_a_lake_file_through_a_link(lake, tmp_path):
    symlink, hardlink = tmp_path / "sym.csv", tmp_path / "hard.csv"
    part = next((lake / "published").rglob("*.parquet"))
    symlink.symlink_to(part)
    os.link(part, hardlink)
    one_line(q(lake, "-f", "csv", "--output", str(symlink), "select 1"), 2, "inside the lake")
    one_line(q(lake, "-f", "json", "--output", str(hardlink), "select 1"), 2, "a hard link to a file of the lake")
    hardlink.unlink()  # the lake's own file stays (checked by the fixture)


def test_the_views_and_examples_still_answer(lake):
    out = q(lake, "-f", "csv", "select (select count(*) from articles) as a, (select count(*) from runs) as r,"
            " (select count(*) from entity_cooccurrence) as c, (select version from newslake_warehouse) as v")
    assert out.exit_code == 0, out.output
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    assert int(row["a"]) > 0 and int(row["r"]) >= 1 and int(row["c"]) > 0 and row["v"] == "v000001"
    for sql in ("describe articles", "summarize dates", "show tables", "explain select count(*) from entities",
                "pivot (select label from entities) on label in ('PERSON', 'ORG') using count(*)"):
        assert q(lake, sql).exit_code == 0, sql
    out = q(lake, "-e", "cooccurrence_network", "-f", "json")
    assert out.exit_code == 0 and json.loads(out.stdout)


def test_the_console_script_refuses_in_one_line(lake):
    before = (lake / "published" / "current" / "manifest.json").read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", "from newslake.cli import main; main()", "query", "--lake", str(lake),
         f"COPY (select 1) TO '{lake / PART}'"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: refused"), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (lake / PART).exists() and (lake / "published" / "current" / "manifest.json").read_bytes() == before
