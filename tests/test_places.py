"""The canonicalizer's offline knowledge: curated aliases, demonyms and the gazetteer, on real data."""

from __future__ import annotations

from importlib.resources import files

import pycountry
import pytest

from newslake.canonical import aliases, places
from newslake.canonical.aliases import Known, demonym_country, known
from newslake.canonical.places import country, locate


def _data_rows(resource: str) -> list[str]:
    text = files("newslake.canonical").joinpath("data", resource).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("name", ["U.S.", "US", "U.S.A.", "USA", "United States", "the United States", "America"])
def test_the_united_states_has_one_name(name):
    assert known(name) == Known("United States", "GPE", "US")


@pytest.mark.parametrize("name", ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"])
def test_the_united_kingdom_has_one_name(name):
    assert known(name) == Known("United Kingdom", "GPE", "GB")


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Korea, Republic of", "South Korea"),
        ("South Korea", "South Korea"),
        ("Iran, Islamic Republic of", "Iran"),
        ("Russian Federation", "Russia"),
        ("Syrian Arab Republic", "Syria"),
        ("Viet Nam", "Vietnam"),
        ("Holland", "Netherlands"),
        ("the Netherlands", "Netherlands"),
        ("Czechia", "Czech Republic"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Burma", "Myanmar"),
        ("Federal Republic of Germany", "Germany"),
        ("FRA", "France"),
    ],
)
def test_countries_carry_their_common_english_name(name, canonical):
    result = known(name)
    assert result is not None and result.name == canonical and result.label == "GPE"
    assert result.country_code is not None


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["Labour", "Labour Party", "the Labour party"], "Labour Party"),
        (["Conservatives", "Conservative", "Conservative Party", "Tory", "Tories"], "Conservative Party"),
        (["Lib Dems", "Liberal Democrats", "Liberal Democrat Party"], "Liberal Democrats"),
        (["Democrats", "Democratic Party"], "Democratic Party"),
        (["Republicans", "GOP", "Republican Party"], "Republican Party"),
        (["WHO", "World Health Organization"], "World Health Organization"),
        (["EU", "European Union"], "European Union"),
        (["UN", "U.N.", "United Nations"], "United Nations"),
        (["NATO", "Nato"], "NATO"),
    ],
)
def test_parties_and_institutions_short_and_long(variants, canonical):
    assert {known(v) for v in variants} == {Known(canonical, "ORG", None)}


@pytest.mark.parametrize("word", ["us", "Us", "who", "un", "labour", "conservative", "CAN", "AND", "GB", "FR", "Congo"])
def test_words_and_bare_codes_are_not_known(word):
    assert known(word) is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("Iraqi", "IQ"), ("Iraqis", "IQ"), ("American", "US"), ("Americans", "US"), ("British", "GB"),
     ("Britons", "GB"), ("French", "FR"), ("Frenchmen", "FR"), ("Chinese", "CN"), ("Swiss", "CH"),
     ("Filipinos", "PH"), ("South Koreans", "KR")],
)
def test_demonyms_name_their_country(word, code):
    assert demonym_country(word) == code


@pytest.mark.parametrize("word", ["french", "Korean", "Dominican", "Congolese", "Parisian"])
def test_lowercase_and_ambiguous_demonyms_name_no_country(word):
    assert demonym_country(word) is None


