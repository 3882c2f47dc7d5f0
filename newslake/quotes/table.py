"""The `quotes` rows of a batch of articles, from the entity mentions extraction found.

Quotes read the same three fields as the mentions and the mentions' resolved spans, so
a speaker's alias is the one `entity_mentions` holds for the same article: no second
NER pass, and the two tables never disagree about who a name is.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pyarrow as pa

from newslake import schema
from newslake.ingest.normalize import article_fields
from newslake.quotes.rules import Mention, find_quotes


def quote_id(article_id: str, field: str, start: int) -> str:
    return hashlib.sha1(f"{article_id}\x1f{field}\x1f{start}".encode()).hexdigest()[:16]


def quote_rows(articles: pa.Table, entities: pa.Table) -> pa.Table:
    """`quotes` (schema `newslake.schema.QUOTES`) of `articles`, given their `entity_mentions`."""
    by_text: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in entities.select(["article_id", "field", "start", "end", "label", "alias_id"]).to_pylist():
        by_text[(m["article_id"], m["field"])].append(Mention(m["start"], m["end"], m["label"], m["alias_id"]))
    columns = ["article_id", "title", "captions", "body", "published_at"]
    has_reference = "reference_date" in articles.column_names
    rows = []
    for article in articles.select(columns + (["reference_date"] if has_reference else [])).to_pylist():
        aid = article["article_id"]
        for field, text in article_fields(article["title"], article["captions"], article["body"]):
            for q in find_quotes(text, by_text.get((aid, field), ())):
                spk, cue, who = q.speaker, q.cue, q.speaker_mention
                rows.append(
                    {
                        "quote_id": quote_id(aid, field, q.content[0][0]),
                        "article_id": aid,
                        "field": field,
                        "start": q.content[0][0],
                        "end": q.content[-1][1],
                        "pieces": [{"start": s, "end": e} for s, e in q.content],
                        "text": q.text,
                        "kind": q.kind,
                        "cue_start": cue[0] if cue else None,
                        "cue_end": cue[1] if cue else None,
                        "cue": text[cue[0]:cue[1]] if cue else None,
                        "speaker_start": spk[0] if spk else None,
                        "speaker_end": spk[1] if spk else None,
                        "speaker_text": q.speaker_text,
                        "speaker_alias_id": who.key if who is not None else None,
                        "published_at": article["published_at"],
                        "reference_date": article.get("reference_date"),
                    }
                )
    return schema.to_table(rows, schema.QUOTES)
