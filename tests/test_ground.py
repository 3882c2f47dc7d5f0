"""The lake's own ground on small tables: which folder is a lake, which names a manifest
may give, what cleanup may delete, and the modes of what the lake writes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from newslake.lake import Lake, LakeError, collect_garbage, prune
from newslake.lake.ground import MARKER, check_ground, claim
from newslake.lake.layout import FORMAT, FORMAT_VERSION, Manifest
from newslake.lake.lock import publisher_lock
from newslake.lake.parts import write_part
from newslake.analyst.warehouse import build_warehouse

from test_lake import T, publish, rows, version


def manifest_naming(path: str, **changes) -> dict:
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, "version": "v000001", "run_id": "r1", "created_at": "",
            "previous_version": None, "run": {"run_id": "r1"}, "validation": {},
            "tables": {"t": {"kind": "base", "schema_version": 1, "schema": [],
                             "parts": [{"path": path, "rows": 1, "bytes": 1, "sha256": "0" * 64}]}}}
    data.update(changes)
    return data


@pytest.mark.parametrize("path", ["../victim/owned.txt", "/etc/passwd", "parts/t/../../../victim.parquet",
                                  "parts/t/notes.txt", "published/v000001/t/part-r1-1.parquet", "parts//part-r1-1.parquet"])
def test_a_manifest_may_name_only_parts_of_the_layout(path):
    with pytest.raises(LakeError, match="is not a name of a newslake lake.*version v000001 refused"):
        Manifest.from_dict(manifest_naming(path))


@pytest.mark.parametrize("changes", [{"version": "../../tmp"}, {"run_id": "../../x"}, {"run": {"run_id": "/abs/x"}},
                                     {"previous_version": "../v1"}])
def test_a_manifest_may_name_only_versions_and_runs_of_the_layout(changes):
    with pytest.raises(LakeError, match="is not a name of a newslake lake"):
        Manifest.from_dict(manifest_naming("parts/t/part-r1-0a1b2c3d.parquet", **changes))


def test_the_layout_names_pass():
    for path in ("parts/t/part-r1-0a1b2c3d.parquet", "parts/articles/month=2020-01/part-20261207T061347123Z-abc123-0a1b2c3d.parquet",
                 "parts/articles/month=unknown/part-r1-0a1b2c3d.parquet"):
        assert Manifest.from_dict(manifest_naming(path)).parts("t")[0].path == path


def test_a_manifest_in_another_versions_folder_is_refused(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    os.rename(lake.published / "v000001", lake.published / "v000007")
    with pytest.raises(LakeError, match="the name of its folder, v000007"):
        lake.manifest("v000007")


def test_a_folder_that_is_no_lake_is_refused_and_left_alone(tmp_path):
    (tmp_path / "parts" / "engine").mkdir(parents=True)
    (tmp_path / "parts" / "engine" / "bolt.txt").write_text("keep me")
    with pytest.raises(LakeError, match=f"is not a newslake lake \\(no {MARKER}; it holds parts\\)"):
        with publisher_lock(Lake(tmp_path)):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts"]  # no lock, no marker


def test_a_new_or_empty_folder_becomes_a_lake_with_its_marker(tmp_path):
    for root in (tmp_path / "new" / "lake", tmp_path / "empty"):
        (tmp_path / "empty").mkdir(exist_ok=True)
        claim(Lake(root))
        marker = json.loads((root / MARKER).read_text())
        assert marker["format"] == "newslake-lake"
        check_ground(Lake(root))  # and it is a lake from now on


def test_what_a_first_run_or_serve_leaves_before_the_marker_is_no_obstacle(tmp_path):
    (tmp_path / "prefect").mkdir()  # `serve` made the Prefect home first
    (tmp_path / ".lock").write_text("")
    (tmp_path / f".{MARKER}.k2j4h1.tmp").write_text("")  # another writer claiming it at this moment
    check_ground(Lake(tmp_path))
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(LakeError, match="is not a newslake lake"):
        check_ground(Lake(tmp_path))


def test_a_lake_written_before_the_marker_is_recognised_and_marked(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    (tmp_path / MARKER).unlink(missing_ok=True)
    (tmp_path / "notes.txt").write_text("an analyst's notes in the lake folder")
    check_ground(lake)
    with publisher_lock(lake):
        pass
    assert (tmp_path / MARKER).is_file()


def test_garbage_collection_deletes_only_what_newslake_names(tmp_path):
    lake = Lake(tmp_path)
    publish(lake, version(lake, "r1", [rows("a")]))
    orphan = write_part(lake, "t", rows("x"), run_id="killed", schema=T)
    foreign = [lake.parts_root / "engine" / "bolt.txt", lake.parts_root / "t" / "notes.txt",
               lake.parts_root / "t" / "month=2020-01" / "data.parquet", lake.parts_root / "README"]
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not newslake's")
    assert collect_garbage(lake) == 1
    assert not lake.path_of(orphan).exists()
    assert all(path.read_text() == "not newslake's" for path in foreign)


def test_pruning_deletes_only_what_newslake_wrote_in_a_version_folder(tmp_path):
    lake = Lake(tmp_path)
    for i in range(3):
        publish(lake, version(lake, f"r{i}", [rows(f"a{i}")]))
    note = lake.published / "v000001" / "t" / "README.md"
    note.write_text("a consumer's note")
    assert prune(lake, 1) == ["v000001", "v000002"]
    assert not (lake.published / "v000002").exists()
    assert sorted(p.relative_to(lake.published).as_posix() for p in (lake.published / "v000001").rglob("*")) == ["v000001/t", "v000001/t/README.md"]
    assert lake.versions() == ["v000003"]  # the left folder holds no manifest: no version


@pytest.mark.parametrize("umask", [0o000, 0o077])
def test_the_lake_sets_its_own_modes_whatever_the_umask(tmp_path, umask):
    """A real commit of a small lake (parts, manifest, links, runs log, warehouse) with the
    process's umask set: files 0644, folders 0755."""
    lake = Lake(tmp_path / "lake")
    previous = os.umask(umask)
    try:
        with publisher_lock(lake):
            publish(lake, version(lake, "r1", [rows("a")]))
            build_warehouse(lake)
    finally:
        os.umask(previous)
    assert_lake_modes(tmp_path / "lake")


def assert_lake_modes(root) -> int:
    """Every file and folder under `root` (but Prefect's home) has the lake's mode; returns how many."""
    seen = 0
    for path in [root, *root.rglob("*")]:
        if path.is_symlink() or "prefect" in path.relative_to(root).parts[:1]:
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {oct(mode)}"
        seen += 1
    return seen
