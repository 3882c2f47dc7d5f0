"""`newslake tag`: entities, dates and quotes of raw text, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from newslake.cli.app import app, fail, read_settings


@app.command()
def tag(
    file: Optional[Path] = typer.Argument(None, help="Text file to tag; '-' or nothing reads standard input.", show_default=False),
    dct: Optional[str] = typer.Option(None, "--dct", help="Document creation date YYYY-MM-DD that relative dates resolve against."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help='Tag many texts: a JSONL file of {"id","text","dct"} lines.'),
    out: Optional[Path] = typer.Option(None, "--out", help="With --jsonl: write results here instead of standard output."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Texts per spaCy batch."),
) -> None:
    """Tag raw text with entities, dates and quotes; prints JSON. Offsets index the exact input text.

    No article parsing happens here: the text is tagged as given.
    """
    from datetime import date

    from newslake.extract.entities import load_nlp
    from newslake.extract.tagging import BadRecord, read_jsonl, tag_records, tag_text

    if out is not None and jsonl is None:
        fail("--out needs --jsonl: it writes the results of a JSONL file (one text prints to standard output)")
    if jsonl is not None:
        if not jsonl.is_file():
            fail(f"no such file: {jsonl} (--jsonl takes a JSONL file of {{\"id\",\"text\",\"dct\"}} lines)")
        try:  # every line is checked before the model loads or anything is written
            with open(jsonl, encoding="utf-8") as source:
                for _ in read_jsonl(source):
                    pass
        except BadRecord as exc:
            fail(f"{jsonl}: {exc} (fix that line)", exc)
        except UnicodeDecodeError as exc:
            fail(f"{jsonl} is not UTF-8 text: {exc.reason} at byte {exc.start}", exc)
    elif dct:
        try:
            date.fromisoformat(dct)
        except ValueError:
            fail(f"--dct expects YYYY-MM-DD, got {dct!r}")
    settings = read_settings()
    try:
        nlp = load_nlp(settings.spacy_model)
    except (OSError, RuntimeError) as exc:
        fail(str(exc), exc)
    if jsonl is not None:
        with open(jsonl, encoding="utf-8") as source, (open(out, "w", encoding="utf-8") if out else _stdout()) as sink:
            for result in tag_records(nlp, read_jsonl(source), batch_size=batch_size, n_process=settings.n_process):
                sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    anchor = date.fromisoformat(dct) if dct else None
    if file is None or str(file) == "-":
        text = sys.stdin.read()
    elif not file.is_file():
        fail(f"no such file: {file} (pass a text file, or '-' for standard input)")
    else:
        text = file.read_text(encoding="utf-8")
    sys.stdout.write(json.dumps(tag_text(nlp, text, anchor), ensure_ascii=False) + "\n")


class _stdout:
    """sys.stdout as a context manager that is not closed on exit."""

    def __enter__(self):
        return sys.stdout

    def __exit__(self, *exc):
        sys.stdout.flush()
