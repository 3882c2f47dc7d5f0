"""`python -m newslake.cli`: the same command as the `newslake` script."""

from newslake.cli import main

main()
