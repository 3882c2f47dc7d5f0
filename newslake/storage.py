"""Small file primitives that never leave a half-written file behind.

Everything the lake keeps is written to a temporary name in the same folder and
renamed into place, so a crash or kill leaves either the old file or the new one.
Whatever the lake writes is world-readable, as Parquet files written by pyarrow
are: a consumer who can read one file of a version can read all of them.
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would have given the file


def make_readable(path: Path) -> None:
    """Give a file written through mkstemp (mode 0600) the usual file mode."""
    os.chmod(path, FILE_MODE)


def temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
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


def atomic_write_parquet(table: pa.Table, path: Path, write: str | None = None) -> None:
    with writing(write, path):
        _atomic_write_parquet(table, path)


def _atomic_write_parquet(table: pa.Table, path: Path) -> None:
    tmp = temp_beside(path)
    try:
        pq.write_table(table, tmp, compression="zstd")
        fsync_file(tmp)
        make_readable(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(text: str, path: Path, write: str | None = None) -> None:
    with writing(write, path):
        _atomic_write_text(text, path)


def _atomic_write_text(text: str, path: Path) -> None:
    tmp = temp_beside(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        fsync_file(tmp)
        make_readable(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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
