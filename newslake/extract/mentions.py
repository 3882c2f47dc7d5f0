"""The extraction stage for a batch of articles: entity and date mentions, and quotes.

Both extractors see the same three fields (title, captions joined by newlines,
body), so offsets in `entity_mentions` and `date_mentions` index the same
strings. Dates resolve against the article's reference date: its publication day, or
for an undated article the day `newslake.ingest.reference_dates` chose; a reference of
month or year precision resolves only what its month or year decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from newslake import schema
from newslake.extract.entities import entity_mentions
from newslake.ingest.normalize import MAX_EXTRACT_CHARS, article_fields, cap_fields
from newslake.quotes.table import quote_rows

# Languages our models cover; other articles are published but not extracted.
EXTRACTION_LANGUAGES = frozenset({"en"})


@dataclass
class Mentions:
    entities: pa.Table
    dates: pa.Table
    skipped_language: int  # articles left out because no model covers their language
    quotes: pa.Table = field(default_factory=schema.QUOTES.empty_table)  # who said what (newslake.quotes), read from the entities


def capped_articles(articles: pa.Table, cap: int = MAX_EXTRACT_CHARS) -> pa.Table:
    """The articles with title, captions and body cut to what extraction reads
    (`cap_fields`): a prefix of each, so every offset found indexes the whole field.
    The table itself when no article is over the cap."""
    titles, captions, bodies = (articles.column(c).to_pylist() for c in ("title", "captions", "body"))
    over = [
        i for i, (t, c, b) in enumerate(zip(titles, captions, bodies))
        if len(t or "") + sum(len(x or "") + 1 for x in c or ()) + len(b or "") > cap
    ]
    if not over:
        return articles
    for i in over:
        kept = dict(cap_fields(article_fields(titles[i], captions[i], bodies[i]), cap)[0])
        titles[i], bodies[i] = kept.get("title", ""), kept.get("body", "")
        captions[i] = kept["caption"].split("\n") if kept.get("caption") else []
    for name, values in (("title", titles), ("captions", captions), ("body", bodies)):
        index = articles.schema.get_field_index(name)
        articles = articles.set_column(index, articles.schema.field(index), pa.array(values, articles.schema.field(index).type))
    return articles


def date_mentions(articles: pa.Table) -> pa.Table:
    # imported here: its rules take 1 s to compile, and only processes that tag dates need them
    from newslake.dates import tag_dates

    rows = []
    columns = ["article_id", "title", "captions", "body", "published_at"]
    reference = [c for c in ("reference_date", "reference_precision") if c in articles.column_names]
    for article in articles.select(columns + reference).to_pylist():
        dct = article.get("reference_date") or (article["published_at"].date() if article["published_at"] else None)
        precision = article.get("reference_precision") or "day"
        for field, text in article_fields(article["title"], article["captions"], article["body"]):
            for m in tag_dates(text, dct, precision):
                rows.append({"article_id": article["article_id"], "field": field, **m.record()})
    return schema.to_table(rows, schema.DATE_MENTIONS)


def extract_mentions(
    nlp, articles: pa.Table, *, batch_size: int = 64, n_process: int = 1, max_chars: int = MAX_EXTRACT_CHARS
) -> Mentions:
    """Entity and date mentions of the articles whose language our models cover, in the
    first `max_chars` characters of each (the max_extract_chars setting)."""
    covered = pa.array([lang in EXTRACTION_LANGUAGES for lang in articles.column("language").to_pylist()], pa.bool_())
    chosen = capped_articles(articles.filter(covered) if articles.num_rows else articles, max_chars)
    entities = entity_mentions(nlp, chosen, batch_size=batch_size, n_process=n_process)
    return Mentions(
        entities=entities,
        dates=date_mentions(chosen),
        skipped_language=articles.num_rows - chosen.num_rows,
        quotes=quote_rows(chosen, entities),
    )
