"""The pipeline's stages, as functions over one chunk of a run's work.

    plan          discover the source against the ledger: unchanged, new, changed, gone
    parse         read and normalize files in batches (a ParseJob travels to any worker)
    merge         exact duplicates, the article gate, near copies, the counts
    base_tables   the base tables' new parts, copy-on-write of what goes
    extraction    entity and date mentions, in worker processes or on Dask
    derive        the derived tables (sql/, incremental where it can be)
    gate          the suites and the check tables; a refusal publishes nothing
    report_page   the run's HTML report

`session` holds a run's lock and plan and turns each chunk into a checkpoint,
committed through `newslake.versions.publish`; `flows/` wires the stages into
Prefect tasks and decides nothing. `pool` and `workers` are the run's long-lived
worker processes that parse, sign and extract.
"""
