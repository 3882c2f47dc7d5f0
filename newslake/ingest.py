"""Parse and normalize a batch of files, and merge batches into the lake's articles.

Counting is part of the contract: every input item (a file, or one record of a
multi-record file) ends as exactly one of new, duplicate, unchanged or
quarantined, and `Counts.check` refuses a run where that does not add up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake import dedup, schema
from newslake.language import LANGUAGES, detect_languages
from newslake.ledger import SourceFile
from newslake.normalize import normalize_article
from newslake.readers import RawArticle, ReaderOptions, Rejected, Rejection, read_document
from newslake.readers.archives import RejectedMember, is_archive, iter_members
from newslake.readers.base import DEFAULT_OPTIONS


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
    """One batch's parsed articles (not yet deduplicated), rejections and ledger rows."""

    articles: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)
    items: int = 0  # items read: articles and rejections, archive members' included


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

    if source.error:
        return whole(Rejection("unreadable", source.error))
    if source.size > limits.max_bytes:
        return whole(Rejection("too_large", f"{source.size:,} bytes, over the {limits.max_bytes:,} byte limit"))
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return whole(Rejection("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}"))
    if is_archive(source.uri):
        return _archive_units(source, data, limits, options)
    return whole(*read_document(source.uri, data, options))


def _language(raw: RawArticle, detected: str) -> str:
    declared = (raw.language or "")[:2].lower()
    return declared if declared in LANGUAGES else detected


def _outcome(items: list) -> str:
    good = sum(1 for item in items if not isinstance(item, Rejection))
    return "article" if good == len(items) else ("quarantined" if good == 0 else "mixed")


def parse_batch(
    files: list[SourceFile],
    *,
    run_id: str,
    now: datetime,
    limits: Limits,
    default_language: str = "en",
    options: ReaderOptions = DEFAULT_OPTIONS,
) -> Batch:
    batch = Batch()
    parsed: list[tuple[Unit, RawArticle]] = []
    for source in files:
        units = read_units(source, limits, options)
        for unit in units:
            for item in unit.items:
                if isinstance(item, Rejection):
                    batch.quarantine.append(_quarantine_row(unit, item, run_id, now))
                else:
                    parsed.append((unit, item))
            if unit.member:
                batch.ledger.append(_ledger_row(unit.uri, unit.sha256, unit.size, 0, "member", len(unit.items), run_id))
        items = [item for unit in units for item in unit.items]
        outcome = "archive" if any(unit.member for unit in units) else _outcome(items)
        batch.ledger.append(_ledger_row(source.uri, source.sha256, source.size, source.mtime_ns, outcome, len(items), run_id))
        batch.items += len(items)
    languages = detect_languages([raw.body for _, raw in parsed], default_language)
    for (unit, raw), detected in zip(parsed, languages):
        batch.articles.append(
            normalize_article(
                raw,
                language=_language(raw, detected),
                source_uri=unit.uri,
                source_sha256=unit.sha256,
                run_id=run_id,
                ingested_at=now,
            )
        )
    return batch


def _ledger_row(uri: str, sha: str | None, size: int, mtime_ns: int, outcome: str, items: int, run_id: str) -> dict:
    return {
        "source_uri": uri,
        "sha256": sha,
        "size": size,
        "mtime_ns": mtime_ns,
        "outcome": outcome,
        "item_count": items,
        "run_id": run_id,
    }


@dataclass
class Merged:
    articles: pa.Table  # all articles: the lake's current ones plus the new ones
    new_articles: pa.Table
    quarantine: pa.Table  # this run's rejections only
    ledger_rows: list[dict]
    counts: Counts
    removed_ids: set[str] = field(default_factory=set)  # superseded articles, to drop from mention tables
    signatures: tuple[list[str], np.ndarray] | None = None  # MinHash of the new canonical articles

    @property
    def to_extract(self) -> pa.Table:
        """New articles that are not near duplicates: they alone feed the entity and date tables."""
        if not self.new_articles.num_rows:
            return self.new_articles
        return self.new_articles.filter(pc.is_null(self.new_articles.column("duplicate_of")))


def lake_signatures(dedup_dir: Path, articles: pa.Table) -> tuple[list[str], np.ndarray]:
    """The near-duplicate index's input for this run; signatures stored with other
    parameters are ignored and recomputed from the articles."""
    try:
        ids, sigs = dedup.load_signatures(dedup_dir)
    except ValueError:
        ids, sigs = [], np.empty((0, dedup.NUM_PERM), dtype=np.uint64)
    return known_signatures(articles, ids, sigs)


def save_new_signatures(dedup_dir: Path, run_id: str, merged: "Merged") -> None:
    """One file per published run: names sort in run order and nothing is rewritten."""
    if merged.signatures and merged.signatures[0]:
        dedup.save_signatures(dedup_dir / f"{run_id}.parquet", *merged.signatures)


