"""The plan stage: what the source holds against what the lake has taken in.

Discovery hashes every file; the ledger sorts each one as unchanged, new, changed
(same path, new content) or gone. The plan owns what follows from that: which
current articles are superseded (their file changed or went), which near copies
lose their canonical article and are linked again, and which unchanged files must
be read again because they hold an article whose other file went away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema
from newslake.config import Settings
from newslake.lake import Lake, LakeError, Manifest
from newslake.lake.parts import read_parts
from newslake.lake.query import parts_holding
from newslake.ingest.ledger import FILE_PART_SQL, STAT_CACHE, Ledger, Resume, SourceFile, discover, in_files, lake_ground, sql_prefilter
from newslake.progress import progress
from newslake.ingest.archive_pieces import cut_archive, prune_indexes
from newslake.ingest.splits import Piece, cut, splittable
from newslake.readers.archives import is_archive
from newslake.storage import atomic_write_parquet, read_parquet_or_empty


BYTES_PER_ARTICLE = 2_500  # a rough size of one article in its source file, for planning
ONE_ARTICLE = {".txt", ".text", "", ".html", ".htm", ".xhtml"}  # formats that hold one article a file


@dataclass(frozen=True)
class Work:
    """One thing to parse, a whole file or a piece of one, with the articles it may hold."""

    item: SourceFile | Piece
    articles: int

    @property
    def uri(self) -> str:
        return self.item.uri


def estimate(file: SourceFile) -> int:
    """Articles a whole file may hold: one for a page or a text, else by its size."""
    if PurePosixPath(file.path.name).suffix.lower() in ONE_ARTICLE:
        return 1
    return max(1, file.size // BYTES_PER_ARTICLE)


@dataclass(frozen=True)
class Cutting:
    """What cutting needs beyond the files: how many records a piece holds, and for
    archives their caps and where their gzip indexes go (`ingest.archive_pieces`)."""

    records_per_piece: int = 2_000
    max_member: int = 50_000_000
    max_total: int = 500_000_000
    index_dir: Path | None = None


def work_of(files: list[SourceFile], cutting: Cutting | int, resumed: dict[str, Resume]) -> list[Work]:
    """Each file whole, or cut into pieces when it holds more than one piece of records
    (JSONL, a JSON list, a WARC, an archive's members: see `ingest.splits` and
    `ingest.archive_pieces`), from where earlier runs left it, for a file they committed
    pieces of."""
    cutting = Cutting(cutting) if isinstance(cutting, int) else cutting
    out = []
    for f in files:
        at = resumed.get(f.uri)
        if is_archive(f.path.name):
            pieces = cut_archive(f, cutting.records_per_piece, at, cutting.max_member, cutting.max_total, cutting.index_dir)
            out += [Work(p, p.lines) for p in pieces] if pieces else [Work(f, estimate(f))]
            continue
        if not splittable(f) or f.size == 0:
            out.append(Work(f, estimate(f)))
            continue
        pieces = cut(f, cutting.records_per_piece, *((at.end_byte, at.end_line) if at is not None else ()))
        if at is None and len(pieces) == 1:  # short enough to read whole
            out.append(Work(f, pieces[0].lines))
        else:
            out += [Work(p, p.lines) for p in pieces]
    return out


@dataclass
class Plan:
    files: list[SourceFile]
    unchanged: list[SourceFile]
    todo: list[SourceFile]  # new or changed: parsed
    changed: set[str]
    deleted: list[str]
    refreshed: list[dict]  # ledger rows of unchanged files seen under a new path or mtime
    superseded: pa.Table  # current (article_id, source_uri) of changed or deleted files
    orphans: pa.Table  # near copies whose canonical article is superseded: linked again
    revive: dict[str, set[str]] = field(default_factory=dict)  # unchanged file -> article ids to take again
    unchanged_items: int = 0  # items (files and records) of the unchanged files, and of pieces committed before
    resumed: dict[str, Resume] = field(default_factory=dict)  # files read in pieces that earlier runs began
    records_per_piece: int = 2_000
    cutting: Cutting | None = None  # how to cut (records_per_piece with the archive caps)
    work: list[Work] | None = None  # to_parse(), once computed

    @property
    def gone(self) -> set[str]:
        return self.changed | set(self.deleted)

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.deleted

    @property
    def removed_ids(self) -> set[str]:
        """Articles the plan takes out: superseded ones, and near copies to link again."""
        return set(self.superseded.column("article_id").to_pylist()) | set(self.orphans.column("article_id").to_pylist())

    def to_parse(self) -> list[Work]:
        """What to parse, in the order that decides which copy of an article is seen
        first: files that replace or give back articles (changed files, and unchanged
        files with articles to revive), then new files; each group by path. The first
        group goes in the run's first checkpoint, with the removals it answers. Cut
        once (large multi-record files into pieces), then kept."""
        if self.work is None:
            by_uri = {f.uri: f for f in self.unchanged}
            first = [f for f in self.todo if f.uri in self.changed] + [by_uri[u] for u in self.revive]
            rest = [f for f in self.todo if f.uri not in self.changed]
            cutting = self.cutting or Cutting(self.records_per_piece)
            self.work = [
                w for group in (first, rest) for w in work_of(sorted(group, key=lambda f: f.uri), cutting, self.resumed)
            ]
            if cutting.index_dir is not None:  # indexes of archives this run reads no piece of are done with
                prune_indexes(cutting.index_dir, {w.item.file.sha256 for w in self.work
                                                  if isinstance(w.item, Piece) and w.item.archive is not None})
        return self.work

    @property
    def first_group(self) -> set[str]:
        """Files the first checkpoint must take (see `to_parse`)."""
        return set(self.changed) | set(self.revive)


def load_ledger(lake: Lake, base: Manifest | None) -> Ledger:
    """The ledger of the version a run builds on, with the hints of runs that had
    nothing to publish."""
    hints = read_parquet_or_empty(lake.stat_cache_path, STAT_CACHE)
    return Ledger(read_parts(lake, base.parts("ledger") if base else [], schema.LEDGER), hints)


def plan(settings: Settings, lake: Lake, base: Manifest | None, ledger: Ledger, source_label: str, con: duckdb.DuckDBPyConnection) -> Plan:
    """Discover the source and sort every file: unchanged, new, changed or gone."""
    if not settings.source.is_dir():
        raise LakeError(f"source folder not found: {settings.source}")
    try:
        leave_out = lake_ground(settings.source, lake.root)
    except ValueError as exc:
        raise LakeError(str(exc)) from exc
    shown = progress()
    shown.start("discover", None, "files")
    files = discover(settings.source, settings.ignore, known=ledger.known_sha, on_file=lambda: shown.advance("discover"),
                     leave_out=leave_out)
    shown.finish("discover")
    unchanged = [f for f in files if ledger.seen(f.sha256)]
    todo = [f for f in files if not ledger.seen(f.sha256)]
    resumed = {f.uri: r for f in todo if (r := ledger.resume(f.uri, f.sha256)) is not None}
    changed = {f.uri for f in todo if ledger.changed(f.uri, f.sha256)}
    deleted = [] if settings.deleted_files == "keep" else ledger.missing({f.uri for f in files})
    if deleted and not files:
        raise LakeError(
            f"source folder {settings.source} holds no files, but the lake has {len(deleted)}: refusing to remove "
            "every article (set deleted_files=keep for an inbox that is emptied once ingested)"
        )
    built_from = (base.run.get("source") if base else None) or source_label
    if deleted and built_from != source_label:
        raise LakeError(
            f"lake {lake.root} was built from {built_from}, not {source_label}: refusing to remove "
            f"the articles of {len(deleted)} files this folder does not hold (run with the lake's own source "
            "folder, or set deleted_files=keep to add to the lake from several folders)"
        )
    base_articles = base.parts("articles") if base else []
    gone = changed | set(deleted)
    superseded = _superseded(con, lake, base_articles, gone)
    removed = set(superseded.column("article_id").to_pylist())
    return Plan(
        files=files,
        unchanged=unchanged,
        todo=todo,
        changed=changed,
        deleted=deleted,
        refreshed=ledger.refreshed(unchanged),
        superseded=superseded,
        orphans=_orphans(con, lake, base_articles, removed),
        revive=ledger.holders(removed, unchanged),
        unchanged_items=sum(ledger.items_of(f.sha256) for f in unchanged) + sum(r.items for r in resumed.values()),
        resumed=resumed,
        records_per_piece=settings.records_per_piece,
        cutting=Cutting(settings.records_per_piece, settings.max_file_bytes, settings.max_archive_bytes,
                        lake.state_dir / "gzindex"),
    )


def _superseded(con, lake: Lake, parts, gone: set[str]) -> pa.Table:
    empty = pa.table({"article_id": pa.array([], pa.string()), "source_uri": pa.array([], pa.string())})
    holding = parts_holding(con, lake, parts, FILE_PART_SQL.format(column="source_uri"), sql_prefilter(gone))
    if not holding:
        return empty
    rows = read_parts(lake, holding, schema.ARTICLES, columns=["article_id", "source_uri"])
    return rows.filter(in_files(rows.column("source_uri").to_pylist(), gone))


def _orphans(con, lake: Lake, parts, removed: set[str]) -> pa.Table:
    holding = parts_holding(con, lake, parts, "duplicate_of", removed)
    if not holding:
        return schema.ARTICLES.empty_table()
    rows = read_parts(lake, holding, schema.ARTICLES)
    linked = pc.fill_null(pc.is_in(rows.column("duplicate_of"), value_set=pa.array(sorted(removed), pa.string())), False)
    mine = pc.is_in(rows.column("article_id"), value_set=pa.array(sorted(removed), pa.string()))
    return rows.filter(pc.and_(linked, pc.invert(mine)))


def save_hints(lake: Lake, files: list[SourceFile] | list[dict]) -> None:
    """Keep the sha256 of files as size+mtime hints in the stat cache, so the run that
    follows (the flow, after the nothing-new check) does not read them again."""
    rows = [
        f if isinstance(f, dict) else {"source_uri": f.uri, "sha256": f.sha256, "size": f.size, "mtime_ns": f.mtime_ns}
        for f in files
    ]
    rows = [r for r in rows if r["sha256"] is not None]
    if not rows:
        return
    new = pa.Table.from_pylist([{k: r[k] for k in STAT_CACHE.names} for r in rows], schema=STAT_CACHE)
    old = read_parquet_or_empty(lake.stat_cache_path, STAT_CACHE)
    keep = old.filter(pc.invert(pc.is_in(old.column("source_uri"), value_set=new.column("source_uri"))))
    atomic_write_parquet(pa.concat_tables([keep, new]), lake.stat_cache_path, "stat_cache")
