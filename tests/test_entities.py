"""Entity extraction and raw-text tagging, on the real spaCy model (no mocks)."""

from __future__ import annotations

import datetime as dt
import itertools

import pyarrow as pa
import pytest

from newslake.extract.entities import (
    ENTITY_LABELS,
    EntitySpan,
    chunk_text,
    entity_mentions,
    extract_entities,
    load_nlp,
)
from newslake.schema import ARTICLES, ENTITY_MENTIONS, to_table
from newslake.readers.text import parse_text_article
from newslake.extract.tagging import tag_records, tag_text

from conftest import SEED

SEED_PEOPLE = {
    "Mike Pompeo",
    "Qassem Soleimani",
    "Donald Trump",
    "Mark Esper",
    "Mark Milley",
    "Adel Abdul-Mahdi",
}

# Written for these tests.
PARAGRAPH = (
    "German Chancellor Angela Merkel met French President Emmanuel Macron in Berlin on "
    "Tuesday. Microsoft founder Bill Gates later told Reuters that the European Union "
    "should act.\n\nSpeaking in Tokyo, Prime Minister Shinzo Abe said Toyota would build "
    "a plant in Kentucky."
)
PARAGRAPH_PEOPLE = {"Angela Merkel", "Emmanuel Macron", "Bill Gates", "Shinzo Abe"}

NUMERIC_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def seed_body() -> str:
    body = parse_text_article(SEED.read_text(encoding="utf-8")).body
    assert body.startswith("Iraq’s acting prime minister")
    return body


def assert_slices_back(text: str, spans) -> None:
    for s in spans:
        start, end, got = (s.start, s.end, s.text) if isinstance(s, EntitySpan) else (
            s["start"], s["end"], s["text"]
        )
        assert 0 <= start < end <= len(text)
        assert text[start:end] == got


# ---------------------------------------------------------------- model


def test_load_nlp_runs_only_the_ner_path_and_is_cached(nlp):
    assert "ner" in nlp.pipe_names
    assert set(nlp.pipe_names) <= {"tok2vec", "ner"}
    assert load_nlp() is nlp


def test_load_nlp_names_a_missing_model():
    with pytest.raises(RuntimeError, match="no_such_model_xyz.*not installed"):
        load_nlp("no_such_model_xyz")


def test_numpy_blas_finds_what_spacy_as_it_comes_finds(nlp, seed_body):
    """load_nlp runs the model on numpy's BLAS for speed; the entities must not move."""
    import spacy

    from newslake.extract.entities import DEFAULT_MODEL, _package_components

    plain = spacy.load(DEFAULT_MODEL, exclude=[n for n in _package_components(DEFAULT_MODEL) if n != "ner"])
    assert {type(node.ops).__name__ + str(node.ops.use_blis) for node in plain.get_pipe("ner").model.walk()} == {"NumpyOpsTrue"}
    assert {node.ops.use_blis for node in nlp.get_pipe("ner").model.walk()} == {False}
    texts = [seed_body, PARAGRAPH]
    ours = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
    theirs = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in plain.pipe(texts)]
    assert ours == theirs
    assert len(ours[0]) > 10

# ---------------------------------------------------------------- extraction


def _name(span: EntitySpan) -> str:
    """The name a raw spaCy span holds, without what news wraps around it."""
    from newslake.canonical.names import clean_span

    c = clean_span(span.text, 0, len(span.text), span.label)
    return span.text[c.start : c.end] if c else span.text


def test_seed_body_people(nlp, seed_body):
    (spans,) = extract_entities(nlp, [seed_body])
    people = {_name(s) for s in spans if s.label == "PERSON"}
    assert SEED_PEOPLE <= people
    assert_slices_back(seed_body, spans)


def test_inline_paragraph(nlp):
    (spans,) = extract_entities(nlp, [PARAGRAPH])
    assert_slices_back(PARAGRAPH, spans)
    people = {_name(s) for s in spans if s.label == "PERSON"}
    assert PARAGRAPH_PEOPLE <= people
    places = {s.text for s in spans if s.label == "GPE"}
    assert {"Berlin", "Tokyo"} <= places


def test_empty_texts_and_order(nlp):
    texts = ["", "   \n ", PARAGRAPH, "", "Barack Obama visited Paris."]
    result = extract_entities(nlp, texts, batch_size=2)
    assert len(result) == len(texts)
    assert result[0] == [] and result[1] == [] and result[3] == []
    assert "Angela Merkel" in {s.text for s in result[2]}
    assert "Barack Obama" in {s.text for s in result[4]}
    for text, spans in zip(texts, result):
        assert_slices_back(text, spans)
    assert extract_entities(nlp, []) == []


