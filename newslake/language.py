"""Language identification, offline, over the languages news collections mostly hold.

Restricting lingua to a known set keeps it fast and its memory small, and gives
the validation suite a closed list of codes to check against.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetectorBuilder

LANGUAGES = (
    "en de fr es it pt nl ru zh ja ar sv da nb fi pl tr el he hi ko uk cs ro hu id vi ca"
).split()
UNDETERMINED = "und"
MIN_CHARS = 40  # below this, detection is a guess; the caller's default is used instead
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _detector():
    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_minimum_relative_distance(0.05).build()


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of `text`, `default` for very short text, "und" when unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return default
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else UNDETERMINED


def detect_languages(texts: list[str], default: str = "en") -> list[str]:
    """Batch form: lingua spreads the work over its own threads."""
    samples = [t[:SAMPLE_CHARS] for t in texts]
    found = _detector().detect_languages_in_parallel_of(samples)
    return [
        default if len(s.strip()) < MIN_CHARS else (f.iso_code_639_1.name.lower() if f is not None else UNDETERMINED)
        for s, f in zip(samples, found)
    ]
