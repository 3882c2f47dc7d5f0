"""The `newslake` command: the front door. It parses flags and hands over; no logic here.

    app       the Typer app, the global options, the one-line error, the settings
    output    tables, results (table, CSV, JSON) and text made safe to print
    run       run
    serve     serve, server, runs
    query     query, warehouse
    maintain  versions, verify, repair, rollback, compact
    tag       tag
    runner    the preloaded runner's program: what it loads, the command it forks

Only this package imports `flows/`; what a command decides is the domain's.
"""

import os
import signal
import sys

# The command itself (the console script, or `python -m newslake.cli`, whose argv[0]
# is "-m" while the package loads), not an import of it: Ctrl-C while it loads exits
# without a traceback.
if sys.argv[0] == "-m" or os.path.basename(sys.argv[0]) == "newslake":
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

from newslake.cli.app import app, main  # noqa: E402
# each adds its commands to app, in the order --help lists them
from newslake.cli import run, serve, query, maintain, tag  # noqa: E402,F401,I001

__all__ = ["app", "main"]
