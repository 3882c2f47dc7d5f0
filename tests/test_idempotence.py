"""Idempotence: two runs on the same inputs into two lakes publish the same content.

The second copy of the inputs sits under another folder, its files are created in the
opposite order (so a directory listing yields them differently) and with other
modification times; its run is another process with another str hash seed (set
iteration order), another local time zone, other batch sizes and extraction in two
worker processes. Only run metadata may differ.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, SAMPLES, SEED, rows_of, table_of
from test_formats_e2e import write_inbox
from test_incremental import syndicated

from newslake import schema
from newslake.lake import Lake
from newslake.lake.content import checksum_of, content_columns, version_checksums
from newslake.lake.query import connect, ident, register_parts


def _copy_reversed(source, target):
    """The same files under `target`, created last-first, with fresh mtimes."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), reverse=True)
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)


def _run(source, lake, **env) -> None:
    """`newslake run` in its own process: its own str hash seed, time zone and batch sizes."""
    import prefect.settings

    env = {**os.environ, "PREFECT_API_URL": prefect.settings.get_current_settings().api.url,
           "PREFECT_LOGGING_LEVEL": "WARNING", "NEWSLAKE_MAX_FILE_BYTES": "200000", **env}
    done = subprocess.run([sys.executable, "-m", "newslake.cli", "run", "--quiet", "--source", str(source), "--lake", str(lake)],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def twin_lakes(prefect_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("twins")
    first = root / "inbox"
    write_inbox(first)
    for path in SAMPLES.iterdir():
        shutil.copyfile(path, first / path.name)
    # dedup tie-breaks: an exact copy and a near copy, each named to sort before its original
    shutil.copyfile(first / "plain.txt", first / "a_copy_of_plain.txt")
    (first / "0_syndicated.txt").write_text(syndicated(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    second = root / "elsewhere" / "copy"
    _copy_reversed(first, second)
    _run(first, root / "lake_a", PYTHONHASHSEED="1", TZ="UTC")
    _run(second, root / "lake_b", PYTHONHASHSEED="2", TZ="Asia/Kolkata",
         NEWSLAKE_BATCH_SIZE="3", NEWSLAKE_EXTRACT_BATCH_SIZE="7", NEWSLAKE_NLP_BATCH_SIZE="5",
         NEWSLAKE_WORKERS_FROM="1", NEWSLAKE_N_PROCESS="2")
    return Lake(root / "lake_a"), Lake(root / "lake_b")


def test_two_lakes_from_the_same_inputs_hold_the_same_content(twin_lakes):
    a, b = twin_lakes
    ma, mb = a.manifest(), b.manifest()
    sums_a, sums_b = version_checksums(a, ma), version_checksums(b, mb)
    assert set(sums_a) == set(schema.PUBLISHED)
    for table in schema.PUBLISHED:
        if sums_a[table] != sums_b[table]:  # show the rows that differ
            only_a = set(rows_of(a.root, table)) ^ set(rows_of(b.root, table))
            pytest.fail(f"{table}: content differs: {sorted(only_a)[:4]}")
    near = sorted(r["source_uri"] for r in table_of(a.root, "articles").to_pylist() if r["duplicate_of"])
    assert near == sorted(r["source_uri"] for r in table_of(b.root, "articles").to_pylist() if r["duplicate_of"]) != []
    assert ma.run["duplicates"] == mb.run["duplicates"] >= 2
    assert sums_a["articles"][0] > 20 and sums_a["entity_mentions"][0] > 100 and sums_a["quarantine"][0] >= 8


def test_only_run_metadata_differs(twin_lakes):
    """With the run metadata columns included, the tables that have them differ; each of
    those columns differs on its own, and every other column is equal."""
    a, b = twin_lakes
    con = connect()
    for lake in twin_lakes:
        for table in schema.RUN_METADATA:
            register_parts(con, lake, f"{table}_{lake.root.name}", lake.manifest().parts(table), schema.TABLES[table].schema)
    for table, volatile in schema.RUN_METADATA.items():
        arrow_schema = schema.TABLES[table].schema
        assert set(volatile) <= set(arrow_schema.names)
        assert content_columns(table) == [c for c in arrow_schema.names if c not in volatile]
        for column in volatile:
            if (table, column) == ("runs", "error"):  # a failed run's message may name paths; these runs succeeded
                assert all((t := table_of(lake.root, "runs")).column("error").null_count == t.num_rows > 0 for lake in twin_lakes)
                continue
            columns = [*content_columns(table), column]
            left, right = (checksum_of(con, ident(f"{table}_{lake.root.name}"), arrow_schema, columns) for lake in twin_lakes)
            assert left != right, (table, column)
    runs = {lake.root.name: lake.manifest().run for lake in twin_lakes}
    assert runs["lake_a"]["files_seen"] == runs["lake_b"]["files_seen"]
    assert runs["lake_a"]["run_id"] != runs["lake_b"]["run_id"]


def test_the_checksum_ignores_order_and_parts_but_not_repeats(twin_lakes):
    a, _ = twin_lakes
    con = connect()
    table = "entity_mentions"
    arrow_schema = schema.TABLES[table].schema
    parts = a.manifest().parts(table)
    register_parts(con, a, "m", parts, arrow_schema)
    columns = content_columns(table)
    whole = checksum_of(con, "m", arrow_schema, columns)
    con.execute("create table shuffled as select * from m order by random()")
    assert checksum_of(con, "shuffled", arrow_schema, columns) == whole
    con.execute("create table doubled as select * from m union all (select * from m limit 1)")
    assert checksum_of(con, "doubled", arrow_schema, columns) != whole
    con.execute("create table changed as select * exclude (start), start + (row_number() over () = 1)::int as start from m")
    assert checksum_of(con, "changed", arrow_schema, columns) != whole
    assert checksum_of(con, "m", arrow_schema, columns[:-1]) != whole  # the columns are part of it


def test_verify_content_prints_the_same_checksums_for_both_lakes(twin_lakes):
    printed = []
    for lake in twin_lakes:
        done = subprocess.run([sys.executable, "-m", "newslake.cli", "verify", "--content", "--lake", str(lake.root)],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith("v000001 OK:")
        rows = {table: (int(n), checksum) for table, n, checksum in (line.split() for line in lines[1:])}
        assert rows == version_checksums(lake, lake.manifest())
        printed.append(rows)
    assert printed[0] == printed[1]


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
