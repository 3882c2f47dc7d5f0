"""`newslake repair`: every version on disk whole again, or a rebuilt one in its place.

Unchanged parts are shared by versions through hard links, so one damaged file is
damaged in every version that lists it, and "go back a version" does not help.
Repair therefore works per part, over all versions at once:

1. find every file that differs from its manifest (the part under `parts/`, and a
   version folder's link when it is a file of its own);
2. restore each damaged part from a good copy, a file with the manifest's sha256:
   another version's separate copy (a copied or moved lake has those), or the same
   path in a backup or copy given with `--from`. The part is renamed into place and
   every version folder is linked to it again, so all versions are fixed together;
3. a part with no good copy anywhere is rebuilt from the source files the ledger
   lists: a new version made from them alone (the same content: ingestion is
   deterministic), after which the versions that listed the lost part are removed,
   being past saving. `rebuild_sources` says whether the sources are still there.

Repair writes only inside the lake and never through a link: a part that is a
symlink leading out of the lake is damage like any other, and its good copy is
renamed over the link itself; a folder that leads out of the lake is refused.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from newslake import schema
from newslake.lake import integrity
from newslake.lake.commit import collect_garbage
from newslake.lake.ground import contained, inside, remove_version_folder
from newslake.lake.integrity import CorruptPart
from newslake.lake.layout import Lake, LakeError, Part, link_path
from newslake.lake.parts import read_parts
from newslake.storage import file_sha256, fsync_dir, replacing
from newslake.versions.catalog import files_of, open_lake
from newslake.versions.publish import publishing
from newslake.validate.results import ValidationFailed


@dataclass
class Damage:
    part: Part
    table: str
    versions: list[str] = field(default_factory=list)  # every version that lists the part
    bad: list[str] = field(default_factory=list)  # damaged files, relative to the lake
    restored_from: str | None = None


def find_damage(lake: Lake) -> tuple[int, dict[str, Damage]]:
    """(files checked, damaged parts by path) over every version on disk."""
    listed: dict[str, Damage] = {}
    checked = 0
    for version in lake.versions():
        manifest = lake.manifest(version)
        for table, state in manifest.tables.items():
            for part in state.parts:
                entry = listed.setdefault(part.path, Damage(part, table))
                entry.versions.append(version)
                for path in files_of(lake, version, part):
                    checked += 1
                    rel = path.relative_to(lake.root).as_posix()
                    if rel not in entry.bad and integrity.problem(lake, part, path):
                        entry.bad.append(rel)
    return checked, {path: d for path, d in listed.items() if d.bad}


def _good_copy(lake: Lake, damage: Damage, backup: Path | None) -> Path | None:
    part = damage.part
    candidates = [p for p in [lake.path_of(part)] + [lake.published / v / link_path(part) for v in damage.versions] if inside(lake, p)]
    if backup is not None:
        candidates += [backup / part.path] + [v / link_path(part) for v in sorted((backup / "published").glob("v*"))]
    for path in candidates:
        if path.is_file() and path.stat().st_size == part.bytes and file_sha256(path) == part.sha256:
            return path
    return None


def _restore(lake: Lake, damage: Damage, good: Path) -> None:
    """The good copy renamed into place under `parts/`, then every version's link to it."""
    canonical = lake.path_of(damage.part)
    contained(lake, canonical.parent)
    if canonical.is_symlink() or not (canonical.exists() and os.path.samefile(canonical, good)):
        with replacing(canonical) as tmp:  # renamed over a link, never written through it
            shutil.copyfile(good, tmp)
        fsync_dir(canonical.parent)
    integrity.trust(canonical, damage.part.sha256)
    for version in damage.versions:
        link = lake.published / version / link_path(damage.part)
        if not link.is_symlink() and link.exists() and os.path.samefile(link, canonical):
            continue
        contained(lake, link.parent)
        tmp = link.with_name(f".{link.name}.repair")
        tmp.unlink(missing_ok=True)
        os.link(canonical, tmp)
        os.replace(tmp, link)
        fsync_dir(link.parent)


