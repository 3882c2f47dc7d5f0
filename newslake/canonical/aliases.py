"""What a name is known to be, from our curated aliases and ISO 3166 countries.

The entity model sees "U.S.", "America" and "the United States" as three
entities and "Tories" as a NORP; news readers see one country and one party.
This module holds that offline knowledge: `data/aliases.tsv` (variants of
countries, parties and institutions that hold for English news in general),
pycountry's ISO 3166-1 names and codes, and `data/demonyms.tsv`. Files are read
once per process, on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})


@dataclass(frozen=True, slots=True)
class Known:
    """A name's canonical form and the label it should carry."""

    name: str  # canonical name, e.g. "United States"
    label: str  # spaCy label, e.g. "GPE"
    country_code: str | None  # ISO 3166-1 alpha-2 when the name is a country


# Common English names where ISO's short name reads like a catalogue entry
# ("Korea, Republic of") or is not what English news writes ("Türkiye").
_COMMON_NAMES = {
    "BN": "Brunei",
    "CC": "Cocos Islands",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CI": "Ivory Coast",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "MO": "Macau",
    "PN": "Pitcairn Islands",
    "PS": "Palestine",
    "RU": "Russia",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "TL": "East Timor",
    "TR": "Turkey",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}

# ISO alpha-3 codes that are also English words, names or abbreviations: in a
# headline "CAN" or "AND" is not Canada or Andorra.
_WORDLIKE_ALPHA3 = frozenset({
    "AND", "ARE", "ARM", "ASM", "BEL", "BEN", "BRA", "CAN", "COD", "COG", "COM", "CUB", "DOM",
    "ESP", "FIN", "FRO", "GAB", "GEO", "GIN", "GUM", "HUN", "IND", "IRL", "JAM", "KEN", "LIE",
    "MAC", "MAR", "MUS", "NAM", "NOR", "PAN", "PER", "POL", "SEN", "SUR", "TON", "TUN", "VAT",
})

# ISO names that news uses for two countries: "Congo" is as often Kinshasa.
_AMBIGUOUS = frozenset({"congo"})

_THE = re.compile(r"^the\s+", re.IGNORECASE)
_DOTTED = re.compile(r"^(?:[A-Z]\.)+[A-Z]?$")


def lookup_key(name: str) -> str:
    """The key two spellings of one name share.

    Whitespace collapses, a leading "the " goes, and dots leave all-caps dotted
    tokens ("U.S." -> "US", "D.C." -> "DC") but no other word ("St."). Keys of
    three characters or fewer keep their case, so "us" and "US", "who" and
    "WHO" stay apart; longer keys are case-folded."""
    text = _THE.sub("", " ".join(name.split()), count=1)
    text = " ".join(t.replace(".", "") if _DOTTED.match(t) else t for t in text.split(" "))
    return text if len(text) <= 3 else text.casefold()


def _read(resource: str) -> list[tuple[int, list[str]]]:
    text = files("newslake.canonical").joinpath("data", resource).read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            rows.append((number, line.split("\t")))
    return rows


@cache
def alias_rows() -> tuple[tuple[str, str, str], ...]:
    """The rows of aliases.tsv as (variant, canonical name, label); a malformed row raises."""
    rows = []
    for number, fields in _read("aliases.tsv"):
        if len(fields) != 3 or not all(f.strip() == f and f for f in fields):
            raise ValueError(f"aliases.tsv line {number}: want variant<TAB>name<TAB>label, got {fields!r}")
        if fields[2] not in LABELS:
            raise ValueError(f"aliases.tsv line {number}: unknown label {fields[2]!r}")
        rows.append((fields[0], fields[1], fields[2]))
    return tuple(rows)


@cache
def demonym_rows() -> tuple[tuple[str, str], ...]:
    """The rows of demonyms.tsv as (demonym, alpha-2 code); a malformed row raises."""
    rows = []
    for number, fields in _read("demonyms.tsv"):
        if len(fields) != 2 or not fields[0] or not re.fullmatch(r"[A-Z]{2}", fields[1]):
            raise ValueError(f"demonyms.tsv line {number}: want demonym<TAB>alpha-2, got {fields!r}")
        rows.append((fields[0], fields[1]))
    return tuple(rows)


@cache
def country_names() -> dict[str, str]:
    """Alpha-2 code -> the country's common English name, for every ISO 3166-1 country."""
    import pycountry

    return {
        c.alpha_2: _COMMON_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        for c in pycountry.countries
    }


@cache
def _table() -> dict[str, Known]:
    import pycountry

    names = country_names()
    code_of = {name: code for code, name in names.items()}
    table: dict[str, Known] = {}
    for c in pycountry.countries:
        known = Known(names[c.alpha_2], "GPE", c.alpha_2)
        variants = [names[c.alpha_2], c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)]
        if c.alpha_3 not in _WORDLIKE_ALPHA3:
            variants.append(c.alpha_3)
        for variant in filter(None, variants):
            key = lookup_key(variant)
            if key not in _AMBIGUOUS:
                table.setdefault(key, known)
    curated: dict[str, Known] = {}
    for variant, name, label in alias_rows():
        known = Known(name, label, code_of.get(name) if label == "GPE" else None)
        for key in (lookup_key(variant), lookup_key(name)):  # a canonical name is a variant of itself
            if curated.get(key, known) != known:
                raise ValueError(f"aliases.tsv: {variant!r} is both {curated[key].name!r} and {name!r}")
            curated[key] = known
    table.update(curated)
    return table


def known(name: str) -> Known | None:
    """What a name is known to be: the curated aliases first, then ISO 3166-1 countries.

    Countries match by ISO short, official and common name and by alpha-3 code
    ("USA", except codes that are English words), never by two-letter code:
    "US" and "UK" are known because aliases.tsv lists them. A name without any
    capital letter is a common word, not a name, and is never known."""
    if not any(ch.isupper() for ch in name):
        return None
    return _table().get(lookup_key(name))


@cache
def _demonyms() -> dict[str, str]:
    return {" ".join(word.split()).casefold(): code for word, code in demonym_rows()}


def demonym_country(word: str) -> str | None:
    """The alpha-2 code of the country a demonym names: "Iraqi" and "Iraqis" -> "IQ".

    A word that starts in lower case is an adjective of something else
    ("french windows"), not a nationality. Plurals are tried as singulars:
    "-s" ("Britons"), "-men"/"-women" ("Frenchmen")."""
    text = " ".join(word.split())
    if not text or not text[0].isupper():
        return None
    table = _demonyms()
    folded = text.casefold()
    candidates = [folded]
    if folded.endswith("men"):
        candidates.append(folded[:-3] + "man")
    if folded.endswith("s"):
        candidates.append(folded[:-1])
    return next((table[c] for c in candidates if c in table), None)
