"""Parse and normalize a batch of files, and merge batches into the lake's articles.

Counting is part of the contract: every input item (a file, or one record of a
multi-record file) ends as exactly one of new, duplicate, unchanged or
quarantined, and `Counts.check` refuses a run where that does not add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from newslake import schema
from newslake.language import LANGUAGES, detect_languages
from newslake.ledger import SourceFile
from newslake.normalize import normalize_article
from newslake.readers import RawArticle, Rejection, read_document


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


def _quarantine_row(source: SourceFile, rejection: Rejection, run_id: str, now: datetime) -> dict:
    return {
        "source_uri": source.uri,
        "source_sha256": source.sha256,
        "line": rejection.line,
        "reason": rejection.reason,
        "detail": rejection.detail,
        "quarantined_at": now,
        "run_id": run_id,
    }


def _read(source: SourceFile, max_bytes: int) -> list[RawArticle | Rejection]:
    if source.error:
        return [Rejection("unreadable", source.error)]
    if source.size > max_bytes:
        return [Rejection("too_large", f"{source.size:,} bytes, over the {max_bytes:,} byte limit")]
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return [Rejection("unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")]
    return list(read_document(source.uri, data))


def _language(raw: RawArticle, detected: str) -> str:
    declared = (raw.language or "")[:2].lower()
    return declared if declared in LANGUAGES else detected


def parse_batch(
    files: list[SourceFile], *, run_id: str, now: datetime, max_bytes: int, default_language: str = "en"
) -> Batch:
    batch = Batch()
    parsed: list[tuple[SourceFile, RawArticle]] = []
    for source in files:
        items = _read(source, max_bytes)
        good = 0
        for item in items:
            if isinstance(item, Rejection):
                batch.quarantine.append(_quarantine_row(source, item, run_id, now))
            else:
                parsed.append((source, item))
                good += 1
        batch.ledger.append(
            {
                "source_uri": source.uri,
                "sha256": source.sha256,
                "size": source.size,
                "mtime_ns": source.mtime_ns,
                "outcome": "article" if good == len(items) else ("quarantined" if good == 0 else "mixed"),
                "item_count": len(items),
                "run_id": run_id,
            }
        )
    languages = detect_languages([raw.body for _, raw in parsed], default_language)
    for (source, raw), detected in zip(parsed, languages):
        batch.articles.append(
            normalize_article(
                raw,
                language=_language(raw, detected),
                source_uri=source.uri,
                source_sha256=source.sha256,
                run_id=run_id,
                ingested_at=now,
            )
        )
    return batch


@dataclass
class Merged:
    articles: pa.Table  # all articles: the lake's current ones plus the new ones
    new_articles: pa.Table
    quarantine: pa.Table  # this run's rejections only
    ledger_rows: list[dict]
    counts: Counts
    removed_ids: set[str] = field(default_factory=set)  # superseded articles, to drop from mention tables


def file_of(source_uri: str) -> str:
    """The file (or archive member) an article came from: its URI less any '#part'."""
    return source_uri.split("#", 1)[0]


def merge_batches(
    existing: pa.Table,
    batches: list[Batch],
    files_seen: int,
    unchanged_items: int,
    changed_files: set[str] = frozenset(),
) -> Merged:
    """Deduplicate the batches' articles against each other and the lake, and count.

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
    quarantine_rows = [row for batch in batches for row in batch.quarantine]
    ledger_rows = [row for batch in batches for row in batch.ledger]
    new_table = schema.to_table(new_rows, schema.ARTICLES)
    counts = Counts(
        files_seen=files_seen,
        items_seen=unchanged_items + sum(row["item_count"] for row in ledger_rows),
        new_articles=len(new_rows),
        duplicates=duplicates,
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
    )


def sort_articles(articles: pa.Table) -> pa.Table:
    return articles.take(pc.sort_indices(articles, [("published_at", "ascending"), ("article_id", "ascending")]))


def without_articles(table: pa.Table, article_ids: set[str]) -> pa.Table:
    """`table` less the rows of the given articles (e.g. mentions of superseded articles)."""
    if not article_ids or not table.num_rows:
        return table
    drop = pc.is_in(table.column("article_id"), value_set=pa.array(sorted(article_ids), pa.string()))
    return table.filter(pc.invert(drop))
