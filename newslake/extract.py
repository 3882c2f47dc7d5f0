"""The extraction stage for a batch of articles: entity and date mentions.

Both extractors see the same three fields (title, captions joined by newlines,
body), so offsets in `entity_mentions` and `date_mentions` index the same
strings. Dates resolve against the article's reference date: its publication day, or
for an undated article the day `newslake.reference_dates` chose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from newslake import schema
from newslake.dates import tag_dates
from newslake.entities import entity_mentions

# Languages our models cover; other articles are published but not extracted.
EXTRACTION_LANGUAGES = frozenset({"en"})


@dataclass
class Mentions:
    entities: pa.Table
    dates: pa.Table
    skipped_language: int  # articles left out because no model covers their language


def article_fields(article: dict) -> list[tuple[str, str]]:
    """(field, text) pairs that extraction reads, in a fixed order."""
    fields = [("title", article["title"] or "")]
    if article["captions"]:
        fields.append(("caption", "\n".join(article["captions"])))
    fields.append(("body", article["body"] or ""))
    return fields


def date_mentions(articles: pa.Table) -> pa.Table:
    rows = []
    columns = ["article_id", "title", "captions", "body", "published_at"]
    has_reference = "reference_date" in articles.column_names
    for article in articles.select(columns + (["reference_date"] if has_reference else [])).to_pylist():
        dct = article.get("reference_date") or (article["published_at"].date() if article["published_at"] else None)
        for field, text in article_fields(article):
            for m in tag_dates(text, dct):
                rows.append(
                    {
                        "article_id": article["article_id"],
                        "field": field,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "type": m.type,
                        "value": m.value,
                        "resolved_date": m.resolved_date,
                        "granularity": m.granularity,
                        "anchored": m.anchored,
                    }
                )
    return schema.to_table(rows, schema.DATE_MENTIONS)


def extract_mentions(nlp, articles: pa.Table, *, batch_size: int = 64, n_process: int = 1) -> Mentions:
    """Entity and date mentions of the articles whose language our models cover."""
    covered = pa.array([lang in EXTRACTION_LANGUAGES for lang in articles.column("language").to_pylist()], pa.bool_())
    chosen = articles.filter(covered) if articles.num_rows else articles
    return Mentions(
        entities=entity_mentions(nlp, chosen, batch_size=batch_size, n_process=n_process),
        dates=date_mentions(chosen),
        skipped_language=articles.num_rows - chosen.num_rows,
    )
