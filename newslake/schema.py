"""The dataset contract: the Arrow schema of every table newslake publishes.

Consumers read these columns by name, so renaming one is a breaking change. Every
writer builds its table through `empty_table`/`to_table` so that a column never
silently changes type between versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


def col(name: str, type_: pa.DataType, description: str, *, nullable: bool = True) -> pa.Field:
    """A contract column. Nullable unless the code guarantees a value: a non-nullable
    column is a promise to consumers that `write_part` enforces on every row."""
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


def required(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return col(name, type_, description, nullable=False)


def description(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"description", b"").decode("utf-8")


_FIELD = "`title`, `caption` (all captions joined by newlines) or `body`: the article field the span was found in"
_START = "character offset of the span's first character in the field's text (Python string index)"
_END = "character offset one past the span's last character: text[start:end] is the span"
_PLACE = "of a place (GPE, LOC, FAC) from the offline gazetteer; null for other labels and unknown places"
_GEONAMES_ID = "GeoNames id of the place (a country, US state, city or continent: https://www.geonames.org/<id>); null for other labels, unknown places, regions GeoNames gives no point for, and in parts written before schema version 3"
_ENTITY_ID = "the lake-wide entity: the alias_id of the alias the entity is named by"
_FIRST_SEEN = "earliest published_at of the articles counted; null when none of them has a publication time"
_LAST_SEEN = "latest published_at of the articles counted; null when none of them has a publication time"

ARTICLES = pa.schema(
    [
        required("article_id", pa.string(), "16 hex digits of the sha256 of the casefolded, whitespace-folded title and body: the same story from two files or formats has one id"),
        required("source_uri", pa.string(), "the file, relative to the source folder, with `%`, `#` and `!` in names (and bytes that are not UTF-8) percent-encoded; `bundle.zip!inner/story.json` for an archive member (`!2`, `!3`... after the name for a later member of the same name); `#L<line>` (JSONL line), `#item-<i>` (item of a JSON list, from 0) or `#record-<n>` (WARC record) when the file holds several articles"),
        required("source_sha256", pa.string(), "sha256 of the file (or archive member) the article was read from"),
        required("source_format", pa.string(), "the reader that parsed it: text | json | jsonl | html | warc"),
        col("outlet", pa.string(), "the publisher: as declared (site name, dateline agency), else the URL's host without www.; null when neither is known"),
        col("url", pa.string(), "the article's URL as declared (canonical link, JSON url field, WARC-Target-URI); null when the input has none"),
        required("title", pa.string(), "the cleaned headline; an article that came without one gets its first sentence, cut to 12 words"),
        required("authors", pa.list_(pa.string()), "the byline's names in order; an empty list when there is no byline"),
        col("published_at", UTC_TS, "publication time in UTC; null when the input has no date or it cannot be parsed (see published_precision)"),
        required("published_precision", pa.string(), "what published_at is precise to: second | day | month | year; `none` when no date was given, `unparsed` when one was given but not understood (published_at is then null)"),
        col("reference_date", pa.date32(), "the day relative dates in the text resolve against (the document creation time, DCT): the publication day when there is one, else a day chosen by the rule in dct_source; null when no rule found one (dct_source `none`) and in parts written before schema version 2"),
        col("dct_source", pa.string(), "the rule that chose reference_date: published (the publication time) | dateline (a full date at the head of the body's first line, ending it or followed by a dash, colon or bracket) | text (the day the text names most often, within the year it names most often, only with the dct_text_day setting) | file_mtime (the file's modification day, only with the dct_file_mtime setting) | text_year (the year the text is written in, read off the years it names, unless the dct_text_year setting is off; a reference of year precision) | none; null only in parts written before schema version 2"),
        col("reference_precision", pa.string(), "what reference_date is precise to: day | month | year. A month or year reference_date is the period's first day; relative dates resolve against it only when the day left open cannot change them (`last year` against a year, `next month` against a month; never `on Monday`), and the article is on no day of the timelines (entity_daily, entity_quotes, dates.published_count). A publication date keeps its own precision (published_precision). Null when there is no reference date (dct_source `none`) and in parts written before schema version 4 (read as day)"),
        required("captions", pa.list_(pa.string()), "photo captions with their credits, in order; an empty list when there are none"),
        required("body", pa.string(), "the cleaned main text: NFC, no control characters but newline and tab, no terminal escape sequences or zero-width characters, single spaces, at most one blank line in a row; entity and date offsets index into it"),
        required("language", pa.string(), "BCP 47 primary language subtag (`en`, `he`); `und` when undetermined: the declared language when it names a real one, else detected by lingua"),
        required("word_count", pa.int32(), "whitespace-separated words in body"),
        col("text_truncated", pa.bool_(), "true when title, captions and body together are longer than the max_extract_chars setting (default 100,000 characters): entities and dates were extracted from the first max_extract_chars characters only; the body is published whole. Null in parts written before schema version 3"),
        col("duplicate_of", pa.string(), "article_id of the canonical article this one is a near copy of (MinHash Jaccard >= 0.9 over word 5-shingles); null for a canonical article. Copies are left out of extraction and of every derived table"),
        required("ingested_at", UTC_TS, "when the run that ingested the article started, UTC"),
        required("run_id", pa.string(), "the run that ingested it (see runs)"),
    ]
)

ENTITY_MENTIONS = pa.schema(
    [
        required("article_id", pa.string(), "the article the mention is in"),
        required("field", pa.string(), _FIELD),
        required("start", pa.int32(), _START),
        required("end", pa.int32(), _END),
        required("text", pa.string(), "the cleaned span as written (no possessive, title or edge punctuation; a leading 'the' only where the model included one ('the Senate'); the name never has one)"),
        required("label", pa.string(), "spaCy entity label (PERSON, ORG, GPE, LOC, NORP, FAC, PRODUCT, ...), voted across the entity's mentions in the article"),
        required("name", pa.string(), "the canonical name the article resolves the mention to: a short form takes the article's full name, known variants fold to one name"),
        col("role", pa.string(), "the title or office written before a person (`Secretary of State`); null when there is none"),
        required("alias_id", pa.string(), "id of the (label, name, place) this article resolved: an alias. entity_aliases maps it to the lake-wide entity_id, which may merge several aliases (a bare surname with the one full name that has it)"),
        col("surname", pa.string(), "folded last name of a full person name; null for other names"),
        col("country_code", pa.string(), "ISO 3166-1 alpha-2 code of a place, or of a nationality's country (NORP); null otherwise"),
        col("latitude", pa.float64(), f"latitude in degrees {_PLACE}"),
        col("longitude", pa.float64(), f"longitude in degrees {_PLACE}"),
        col("geonames_id", pa.int64(), _GEONAMES_ID),
    ]
)

DATE_MENTIONS = pa.schema(
    [
        required("article_id", pa.string(), "the article the mention is in"),
        required("field", pa.string(), _FIELD),
        required("start", pa.int32(), _START),
        required("end", pa.int32(), _END),
        required("text", pa.string(), "the temporal expression as written (`Thursday night`, `last year`, `two weeks`)"),
        required("type", pa.string(), "TIMEX3 type: DATE | TIME | DURATION | SET"),
        required("value", pa.string(), "TIMEX3 value, matching newslake.dates.model.TIMEX3_VALUE: `2020-01-09`, `2020-01-09TNI` (night), `2020-W02`, `2020-Q1`, `XXXX-WXX-5` (SET `every Friday`: a Friday of any week of any year), `P2W` (two weeks), `PRESENT_REF` (`now`); X marks a digit the text leaves open (see docs/datasets.md)"),
        col("resolved_date", pa.date32(), "the calendar day the value names, when it names exactly one (a DATE or TIME with year, month and day); null for weeks, months, years, durations, sets, references and values with X"),
        required("granularity", pa.string(), "the unit of the value: time | day | week | month | quarter (also seasons and halves) | year | decade | century | duration | set | ref (PRESENT_REF, PAST_REF, FUTURE_REF)"),
        required("anchored", pa.bool_(), "true when the value was computed from a reference (the article's reference_date, or an earlier date in the text: `on Monday`, `last year`, `that day`); false when the text states it in full (`10 January 2020`) or it is left open"),
    ]
)

_SPAN = pa.struct([pa.field("start", pa.int32(), nullable=False), pa.field("end", pa.int32(), nullable=False)])

QUOTES = pa.schema(
    [
        required("quote_id", pa.string(), "id of the quote: a hash of article_id, field and start, stable across rebuilds"),
        required("article_id", pa.string(), "the article the quote is in"),
        required("field", pa.string(), _FIELD),
        required("start", pa.int32(), "character offset of the content's first character (its first piece) in the field's text"),
        required("end", pa.int32(), "character offset one past the content's last character (its last piece)"),
        required("pieces", pa.list_(_SPAN), "the content as [start, end) pieces: a quote interrupted by `he said` is one quote with two pieces"),
        required("text", pa.string(), "the content, its pieces joined by one space"),
        required("kind", pa.string(), "direct (in quotation marks) | indirect (reported speech: `X said that ...`) | mixed (reported speech holding a quoted phrase)"),
        col("cue_start", pa.int32(), "offset of the cue (`said`, `according to`, `told`) in the field's text; null when the quote has none (a quote continued from the paragraph before)"),
        col("cue_end", pa.int32(), "offset one past the cue"),
        col("cue", pa.string(), "the cue as written"),
        col("speaker_start", pa.int32(), "offset of the speaker as written (a name, a pronoun, a role); null when no speaker was found"),
        col("speaker_end", pa.int32(), "offset one past the speaker"),
        col("speaker_text", pa.string(), "the speaker as written (`Jane Doe`, `she`, `the minister`)"),
        col("speaker_alias_id", pa.string(), "the alias (entity_mentions.alias_id) the speaker resolves to: a name, or what a pronoun or role refers to in the article; null when it resolves to none, never a guess. entity_aliases maps it to the entity"),
        col("published_at", UTC_TS, "the article's publication time (articles.published_at)"),
        col("reference_date", pa.date32(), "the article's reference date (articles.reference_date)"),
    ]
)

QUARANTINE = pa.schema(
    [
        required("source_uri", pa.string(), "the rejected file or record, as in articles.source_uri"),
        col("source_sha256", pa.string(), "sha256 of the file; null when it could not be read"),
        col("line", pa.int32(), "1-based line of the record in a JSON/JSONL file; null for other inputs"),
        required("reason", pa.string(), "why: empty | binary | undecodable | too_large | malformed_json | no_article_text | unsupported_type | unreadable | refused_member | failed_expectation | repeated_source_uri"),
        col("detail", pa.string(), "what was wrong, in words (for failed_expectation: the expectation); null when the reason says it all"),
        required("quarantined_at", UTC_TS, "when the run that rejected it started, UTC"),
        required("run_id", pa.string(), "the run that rejected it"),
    ]
)

ARTICLE_ENTITIES = pa.schema(
    [
        required("article_id", pa.string(), "the article"),
        required("entity_id", pa.string(), _ENTITY_ID),
        required("mention_count", pa.int64(), "mentions of the entity in the article, all fields"),
        required("in_title", pa.bool_(), "the title mentions it"),
        required("in_caption", pa.bool_(), "a caption mentions it"),
        col("first_body_offset", pa.int32(), "character offset in body of the entity's first body mention (how early the story names it); null when only the title or captions mention it"),
    ]
)

ENTITY_ALIASES = pa.schema(
    [
        required("alias_id", pa.string(), "id of one (label, name, place) as articles resolved it: entity_mentions.alias_id"),
        required("alias", pa.string(), "the name"),
        required("label", pa.string(), "its label: the one of most of its mentions (more than half) when they disagree"),
        col("surname", pa.string(), "folded last name of a full person name; null otherwise"),
        col("country_code", pa.string(), "ISO 3166-1 alpha-2 code of the place or nationality; null otherwise"),
        col("latitude", pa.float64(), f"latitude in degrees {_PLACE}"),
        col("longitude", pa.float64(), f"longitude in degrees {_PLACE}"),
        col("geonames_id", pa.int64(), _GEONAMES_ID),
        required("mention_count", pa.int64(), "mentions resolved to this alias"),
        required("article_count", pa.int64(), "articles with such a mention"),
        required("entity_id", pa.string(), "the lake-wide entity the alias belongs to: its own alias_id, or that of the full name a bare surname joins (only when exactly one person in the lake has the surname)"),
    ]
)

ENTITIES = pa.schema(
    [
        required("entity_id", pa.string(), "the alias_id of the alias the entity is named by"),
        required("name", pa.string(), "its canonical name"),
        required("label", pa.string(), "its label"),
        required("aliases", pa.list_(pa.string()), "every alias (name) that belongs to it"),
        col("country_code", pa.string(), "ISO 3166-1 alpha-2 code of the place or nationality; null otherwise"),
        col("latitude", pa.float64(), f"latitude in degrees {_PLACE}"),
        col("longitude", pa.float64(), f"longitude in degrees {_PLACE}"),
        col("geonames_id", pa.int64(), _GEONAMES_ID),
        required("mention_count", pa.int64(), "mentions across the lake (near copies excluded)"),
        required("article_count", pa.int64(), "articles that mention it"),
        col("first_seen", UTC_TS, _FIRST_SEEN),
        col("last_seen", UTC_TS, _LAST_SEEN),
    ]
)

ROLES = pa.schema(
    [
        required("entity_id", pa.string(), _ENTITY_ID),
        required("role", pa.string(), "a title or office an article writes before the entity's name"),
        required("article_id", pa.string(), "the article that gives it"),
        col("published_at", UTC_TS, "the article's publication time; null when it has none"),
    ]
)

ENTITY_COOCCURRENCE = pa.schema(
    [
        required("entity_a", pa.string(), "one entity_id of the pair: always the smaller (entity_a < entity_b, never equal)"),
        required("entity_b", pa.string(), "the other entity_id"),
        required("article_count", pa.int64(), "articles that name both among their top `cooccurrence_top_entities` entities by mentions (default 50; ties: the smaller entity_id)"),
        col("first_seen", UTC_TS, _FIRST_SEEN),
        col("last_seen", UTC_TS, _LAST_SEEN),
    ]
)

ENTITY_DAILY = pa.schema(
    [
        required("entity_id", pa.string(), _ENTITY_ID),
        required("day", pa.date32(), "the articles' reference_date (their publication day, or the day a rule chose); articles without one are not counted"),
        required("mention_count", pa.int64(), "mentions in the articles of that day"),
        required("article_count", pa.int64(), "articles of that day that mention it"),
    ]
)

ENTITY_QUOTES = pa.schema(
    [
        required("entity_id", pa.string(), _ENTITY_ID),
        required("day", pa.date32(), "the articles' reference_date (their publication day, or the day a rule chose); articles without one are not counted"),
        required("quote_count", pa.int64(), "quotes of that day whose speaker resolves to the entity (by name, or a pronoun or role that refers to it)"),
        required("article_count", pa.int64(), "articles of that day that quote it"),
    ]
)

DATES = pa.schema(
    [
        required("date", pa.date32(), "a calendar day, every day from the first to the last covered (reference dates and resolved mentions), clamped to 1900-2100"),
        required("year", pa.int64(), "calendar year"),
        required("quarter", pa.int64(), "quarter 1-4"),
        required("month", pa.int64(), "month 1-12"),
        required("day_of_month", pa.int64(), "day 1-31"),
        required("iso_year", pa.int64(), "ISO 8601 week-numbering year"),
        required("iso_week", pa.int64(), "ISO 8601 week 1-53"),
        required("iso_weekday", pa.int64(), "ISO weekday: 1 Monday ... 7 Sunday"),
        required("weekday_name", pa.string(), "English weekday name"),
        required("is_weekend", pa.bool_(), "Saturday or Sunday"),
        required("published_count", pa.int64(), "canonical articles whose reference_date is the day (0 when none)"),
        required("mentioned_count", pa.int64(), "date mentions that resolve to the day (0 when none)"),
    ]
)

RUNS = pa.schema(
    [
        required("run_id", pa.string(), "the run: its start time and a random suffix"),
        required("started_at", UTC_TS, "when it started, UTC"),
        required("finished_at", UTC_TS, "when it ended (or was recovered from the manifest), UTC"),
        required("source", pa.string(), "the source folder it read"),
        required("status", pa.string(), "its outcome: published | nothing_new | validation_failed | failed | compacted (a compacting run's source is empty)"),
        required("files_seen", pa.int64(), "files found in the source"),
        required("items_seen", pa.int64(), "files, with each record of a multi-record file counted: new_articles + duplicates + unchanged + quarantined"),
        required("new_articles", pa.int64(), "articles published for the first time"),
        required("duplicates", pa.int64(), "exact copies (not published again) and near copies (published with duplicate_of)"),
        required("unchanged", pa.int64(), "items of files already ingested"),
        required("quarantined", pa.int64(), "items sent to quarantine"),
        required("skipped_language", pa.int64(), "new articles not extracted: no model for their language"),
        required("replaced", pa.int64(), "earlier articles superseded by a changed file"),
        required("near_duplicates", pa.int64(), "of the duplicates: published with duplicate_of set"),
        required("deleted_files", pa.int64(), "files gone from the source since the last run"),
        required("removed", pa.int64(), "articles that left the lake because their file went away"),
        col("held_back", pa.int64(), "files whose size, mtime or content changed while the run read them: none of their items was taken (nor counted in items_seen) and the ledger does not hold them, so the next run reads them again; null in rows of runs schema version 2"),
        col("validation_success", pa.bool_(), "whether every expectation passed; null when the run stopped before validation"),
        col("validation_summary", pa.string(), "the failed expectations, in words; null when the run stopped before validation"),
        col("published_version", pa.string(), "the version it published (vNNNNNN); null when it published none"),
        required("stage_seconds", pa.string(), "JSON object: seconds spent in each stage"),
        col("error", pa.string(), "why a failed run failed: the error, or the signal that stopped it (`stopped by SIGTERM`); null otherwise"),
    ]
)

LEDGER = pa.schema(
    [
        col("source_uri", pa.string(), "a file (or archive member) of the source, relative to it"),
        col("sha256", pa.string(), "its sha256 when ingested"),
        col("size", pa.int64(), "its size in bytes"),
        col("mtime_ns", pa.int64(), "its modification time; with size, lets a rerun trust the recorded sha256 without reading"),
        col("outcome", pa.string(), "article | quarantined | mixed | archive | member | pieces (a JSONL, JSON list, WARC or archive read in pieces: its counts are in its segment rows) | segment (one piece of such a file: `big.jsonl#L2001-4000`, `list.json#item-0-1999`, `crawl.warc.gz#record-1-730`, `export.jsonl.gz!export.jsonl#L1-2000`, `bundle.tar.gz#members-1-40`)"),
        col("item_count", pa.int32(), "records the file held (1 for a one-article file); for a segment, the records of its lines, items or WARC records"),
        col("article_ids", pa.list_(pa.string()), "ids of the articles it held, duplicates included"),
        col("run_id", pa.string(), "the run that ingested it"),
        col("end_byte", pa.int64(), "for a segment: the byte offset where the file's next piece starts (in an archive, an offset of its decompressed stream); null otherwise"),
        col("end_line", pa.int64(), "for a segment: the record the file's next piece starts at (a JSONL line from 1, a JSON list item from 0, a WARC record from 1); null otherwise"),
    ]
)

SIGNATURES = pa.schema(
    [
        col("article_id", pa.string(), "a canonical article"),
        col("seq", pa.int64(), "first-seen order among canonical articles"),
        col("signature", pa.binary(), "MinHash values, little-endian uint64"),
        col("bands", pa.list_(pa.uint64()), "one LSH key per band"),
    ]
)


@dataclass(frozen=True)
class TableSpec:
    schema: pa.Schema
    kind: str  # base: ingested rows; derived: built by sql/; state: the lake's bookkeeping; log: runs
    version: int = 1  # bump when the columns change; the manifest records it per table and part
    partitioned: bool = False  # hive-style by publication month
    description: str = ""  # one row per ...: what a consumer reads in the manifest, the warehouse and docs


TABLES: dict[str, TableSpec] = {
    "articles": TableSpec(ARTICLES, "base", 4, partitioned=True, description="One row per published article (canonical articles and near copies): where it came from, its cleaned text, publication time, reference date and language."),
    "quarantine": TableSpec(QUARANTINE, "base", 1, description="One row per rejected input (a file, an archive member or a record) that could not become an article, with the reason."),
    "entity_mentions": TableSpec(ENTITY_MENTIONS, "base", 3, partitioned=True, description="One row per named-entity mention, as its article resolved it: the cleaned span, voted label, canonical name, role and place."),
    "date_mentions": TableSpec(DATE_MENTIONS, "base", 1, partitioned=True, description="One row per temporal expression in an article, with its TIMEX3 type and value and the day it resolves to."),
    "quotes": TableSpec(QUOTES, "base", 1, partitioned=True, description="One row per quotation or reported statement in an article: its content pieces, kind, cue and speaker, and the alias the speaker resolves to."),
    "entity_aliases": TableSpec(ENTITY_ALIASES, "derived", 3, description="One row per alias (a name as articles resolved it, under one label and place) and the lake-wide entity it belongs to."),
    "roles": TableSpec(ROLES, "derived", 1, description="One row per entity, role and article: the titles and offices an article writes before an entity's name."),
    "article_entities": TableSpec(ARTICLE_ENTITIES, "derived", 1, description="One row per article and entity it mentions: how often and where."),
    "entities": TableSpec(ENTITIES, "derived", 3, description="One row per canonical entity across the lake: name, label, aliases, place, counts, first and last seen."),
    "entity_cooccurrence": TableSpec(ENTITY_COOCCURRENCE, "derived", 1, description="One row per pair of entities named in the same articles (entity_a < entity_b), among each article's top entities by mentions (the `cooccurrence_top_entities` setting, default 50), so an article adds at most 1,225 pairs."),
    "entity_daily": TableSpec(ENTITY_DAILY, "derived", 1, description="One row per entity and day (the articles' reference date): mentions and articles."),
    "entity_quotes": TableSpec(ENTITY_QUOTES, "derived", 1, description="One row per entity and day (the articles' reference date) it is quoted on: quotes whose speaker resolves to it, and articles."),
    "dates": TableSpec(DATES, "derived", 1, description="One row per calendar day covered by the lake: calendar attributes and published and mentioned counts."),
    "runs": TableSpec(RUNS, "log", 3, description="One row per run, whatever its outcome: counts, stage timings, validation outcome and the version it published."),
    "ledger": TableSpec(LEDGER, "state", 2, description="The lake's bookkeeping (not published): one row per ingested file, so a rerun skips what it has seen."),
    "signatures": TableSpec(SIGNATURES, "state", 1, description="The lake's bookkeeping (not published): near-duplicate MinHash signatures of canonical articles."),
}
# Run metadata: the columns that say which run wrote a row and when, not what the row
# holds. Two runs over the same inputs into two lakes differ in these columns only;
# content checksums (newslake.lake.content) leave them out. `runs.source` is the
# folder as the run was given it, so a moved source changes it.
RUN_METADATA: dict[str, tuple[str, ...]] = {
    "articles": ("ingested_at", "run_id"),
    "quarantine": ("quarantined_at", "run_id"),
    "runs": ("run_id", "started_at", "finished_at", "source", "stage_seconds", "error"),
    "ledger": ("run_id",),  # state, not published: a file's ledger row names the run that took it in
}
# Parts written below these schema versions cannot be read as today's tables: entity
# mentions before version 2 carry no canonical names (they were resolved at extraction).
REBUILD_BELOW = {"entity_mentions": (2, "canonical entities")}
PUBLISHED = tuple(name for name, spec in TABLES.items() if spec.kind != "state")

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
    "refused_member",
    "failed_expectation",
    "repeated_source_uri",
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


def slice_copy(table: pa.Table, start: int, length: int) -> pa.Table:
    """Rows [start, start + length) as a table of their own. A plain slice shares (and
    pickles, when sent to another process) the whole table's buffers."""
    import pyarrow.compute as pc

    stop = min(start + length, table.num_rows)
    return table.take(pc.cast(pa.array(range(start, stop)), pa.int64())) if stop > start else table.schema.empty_table()