@dataclass
class RepairReport:
    checked: int
    restored: list[Damage]
    lost: list[Damage]  # no good copy: rebuild from the sources

    @property
    def versions_with_lost_parts(self) -> list[str]:
        return sorted({v for d in self.lost for v in d.versions})


def repair_from_copies(root: Path, backup: Path | None = None, lock_wait: float = 0.0) -> RepairReport:
    """Steps 1 and 2 of the module docstring, under the publisher lock."""
    lake = open_lake(root)
    if backup is not None and not backup.is_dir():
        raise LakeError(f"--from {backup}: not a folder (give a backup or copy of the lake)")
    with publishing(lake.root, lock_wait, refresh_warehouse=False):  # recovered first, as a run would
        checked, damaged = find_damage(lake)
        restored, lost = [], []
        for damage in damaged.values():
            good = _good_copy(lake, damage, backup)
            if good is None:
                lost.append(damage)
                continue
            _restore(lake, damage, good)
            damage.restored_from = str(good)
            restored.append(damage)
        return RepairReport(checked, restored, lost)


def rebuild_sources(lake: Lake) -> tuple[Path, int]:
    """The source folder and file count a rebuild re-ingests, after checking that every
    file the current ledger lists is still there with the same content."""
    manifest = lake.manifest() or lake.manifest(lake.versions()[-1])
    source = Path(manifest.run.get("source") or "")
    if not source.is_dir():
        raise LakeError(f"cannot rebuild: the lake's source folder {source} is gone; restore it, or the part from a backup (--from)")
    try:
        ledger = read_parts(lake, manifest.parts("ledger"), schema.LEDGER, columns=["source_uri", "sha256", "outcome"]).to_pylist()
    except CorruptPart:
        return source, -1  # the ledger itself is lost: the source folder is all there is
    # files only: not archive members, nor the segment rows of files read in pieces (their file has a `pieces` row)
    files = {r["source_uri"]: r["sha256"] for r in ledger if r["outcome"] not in ("member", "segment")}
    for uri, sha in sorted(files.items()):
        path = source / uri
        if not path.resolve().is_relative_to(source.resolve()):
            raise LakeError(f"cannot rebuild: the ledger of {manifest.version} names {uri!r}, which is not a file inside the source folder {source}")
        if not path.is_file() or file_sha256(path) != sha:
            raise LakeError(f"cannot rebuild: source file {path} is {'gone' if not path.is_file() else 'changed'} since it was ingested")
    return source, len(files)


def drop_versions(root: Path, versions: list[str], keep: str, lock_wait: float = 0.0) -> list[str]:
    """Remove `versions` (never `keep`, the rebuilt one) and the parts only they listed."""
    lake = Lake(root)
    gone = []
    with publishing(root, lock_wait, refresh_warehouse=False):
        for version in versions:
            if version == keep or lake.current_version() == version:
                continue
            remove_version_folder(lake.published / version)
            gone.append(version)
        collect_garbage(lake)
    return gone


@dataclass
class Rebuilt:
    source: Path
    files: int  # source files the ledger listed; -1 when the ledger itself was lost
    version: str
    articles: int
    removed: list[str]  # the versions that held the lost parts, now gone


def rebuild_lost(root: Path, report: RepairReport, rebuild: Callable[[Path], dict], lock_wait: float = 0.0) -> Rebuilt:
    """Step 3: a new version from the sources, then the versions that held the lost parts
    removed. `rebuild(source)` runs the pipeline with `rebuild=True` and returns its
    result; the caller hands it in because running the flow is orchestration, which the
    domain does not import. A rebuild that fails removes nothing."""
    source, files = rebuild_sources(Lake(root))
    try:
        result = rebuild(source)
    except (LakeError, OSError, ValidationFailed) as exc:
        raise LakeError(f"the rebuild from {source} failed, nothing was removed: {exc}") from exc
    gone = drop_versions(root, report.versions_with_lost_parts, result["version"], lock_wait)
    return Rebuilt(source, files, result["version"], result["rows"].get("articles", 0), gone)
