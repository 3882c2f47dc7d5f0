"""Declared languages are normalized in one place (newslake.ingest.language)."""

from __future__ import annotations

import pytest

from newslake.ingest.language import UNDETERMINED, choose_language, normalize_code


@pytest.mark.parametrize(
    "declared, code",
    [
        ("en-US", "en"),  # regional variant -> base language
        ("EN_gb", "en"),
        ("pt-BR", "pt"),
        ("zh-Hant-TW", "zh"),
        ("iw", "he"),  # deprecated -> current
        ("in", "id"),
        ("sh", "sr"),
        ("eng", "en"),  # three-letter synonym -> two-letter code
        ("xx", UNDETERMINED),  # no such language
        ("english", UNDETERMINED),
        ("und", UNDETERMINED),
        (None, None),
        ("  ", None),
    ],
)
def test_normalize_code(declared, code):
    assert normalize_code(declared) == code


def test_declared_language_wins_unless_it_names_none():
    assert choose_language("en-US", detected="de") == "en"
    assert choose_language("sh", detected="en") == "sr"
    assert choose_language("xx", detected="fr") == "fr"
    assert choose_language(None, detected="fr") == "fr"
