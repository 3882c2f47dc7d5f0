"""Parse and normalize a batch of files: articles, rejections and ledger rows.

Counting is part of the contract: every input item (a file, or one record of a
multi-record file) ends as exactly one of new, duplicate, unchanged or
quarantined, and `Counts.check` refuses a run where that does not add up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import pyarrow as pa

from newslake import schema

from newslake.language import choose_language, detect_languages
from newslake.ledger import PIECES, SEGMENT, SourceFile
from newslake.normalize import MAX_EXTRACT_CHARS, normalize_article
from newslake.readers import RawArticle, ReaderOptions, Rejected, Rejection, read_document
from newslake.readers.archives import RejectedMember, is_archive, iter_members
from newslake.readers.base import DEFAULT_OPTIONS
from newslake.splits import Piece, read_piece


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

    @classmethod
    def of(cls, articles: list[dict], quarantine: list[dict], ledger: list[dict], items: int, revived: list[dict]) -> "Batch":
        return cls(
            articles=schema.to_table(articles, schema.ARTICLES),
            quarantine=schema.to_table(quarantine, schema.QUARANTINE),
            ledger=schema.to_table(ledger, schema.LEDGER),
            items=items,
            revived=schema.to_table(revived, schema.ARTICLES),
        )


@dataclass
class Unit:
    """One thing the ledger tracks: a file, or a member of an archive ("a.zip!b.json")."""

    uri: str
    sha256: str | None
    size: int
    items: list[RawArticle | Rejection]
    member: bool = False


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
    try:
        for member in iter_members(source.uri, data, limits.max_bytes, limits.max_archive_bytes):
            uri = f"{source.uri}!{member.name}"
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


def read_units(source: SourceFile, limits: Limits, options: ReaderOptions = DEFAULT_OPTIONS) -> list[Unit]:
    """A file's articles and rejections, per ledger unit (archives give one unit per member)."""
    def whole(*items: RawArticle | Rejection) -> list[Unit]:
        return [Unit(source.uri, source.sha256, source.size, list(items))]

    if source.error:  # its sha256 is a stand-in: the quarantine row says none was read
        return [Unit(source.uri, None, source.size, [Rejection("unreadable", source.error)])]
    if source.size > limits.max_bytes:
        return whole(Rejection("too_large", f"{source.size:,} bytes, over the {limits.max_bytes:,} byte limit"))
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return whole(Rejection("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}"))
    if is_archive(source.uri):
        return _archive_units(source, data, limits, options)
    return whole(*read_document(source.uri, data, options))


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
    parsed: list[tuple[Unit, RawArticle, Collection[str] | None, int, list[dict]]] = []
    for item in files:
        source = item.file if isinstance(item, Piece) else item
        wanted = revive.get(source.uri)
        if isinstance(item, Piece):
            units = [Unit(source.uri, source.sha256, item.end_byte - item.start_byte, list(read_piece(item, limits.max_bytes, options)))]
        else:
            units = read_units(source, limits, options)
        rows: list[dict] = []
        if wanted is None:
            items = [entry for unit in units for entry in unit.items]
            items_read += len(items)
            if isinstance(item, Piece):
                rows.append(_ledger_row(item.uri, source.sha256, units[0].size, source.mtime_ns, SEGMENT, len(items), run_id,
                                        end=(item.end_byte, item.end_line)))
                if item.last:
                    ledger.append(_ledger_row(source.uri, source.sha256, source.size, source.mtime_ns, PIECES, 0, run_id))
            else:
                outcome = "archive" if any(unit.member for unit in units) else _outcome(items)
                rows.append(_ledger_row(source.uri, source.sha256, source.size, source.mtime_ns, outcome, len(items), run_id))
            ledger.extend(rows)
        for unit in units:
            unit_rows = rows
            if unit.member and wanted is None:
                member_row = _ledger_row(unit.uri, unit.sha256, unit.size, 0, "member", len(unit.items), run_id)
                ledger.append(member_row)
                unit_rows = rows + [member_row]
            for entry in unit.items:
                if not isinstance(entry, Rejection):
                    parsed.append((unit, entry, wanted, source.mtime_ns, unit_rows))
                elif wanted is None:
                    quarantine.append(_quarantine_row(unit, entry, run_id, now))
    languages = detect_languages([raw.body for _, raw, _, _, _ in parsed], default_language)
    for (unit, raw, wanted, mtime_ns, rows), detected in zip(parsed, languages):
        row = normalize_article(
            raw,
            language=choose_language(raw.language, detected),
            source_uri=unit.uri,
            source_sha256=unit.sha256,
            run_id=run_id,
            ingested_at=now,
            file_mtime=datetime.fromtimestamp(mtime_ns / 1e9, timezone.utc) if mtime_ns else None,
            use_file_mtime=use_file_mtime,
            max_extract_chars=max_extract_chars,
        )
        if wanted is not None:
            if row["article_id"] in wanted:
                revived.append(row)
            continue
        articles.append(row)
        for ledger_row in rows:
            ledger_row["article_ids"].append(row["article_id"])
    return Batch.of(articles, quarantine, ledger, items_read, revived)


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
