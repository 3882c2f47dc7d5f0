"""Parse and normalize a batch of files: articles, rejections and ledger rows.

Counting is part of the contract: every input item (a file, or one record of a
multi-record file) ends as exactly one of new, duplicate, unchanged or
quarantined, and `Counts.check` refuses a run where that does not add up.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema

from newslake.failpoints import pause
from newslake.ingest.language import choose_languages
from newslake.ingest.ledger import PIECES, SEGMENT, SourceFile, in_files, member_uri, owner_in
from newslake.ingest.normalize import MAX_EXTRACT_CHARS, normalize_article
from newslake.readers import RawArticle, ReaderOptions, Rejected, Rejection, read_document
from newslake.readers.archives import RejectedMember, is_archive, iter_members
from newslake.readers.base import DEFAULT_OPTIONS
from newslake.ingest.archive_pieces import member_span, read_members
from newslake.ingest.splits import MEMBERS, Piece, read_piece


@dataclass
class Counts:
    files_seen: int = 0
    items_seen: int = 0
    new_articles: int = 0
    duplicates: int = 0
    unchanged: int = 0
    quarantined: int = 0
    skipped_language: int = 0  # new articles not extracted: no model for their language
    replaced: int = 0  # earlier articles superseded by a changed file's new version
    near_duplicates: int = 0  # of the duplicates: published, linked through duplicate_of
    deleted_files: int = 0  # files the ledger holds that the source no longer has
    removed: int = 0  # articles that left the lake because their file went away
    held_back: int = 0  # files that changed while read: none of their items taken, the next run reads them

    def check(self) -> None:
        accounted = self.new_articles + self.duplicates + self.unchanged + self.quarantined
        if accounted != self.items_seen:
            raise AssertionError(
                f"counts do not reconcile: {self.items_seen} items seen but "
                f"{self.new_articles} new + {self.duplicates} duplicates + {self.unchanged} unchanged "
                f"+ {self.quarantined} quarantined = {accounted}"
            )


@dataclass
class Batch:
    """One batch's parsed articles (not yet deduplicated), rejections and ledger rows, as
    Arrow tables of the contract's schemas: compact in memory, cheap to send between
    processes, and what the stages after parsing read."""

    articles: pa.Table
    quarantine: pa.Table
    ledger: pa.Table
    revived: pa.Table  # articles taken again from unchanged files
    items: int = 0  # items read: articles and rejections, archive members' included
    held: tuple[str, ...] = ()  # files that changed while read: none of their items is taken
    # near-duplicate signatures of `articles` and `revived`, row for row, when the batch's
    # worker computed them (`newslake.ingest.dedup.article_signatures`); None: not yet
    signatures: np.ndarray | None = None
    revived_signatures: np.ndarray | None = None

    @classmethod
    def of(cls, articles: list[dict], quarantine: list[dict], ledger: list[dict], items: int, revived: list[dict],
           held: list[str] = ()) -> "Batch":
        return cls(
            held=tuple(held),
            articles=schema.to_table(articles, schema.ARTICLES),
            quarantine=schema.to_table(quarantine, schema.QUARANTINE),
            ledger=schema.to_table(ledger, schema.LEDGER),
            items=items,
            revived=schema.to_table(revived, schema.ARTICLES),
        )


@dataclass
class Unit:
    """One thing the ledger tracks: a file, or a member of an archive ("a.zip!b.json", see `ledger.member_uri`)."""

    uri: str
    sha256: str | None
    size: int
    items: list[RawArticle | Rejection]
    member: bool = False
    records: int | None = None  # a member read in pieces: its records, for its member row (its last piece's unit)


def _quarantine_row(unit: Unit, rejection: Rejection, run_id: str, now: datetime) -> dict:
    return {
        "source_uri": unit.uri,
        "source_sha256": unit.sha256,
        "line": rejection.line,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "quarantined_at": now,
        "run_id": run_id,
    }


def _archive_units(source: SourceFile, data: bytes, limits: "Limits", options: ReaderOptions) -> list[Unit]:
    units = []
    times: Counter[str] = Counter()  # a tar may hold one name twice: each is an item of its own
    try:
        for member in iter_members(source.path.name, data, limits.max_bytes, limits.max_archive_bytes):
            times[member.name] += 1
            uri = member_uri(source.uri, member.name, times[member.name])
            if isinstance(member, RejectedMember):
                units.append(Unit(uri, None, 0, [member.rejection], member=True))
            else:
                sha = hashlib.sha256(member.data).hexdigest()
                items = list(read_document(member.name, member.data, options))
                units.append(Unit(uri, sha, len(member.data), items, member=True))
    except Rejected as rejected:  # the archive as a whole; members read so far stay
        units.append(Unit(source.uri, source.sha256, source.size, [rejected.rejection]))
    if not units:
        units.append(Unit(source.uri, source.sha256, source.size, [Rejection("no_article_text", "archive holds no files")]))
    return units


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # per file, and per archive member
    max_archive_bytes: int  # all members of one archive, decompressed


class ChangedWhileRead(Exception):
    """The file's size, mtime or content differ between discovery, the start and the end
    of its read: what was read may be half old, half new, so none of it is taken."""


def _same(st: os.stat_result, source: SourceFile) -> bool:
    return (st.st_size, st.st_mtime_ns) == (source.size, source.mtime_ns)


def read_stable(source: SourceFile, limit: int) -> bytes:
    """The file's bytes, as discovery hashed them; `ChangedWhileRead` otherwise."""
    with open(source.path, "rb") as handle:
        before = os.fstat(handle.fileno())
        pause("parse.read")
        data = handle.read(limit + 1)
        after = os.fstat(handle.fileno())
    if not (_same(before, source) and _same(after, source)) or hashlib.sha256(data).hexdigest() != source.sha256:
        raise ChangedWhileRead(source.uri)
    return data


