"""What an analyst gets: `warehouse.duckdb`, the sandbox `newslake query` runs in, and
the example queries of `sql/analyst/`.

    warehouse  views over the current version, rebuilt after every publish
    sandbox    what an analyst's SQL may do: read the lake's tables, nothing else
    examples   the example queries: their descriptions, parameters and SQL
"""
