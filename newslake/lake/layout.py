"""Where everything in a lake lives, and what a version is.

    parts/<table>/[month=YYYY-MM/]part-<run>-<id>.parquet   immutable parts, shared by versions
    published/vNNNNNN/manifest.json                          the version: every part of every table
    published/vNNNNNN/<table>/...                            hard links to its parts, for consumers
    published/current -> vNNNNNN                             switched by one rename
    runs/<run_id>/run.parquet                                the runs log: one row per run, any outcome
    runs/<run_id>/validation.json                            what the gate found
    state/stat_cache.parquet                                 size+mtime hints for unchanged files
    spill/<run_id>/                                          parsed batches between parse and merge
    warehouse.duckdb                                         analyst views over published/current
    .lock                                                    held by the one run that may publish
    newslake-lake.json                                       the marker: this folder is a lake (`ground`)

A version is its manifest. Parts are written under `parts/` while a run works and
are invisible until a manifest names them; a version folder holds hard links to
exactly its parts, so a glob over `published/vNNNNNN/<table>/` reads that version
and nothing else. Paths in a manifest are relative to the lake, so a lake that is
copied or moved keeps working.

A manifest is data from disk, maybe from a lake copied in from elsewhere, and what
it names becomes paths that newslake reads, links and writes. So every name in it
(the version, the run ids, each part's path) must be a name of this layout
(`VERSION`, `RUN_ID`, `PART_PATH`): nothing absolute, no `..`, nothing outside
`parts/`. A manifest that names anything else is refused when it is read, with one
line naming it; see `ground` for what must hold of the files themselves.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

VERSION = re.compile(r"^v(\d{6})$")
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # one folder name under runs/, never . or ..
PART_NAME = re.compile(r"^part-[A-Za-z0-9][A-Za-z0-9_.-]*\.parquet$")  # part-<run>-<id>.parquet
PART_PATH = re.compile(r"^parts/[a-z][a-z0-9_]*/(?:month=(?:\d{4}-\d{2}|unknown)/)?part-[A-Za-z0-9][A-Za-z0-9_.-]*\.parquet$")
PART_DIR = re.compile(r"^(?:[a-z][a-z0-9_]*|month=(?:\d{4}-\d{2}|unknown))$")  # the folders a part lives in
MANIFEST = "manifest.json"
FORMAT = "newslake-lake"
FORMAT_VERSION = 3
UNKNOWN_MONTH = "unknown"


class LakeError(RuntimeError):
    """A lake that cannot be used as it is: the message names the path and the reason."""


@dataclass(frozen=True)
class Part:
    """One immutable Parquet file of one table."""

    path: str  # relative to the lake root, forward slashes
    rows: int
    bytes: int
    sha256: str
    partition: str | None = None  # publication month "YYYY-MM" or "unknown"; None: unpartitioned
    schema_version: int = 1

    def to_dict(self) -> dict[str, Any]:
        out = {"path": self.path, "rows": self.rows, "bytes": self.bytes, "sha256": self.sha256}
        if self.partition is not None:
            out["partition"] = self.partition
        out["schema_version"] = self.schema_version
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Part":
        return cls(
            path=data["path"],
            rows=int(data["rows"]),
            bytes=int(data["bytes"]),
            sha256=data["sha256"],
            partition=data.get("partition"),
            schema_version=int(data.get("schema_version", 1)),
        )


@dataclass
class TableState:
    """A table in one version: its kind, its schema and the parts that hold its rows."""

    kind: str  # base | derived | state | log
    schema_version: int
    schema: list[dict[str, Any]]  # per column: name, type, nullable, description
    parts: list[Part] = field(default_factory=list)
    description: str = ""  # absent from manifests written before descriptions existed

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.description:
            out["description"] = self.description
        out.update(schema_version=self.schema_version, rows=self.rows, schema=self.schema,
                   parts=[p.to_dict() for p in self.parts])
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TableState":
        return cls(
            kind=data["kind"],
            schema_version=int(data["schema_version"]),
            schema=list(data["schema"]),
            parts=[Part.from_dict(p) for p in data["parts"]],
            description=data.get("description", ""),
        )


@dataclass
class Manifest:
    version: str
    run_id: str
    created_at: str
    previous_version: str | None
    tables: dict[str, TableState]
    run: dict[str, Any]  # the runs row of the run that made this version
    validation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "run_id": self.run_id,
            "created_at": self.created_at,
            "previous_version": self.previous_version,
            "tables": {name: t.to_dict() for name, t in sorted(self.tables.items())},
            "run": self.run,
            "validation": self.validation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: Path | str = "manifest") -> "Manifest":
        if data.get("format") != FORMAT or int(data.get("format_version", 0)) != FORMAT_VERSION:
            raise LakeError(
                f"{where}: not a newslake lake of format {FORMAT_VERSION} (found "
                f"{data.get('format', 'an older layout')} {data.get('format_version', '')}); "
                "rebuild it from its sources into a new lake folder"
            )
        check_names(data, where)
        return cls(
            version=data["version"],
            run_id=data["run_id"],
            created_at=data["created_at"],
            previous_version=data.get("previous_version"),
            tables={name: TableState.from_dict(t) for name, t in data["tables"].items()},
            run=data.get("run") or {},
            validation=data.get("validation") or {},
        )

    def parts(self, table: str) -> list[Part]:
        state = self.tables.get(table)
        return list(state.parts) if state else []

    def rows(self) -> dict[str, int]:
        return {name: t.rows for name, t in self.tables.items()}


def check_names(data: dict[str, Any], where: Path | str) -> None:
    """Refuse a manifest (as read from disk) that names anything but this layout's names."""
    version = data.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        _refuse(where, version, "version", version, "vNNNNNN")
    folder = where.parent.name if isinstance(where, Path) else None
    if folder is not None and folder != version:
        _refuse(where, version, "version", version, f"the name of its folder, {folder}")
    previous = data.get("previous_version")
    if previous is not None and not (isinstance(previous, str) and VERSION.match(previous)):
        _refuse(where, version, "previous version", previous, "vNNNNNN")
    for what, run_id in (("run id", data.get("run_id")), ("runs row's run id", (data.get("run") or {}).get("run_id", data.get("run_id")))):
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            _refuse(where, version, what, run_id, "letters, digits, '_', '.' and '-'")
    for table, state in (data.get("tables") or {}).items():
        for part in state.get("parts", []) if isinstance(state, dict) else []:
            path = part.get("path") if isinstance(part, dict) else part
            if not isinstance(path, str) or not PART_PATH.match(path):
                _refuse(where, version, f"{table} part path", path, "parts/<table>/[month=YYYY-MM/]part-<run>-<id>.parquet")