def test_offsets_are_str_offsets_with_non_ascii(nlp):
    text = "🎉🎉 Ça va? “Angela Merkel’s” visit to Zürich — café talk with Emmanuel Macron 😀."
    (spans,) = extract_entities(nlp, [text])
    assert_slices_back(text, spans)
    assert {"Emmanuel Macron"} <= {_name(s) for s in spans}


def test_label_filter(nlp):
    (spans,) = extract_entities(nlp, [PARAGRAPH], labels=ENTITY_LABELS)
    assert spans and {s.label for s in spans} <= ENTITY_LABELS
    (all_spans,) = extract_entities(nlp, [PARAGRAPH])
    assert "DATE" in {s.label for s in all_spans}  # "Tuesday": kept only without the filter


# ---------------------------------------------------------------- long texts


def test_chunk_text_cuts_on_paragraphs():
    paras = [f"Paragraph {i} " + "word " * 20 for i in range(30)]
    text = "\n\n".join(paras)
    pieces = chunk_text(text, 500)
    assert "".join(chunk for _, chunk in pieces) == text
    assert all(len(chunk) <= 500 for _, chunk in pieces)
    for offset, chunk in pieces:
        assert text[offset : offset + len(chunk)] == chunk
    # every cut but the last falls right after a paragraph break
    assert all(chunk.endswith("\n\n") for _, chunk in pieces[:-1])
    # no separators at all: hard cuts, still lossless
    assert "".join(c for _, c in chunk_text("x" * 1001, 100)) == "x" * 1001
    assert chunk_text("", 10) == [(0, "")]


def _long_text(copies: int) -> str:
    return "\n\n".join([PARAGRAPH] * copies)


def test_long_text_is_chunked_and_offsets_shift(nlp):
    copies = 40
    text = _long_text(copies)
    (chunked,) = extract_entities(nlp, [text], max_length=1000)
    assert_slices_back(text, chunked)
    # each copy of the paragraph yields the same names at shifted offsets
    step = len(PARAGRAPH) + 2
    (single,) = extract_entities(nlp, [PARAGRAPH])
    expected = {
        (s.start + k * step, s.end + k * step, s.text, s.label)
        for k in range(copies)
        for s in single
    }
    got = {(s.start, s.end, s.text, s.label) for s in chunked}
    merkel = {e for e in expected if e[2] == "Angela Merkel"}
    assert len(merkel) == copies and merkel <= got
    assert len(got & expected) >= 0.95 * len(expected)


def test_texts_longer_than_nlp_max_length_do_not_fail(nlp):
    text = _long_text(20)
    saved = nlp.max_length
    nlp.max_length = 2000
    try:
        assert len(text) > nlp.max_length
        with pytest.raises(ValueError):  # spaCy itself refuses [E088]
            nlp(text)
        (spans,) = extract_entities(nlp, [text])
    finally:
        nlp.max_length = saved
    assert_slices_back(text, spans)
    assert sum(s.text == "Shinzo Abe" for s in spans) == 20


# ---------------------------------------------------------------- entity_mentions


def _articles(seed_text: str) -> pa.Table:
    rows = [
        {
            "article_id": "a1",
            "title": "Angela Merkel meets Emmanuel Macron in Berlin",
            "captions": ["Angela Merkel in Berlin. (Reuters)", "Emmanuel Macron arrives in Paris."],
            "body": seed_text,
        },
        {"article_id": "a2", "title": None, "captions": [], "body": PARAGRAPH},
        {"article_id": "a3", "title": "", "captions": None, "body": ""},
    ]
    return to_table(rows, ARTICLES)


def test_entity_mentions_table(nlp):
    articles = _articles(PARAGRAPH)
    table = entity_mentions(nlp, articles, batch_size=2)
    assert table.schema.equals(ENTITY_MENTIONS)
    rows = table.to_pylist()
    assert rows
    by_id = {r["article_id"]: r for r in articles.to_pylist()}
    fields = {"a1": set(), "a2": set()}
    for r in rows:
        article = by_id[r["article_id"]]
        source = {
            "title": article["title"],
            "caption": "\n".join(article["captions"] or []),
            "body": article["body"],
        }[r["field"]]
        assert source[r["start"] : r["end"]] == r["text"]
        assert r["label"] in ENTITY_LABELS
        assert r["name"] and "\n" not in r["text"]
        fields[r["article_id"]].add(r["field"])
    assert fields["a1"] == {"title", "caption", "body"}
    assert fields["a2"] == {"body"}
    assert not {r["label"] for r in rows} & NUMERIC_LABELS
    # the second caption's mention points into the joined caption text
    caption_text = "\n".join(by_id["a1"]["captions"])
    macron = [r for r in rows if r["field"] == "caption" and r["text"] == "Emmanuel Macron"]
    assert macron and macron[0]["start"] == caption_text.index("Emmanuel Macron")


