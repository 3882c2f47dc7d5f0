"""Ingest: files in, article rows out, each input counted once.

    ledger           every input file the lake has taken in, by content hash; discovery
    splits           large JSONL, JSON list and WARC files cut into pieces read and committed alone
    batch            a batch of files read, parsed and normalized: articles, rejections, ledger rows
    normalize        raw records to `articles` rows; the article id
    language         the language of an article, decided once
    reference_dates  the day an article's relative dates resolve against
    dedup            near-duplicate detection (MinHash, LSH)

The formats themselves are `newslake.readers`; the pipeline stages that drive these
are `newslake.pipeline.plan`, `parse` and `merge`.
"""
