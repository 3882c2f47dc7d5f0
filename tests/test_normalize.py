"""Normalization: ids, cleaning, fallbacks."""

from __future__ import annotations

from datetime import datetime, timezone

from newslake.ingest.normalize import article_id, clean_text, fallback_title, normalize_article, outlet_of
from newslake.readers import RawArticle

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_article_id_ignores_case_and_whitespace():
    assert article_id("A Title", "Body  text.\n\nMore.") == article_id("a title", "body text. more.")
    assert article_id("A Title", "Body") != article_id("A Title", "Other body")
    assert len(article_id("x", "y")) == 16


def test_clean_text_folds_spaces_and_blank_lines():
    assert clean_text("  a\u00a0 b\u200b\r\n\r\n\r\n\r\nc  ") == "a b\n\nc"


def test_outlet_from_url():
    assert outlet_of("https://www.example.org/x") == "example.org"
    assert outlet_of(None) is None


def test_fallback_title_is_first_sentence_cut_short():
    assert fallback_title("Short one. Then more.") == "Short one."
    assert fallback_title(" ".join(["word"] * 20) + ".").endswith("…")


def test_normalize_article_row():
    raw = RawArticle(source_format="jsonl", title=" T ", body="B  b.", published="2020-01-10", url="https://x.org/a", line=3)
    row = normalize_article(raw, language="en", source_uri="f.jsonl", source_sha256="0" * 64, run_id="r", ingested_at=NOW)
    assert row["source_uri"] == "f.jsonl#L3"
    assert row["title"] == "T" and row["body"] == "B b." and row["word_count"] == 2
    assert row["published_at"] == datetime(2020, 1, 10, tzinfo=timezone.utc)
    assert row["outlet"] == "x.org"
