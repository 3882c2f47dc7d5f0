"""The derived tables: the SQL models of `sql/`, run by DuckDB over a version's parts.

    build  which models run, in which order, fully or incrementally (`sql/merge/`), written as parts

Named apart from spaCy's model (`settings.spacy_model`) and the TIMEX3 record of
`newslake.dates.model`; the pipeline stage that calls it is `newslake.pipeline.derive`.
"""