def test_every_alias_row_loads_with_an_allowed_label():
    rows = aliases.alias_rows()
    assert len(rows) == len(_data_rows("aliases.tsv")) > 200
    assert {label for _, _, label in rows} <= {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
    for variant, name, label in rows:
        assert known(variant) == known(name), variant  # a variant and its canonical name are one entity
        assert known(variant).label == label


def test_every_curated_country_name_is_an_iso_country():
    countries = set(aliases.country_names().values())
    for _, name, label in aliases.alias_rows():
        if label == "GPE" and name not in countries:  # a part of a country or a city, which the gazetteer knows
            place = locate(name)
            assert place is not None and place.kind in ("region", "city"), name


def test_every_curated_city_name_leads_to_its_city():
    for variant, name, label in aliases.alias_rows():
        place = locate(name)
        if label == "GPE" and place is not None and place.kind == "city":
            assert locate(variant) == place, variant


def test_every_demonym_row_loads_with_a_real_country():
    rows = aliases.demonym_rows()
    assert len(rows) == len(_data_rows("demonyms.tsv"))
    codes = {code for _, code in rows}
    assert len(codes) >= 150
    assert all(pycountry.countries.get(alpha_2=code) is not None for code in codes)
    assert all(demonym_country(word) == code for word, code in rows)


def test_paris_is_in_france_unless_the_article_is_american():
    assert locate("Paris").country_code == "FR"
    assert locate("Paris", prefer_country="US").country_code == "US"


def test_ambiguous_names_follow_kind_then_population_then_preference():
    assert locate("Georgia").kind == "country" and locate("Georgia").country_code == "GE"
    assert locate("Georgia", prefer_country="US").kind == "admin1"
    assert locate("Birmingham").country_code == "GB"
    assert locate("Birmingham", prefer_country="US").country_code == "US"
    assert locate("London").country_code == "GB"
    assert locate("London", prefer_country="CA").country_code == "CA"
    assert locate("Lebanon", prefer_country="US").kind == "country"  # not Lebanon, Tennessee


def _near(place, latitude, longitude, tolerance=0.3):
    return abs(place.latitude - latitude) < tolerance and abs(place.longitude - longitude) < tolerance


@pytest.mark.parametrize("prefer", [None, "US", "GB"])
def test_new_york_is_the_city_not_the_state(prefer):
    place = locate("New York", prefer_country=prefer)
    assert place.kind == "city" and place.country_code == "US" and _near(place, 40.7, -74.0)
    assert locate("NYC") == locate("New York City") == place


@pytest.mark.parametrize("prefer", [None, "US"])
def test_washington_is_the_national_capital_not_the_state(prefer):
    place = locate("Washington", prefer_country=prefer)
    assert place.kind == "city" and place.country_code == "US" and _near(place, 38.9, -77.0)
    assert locate("Washington, D.C.") == locate("Washington DC") == locate("D.C.") == place


def test_georgia_is_the_country_or_in_an_american_article_the_state():
    assert locate("Georgia") == country("GE")
    state = locate("Georgia", prefer_country="US")
    assert state.kind == "admin1" and state.country_code == "US" and 30 <= state.latitude <= 35
    assert locate("Delaware").kind == "admin1"  # a state still beats a town of its name (Delaware, Ohio)


def test_a_capital_beats_no_bigger_city_of_its_name():
    assert locate("Hamilton").country_code == "CA"  # not Bermuda's capital of 900 people
    assert locate("Kingston").country_code == "JM"  # Jamaica's capital, not Norfolk Island's
    assert locate("San Jose").country_code == "US"
    assert locate("San Jose", prefer_country="CR").country_code == "CR"
    assert locate("Nur-Sultan") == locate("Astana")  # the capital by its country's name for it
    assert locate("Ulaanbaatar").country_code == "MN"


def test_alternate_names_with_another_first_letter_are_not_indexed():
    assert locate("Whitehall").name != "Atlanta"  # a GeoNames alternate name of Atlanta
    assert locate("Kiev") == locate("Kyiv")  # a real variant, same first letter


@pytest.mark.parametrize(
    ("former", "city", "code"),
    [("Bombay", "Mumbai", "IN"), ("Calcutta", "Kolkata", "IN"), ("Madras", "Chennai", "IN"),
     ("Peking", "Beijing", "CN"), ("Saigon", "Ho Chi Minh City", "VN"), ("Rangoon", "Yangon", "MM")],
)
def test_curated_former_names_lead_to_the_city(former, city, code):
    place = locate(former)
    assert place == locate(city) and place.name == city and place.kind == "city" and place.country_code == code
    assert known(former) == Known(city, "GPE", None)


def test_baghdad_is_in_iraq_where_baghdad_is():
    place = locate("Baghdad")
    assert place.kind == "city" and place.country_code == "IQ"
    assert abs(place.latitude - 33.3) < 0.2 and abs(place.longitude - 44.4) < 0.2


def test_countries_have_a_point_inside_them():
    france = locate("France")
    assert france == country("FR") and france.kind == "country"
    assert 41 <= france.latitude <= 52 and -5 <= france.longitude <= 10
    fiji = country("FJ")  # straddles the antimeridian: a plain mean of longitudes would land near 0
    assert -21 <= fiji.latitude <= -12 and abs(fiji.longitude) > 170
    assert locate("Texas").kind == "admin1" and 25 <= locate("Texas").latitude <= 37


def test_aliases_lead_to_places():
    assert locate("U.S.") == locate("America") == country("US")
    assert locate("the Netherlands").name == "Netherlands"
    assert locate("Kiev").name == "Kyiv"
    assert locate("Washington, D.C.").country_code == "US"
    assert locate("Paris, Texas").country_code == "US"
    assert locate("São Paulo") == locate("Sao Paulo")


@pytest.mark.parametrize("name", ["paris", "us", "the paris", "EU", "Labour", "", "Nowhereville"])
def test_no_place(name):
    assert locate(name) is None


def test_every_country_place_is_valid():
    for code in aliases.country_names():
        place = country(code)
        if place is not None:
            assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180, code
    assert places.country("XX") is None
