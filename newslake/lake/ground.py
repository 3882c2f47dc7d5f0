"""The lake's own ground: which folder is a lake, which files in it are its own.

`--lake` may point at any folder, and a lake may be copied in from elsewhere, so
nothing is trusted for looking like a lake. Three rules, owned here:

- **The folder.** A folder is a lake when it holds the marker `newslake-lake.json`
  (written by the first writer of a new lake), or is empty or absent (a new lake).
  A lake written before the marker existed is recognised by what only newslake
  writes there (a version's manifest, `published/current`, a runs-log row) and is
  given the marker by its next writer. Any other folder is refused: newslake never
  writes, and never deletes, in a folder it did not make.
- **The files.** A part or version file newslake reads, links or repairs must
  resolve, links followed, inside the lake: a part that is a symlink to a file
  elsewhere is damage (`integrity`), never read and never written through. (The
  names a manifest gives are checked when it is read: `layout.check_names`.)
- **Deleting.** Cleanup (garbage collection, pruning, a failed writer's leftovers)
  deletes only files whose names newslake's naming gives them, and folders it
  emptied; anything else found in the lake stays where it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from newslake.lake.layout import FORMAT, FORMAT_VERSION, MANIFEST, PART_DIR, PART_NAME, Lake, LakeError
from newslake.storage import atomic_write_json, make_dirs

MARKER = "newslake-lake.json"
# What a new lake's folder may hold before its marker is written: the lock taken by
# its first run, and the Prefect home that `serve` or a run creates first.
BEFORE_MARKER = frozenset({".lock", ".lock.pid", "prefect"})

TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")  # storage.temp_beside: .<name>.<random>.tmp
REPAIR_TEMP = re.compile(r"^\.part-.+\.parquet\.repair$")  # versions.repair: a link on its way in
VERSION_FILES = frozenset({MANIFEST, "_SUCCESS"})
SPILL_FILE = re.compile(r"^batch-[0-9a-f]{32}\.[a-z_]+\.arrow$")  # pipeline.parse: a spilled batch


def inside(lake: Lake, path: Path | str) -> bool:
    """Does `path` resolve (links followed) to a place inside the lake?"""
    return Path(path).resolve().is_relative_to(lake.root.resolve())


def outside_target(lake: Lake, path: Path | str) -> Path | None:
    """Where `path` leads when that is outside the lake (a link, or a linked folder), else None."""
    resolved = Path(path).resolve()
    return None if resolved.is_relative_to(lake.root.resolve()) else resolved


def contained(lake: Lake, folder: Path) -> Path:
    """`folder` (created with the lake's mode) after checking that writing in it writes
    inside the lake: a linked folder that leads elsewhere is refused, naming both."""
    target = outside_target(lake, folder)  # the folders that exist, links followed, then the rest
    if target is not None:
        raise LakeError(f"{folder} leads to {target}, outside the lake {lake.root}: refusing to write there")
    make_dirs(folder)
    return folder


# --- the folder ----------------------------------------------------------------------


def marker_path(lake: Lake) -> Path:
    return lake.root / MARKER


def _written_by_newslake(lake: Lake) -> bool:
    """A lake of today's layout written before the marker: only newslake writes these."""
    if lake.current.is_symlink() or lake.versions():
        return True
    return lake.runs_root.is_dir() and any(lake.runs_root.glob("*/run.parquet"))


def _before_marker(name: str) -> bool:
    """What a new lake may hold before its marker: see BEFORE_MARKER, and the marker on its
    way in (another process claiming the same new folder at the same moment)."""
    return name in BEFORE_MARKER or (name.startswith(f".{MARKER}.") and name.endswith(".tmp"))


def check_usable(lake: Lake) -> None:
    """Refuse a lake path that is a file, a folder from an older layout, or a folder
    that is no lake at all (`check_ground`), with one line."""
    if lake.root.exists() and not lake.root.is_dir():
        raise LakeError(f"lake {lake.root} is a file, not a folder")
    old = lake.root / "state" / "ledger.parquet"
    if old.exists() and not lake.parts_root.exists():
        raise LakeError(
            f"lake {lake.root} was written by newslake's first layout (one file per table); "
            "rebuild it from its sources into a new lake folder"
        )
    check_ground(lake)


def check_ground(lake: Lake) -> None:
    """Refuse a folder that is not a lake (see the module docstring), with one line."""
    root = lake.root
    if not root.is_dir() or marker_path(lake).exists():
        if marker_path(lake).exists() and not marker_path(lake).is_file():
            raise LakeError(f"lake {root}: {MARKER} is not a file; this folder is not a newslake lake")
        return
    entries = sorted(p.name for p in root.iterdir())
    if all(_before_marker(name) for name in entries) or _written_by_newslake(lake):
        return
    shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
    raise LakeError(
        f"{root} is not a newslake lake (no {MARKER}; it holds {shown}): newslake writes and deletes only "
        "in a lake it made; pass a new or empty folder, or an existing lake"
    )


def claim(lake: Lake) -> None:
    """Before the first write: the lake's folder exists and holds the marker (a new or
    empty folder, or a lake written before markers, gets it); any other folder is refused."""
    check_ground(lake)
    if marker_path(lake).is_file():
        return
    make_dirs(lake.root)
    atomic_write_json(
        {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": datetime.now(timezone.utc).isoformat()},
        marker_path(lake),
    )


# --- deleting ------------------------------------------------------------------------


def is_part_file(name: str) -> bool:
    """A file name that newslake gives a part or one on its way in (parts/ and version folders)."""
    if PART_NAME.match(name) or REPAIR_TEMP.match(name):
        return True
    return bool(TEMP.match(name) and PART_NAME.match(name[1:].rsplit(".", 2)[0]))


def remove_ours(folder: Path, is_ours: Callable[[Path], bool], *, keep_folder: bool = False) -> int:
    """Delete, under `folder`, the files `is_ours` recognises (links are never followed),
    then every folder left empty (and `folder` itself unless `keep_folder`): an empty
    folder holds nothing of anyone's. Returns how many files went. Whatever else is there
    stays, with the folders that hold it."""
    if not folder.is_dir() or folder.is_symlink():
        return 0
    removed = 0
    for top, dirs, files in os.walk(folder, topdown=False):
        here = Path(top)
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            path = here / name
            if is_ours(path):
                path.unlink(missing_ok=True)
                removed += 1
        if (here != folder or not keep_folder) and not os.listdir(here):
            os.rmdir(here)
    return removed


def version_file(root: Path) -> Callable[[Path], bool]:
    """What newslake writes in a version (or staging) folder under `root`: its manifest,
    `_SUCCESS`, and links to parts under the parts' own folder names."""

    def ours(path: Path) -> bool:
        rel = path.relative_to(root).parts
        if len(rel) == 1:
            return rel[0] in VERSION_FILES or bool(TEMP.match(rel[0]) and rel[0][1:].startswith(MANIFEST))
        return all(PART_DIR.match(d) for d in rel[:-1]) and is_part_file(rel[-1])

    return ours


def remove_version_folder(folder: Path) -> int:
    """A version (or staging) folder: its manifest first (so it stops being a version at
    once), then the rest of what newslake wrote there."""
    (folder / MANIFEST).unlink(missing_ok=True)
    return remove_ours(folder, version_file(folder))


def part_file(parts_root: Path) -> Callable[[Path], bool]:
    """A file newslake names under `parts/`: parts/<table>/[month=...]/part-....parquet (or its temp)."""

    def ours(path: Path) -> bool:
        rel = path.relative_to(parts_root).parts
        return 2 <= len(rel) <= 3 and all(PART_DIR.match(d) for d in rel[:-1]) and is_part_file(rel[-1])

    return ours


def spill_file(path: Path) -> bool:
    return bool(SPILL_FILE.match(path.name))
