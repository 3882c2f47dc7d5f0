"""Small file primitives that never leave a half-written file behind.

Everything the lake keeps is written to a temporary name in the same folder and
renamed into place, so a crash or kill leaves either the old file or the new one.

The modes of what the lake writes are the lake's, not the umask's of whoever ran
newslake: files 0644 and folders 0755 (`FILE_MODE`, `DIR_MODE`). A consumer who can
read one file of a version can read all of them (a umask of 077 would hide them),
and no one but the lake's owner can change a part (a umask of 000 would let anyone).
Every file goes through `set_mode` and every folder through `make_dirs`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.failpoints import disk_write


FILE_MODE = 0o644
DIR_MODE = 0o755


def set_mode(path: Path | str) -> None:
    """The lake's file mode, whatever mode the file was created with (mkstemp: 0600)."""
    os.chmod(path, FILE_MODE)


def make_dirs(path: Path) -> None:
    """`path` and its missing parents, each created with the lake's folder mode: mkdir's
    mode is masked by the umask, so the mode is set after creating. A folder that was
    there already keeps its mode (it may be the user's, above the lake)."""
    path = Path(path)
    missing = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by another worker at the same moment
        os.chmod(folder, DIR_MODE)


def touch(path: Path) -> None:
    """An empty file (a marker such as `_SUCCESS`) in the lake's file mode."""
    make_dirs(path.parent)
    path.touch()
    set_mode(path)


def temp_beside(path: Path) -> Path:
    make_dirs(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def writing(name: str | None, path: Path) -> Iterator[None]:
    """Around the write `name` of `path`: a test can fail it as a full disk would
    (`failpoints.disk_write`), and an OSError that does not say which file (pyarrow's
    and DuckDB's do not) is raised again naming `path`, so the run's one-line error
    says where the disk filled up."""
    if name is not None:
        disk_write(name, path)
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            code = exc.errno or (errno.ENOSPC if "No space left" in str(exc) else errno.EIO)
            raise OSError(code, exc.strerror or " ".join(str(exc).split()), str(path)) from exc
        raise


@contextmanager
def replacing(path: Path, fresh: bool = False) -> Iterator[Path]:
    """The one atomic write: a temporary file beside `path` for the block to write,
    then synced, given the lake's mode and renamed over `path`, so a crash leaves the
    old file or the new one (and at worst a hidden temporary). An error in the block
    removes the temporary and leaves `path` as it was. `fresh`: the temporary name
    does not exist yet (a DuckDB database will not open an empty file)."""
    tmp = temp_beside(path)
    try:
        if fresh:
            tmp.unlink()
        yield tmp
        fsync_file(tmp)
        set_mode(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_parquet(table: pa.Table, path: Path, write: str | None = None) -> None:
    with writing(write, path), replacing(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def atomic_write_text(text: str, path: Path, write: str | None = None) -> None:
    with writing(write, path), replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def atomic_write_json(data: Any, path: Path, write: str | None = None) -> None:
    atomic_write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", path, write)


def read_parquet_or_empty(path: Path, schema: pa.Schema) -> pa.Table:
    if path.exists():
        return pq.read_table(path, schema=schema)
    return schema.empty_table()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def release_memory() -> None:
    """Hand memory freed by a finished stage back to the system (Arrow's pool and the C
    heap keep it otherwise), so the next stage's peak does not stack on this one's."""
    import ctypes

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass
