"""The lake's commit on small tables: parts, manifests, the switch, recovery and cleanup."""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newslake import schema
from newslake.analyst import warehouse
from newslake.lake import Lake, LakeError, Transaction, collect_garbage, commit, prune, recover
from newslake.lake import runs_log
from newslake.lake.small_parts import compact_small_parts
from newslake.lake.ground import check_usable
from newslake.lake.layout import link_path
from newslake.lake.parts import key_in, read_parts, rewrite_without, write_part
from newslake.report.run_report import RunReport

from conftest import REPO

T = pa.schema([("article_id", pa.string()), ("n", pa.int64())])


def rows(*ids: str) -> pa.Table:
    return pa.table({"article_id": list(ids), "n": list(range(len(ids)))}, schema=T)


def version(lake: Lake, run_id: str, add: list[pa.Table] = (), drop_ids: list[str] = ()) -> Transaction:
    """One version over table `t`: the current parts, less `drop_ids` (copy-on-write), plus `add`."""
    txn = Transaction.begin(lake, lake.manifest(), run_id, lake.next_version())
    txn.declare("t", "base", T, 1)
    for part in txn.parts("t"):
        txn.replace("t", part, rewrite_without(lake, part, "t", drop=key_in("article_id", drop_ids), run_id=run_id, schema=T, schema_version=1))
    txn.add("t", [write_part(lake, "t", table, run_id=run_id, schema=T) for table in add])
    return txn


