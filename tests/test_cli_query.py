"""`newslake query`: example queries with parameters, output formats, scripts,
and an analyst's open connection during a run."""

from __future__ import annotations

import csv
import io
import json

import duckdb
from typer.testing import CliRunner

from newslake.analyst.examples import examples
from newslake.cli import app
from newslake.config import PROJECT_DIR
from newslake.lake import Lake

runner = CliRunner()
NAMES = {"top_entities_by_week", "cooccurrence_network", "what_happened_on", "entity_timeline", "who_held_role"}


def q(lake, *args):
    return runner.invoke(app, ["query", "--lake", str(lake), *args])


def test_every_example_declares_params_and_answers_with_defaults(sample_lake):
    lake, _ = sample_lake
    found = {e.name: e for e in examples(PROJECT_DIR / "sql")}
    assert NAMES <= set(found)
    for name in NAMES:
        assert found[name].description
        assert "Donald Trump" not in found[name].sql and "2020-01-09" not in found[name].sql
        out = q(lake, "--example", name, "--format", "json")
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout), f"{name} returned no rows"
    listing = q(lake, "--examples")
    assert listing.exit_code == 0 and all(name in listing.stdout for name in NAMES) and "--param entity" in listing.stdout


def test_params_change_the_answer(sample_lake):
    lake, _ = sample_lake
    out = q(lake, "-e", "top_entities_by_week", "-p", "top=1", "-p", "label=PERSON", "-f", "json")
    rows = json.loads(out.stdout)
    assert rows and all(r["rank"] == 1 and r["label"] == "PERSON" for r in rows)
    out = q(lake, "-e", "cooccurrence_network", "-p", "entity=nancy pelosi", "-p", "limit=3", "-f", "json")
    rows = json.loads(out.stdout)
    assert len(rows) == 3 and {r["entity"] for r in rows} == {"Nancy Pelosi"}
    out = q(lake, "-e", "what_happened_on", "-p", "date=2020-01-10", "-f", "json")
    assert out.exit_code == 0 and {r["day"] for r in json.loads(out.stdout)} == {"2020-01-10"}
    out = q(lake, "-e", "who_held_role", "-p", "role=president", "-f", "json")
    assert "Donald Trump" in {r["name"] for r in json.loads(out.stdout)}
    out = q(lake, "-e", "what_happened_on", "-p", "day=2020-01-10")
    assert out.exit_code == 2 and "no parameter 'day'" in out.output and "date" in out.output


def test_the_shared_macro_answers_in_the_warehouse_and_in_an_older_version(sample_lake):
    """The examples pick their entity with `entity_named` (sql/analyst/macros/): the
    warehouse holds it for any analyst, and a version queried with --version too."""
    lake, _ = sample_lake
    out = q(lake, "select name from entity_named('NANCY pelosi')", "-f", "json")
    assert out.exit_code == 0 and json.loads(out.stdout) == [{"name": "Nancy Pelosi"}], out.output
    version = Lake(lake).current_version()
    for args in ((), ("--version", version)):
        out = q(lake, "-e", "entity_timeline", "-p", "entity=nancy pelosi", "-f", "json", *args)
        assert out.exit_code == 0 and {r["name"] for r in json.loads(out.stdout)} == {"Nancy Pelosi"}, out.output


def test_csv_lists_are_json_and_tables_show_null(sample_lake):
    lake, _ = sample_lake
    out = q(lake, "-f", "csv", "select ['a', 'b\"c'] as l, null as n")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert json.loads(rows[0]["l"]) == ["a", 'b"c'] and rows[0]["n"] == ""
    out = q(lake, "select null as n, [1, 2] as l")
    assert "NULL" in out.stdout and "[1, 2]" in out.stdout


def test_a_script_prints_each_result(sample_lake):
    lake, _ = sample_lake
    out = q(lake, "--script", "-f", "json", "select 'a;b' as s; -- a comment; still one\nselect 2 as n")
    assert out.exit_code == 0, out.output
    decoder, text, docs = json.JSONDecoder(), out.stdout, []
    while text.strip():
        doc, end = decoder.raw_decode(text.lstrip())
        docs.append(doc)
        text = text.lstrip()[end:]
    assert docs == [[{"s": "a;b"}], [{"n": 2}]]
    out = q(lake, "--script", "select 1 as one; select 2 as two")
    assert "one" in out.stdout and "two" in out.stdout and out.stdout.count("1 row\n") == 2