def test_entity_mentions_of_the_seed(nlp, seed_body):
    table = entity_mentions(nlp, _articles(seed_body))
    people = {
        r["name"]
        for r in table.to_pylist()
        if r["article_id"] == "a1" and r["field"] == "body" and r["label"] == "PERSON"
    }
    assert SEED_PEOPLE <= people


def test_entity_mentions_of_no_articles(nlp):
    table = entity_mentions(nlp, ARTICLES.empty_table())
    assert table.num_rows == 0 and table.schema.equals(ENTITY_MENTIONS)


# ---------------------------------------------------------------- tagging


def test_tag_text_shape(nlp):
    out = tag_text(nlp, PARAGRAPH, None, dates=False)
    assert set(out) == {"entities", "dates", "quotes"}
    assert out["dates"] == []
    assert out["entities"]
    for e in out["entities"]:
        assert set(e) == {"start", "end", "text", "label", "name", "id", "role", "country_code", "latitude", "longitude",
                          "geonames_id"}
        assert e["label"] in ENTITY_LABELS
    assert_slices_back(PARAGRAPH, out["entities"])
    by_name = {e["name"]: e for e in out["entities"]}
    assert by_name["Shinzo Abe"]["role"] == "Prime Minister"
    assert by_name["Berlin"]["country_code"] == "DE"


def test_tag_text_dates(nlp):
    dates = pytest.importorskip("newslake.dates")
    if not hasattr(dates, "tag_dates"):
        pytest.skip("newslake.dates.tag_dates not there yet")
    text = "Mike Pompeo spoke on Thursday, January 9, 2020, three days after the strike."
    out = tag_text(nlp, text, dt.date(2020, 1, 10))
    assert isinstance(out["dates"], list)
    for d in out["dates"]:
        assert {"start", "end", "text", "type", "value"} <= set(d)
    assert_slices_back(text, out["dates"])
    records = list(tag_records(nlp, [{"id": 1, "text": text, "dct": "2020-01-10"}]))
    assert records[0]["dates"] == out["dates"]


def test_tag_records_order_and_shape(nlp):
    texts = [PARAGRAPH, "", "Barack Obama visited Paris.", "No names here at all.", PARAGRAPH]
    records = [{"id": f"r{i}", "text": t, "dct": None} for i, t in enumerate(texts)]
    out = list(tag_records(nlp, iter(records), batch_size=2, dates=False))
    assert [r["id"] for r in out] == [r["id"] for r in records]
    for rec, res in zip(records, out):
        assert set(res) == {"id", "entities", "dates", "quotes"}
        assert_slices_back(rec["text"], res["entities"])
    assert out[1]["entities"] == []
    assert out[0]["entities"] == out[4]["entities"] == tag_text(nlp, PARAGRAPH, None, dates=False)["entities"]
    assert "Barack Obama" in {e["name"] for e in out[2]["entities"]}


def test_tag_records_streams(nlp):
    consumed = 0

    def endless():
        nonlocal consumed
        for i in itertools.count():
            consumed += 1
            yield {"id": i, "text": "Barack Obama visited Paris.", "dct": "2020-01-10"}

    first = list(itertools.islice(tag_records(nlp, endless(), batch_size=4, dates=False), 5))
    assert [r["id"] for r in first] == [0, 1, 2, 3, 4]
    assert consumed <= 12  # a couple of batches read ahead, not the whole stream


def test_tag_records_with_two_processes_keeps_order(nlp):
    records = [
        {"id": i, "text": PARAGRAPH if i % 2 else f"Report {i}: Barack Obama visited Paris.", "dct": None}
        for i in range(9)
    ]
    out = list(tag_records(nlp, records, batch_size=2, n_process=2, dates=False))
    assert [r["id"] for r in out] == list(range(9))
    serial = list(tag_records(nlp, records, batch_size=2, dates=False))
    assert out == serial


def test_tag_records_rejects_a_bad_dct(nlp):
    with pytest.raises(ValueError, match="dct"):
        list(tag_records(nlp, [{"id": "x", "text": "Paris", "dct": "10/01/2020"}], dates=False))