def run_row(run_id: str, version: str) -> dict:
    """A complete runs row, as a real run logs it: the runs table's counts and times are never null."""
    report = RunReport(run_id=run_id, source="", lake="", started_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    report.status, report.version = "published", version
    return runs_log.row_to_json(report.row())


def publish(lake: Lake, txn: Transaction) -> None:
    run = run_row(txn.run_id, txn.version)
    commit(lake, txn.manifest(created_at="2026-01-01T00:00:00+00:00", run=run, validation={}))
    runs_log.write_run(lake, run)


def test_versions_share_untouched_parts_and_rewrite_only_what_they_change(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a", "b"), rows("c")]))
    first = {p.path: p for p in lake.manifest().parts("t")}
    publish(lake, version(lake, "r2", [rows("d")]))
    second = {p.path: p for p in lake.manifest().parts("t")}
    assert set(first) < set(second) and len(second) == 3  # added, nothing rewritten
    publish(lake, version(lake, "r3", drop_ids=["c"]))
    third = {p.path: p for p in lake.manifest().parts("t")}
    assert set(third) == set(second) - {p for p, part in first.items() if part.rows == 1}  # the part holding c is gone
    assert sorted(read_parts(lake, lake.manifest().parts("t"), T).column("article_id").to_pylist()) == ["a", "b", "d"]
    assert lake.versions() == ["v000001", "v000002", "v000003"] and lake.current_version() == "v000003"
    manifest = json.loads((lake.current / "manifest.json").read_text())
    for entry in manifest["tables"]["t"]["parts"]:
        assert not Path(entry["path"]).is_absolute()
        linked = lake.current / link_path(lake.manifest().parts("t")[0].__class__.from_dict(entry))
        assert os.stat(linked).st_ino == os.stat(lake.root / entry["path"]).st_ino  # shared, not copied


def test_copy_on_write_drops_an_emptied_part(tmp_path):
    lake = Lake(tmp_path)
    part = write_part(lake, "t", rows("a"), run_id="r1", schema=T)
    assert rewrite_without(lake, part, "t", drop=key_in("article_id", ["a"]), run_id="r2", schema=T, schema_version=1) is None
    assert rewrite_without(lake, part, "t", drop=key_in("article_id", ["z"]), run_id="r2", schema=T, schema_version=1) == part


def test_a_retried_commit_after_the_rename_is_idempotent(tmp_path):
    lake = Lake(tmp_path)
    txn = version(lake, "r1", [rows("a")])
    manifest = txn.manifest(created_at="now", run={"run_id": "r1"}, validation={})
    commit(lake, manifest)
    lake.current.unlink()  # as if the process died between the rename and the switch
    commit(lake, manifest)
    assert lake.current_version() == "v000001" and lake.versions() == ["v000001"]
    other = Transaction.begin(lake, None, "r-other", "v000001").manifest(created_at="now", run={}, validation={})
    with pytest.raises(LakeError, match="another run"):
        commit(lake, other)


def test_an_aborted_transaction_leaves_no_file(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    before = sorted(p.relative_to(tmp_path) for p in lake.parts_root.rglob("*"))
    version(lake, "r2", [rows("b")], drop_ids=["a"]).abort()
    assert sorted(p.relative_to(tmp_path) for p in lake.parts_root.rglob("*")) == before


def test_recover_finishes_a_switch_and_the_runs_log(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    txn = version(lake, "r2", [rows("b")])
    run = run_row("r2", "v000002")
    commit(lake, txn.manifest(created_at="now", run=run, validation={}))
    # as if killed between the rename and the switch: v000002 exists, `current` is
    # still v000001, and the run never wrote its log row
    os.remove(lake.current)
    os.symlink("v000001", lake.current)
    (lake.published / ".staging-v000003-1").mkdir()
    notes = recover(lake)
    assert lake.current_version() == "v000002"
    assert "r2" in runs_log.logged_run_ids(lake)
    assert not (lake.published / ".staging-v000003-1").exists()
    assert any("v000002" in n for n in notes)


def test_recover_leaves_a_rolled_back_version_alone(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    publish(lake, version(lake, "r2", [rows("b")]))
    os.remove(lake.current)
    os.symlink("v000001", lake.current)  # a rollback: r2 finished, its log row exists
    assert recover(lake) == []
    assert lake.current_version() == "v000001"


def test_garbage_is_what_no_version_lists(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    orphan = write_part(lake, "t", rows("x"), run_id="killed", schema=T)  # a killed run's part
    (lake.parts_root / "t" / ".part-x.parquet.abc.tmp").write_bytes(b"half")
    assert collect_garbage(lake) == 2
    assert not lake.path_of(orphan).exists()
    assert [p.path for p in lake.manifest().parts("t")] == [str(p.relative_to(tmp_path)) for p in lake.parts_root.rglob("*.parquet")]


def test_prune_keeps_the_newest_and_the_current(tmp_path):
    lake = Lake(tmp_path)
    for i in range(4):
        publish(lake, version(lake, f"r{i}", [rows(f"a{i}")]))
    assert prune(lake, 2) == ["v000001", "v000002"]
    collect_garbage(lake)
    assert lake.versions() == ["v000003", "v000004"]
    assert sum(1 for _ in lake.parts_root.rglob("*.parquet")) == 4  # v000004 still lists every part


def test_small_parts_are_merged_above_the_threshold(tmp_path):
    lake = Lake(tmp_path)
    q = schema.QUARANTINE

    def rejected(uri: str) -> pa.Table:
        row = {"source_uri": uri, "reason": "empty", "detail": "no bytes", "run_id": "r1",
               "quarantined_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}
        return schema.to_table([row], q)

    txn = Transaction.begin(lake, None, "r1", "v000001")
    txn.declare("quarantine", "base", q, 1)
    txn.add("quarantine", [write_part(lake, "quarantine", rejected(f"f{i}"), run_id="r1", schema=q) for i in range(3)])
    assert compact_small_parts(lake, txn, threshold=3, target_bytes=10_000_000) == 0  # not above it yet
    txn.add("quarantine", [write_part(lake, "quarantine", rejected("f3"), run_id="r1", schema=q)])
    assert compact_small_parts(lake, txn, threshold=3, target_bytes=10_000_000) == 3
    assert len(txn.parts("quarantine")) == 1
    assert sorted(read_parts(lake, txn.parts("quarantine"), q).column("source_uri").to_pylist()) == ["f0", "f1", "f2", "f3"]


def test_a_lake_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "lake").write_text("")
    with pytest.raises(LakeError, match="is a file"):
        check_usable(Lake(tmp_path / "lake"))


# ----------------------------------------------------------------------------- on a real lake


def test_every_file_a_consumer_reads_is_world_readable(sample_lake):
    lake_dir, _ = sample_lake
    for path in Path(lake_dir).rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert stat.S_IMODE(path.stat().st_mode) & 0o444 == 0o444, path


def test_every_timestamp_is_utc_microseconds(sample_lake):
    lake_dir, _ = sample_lake
    lake = Lake(lake_dir)
    seen = 0
    for name, table in lake.manifest().tables.items():
        for part in table.parts:
            for fld in pq.read_schema(lake.path_of(part)):
                if pa.types.is_timestamp(fld.type):
                    assert fld.type == pa.timestamp("us", tz="UTC"), (name, fld)
                    seen += 1
    assert seen >= 6  # articles, quarantine, runs, entities, cooccurrence


def test_a_moved_lake_opens_and_answers(sample_lake, tmp_path):
    lake_dir, report = sample_lake
    first = tmp_path / "first"
    shutil.copytree(lake_dir, first, symlinks=True)
    moved = tmp_path / "moved"
    first.rename(moved)  # nothing is left where the lake was built or copied to
    answer = warehouse.query(Lake(moved), "select count(*) as n from articles")
    assert answer.column("n").to_pylist() == [report["counts"]["new_articles"]]
    runs = warehouse.query(Lake(moved), "select count(*) as n from runs").column("n").to_pylist()
    assert runs[0] >= 1


def test_the_layers_import_downwards():
    """newslake/ (the domain) never imports Prefect or flows/; flows/ imports no CLI;
    only newslake/cli/ may import flows/."""

    def imports(path: Path) -> set[str]:
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0] if not node.module.startswith("newslake.cli") else "newslake.cli")
        return found

    for path in (REPO / "newslake").rglob("*.py"):
        used = imports(path)
        assert "prefect" not in used, path
        if not path.is_relative_to(REPO / "newslake" / "cli"):
            assert "flows" not in used, path
    for path in (REPO / "flows").rglob("*.py"):
        assert "newslake.cli" not in imports(path), path
