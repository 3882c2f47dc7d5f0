"""The preloaded runner's program (`python -m newslake.cli.runner HOME [MODEL]`): what
it loads before serving, and the command each of its children runs. The mechanism is
`newslake.preloaded`; `newslake run` starts this beside the lake's kept server."""

from __future__ import annotations

import sys
from pathlib import Path


def command(home: Path, model: str | None) -> list[str]:
    """The command line that starts the runner of `home`."""
    return [sys.executable, "-m", "newslake.cli.runner", str(home), *([model] if model else [])]


def preload(model: str | None) -> None:
    """Import and load, once, what every run would otherwise load itself (Prefect
    excepted: a run reads its settings when Prefect is imported)."""
    import newslake.dates  # noqa: F401  compiles the date patterns
    import newslake.derived.build  # noqa: F401
    import newslake.ingest.batch  # noqa: F401
    import newslake.pipeline.extraction  # noqa: F401
    import newslake.pipeline.session  # noqa: F401
    import newslake.report.page  # noqa: F401
    import newslake.versions.publish  # noqa: F401
    from newslake.canonical import places
    from newslake.config import load_settings
    from newslake.pipeline import gate
    from newslake.ingest import language
    from newslake.validate.context import gx_context

    gx_context()
    gate.warm(load_settings().expectations_dir)
    language.detect_language("The council met on Monday to discuss the new budget for the city's schools.")
    places.locate("Paris")
    if model:
        from newslake.extract.entities import load_nlp

        load_nlp(model)


if __name__ == "__main__":
    from newslake import preloaded
    from newslake.cli import main

    model = sys.argv[2] if len(sys.argv) > 2 else None
    sys.exit(preloaded.serve(Path(sys.argv[1]), lambda: preload(model), main))