def known_signatures(articles: pa.Table, ids: list[str], sigs: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Signatures of the lake's canonical articles: the stored ones that are still
    current, plus freshly computed ones for any canonical article the store lacks."""
    canonical_rows = articles.filter(pc.is_null(articles.column("duplicate_of"))).select(["article_id", "title", "body"])
    wanted = canonical_rows.column("article_id").to_pylist()
    stored = {article_id: i for i, article_id in enumerate(ids)}
    keep = [stored[a] for a in wanted if a in stored]
    missing = [i for i, a in enumerate(wanted) if a not in stored]
    out_ids = [ids[i] for i in keep]
    out_sigs = sigs[keep] if keep else np.empty((0, dedup.NUM_PERM), dtype=np.uint64)
    if missing:
        titles, bodies = canonical_rows.column("title").to_pylist(), canonical_rows.column("body").to_pylist()
        fresh = dedup.signatures([dedup.dedup_text(titles[i], bodies[i]) for i in missing])
        out_ids += [wanted[i] for i in missing]
        out_sigs = np.concatenate([out_sigs, fresh])
    return out_ids, out_sigs

def file_of(source_uri: str) -> str:
    """The file an article came from: its URI less any '#part' and '!archive member'."""
    return source_uri.split("#", 1)[0].split("!", 1)[0]


def merge_batches(
    existing: pa.Table,
    batches: list[Batch],
    files_seen: int,
    unchanged_items: int,
    changed_files: set[str] = frozenset(),
    signatures: tuple[list[str], np.ndarray] | None = None,
) -> Merged:
    """Deduplicate the batches' articles against each other and the lake, and count.

    Exact copies (same article_id) are counted and dropped. Near copies (MinHash,
    Jaccard >= 0.9 against `signatures` of the lake's canonical articles and against
    earlier new ones, in publication order) are published with `duplicate_of` set.
    Articles that came from a file in `changed_files` (same path, new content) are
    superseded: the file's new articles replace them.
    """
    if changed_files and existing.num_rows:
        from_changed = pa.array([file_of(u) in changed_files for u in existing.column("source_uri").to_pylist()])
        removed_ids = set(existing.filter(from_changed).column("article_id").to_pylist())
        existing = existing.filter(pc.invert(from_changed))
    else:
        removed_ids = set()
    known = set(existing.column("article_id").to_pylist())
    new_rows, duplicates = [], 0
    for batch in batches:
        for row in batch.articles:
            if row["article_id"] in known:
                duplicates += 1
                continue
            known.add(row["article_id"])
            new_rows.append(row)
    new_rows.sort(key=lambda r: (r["published_at"] is None, r["published_at"] or 0, r["source_uri"]))
    if signatures is not None and new_rows:
        existing_ids, existing_sigs = signatures
        dropped = removed_ids
        if dropped:
            keep = [i for i, a in enumerate(existing_ids) if a not in dropped]
            existing_ids, existing_sigs = [existing_ids[i] for i in keep], existing_sigs[keep]
        new_ids = [r["article_id"] for r in new_rows]
        new_sigs, links = dedup.link_near_duplicates(
            existing_ids, existing_sigs, new_ids, [dedup.dedup_text(r["title"], r["body"]) for r in new_rows]
        )
        for row, target in zip(new_rows, links):
            row["duplicate_of"] = target
        new_signatures = dedup.canonical(new_ids, new_sigs, links)
    else:
        new_signatures = None
    near = sum(1 for r in new_rows if r["duplicate_of"] is not None)
    quarantine_rows = [row for batch in batches for row in batch.quarantine]
    ledger_rows = [row for batch in batches for row in batch.ledger]
    new_table = schema.to_table(new_rows, schema.ARTICLES)
    counts = Counts(
        files_seen=files_seen,
        items_seen=unchanged_items + sum(batch.items for batch in batches),
        new_articles=len(new_rows) - near,
        duplicates=duplicates + near,
        near_duplicates=near,
        unchanged=unchanged_items,
        quarantined=len(quarantine_rows),
        replaced=len(removed_ids),
    )
    counts.check()
    return Merged(
        articles=pa.concat_tables([existing.cast(schema.ARTICLES), new_table]),
        new_articles=new_table,
        quarantine=schema.to_table(quarantine_rows, schema.QUARANTINE),
        ledger_rows=ledger_rows,
        counts=counts,
        removed_ids=removed_ids - {row["article_id"] for row in new_rows},
        signatures=new_signatures,
    )


def sort_articles(articles: pa.Table) -> pa.Table:
    return articles.take(pc.sort_indices(articles, [("published_at", "ascending"), ("article_id", "ascending")]))


def without_articles(table: pa.Table, article_ids: set[str]) -> pa.Table:
    """`table` less the rows of the given articles (e.g. mentions of superseded articles)."""
    if not article_ids or not table.num_rows:
        return table
    drop = pc.is_in(table.column("article_id"), value_set=pa.array(sorted(article_ids), pa.string()))
    return table.filter(pc.invert(drop))
