"""Declared languages are normalized in one place (newslake.ingest.language)."""

from __future__ import annotations

import pytest

from newslake.ingest.language import UNDETERMINED, choose_language, choose_languages, detect_language, detect_languages, normalize_code


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


TEXTS = [
    "The city council approved the budget late on Monday after a long debate about the cost of new pipes.",
    "Der Stadtrat hat den Haushalt am Montagabend nach einer langen Debatte über die Kosten beschlossen.",
    "Le conseil municipal a adopté le budget lundi soir après un long débat sur le coût des travaux.",
    "Too short to tell.",
    "   ",
]


def test_batch_detection_is_detection_of_each_text():
    assert detect_languages(TEXTS, default="xx") == [detect_language(t, default="xx") for t in TEXTS]


def test_batch_choice_is_the_choice_for_each_article():
    declared = ["de", None, "und", "en-US", "zz"]
    expected = [choose_language(d, detect_language(t, default="en")) for d, t in zip(declared, TEXTS)]
    assert choose_languages(declared, TEXTS, default="en") == expected
    assert choose_languages([], [], default="en") == []
