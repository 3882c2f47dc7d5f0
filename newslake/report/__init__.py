"""How a run explains itself.

    run_report  what a run saw, did and published (`RunReport`), and its row of the runs table
    summary     the lines a person reads at the end of a run, and the flow run's markdown
    page        the run report as one self-contained HTML page (runs/<run_id>/report.html)

The runs table itself is kept by `newslake.lake.runs_log`; the pipeline stage that
writes the page is `newslake.pipeline.report_page`.
"""