def test_an_open_analyst_connection_keeps_its_version(prefect_server, tmp_path, source_copy):
    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    first = news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    analyst = duckdb.connect(str(lake.warehouse_path), read_only=True)
    before = analyst.execute("select count(*) from articles").fetchone()[0]

    (source_copy / "extra.txt").write_text("Another story\n\nJanuary 11, 2020\n\nIt has a body of a few words.\n")
    second = news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)  # the file is rebuilt while it is open
    assert second["status"] == "published" and second["version"] != first["version"]

    assert analyst.execute("select count(*) from articles").fetchone()[0] == before  # the old version, still working
    assert analyst.execute("select version from newslake_warehouse").fetchone()[0] == first["version"]
    analyst.close()
    out = q(lake.root, "-f", "json", "select (select count(*) from articles) as n, (select version from newslake_warehouse) as v")
    assert json.loads(out.stdout) == [{"n": before + 1, "v": second["version"]}]


def test_the_warehouse_opens_from_any_folder_and_follows_a_moved_lake(prefect_server, tmp_path, source_copy):
    """Views name their files by absolute path: a plain DuckDB connection from another
    folder answers; after the lake moves, the next newslake command re-points them."""
    import shutil
    import subprocess
    import sys

    from flows.pipeline import news_pipeline

    lake = Lake(tmp_path / "lake")
    report = news_pipeline(source=str(source_copy), lake=str(lake.root), extract=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); print(con.sql('select count(*) from articles').fetchall()[0][0], con.sql('select count(*) from runs').fetchall()[0][0])"

    def counts(root: Path) -> str:
        done = subprocess.run([sys.executable, "-c", probe, str(root / "warehouse.duckdb")], cwd=elsewhere, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    expected = [str(report["counts"]["new_articles"]), "1"]
    assert counts(lake.root) == expected
    moved = tmp_path / "moved"
    shutil.move(lake.root, moved)
    out = q(moved, "-f", "json", "select count(*) as n from articles")
    assert out.exit_code == 0 and json.loads(out.stdout) == [{"n": int(expected[0])}]
    assert counts(moved) == expected
    shutil.copytree(moved, tmp_path / "copy", symlinks=True)
    rebuilt = runner.invoke(app, ["warehouse", "--lake", str(tmp_path / "copy")])
    assert rebuilt.exit_code == 0 and "views over v000001" in rebuilt.stdout
    shutil.rmtree(moved)  # the copy's views read the copy's own files
    assert counts(tmp_path / "copy") == expected


def test_the_readme_duckdb_commands_run(sample_lake, tmp_path):
    """Every shell block of the README that opens the lake with DuckDB runs as written,
    with the test's lake for data/lake and this interpreter for .venv/bin/python."""
    import re
    import subprocess
    import sys

    lake, _ = sample_lake
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", (PROJECT_DIR / "README.md").read_text(), re.S) if "import duckdb" in b]
    assert len(blocks) >= 2
    for block in blocks:
        script = "\n".join(line.strip() if not line.startswith("  ") else line[2:] for line in block.splitlines())
        script = script.replace(".venv/bin/python", sys.executable).replace("data/lake", str(lake))
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (block, done.stderr)
    assert (tmp_path / "top_entities.csv").read_text().startswith("name,article_count\n")


def test_sql_mistakes_keep_duckdbs_hints_and_exit_2(sample_lake):
    lake, _ = sample_lake
    typo = q(lake, "select * from artcles")
    assert typo.exit_code == 2 and 'Did you mean "articles"' in typo.stderr and "Catalog Error" in typo.stderr
    column = q(lake, "select titel from articles")
    assert column.exit_code == 2 and "Candidate bindings" in column.stderr and '"title"' in column.stderr
    syntax = q(lake, "selec 1")
    lines = syntax.stderr.splitlines()
    assert syntax.exit_code == 2 and "LINE 1: selec 1" in lines
    caret = lines[lines.index("LINE 1: selec 1") + 1]
    assert caret.strip().startswith("^") and caret.index("^") == len("LINE 1: ")  # under the word that is wrong
    failed = q(lake, "select 'a'::int")  # valid SQL that fails as it runs
    assert failed.exit_code == 1 and "Conversion Error" in failed.stderr


def test_query_refuses_a_lake_run_would_refuse(sample_lake, tmp_path):
    """A lake whose parts this code cannot read as today's tables is refused by query too."""
    import shutil

    from newslake import schema

    lake = Lake(shutil.copytree(sample_lake[0], tmp_path / "old", symlinks=True))
    table, (needed, _) = next(iter(schema.REBUILD_BELOW.items()))
    raw = json.loads((lake.current / "manifest.json").read_text())
    for entry in raw["tables"][table]["parts"]:
        entry["schema_version"] = needed - 1
    (lake.current / "manifest.json").write_text(json.dumps(raw))
    out = q(lake.root, "select count(*) from articles")
    assert out.exit_code == 2 and "move the lake away and run again" in out.stderr
