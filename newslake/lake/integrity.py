"""Parts are checked against their manifest before anything reads them.

A flipped byte in a Parquet part would otherwise surface as a reader's error that
names no file ("Unexpected end of stream"), or worse as a wrong answer, and since
unchanged parts are shared by versions (hard links: one inode) it spreads to
every version that lists the part. So every part a run or a query of a version is
about to read is hashed first, and a mismatch stops it with `CorruptPart`, one
line naming the part, what its manifest expects and the command that repairs it.

A part's file (or its link in a version folder) that leads outside the lake, a
symlink to a file elsewhere, is damage too, found before anything opens it: the
lake reads and repairs only its own files (`ground`).

Only parts actually read are hashed, once per process: a process that already
hashed a file (same inode, size and mtime) trusts it for the rest of its life.
Nothing is trusted across processes: bit rot changes no mtime.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from newslake.lake.ground import outside_target
from newslake.lake.layout import Lake, LakeError, Part
from newslake.storage import file_sha256


class CorruptPart(LakeError):
    """A part's file is missing or differs from what its manifest records."""


_verified: dict[str, tuple[int, int, int, str]] = {}  # path -> (inode, size, mtime_ns, sha256) found good


def _key(path: str, sha256: str) -> tuple[int, int, int, str] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, sha256)


def trust(path: os.PathLike | str, sha256: str) -> None:
    """`path` was just written (or hashed) and holds `sha256`: do not hash it again."""
    key = _key(str(path), sha256)
    if key is not None:
        _verified[str(path)] = key


def problem(lake: Lake, part: Part, path: os.PathLike | str | None = None) -> str | None:
    """What is wrong with the file of `part` (or its copy at `path`), or None."""
    path = str(path or lake.path_of(part))
    target = outside_target(lake, path)
    if target is not None:
        return f"a link to {target}, outside the lake"
    key = _key(path, part.sha256)
    if key is None:
        return "missing"
    if _verified.get(path) == key:
        return None
    if key[1] != part.bytes:
        return f"{key[1]} bytes, its manifest expects {part.bytes} bytes with sha256 {part.sha256}"
    actual = file_sha256(path)
    if actual != part.sha256:
        return f"sha256 {actual}, its manifest expects {part.sha256}"
    _verified[path] = key
    return None


def check_parts(lake: Lake, parts: Iterable[Part]) -> None:
    """Raise `CorruptPart` for the first of `parts` whose file is not what its manifest says."""
    for part in parts:
        found = problem(lake, part)
        if found:
            raise CorruptPart(
                f"part {part.path} is corrupt ({found}); nothing was read from it: "
                f"run `newslake repair --lake {lake.root}`"
            )
