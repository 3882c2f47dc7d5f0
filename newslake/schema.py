"""The dataset contract: the Arrow schema of every table newslake publishes.

Consumers read these columns by name, so renaming one is a breaking change. Every
writer builds its table through `empty_table`/`to_table` so that a column never
silently changes type between versions.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source_uri", pa.string()),
        ("source_sha256", pa.string()),
        ("source_format", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", UTC_TS),
        ("published_precision", pa.string()),
        ("captions", pa.list_(pa.string())),
        ("body", pa.string()),
        ("language", pa.string()),
        ("word_count", pa.int32()),
        ("duplicate_of", pa.string()),
        ("ingested_at", UTC_TS),
        ("run_id", pa.string()),
    ]
)

ENTITY_MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("field", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("entity_id", pa.string()),
    ]
)

DATE_MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("field", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("type", pa.string()),
        ("value", pa.string()),
        ("resolved_date", pa.date32()),
        ("granularity", pa.string()),
        ("anchored", pa.bool_()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("source_uri", pa.string()),
        ("source_sha256", pa.string()),
        ("line", pa.int32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("quarantined_at", UTC_TS),
        ("run_id", pa.string()),
    ]
)

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("started_at", UTC_TS),
        ("finished_at", UTC_TS),
        ("source", pa.string()),
        ("status", pa.string()),
        ("files_seen", pa.int64()),
        ("items_seen", pa.int64()),  # files, with each record of a multi-record file counted
        ("new_articles", pa.int64()),
        ("duplicates", pa.int64()),
        ("unchanged", pa.int64()),
        ("quarantined", pa.int64()),
        ("skipped_language", pa.int64()),  # new articles not extracted: no model for their language
        ("replaced", pa.int64()),  # earlier articles superseded by a changed file
        ("near_duplicates", pa.int64()),  # of the duplicates: published with duplicate_of set
        ("validation_success", pa.bool_()),
        ("validation_summary", pa.string()),
        ("published_version", pa.string()),
        ("stage_seconds", pa.string()),
    ]
)

# Tables that the ingest stage owns; derived tables (entities, dates...) are
# declared next to the SQL that builds them.
TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "entity_mentions": ENTITY_MENTIONS,
    "date_mentions": DATE_MENTIONS,
    "quarantine": QUARANTINE,
    "runs": RUNS,
}

SOURCE_FORMATS = ("text", "json", "jsonl", "html", "warc")
PUBLISHED_PRECISIONS = ("second", "day", "month", "year", "none", "unparsed")
QUARANTINE_REASONS = (
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "malformed_json",
    "no_article_text",
    "unsupported_type",
    "unreadable",
)


def empty_table(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


def to_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table from row dicts, keeping only (and exactly) the contract's columns."""
    rows = list(rows)
    if not rows:
        return schema.empty_table()
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)
