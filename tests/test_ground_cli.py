"""A lake that trusts nothing it did not write, through the real console script: a
manifest naming paths outside the lake, a part that is a symlink to a file elsewhere,
`--lake` at a folder that is no lake, and the modes of a real run under any umask.
After every case `newslake verify --all` says what the lake holds."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, command_env
from test_cli_errors import newslake, one_error_line
from test_ground import assert_lake_modes

from newslake.lake import Lake
from newslake.lake.ground import MARKER

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(kept_home) -> dict:
    return command_env(kept_home)


@pytest.fixture(scope="module")
def small_source(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for path in sorted(SAMPLES.iterdir())[:4]:
        shutil.copy(path, source / path.name)
    return source


@pytest.fixture(scope="module")
def built_lake(server, small_source, tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("built") / "lake"
    result = newslake("run", "--source", str(small_source), "--lake", str(lake), "--no-extract", "-q", env=server)
    assert result.returncode == 0, result.stderr
    return lake


@pytest.fixture
def lake(built_lake, tmp_path) -> Path:
    """A copy of the built lake (a lake copied in from elsewhere: its links are files of their own)."""
    copy = tmp_path / "lake"
    shutil.copytree(built_lake, copy, symlinks=True)
    return copy


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` with its sha256, but the lock's pid note (a refusing writer takes the lock first)."""
    return {p.relative_to(root).as_posix(): sha(p) for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink() and p.name != ".lock.pid"}


def set_first_part_path(lake: Path, path: str) -> str:
    """The current manifest with the first articles part renamed to `path`; returns the version."""
    current = Lake(lake).current_version()
    manifest_path = lake / "published" / current / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["tables"]["articles"]["parts"][0]["path"] = path
    manifest_path.write_text(json.dumps(data))
    return current


@pytest.mark.parametrize("hostile", ["../victim/owned.txt", "/etc/passwd"])
def test_a_manifest_naming_a_path_outside_the_lake_is_refused_by_every_command(lake, tmp_path, small_source, hostile):
    victim = tmp_path / "victim"
    victim.mkdir()
    version = set_first_part_path(lake, hostile)
    before = snapshot(lake)
    for args in (["verify"], ["verify", "--all"], ["repair"], ["versions"], ["query", "select 1"],
                 ["run", "--source", str(small_source), "--no-extract"], ["rollback", "v1"], ["compact"]):
        result = newslake(*args, "--lake", str(lake), env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
        one_error_line(result, repr(hostile), f"version {version} refused", "manifest.json")
    assert list(victim.iterdir()) == []  # repair wrote nothing outside the lake
    after = snapshot(lake)
    assert {k: v for k, v in after.items() if not k.startswith("runs/")} == {k: v for k, v in before.items() if not k.startswith("runs/")}


def test_a_part_that_links_outside_the_lake_is_damage_repair_replaces_the_link(lake, built_lake, server, tmp_path):
    the_lake = Lake(lake)
    part = the_lake.manifest().parts("articles")[0]
    canonical = the_lake.path_of(part)
    outside = tmp_path / "outside.parquet"
    shutil.copy(canonical, outside)  # the same bytes: only where it lives is wrong
    other = tmp_path / "secret.txt"
    other.write_text("not the lake's")
    canonical.unlink()
    canonical.symlink_to(outside)
    link = the_lake.current / part.path.split("/", 1)[1]
    link.unlink()
    link.symlink_to(other)

    verify = newslake("verify", "--all", "--lake", str(lake))
    assert verify.returncode == 1, verify.stderr
    assert f"{part.path} (articles): a link to {outside}, outside the lake" in verify.stderr
    assert f"a link to {other}, outside the lake" in verify.stderr
    assert "Traceback" not in verify.stderr

    repair = newslake("repair", "--lake", str(lake), "--from", str(built_lake), "--no-rebuild", env=server)
    assert repair.returncode == 0, repair.stderr
    assert f"restored {part.path}" in repair.stdout
    assert not canonical.is_symlink() and not link.is_symlink() and os.path.samefile(canonical, link)
    assert sha(canonical) == part.sha256
    assert outside.read_bytes() == canonical.read_bytes() and other.read_text() == "not the lake's"  # nothing written through
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 0


def test_a_query_refuses_a_part_that_links_outside_the_lake(lake, tmp_path):
    the_lake = Lake(lake)
    part = the_lake.manifest().parts("articles")[0]
    outside = tmp_path / "outside.parquet"
    shutil.copy(the_lake.path_of(part), outside)
    the_lake.path_of(part).unlink()
    the_lake.path_of(part).symlink_to(outside)
    for version in ([], ["--version", "1"]):
        one_error_line(newslake("query", "--lake", str(lake), *version, "select count(*) from articles"),
                       part.path, "outside the lake", "newslake repair")
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 1


def test_repair_never_writes_through_a_linked_folder(lake, tmp_path):
    the_lake = Lake(lake)
    part = the_lake.manifest().parts("articles")[0]
    the_lake.path_of(part).write_bytes(b"damaged")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(the_lake.path_of(part).parent, elsewhere)
    the_lake.path_of(part).parent.symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    result = newslake("repair", "--lake", str(lake), "--no-rebuild")
    assert result.returncode == 2, result.stderr
    assert "outside the lake" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(elsewhere) == before
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 1


def test_a_folder_that_is_no_lake_is_refused_and_nothing_in_it_is_touched(server, small_source, tmp_path):
    folder = tmp_path / "not_a_lake"
    (folder / "parts" / "engine").mkdir(parents=True)
    (folder / "parts" / "engine" / "bolt.txt").write_text("a bolt")
    for args in (["run", "--source", str(small_source), "--no-extract"], ["verify", "--all"], ["repair"], ["versions"], ["compact"]):
        one_error_line(newslake(*args, "--lake", str(folder), env=server), str(folder), "is not a newslake lake", MARKER)
    # serve with no server configured refuses before it makes the lake's Prefect home there
    one_error_line(newslake("serve", "--source", str(small_source), "--lake", str(folder)), str(folder), "is not a newslake lake")
    assert [p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*"))] == ["parts", "parts/engine", "parts/engine/bolt.txt"]
    assert (folder / "parts" / "engine" / "bolt.txt").read_text() == "a bolt"


def test_a_lake_without_its_marker_keeps_working_and_is_marked(lake, server, small_source):
    (lake / MARKER).unlink()
    (lake / "parts" / "articles" / "notes.txt").write_text("an analyst's notes")
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 0
    result = newslake("run", "--source", str(small_source), "--lake", str(lake), "--no-extract", "-q", env=server)
    assert result.returncode == 0, result.stderr
    assert json.loads((lake / MARKER).read_text())["format"] == "newslake-lake"
    assert (lake / "parts" / "articles" / "notes.txt").read_text() == "an analyst's notes"  # garbage collection left it
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 0


@pytest.mark.parametrize("umask", [0o000, 0o077])
def test_a_real_run_writes_the_lakes_modes_whatever_the_umask(prefect_server, small_source, tmp_path, umask):
    """The command, in this process with its umask set (and restored)."""
    from typer.testing import CliRunner

    from newslake.cli import app

    lake = tmp_path / "lake"
    previous = os.umask(umask)
    try:
        result = CliRunner().invoke(app, ["run", "--source", str(small_source), "--lake", str(lake), "-q"])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert (lake / "published" / "current" / "manifest.json").is_file()
    published = assert_lake_modes(lake / "published")
    assert published > 10
    assert assert_lake_modes(lake) > published  # parts, runs log, state, warehouse, marker, lock too
    assert newslake("verify", "--all", "--lake", str(lake)).returncode == 0