def read_piece_stable(piece: Piece, limits: Limits, options: ReaderOptions) -> list[Unit]:
    """A piece's records, when the file's size and mtime are as discovered before and
    after they are read (a piece does not hash its file: size and mtime are its check)."""
    source = piece.file
    try:
        if not _same(os.stat(source.path), source):
            raise ChangedWhileRead(piece.uri)
        pause("parse.read")
        units = _piece_units(piece, limits, options)
        if not _same(os.stat(source.path), source):
            raise ChangedWhileRead(piece.uri)
    except (OSError, EOFError, Rejected) as exc:  # gone since discovery, or not what was cut
        raise ChangedWhileRead(piece.uri) from exc
    return units


def _piece_units(piece: Piece, limits: Limits, options: ReaderOptions) -> list[Unit]:
    """A piece of a file is one unit; a piece of an archive's member is a unit of that
    member (a member row with its last piece); a piece of whole members, one a member."""
    a, size = piece.archive, piece.end_byte - piece.start_byte
    if a is None:
        return [Unit(piece.file.uri, piece.file.sha256, size, list(read_piece(piece, limits.max_bytes, options)))]
    if piece.kind != MEMBERS:
        items = list(read_piece(piece, limits.max_bytes, options, opener=member_span(piece)))
        return [Unit(a.uri, a.sha256, a.size, items, member=a.member_last, records=a.records)]
    units = []
    for uri, member in read_members(piece, limits.max_bytes, limits.max_archive_bytes):
        if isinstance(member, RejectedMember):
            units.append(Unit(uri, None, 0, [member.rejection], member=True))
        else:
            items = list(read_document(member.name, member.data, options))
            units.append(Unit(uri, hashlib.sha256(member.data).hexdigest(), len(member.data), items, member=True))
    return units


def read_units(source: SourceFile, limits: Limits, options: ReaderOptions = DEFAULT_OPTIONS) -> list[Unit]:
    """A file's articles and rejections, per ledger unit (archives give one unit per
    member); `ChangedWhileRead` when the file changed since discovery or while read."""
    def whole(*items: RawArticle | Rejection) -> list[Unit]:
        return [Unit(source.uri, source.sha256, source.size, list(items))]

    if source.error:  # its sha256 is a stand-in: the quarantine row says none was read
        return [Unit(source.uri, None, source.size, [Rejection("unreadable", source.error)])]
    if source.size > limits.max_bytes:
        return whole(Rejection("too_large", f"{source.size:,} bytes, over the {limits.max_bytes:,} byte limit"))
    try:
        data = read_stable(source, limits.max_bytes)
    except OSError as exc:
        return whole(Rejection("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}"))
    if is_archive(source.path.name):  # by the real name: the URI escapes some characters
        return _archive_units(source, data, limits, options)
    return whole(*read_document(source.path.name, data, options))