def _refuse(where: Path | str, version: Any, what: str, value: Any, expected: str) -> None:
    name = version if isinstance(version, str) and VERSION.match(version) else Path(where).parent.name or "its version"
    raise LakeError(
        f"{where}: {what} {value!r} is not a name of a newslake lake (expected {expected}); "
        f"version {name} refused: restore its manifest from a backup, or move published/{name} out of the lake"
    )


@lru_cache(maxsize=64)
def _read_manifest(path: str, mtime_ns: int) -> Manifest:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LakeError(f"{path}: unreadable manifest: {exc}") from exc
    if not isinstance(data, dict):
        raise LakeError(f"{path}: unreadable manifest: not a JSON object")
    return Manifest.from_dict(data, Path(path))


@dataclass(frozen=True)
class Lake:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def parts_root(self) -> Path:
        return self.root / "parts"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def current(self) -> Path:
        return self.published / "current"

    @property
    def runs_root(self) -> Path:
        return self.root / "runs"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def stat_cache_path(self) -> Path:
        return self.state_dir / "stat_cache.parquet"

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.root / ".lock"

    @property
    def spill_dir(self) -> Path:
        """Parsed batches on their way from the parse tasks to the merge (a run's own)."""
        return self.root / "spill"

    def run_dir(self, run_id: str) -> Path:
        return self.runs_root / run_id

    def path_of(self, part: Part | str) -> Path:
        return self.root / (part.path if isinstance(part, Part) else part)

    def versions(self) -> list[str]:
        """Complete versions (their manifest exists), oldest first."""
        if not self.published.is_dir():
            return []
        return sorted(p.name for p in self.published.iterdir() if VERSION.match(p.name) and (p / MANIFEST).is_file())

    def current_version(self) -> str | None:
        if not self.current.is_symlink():
            return None
        name = Path(os.readlink(self.current)).name
        return name if (self.published / name / MANIFEST).is_file() else None

    def manifest(self, version: str | None = None) -> Manifest | None:
        version = version or self.current_version()
        if version is None:
            return None
        path = self.published / version / MANIFEST
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        return _read_manifest(str(path), mtime)

    def next_version(self) -> str:
        numbers = []
        if self.published.is_dir():
            for p in self.published.iterdir():
                name = p.name.removeprefix(".staging-").split(".", 1)[0]
                if (m := VERSION.match(name)) and not p.is_symlink():
                    numbers.append(int(m.group(1)))
        return f"v{max(numbers, default=0) + 1:06d}"


def version_number(version: str) -> int:
    match = VERSION.match(version)
    if not match:
        raise ValueError(f"not a version name: {version!r}")
    return int(match.group(1))


def link_path(part: Part) -> str:
    """Where a part appears inside a version folder: its path less the leading 'parts/'."""
    return part.path.split("/", 1)[1]