def _outcome(items: list) -> str:
    good = sum(1 for item in items if not isinstance(item, Rejection))
    return "article" if good == len(items) else ("quarantined" if good == 0 else "mixed")


def parse_batch(
    files: list[SourceFile | Piece],
    *,
    run_id: str,
    now: datetime,
    limits: Limits,
    default_language: str = "en",
    options: ReaderOptions = DEFAULT_OPTIONS,
    revive: Mapping[str, Collection[str]] | None = None,
    use_file_mtime: bool = False,
    use_text_year: bool = True,
    use_text_day: bool = False,
    max_extract_chars: int = MAX_EXTRACT_CHARS,
) -> Batch:
    """Read and normalize `files` (whole files, and pieces of large JSONL files). A file
    named in `revive` is unchanged and already counted: only its articles with the given
    ids are taken (into `Batch.revived`), because the file that owned them went away; it
    adds no items, rejections or ledger rows."""
    revive = revive or {}
    articles: list[dict] = []
    quarantine: list[dict] = []
    ledger: list[dict] = []
    revived: list[dict] = []
    items_read = 0
    held: list[str] = []
    parsed: list[tuple[Unit, RawArticle, Collection[str] | None, int, list[dict]]] = []
    for item in files:
        source = item.file if isinstance(item, Piece) else item
        wanted = revive.get(source.uri)
        try:
            if isinstance(item, Piece):
                units = read_piece_stable(item, limits, options)
            else:
                units = read_units(source, limits, options)
        except ChangedWhileRead:  # held back: not in the ledger, so the next run reads it again
            held.append(source.uri)
            continue
        rows: list[dict] = []
        if wanted is None:
            items = [entry for unit in units for entry in unit.items]
            items_read += len(items)
            if isinstance(item, Piece):
                rows.append(_ledger_row(item.uri, source.sha256, item.end_byte - item.start_byte, source.mtime_ns, SEGMENT,
                                        len(items), run_id, end=item.resume_at))
                if item.last:
                    ledger.append(_ledger_row(source.uri, source.sha256, source.size, source.mtime_ns, PIECES, 0, run_id))
            else:
                outcome = "archive" if any(unit.member for unit in units) else _outcome(items)
                rows.append(_ledger_row(source.uri, source.sha256, source.size, source.mtime_ns, outcome, len(items), run_id))
            ledger.extend(rows)
        for unit in units:
            unit_rows = rows
            if unit.member and wanted is None:
                count = len(unit.items) if unit.records is None else unit.records
                member_row = _ledger_row(unit.uri, unit.sha256, unit.size, 0, "member", count, run_id)
                ledger.append(member_row)
                unit_rows = rows + [member_row]
            for entry in unit.items:
                if not isinstance(entry, Rejection):
                    parsed.append((unit, entry, wanted, source.mtime_ns, unit_rows))
                elif wanted is None:
                    quarantine.append(_quarantine_row(unit, entry, run_id, now))
    languages = choose_languages([raw.language for _, raw, _, _, _ in parsed], [raw.body for _, raw, _, _, _ in parsed], default_language)
    for (unit, raw, wanted, mtime_ns, rows), language in zip(parsed, languages):
        row = normalize_article(
            raw,
            language=language,
            source_uri=unit.uri,
            source_sha256=unit.sha256,
            run_id=run_id,
            ingested_at=now,
            file_mtime=datetime.fromtimestamp(mtime_ns / 1e9, timezone.utc) if mtime_ns else None,
            use_file_mtime=use_file_mtime,
            use_text_year=use_text_year,
            use_text_day=use_text_day,
            max_extract_chars=max_extract_chars,
        )
        if wanted is not None:
            if row["article_id"] in wanted:
                revived.append(row)
            continue
        articles.append(row)
        for ledger_row in rows:
            ledger_row["article_ids"].append(row["article_id"])
    return Batch.of(articles, quarantine, ledger, items_read, revived, held)


def _ledger_row(
    uri: str, sha: str | None, size: int, mtime_ns: int, outcome: str, items: int, run_id: str, end: tuple[int, int] | None = None
) -> dict:
    return {
        "source_uri": uri,
        "sha256": sha,
        "size": size,
        "mtime_ns": mtime_ns,
        "outcome": outcome,
        "item_count": items,
        "article_ids": [],
        "run_id": run_id,
        "end_byte": end[0] if end else None,
        "end_line": end[1] if end else None,
    }


def hold_back(
    ledger: pa.Table, articles: pa.Table, quarantine: pa.Table, files: Collection[str]
) -> tuple[pa.Table, pa.Table, pa.Table, int]:
    """(ledger, articles, quarantine, items taken out) without the rows of `files`, files
    that changed while read. A whole file held back left no rows; a large file read in
    pieces loses its other pieces of the checkpoint too, since the ledger resumes after
    the last piece committed and a piece held back in between would be skipped."""
    files = set(files)
    if not files:
        return ledger, articles, quarantine, 0
    ledger_hit = in_files(ledger.column("source_uri").to_pylist(), files)
    dropped = ledger.filter(ledger_hit)
    not_member = pc.fill_null(pc.not_equal(dropped.column("outcome"), "member"), True)
    items = pc.sum(dropped.filter(not_member).column("item_count")).as_py() or 0
    return (
        ledger.filter(pc.invert(ledger_hit)),
        articles.filter(pc.invert(in_files(articles.column("source_uri").to_pylist(), files))),
        quarantine.filter(pc.invert(in_files(quarantine.column("source_uri").to_pylist(), files))),
        items,
    )


REPEATED = "repeated_source_uri"


def quarantine_repeats(
    ledger: pa.Table, articles: pa.Table, quarantine: pa.Table, taken: Collection[str], run_id: str, now: datetime
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(ledger, articles, quarantine) with no ledger URI twice, for the version gate's
    uniqueness check. URIs are unique by construction (`ledger.member_uri`); this is the
    net under it: should a URI repeat within `ledger` or one the lake holds (`taken`),
    the articles of each such item go to quarantine with the reason, the item keeps
    one ledger row (so it is not read again and again) and the rest of the run publishes."""
    uris = ledger.column("source_uri").to_pylist()
    counted = Counter(uris)
    repeated = {u for u, n in counted.items() if n > 1} | set(taken).intersection(counted)
    if not repeated:
        return ledger, articles, quarantine
    keep, kept = [], set(taken)
    for i, uri in enumerate(uris):
        if uri not in kept:
            kept.add(uri)
            keep.append(i)
    ledger = ledger.take(pa.array(keep, pa.int64()))
    ledger = ledger.set_column(
        ledger.schema.get_field_index("article_ids"), schema.LEDGER.field("article_ids"),
        pa.array([[] if u in repeated else ids for u, ids in zip(ledger.column("source_uri").to_pylist(),
                                                                 ledger.column("article_ids").to_pylist())],
                 pa.list_(pa.string())),
    )
    owners = [owner_in(u, repeated) for u in articles.column("source_uri").to_pylist()]
    hit = pa.array([o is not None for o in owners], pa.bool_())
    refused = articles.filter(hit).select(["source_uri", "source_sha256"]).to_pylist()
    rows = [
        {"source_uri": r["source_uri"], "source_sha256": r["source_sha256"], "line": None, "reason": REPEATED,
         "detail": f"another item of this run or of the lake has the source_uri '{owner_in(r['source_uri'], repeated)}'",
         "quarantined_at": now, "run_id": run_id}
        for r in refused
    ]
    quarantine = pa.concat_tables([quarantine, schema.to_table(rows, schema.QUARANTINE)]) if rows else quarantine
    return ledger, articles.filter(pc.invert(hit)), quarantine

