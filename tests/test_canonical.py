"""Canonical entities: names, within-article resolution, and the lake-wide tables.

Pure functions are called on small in-memory inputs; the seed runs through the
real spaCy model; the lake-wide rules run through the real `sql/` models in DuckDB.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from conftest import REPO, SEED

from newslake import schema
from newslake.canonical.names import (
    clean_span,
    fold,
    initials_match,
    is_short_form,
    role_before,
    surname,
)
from newslake.canonical.resolve import alias_id, resolve_article
from newslake.extract.entities import EntitySpan, entity_mentions, load_nlp
from newslake.derived.build import ResolutionMoved, merge_models, run_models
from newslake.readers.text import decode_character_references, parse_text_article


def spans_of(text: str, *found: tuple[str, str]) -> list[EntitySpan]:
    """Spans for each (text, label) at its first occurrence no earlier span covers."""
    out: list[EntitySpan] = []
    for piece, label in found:
        start = text.index(piece)
        while any(s.start < start + len(piece) and start < s.end for s in out):
            start = text.index(piece, start + 1)
        out.append(EntitySpan(start, start + len(piece), piece, label))
    return sorted(out, key=lambda s: s.start)


def resolve(text: str, *found: tuple[str, str]):
    return resolve_article([("body", text, spans_of(text, *found))])


def labels(text: str, *found: tuple[str, str]) -> dict[str, str]:
    """Each resolved mention's label, by its text."""
    return {m.text: m.label for m in resolve(text, *found)}


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "raw, label, name, role",
    [
        ("Secretary of State Mike Pompeo", "PERSON", "Mike Pompeo", "Secretary of State"),
        ("President Donald Trump", "PERSON", "Donald Trump", "President"),
        ("Mr Blair", "PERSON", "Blair", None),
        ("Mr. Blair", "ORG", "Blair", None),
        ("Prince Harry", "PERSON", "Prince Harry", "Prince"),
        ("the UN's", "ORG", "UN", None),
        ("Trump’s", "PERSON", "Trump", None),
        ("Reynolds'", "PERSON", "Reynolds", None),
        ("Iraq\nBaghdad", "GPE", "Iraq", None),
        ("Reuters -", "ORG", "Reuters", None),
        ("Interfax news agency", "ORG", "Interfax", None),
        ("iPhone", "PRODUCT", "iPhone", None),
        ("“Mike Pompeo,”", "PERSON", "Mike Pompeo", None),
        ("U.S.", "GPE", "U.S.", None),
        ("The White House", "ORG", "White House", None),
        ("Lord Sugar", "PERSON", "Lord Sugar", None),  # a peerage stays in the name, and is no role
        ("Sir Menzies Campbell", "PERSON", "Menzies Campbell", None),
        ("Lord Chancellor Lord Falconer", "PERSON", "Lord Falconer", "Lord Chancellor"),
        ("Dr John Reid", "PERSON", "John Reid", None),
        ("64 Bob Estes", "PERSON", "Bob Estes", None),  # a results table's score
        ("1860 Munich", "ORG", "1860 Munich", None),  # a club's name keeps its number
    ],
)
def test_clean_span(raw, label, name, role):
    c = clean_span(raw, 0, len(raw), label)
    assert (raw[c.start : c.end], c.role) == (name, role)


def test_clean_span_leaves_nothing_of_punctuation():
    assert clean_span("-- ,", 0, 4, "ORG") is None


@pytest.mark.parametrize("raw", ["healthcare", "the defence ministry", "182nd", "congress"])
def test_a_span_without_a_capital_names_nothing(raw):
    assert clean_span(raw, 0, len(raw), "ORG") is None


def test_role_before_a_name():
    text = "Iraq's Prime Minister Adel Abdul-Mahdi met Secretary of Defense Mark Esper."
    assert role_before(text, text.index("Adel")) == "Prime Minister"
    assert role_before(text, text.index("Mark")) == "Secretary of Defense"
    assert role_before(text, text.index("Iraq")) is None
    peers = "Lord Falconer, the Lord Chancellor Lord Irvine, and Baroness Thatcher."
    assert role_before(peers, peers.index("Falconer")) is None  # "Lord": a peerage, not an office
    assert role_before(peers, peers.index("Irvine")) == "Lord Chancellor"


def test_short_forms_and_keys():
    assert is_short_form("Mahdi", "Adel Abdul-Mahdi") and is_short_form("Abdul-Mahdi", "Adel Abdul-Mahdi")
    assert is_short_form("Blair", "Tony Blair") and not is_short_form("Tony", "Tony Blair")
    assert fold("U.S.") == fold("US") == "us"
    assert surname("Martin Luther King Jr.") == "king" and surname("Blair") is None
    assert initials_match("MRO", ["Maintenance,", "Repair", "and", "Overhaul"])
    assert not initials_match("MRO", ["Repair", "and", "Overhaul"])


def test_alias_id_is_stable_and_folds_case_and_dots():
    assert alias_id("Mike Pompeo", "PERSON") == "8b08c0b325bfd540"  # sha256("PERSON\tmike pompeo")[:16]
    assert alias_id("U.S.", "GPE") == alias_id("US", "GPE")
    assert alias_id("Paris", "GPE", "2988507") != alias_id("Paris", "GPE", "4717560")


def test_character_references_are_decoded_when_read():
    assert decode_character_references("Jos&#233; Manuel Barroso &amp; AT&T") == "José Manuel Barroso & AT&T"
    article = parse_text_article("Barroso&#39;s plan\n\nJos&eacute; Manuel Barroso spoke.\n")
    assert article.title == "Barroso's plan" and article.body.startswith("José Manuel Barroso")


# ---------------------------------------------------------------- within an article


def test_short_forms_take_the_full_name_and_its_label():
    text = "Secretary of State Mike Pompeo spoke. Later Pompeo said Mr Pompeo would stay."
    found = resolve(text, ("Mike Pompeo", "PERSON"), ("State", "ORG"), ("Pompeo", "GPE"))
    pompeo = {(m.text, m.name, m.label) for m in found}
    assert pompeo == {("Mike Pompeo", "Mike Pompeo", "PERSON"), ("Pompeo", "Mike Pompeo", "PERSON")}
    assert len([m for m in found if m.text == "Pompeo"]) == 2  # the second "Pompeo" was added
    assert {m.role for m in found if m.text == "Mike Pompeo"} == {"Secretary of State"}
    assert "State" not in {m.text for m in found}  # a piece of a job title is not an organization
    assert len({m.alias_id for m in found}) == 1


def test_mr_blair_and_tony_blair_in_one_article_are_one_entity():
    text = "Tony Blair met voters. Mr Blair said the plan would work."
    found = resolve(text, ("Tony Blair", "PERSON"), ("Mr Blair", "PERSON"))
    assert {(m.text, m.name) for m in found} == {("Tony Blair", "Tony Blair"), ("Blair", "Tony Blair")}
    assert len({m.alias_id for m in found}) == 1


def test_two_people_who_share_a_surname_in_one_article_leave_the_surname_alone():
    text = "Boris Johnson and Jo Johnson spoke. Johnson left."
    found = resolve(text, ("Boris Johnson", "PERSON"), ("Jo Johnson", "PERSON"), ("Johnson", "PERSON"))
    assert {m.name for m in found if m.text == "Johnson"} == {"Johnson"}


def test_an_acronym_takes_its_expansion():
    text = "Maintenance, Repair and Overhaul (MRO) work grew. MRO firms hired."
    found = resolve(text, ("Repair and Overhaul", "ORG"), ("MRO", "ORG"))
    assert {m.name for m in found} == {"Maintenance, Repair and Overhaul"}
    assert [m.text for m in found] == ["Maintenance, Repair and Overhaul", "MRO", "MRO"]


def test_an_expansion_never_crosses_a_line_break():
    text = "The Agricultural Stabilization and\nConservation Service (ASCS) said so."
    found = resolve(text, ("ASCS", "ORG"))
    assert all("\n" not in m.text for m in found)


def test_labels_are_a_vote_across_mentions():
    text = "Cameroon beat Ghana. Cameroon then lost. Cameroon went home."
    found = resolve(text, ("Cameroon", "GPE"), ("Ghana", "GPE"), ("Cameroon", "PERSON"), ("Cameroon", "GPE"))
    assert {m.label for m in found if m.text == "Cameroon"} == {"GPE"}


def test_a_mention_keeps_the_article_the_model_found_and_its_name_never_does():
    text = "The bill passed the Senate on Friday. Senate leaders were pleased."
    first, second = resolve(text, ("the Senate", "ORG"), ("Senate", "ORG"))
    assert (first.text, first.name, text[first.start : first.end]) == ("the Senate", "Senate", "the Senate")
    assert (second.text, second.name) == ("Senate", "Senate")
    assert first.alias_id == second.alias_id


def test_a_leading_the_before_a_possessive_or_a_noun_the_name_modifies_is_left_out():
    text = "The Senate passed it. The United States's largest carmaker and the United States government agreed."
    found = resolve(text, ("The Senate", "ORG"), ("The United States", "GPE"), ("the United States", "GPE"))
    assert [m.text for m in found] == ["The Senate", "United States", "United States"]
    said = "Officials said the Pentagon will act, and the Pentagon said so."
    assert [m.text for m in resolve(said, ("the Pentagon", "ORG"), ("the Pentagon", "ORG"))] == ["the Pentagon"] * 2


def test_a_number_s_unit_is_no_name():
    text = "At 16:00 UTC the 30GB model went on sale for $249 USD, or USD 199 (EUR 180). UTC is a standard."
    found = resolve(text, ("UTC", "ORG"), ("GB", "PERSON"), ("USD", "ORG"), ("USD", "ORG"), ("EUR", "ORG"), ("UTC", "ORG"))
    assert [(m.text, m.start) for m in found] == [("UTC", text.rindex("UTC"))]  # only the one no number has


def test_a_name_followed_by_a_company_officer_is_an_organization():
    text = "Ryanair said profits rose. Ryanair CEO Michael O'Leary was pleased. Ryanair flies on."
    found = resolve(text, ("Ryanair", "PERSON"), ("Ryanair", "PERSON"), ("Michael O'Leary", "PERSON"), ("Ryanair", "ORG"))
    assert {m.label for m in found if m.text == "Ryanair"} == {"ORG"}
    assert [m.label for m in found if m.text == "Michael O'Leary"] == ["PERSON"]


def test_known_variants_fold_and_places_get_coordinates():
    text = "The U.S. and the US Navy: the US said Britain and the UK agreed. Iraqi officials met in Baghdad."
    found = resolve(
        text, ("U.S.", "GPE"), ("US", "GPE"), ("Britain", "GPE"), ("UK", "GPE"), ("Iraqi", "NORP"), ("Baghdad", "GPE")
    )
    names = {m.text: m for m in found}
    assert names["U.S."].alias_id == names["US"].alias_id and names["U.S."].name == "United States"
    assert names["Britain"].alias_id == names["UK"].alias_id
    assert names["Iraqi"].country_code == "IQ" and names["Iraqi"].label == "NORP"
    baghdad = names["Baghdad"]
    assert baghdad.country_code == "IQ" and abs(baghdad.latitude - 33.3) < 0.5 and abs(baghdad.longitude - 44.4) < 0.5
    assert names["U.S."].country_code == "US" and -90 <= names["U.S."].latitude <= 90


def test_an_ambiguous_place_prefers_the_country_of_the_article():
    us = resolve("Paris, Texas, is in the United States. Paris grew.", ("Paris", "GPE"), ("Texas", "GPE"), ("United States", "GPE"))
    fr = resolve("Paris is the capital of France.", ("Paris", "GPE"), ("France", "GPE"))
    assert {m.country_code for m in us if m.text == "Paris"} == {"US"}
    assert {m.country_code for m in fr if m.text == "Paris"} == {"FR"}


# GeoNames records, read from the GeoNames site: https://www.geonames.org/<id>
FRANCE, TEXAS, BAGHDAD, PARIS_FRANCE, PARIS_TEXAS = 3017382, 4736286, 98182, 2988507, 4717560


def test_a_place_carries_its_geonames_id_beside_its_country_code():
    found = {m.text: m for m in resolve(
        "France sent aid to Baghdad. Texas did too.", ("France", "GPE"), ("Baghdad", "GPE"), ("Texas", "GPE"))}
    assert (found["France"].geonames_id, found["France"].country_code) == (FRANCE, "FR")  # a country
    assert (found["Baghdad"].geonames_id, found["Baghdad"].country_code) == (BAGHDAD, "IQ")  # a city
    assert (found["Texas"].geonames_id, found["Texas"].country_code) == (TEXAS, "US")  # a US state


def test_an_ambiguous_place_carries_the_geonames_id_of_the_reading_chosen():
    us = resolve("Paris, Texas, is in the United States. Paris grew.", ("Paris", "GPE"), ("Texas", "GPE"), ("United States", "GPE"))
    fr = resolve("Paris is the capital of France.", ("Paris", "GPE"), ("France", "GPE"))
    assert {m.geonames_id for m in us if m.text == "Paris"} == {PARIS_TEXAS}
    assert {m.geonames_id for m in fr if m.text == "Paris"} == {PARIS_FRANCE}
    # two readings, two aliases: the lake keeps them apart
    assert {m.alias_id for m in us if m.text == "Paris"} != {m.alias_id for m in fr if m.text == "Paris"}


def test_only_places_carry_a_geonames_id():
    found = resolve("Tony Blair met Iraqi officials.", ("Tony Blair", "PERSON"), ("Iraqi", "NORP"))
    assert [m.geonames_id for m in found] == [None, None]


def test_an_organization_is_told_by_its_legal_form_or_what_it_has():
    found = {m.text: m.label for m in resolve(
        "Balfour Beatty plc won. Carillion Ltd lost. Jack Dorsey posted on his Twitter account. "
        "The Telegram channel grew, said Mr Howard's spokesman Guy Black.",
        ("Balfour Beatty plc", "PERSON"), ("Carillion Ltd", "PERSON"), ("Jack Dorsey", "PERSON"),
        ("Twitter", "PERSON"), ("Telegram", "PERSON"), ("Howard", "PERSON"), ("Guy Black", "PERSON"))}
    assert found["Balfour Beatty plc"] == found["Carillion Ltd"] == "ORG"
    assert found["Twitter"] == found["Telegram"] == "ORG"
    assert found["Jack Dorsey"] == found["Howard"] == found["Guy Black"] == "PERSON"  # a person's spokesman


def test_a_nationality_before_a_noun_is_a_people_s_adjective_whatever_noun_follows():
    text = "The Italian company bought it, and the Irish airline Ryanair said so."
    found = {(m.text, m.start): m for m in resolve(text, ("Italian", "NORP"), ("Irish", "ORG"), ("Ryanair", "ORG"))}
    italian, irish = found["Italian", 4], found["Irish", text.index("Irish")]
    assert (italian.label, italian.country_code) == ("NORP", "IT")  # "company" says no organization here
    assert (irish.label, irish.country_code) == ("NORP", "IE")
    assert found["Ryanair", text.index("Ryanair")].label == "ORG"


def test_an_occasion_is_an_event_not_its_host_nor_its_place():
    text = "Boeing won orders at the Paris Air Show; Seles reached the Hong Kong Open final at the World Cup venue."
    found = labels(text, ("Boeing", "ORG"), ("Paris Air Show", "FAC"), ("Seles", "PERSON"),
                                              ("Hong Kong Open", "GPE"), ("World Cup", "ORG"))
    assert found == {"Boeing": "ORG", "Paris Air Show": "EVENT", "Seles": "PERSON", "Hong Kong Open": "EVENT",
                     "World Cup": "EVENT"}


def test_a_noun_only_an_organization_is_before_the_name_says_organization():
    text = "Electronics retailer Best Buy cut prices; the Italian club Atalanta signed Gianluigi Lentini. Atalanta won."
    found = labels(text, ("Best Buy", "PERSON"), ("Atalanta", "GPE"),
                                              ("Gianluigi Lentini", "PERSON"), ("Atalanta", "GPE"))
    assert found == {"Best Buy": "ORG", "Atalanta": "ORG", "Gianluigi Lentini": "PERSON"}


def test_a_name_written_with_the_is_no_person_unless_it_modifies_a_noun():
    text = ("We love the Beatles, said Ringo Starr. The PowerBook sold well. "
            "The Dole campaign spoke to the Rev. Jesse Jackson.")
    found = labels(text, ("Beatles", "PERSON"), ("Ringo Starr", "PERSON"),
                                              ("PowerBook", "PERSON"), ("Dole", "PERSON"), ("Jesse Jackson", "PERSON"))
    assert found == {"Beatles": "ORG", "Ringo Starr": "PERSON", "PowerBook": "PRODUCT", "Dole": "PERSON",
                     "Jesse Jackson": "PERSON"}


def test_a_name_that_opens_with_a_model_designation_is_a_product():
    text = "Boeing sold 787 Dreamliner jets and eight A330s; 1860 Munich beat Bayern in 1996 Olympic trials."
    found = labels(text, ("Boeing", "ORG"), ("787 Dreamliner", "ORG"), ("A330s", "ORG"),
                                              ("1860 Munich", "ORG"), ("Bayern", "ORG"))
    assert found == {"Boeing": "ORG", "787 Dreamliner": "PRODUCT", "A330s": "PRODUCT", "1860 Munich": "ORG",
                     "Bayern": "ORG"}


def test_an_organization_s_first_word_is_its_short_form_not_a_person():
    text = "Cerberus Capital Management bought it. Cerberus said so, and Tony Blair met Tony."
    found = labels(text, ("Cerberus Capital Management", "ORG"), ("Cerberus", "PERSON"),
                                              ("Tony Blair", "PERSON"), ("Tony", "PERSON"))
    assert found == {"Cerberus Capital Management": "ORG", "Cerberus": "ORG", "Tony Blair": "PERSON", "Tony": "PERSON"}


@pytest.mark.parametrize("name", ["Halifax Bank", "Gordon Ministry", "Stanford University", "University of Ulster",
                                  "Ministry of Defence", "Tory Party", "Mercer Foundation"])
def test_an_organization_s_word_in_its_name_says_organization(name):
    text = f"{name} agreed."
    assert [m.label for m in resolve(text, (name, "PERSON"))] == ["ORG"]


def test_a_known_place_ending_in_an_organization_s_word_stays_a_place():
    assert [m.label for m in resolve("Troops left the West Bank.", ("West Bank", "GPE"))] == ["GPE"]


def test_a_name_crosses_no_spaced_dash_between_names():
    text = "Romania - Cosmin Contra ( 12 ). BASEBALL - MAJOR LEAGUE RESULTS\nShe passed Wal - Mart."
    found = labels(text, ("Romania - Cosmin Contra", "ORG"),
                                              ("BASEBALL - MAJOR LEAGUE RESULTS", "ORG"), ("Wal - Mart", "ORG"))
    assert found == {"Romania": "GPE", "BASEBALL": "ORG", "Wal - Mart": "ORG"}  # a hyphen written with spaces stays


def test_a_place_written_with_its_country_or_state_is_never_a_person():
    text = "Airbus builds it in Toulouse, France. Boeing builds in Everett, Washington, said Ann Ross, France's envoy."
    found = labels(text, ("Toulouse", "PERSON"), ("France", "GPE"), ("Everett", "PERSON"),
                                              ("Washington", "GPE"), ("Ann Ross", "PERSON"))
    assert (found["Toulouse"], found["Everett"], found["Ann Ross"]) == ("GPE", "GPE", "PERSON")


def test_a_maker_before_a_model_is_a_product_and_a_currency_prefix_no_place():
    text = "Qatar chose the Airbus A350 over the Boeing 787. Airbus won US$40 billion; the US agreed."
    found = {(m.text, m.label) for m in resolve(
        text, ("Airbus", "ORG"), ("Boeing", "ORG"), ("Airbus", "ORG"), ("US", "GPE"), ("US", "GPE"))}
    assert ("Airbus A350", "PRODUCT") in found and ("Boeing 787", "PRODUCT") in found
    assert ("Airbus", "ORG") in found  # the maker on its own
    us = [m for m in resolve(text, ("US", "GPE"), ("US", "GPE")) if m.text == "US"]
    assert [text[m.end] for m in us] == [" "]  # "US$" is neither found nor repeated


def test_the_place_of_a_dateline_is_never_a_person():
    text = "Rail crash kills four\nHATFIELD, England (Reuters) - A train left the rails near Hatfield."
    found = resolve(text, ("HATFIELD", "PERSON"), ("England", "GPE"), ("Hatfield", "PERSON"))
    assert {m.label for m in found if m.text.casefold() == "hatfield"} == {"GPE"}
    headline = resolve("SOCCER - JAPAN WIN\nTokyo fans cheered.", ("SOCCER", "ORG"), ("JAPAN", "GPE"), ("Tokyo", "GPE"))
    assert {m.text: m.label for m in headline}["SOCCER"] == "ORG"  # a headline in capitals is no dateline


def test_names_in_capitals_the_model_missed_are_found_in_a_dateline_and_a_headline():
    text = "SOCCER - NEW ZEALAND BEAT JAPAN , TURKEY WIN\nBELGRADE 1996-08-30\nFans in Belgrade cheered the win."
    found = {(m.text, m.label) for m in resolve(text, ("Belgrade", "GPE"))}
    assert found == {("NEW ZEALAND", "GPE"), ("JAPAN", "GPE"), ("TURKEY", "GPE"), ("BELGRADE", "GPE"), ("Belgrade", "GPE")}
    assert {m.text for m in resolve("Soccer fans in Japan cheered.")} == set()  # only lines in capitals


def test_a_name_the_model_also_places_and_the_gazetteer_knows_is_never_a_person():
    found = resolve("Lincoln voted. Fans in Lincoln cheered; Lincoln is calm.",
                    ("Lincoln", "PERSON"), ("Lincoln", "GPE"), ("Lincoln", "PERSON"))
    assert {m.label for m in found} == {"GPE"}
    alone = resolve("Lincoln spoke, and Lincoln left.", ("Lincoln", "PERSON"), ("Lincoln", "PERSON"))
    assert {m.label for m in alone} == {"PERSON"}  # no mention says place: the model's label stands
    addressed = resolve("Mr Lincoln voted. Fans in Lincoln cheered.", ("Lincoln", "PERSON"), ("Lincoln", "GPE"))
    assert {m.label for m in addressed} == {"PERSON"}  # an honorific says person, whatever the gazetteer knows


def test_the_outlet_and_its_abbreviation_are_not_entities_of_the_story():
    text = "Wikinews spoke to Professor Siegel of Boston University.\n((WN)) Did you expect it? WHO data agreed."
    fields = [("body", text, spans_of(text, ("Wikinews", "ORG"), ("Siegel", "PERSON"), ("Boston University", "ORG"),
                                      ("WN", "ORG"), ("WHO", "ORG")))]
    kept = {m.text for m in resolve_article(fields, outlet="en.wikinews.org")}
    assert kept == {"Siegel", "Boston University", "WHO"}  # WHO is a known name, no abbreviation of the outlet
    assert {m.text for m in resolve_article(fields)} >= {"Wikinews", "WN"}  # no outlet given: nothing to leave out
    bbc = "BBC News learned that the BBC and the British Broadcasting Corporation agreed."
    spans = spans_of(bbc, ("BBC News", "ORG"), ("BBC", "ORG"), ("British Broadcasting Corporation", "ORG"))
    assert resolve_article([("body", bbc, spans)], outlet="bbc.co.uk") == []


def test_spans_never_cross_a_line_break_and_repeats_skip_common_words():
    text = "Brown\nAnnounced cuts. Gordon Brown spoke, and brown paper was used."
    found = resolve(text, ("Brown\nAnnounced", "PERSON"), ("Gordon Brown", "PERSON"))
    assert all("\n" not in m.text for m in found)
    assert "brown" not in {m.text for m in found}


# ---------------------------------------------------------------- the seed, real model


@pytest.fixture(scope="module")
def seed_mentions():
    article = parse_text_article(SEED.read_text(encoding="utf-8"))
    table = schema.to_table(
        [{"article_id": "a" * 16, "title": article.title, "captions": article.captions, "body": article.body}],
        schema.ARTICLES,
    )
    return entity_mentions(load_nlp(), table).to_pylist()


def test_the_seed_short_forms_resolve_to_full_names(seed_mentions):
    by_text = {}
    for m in seed_mentions:
        by_text.setdefault(m["text"], set()).add((m["name"], m["label"]))
    assert by_text["Mahdi"] == {("Adel Abdul-Mahdi", "PERSON")}
    assert by_text["Pompeo"] == {("Mike Pompeo", "PERSON")}
    assert by_text["Trump"] == {("Donald Trump", "PERSON")}
    texts = {m["text"] for m in seed_mentions if m["label"] == "ORG"}
    assert not {"State", "Defense"} & texts
    roles = {(m["name"], m["role"]) for m in seed_mentions if m["role"]}
    assert ("Mike Pompeo", "Secretary of State") in roles


# ---------------------------------------------------------------- across articles (sql/)


def _lake_tables(*articles: tuple[str, str, list[tuple[str, str]]]) -> dict[str, pa.Table]:
    """Base tables for articles given as (article_id, body, spans as (text, label))."""
    rows, mentions = [], []
    for aid, body, found in articles:
        rows.append({"article_id": aid, "title": None, "body": body, "captions": [], "language": "en",
                     "published_at": None, "duplicate_of": None})
        for m in resolve_article([("body", body, spans_of(body, *found))]):
            mentions.append({"article_id": aid, **{k: getattr(m, k) for k in schema.ENTITY_MENTIONS.names[1:]}})
    return {
        "articles": schema.to_table(rows, schema.ARTICLES),
        "entity_mentions": schema.to_table(mentions, schema.ENTITY_MENTIONS),
    }


def _entity_of(built: dict, aid: str, text: str, tables: dict) -> str:
    alias = next(m["alias_id"] for m in tables["entity_mentions"].to_pylist() if m["article_id"] == aid and m["text"] == text)
    return next(a["entity_id"] for a in built["entity_aliases"].to_pylist() if a["alias_id"] == alias)


A, B, C = "a" * 16, "b" * 16, "c" * 16


def test_us_variants_are_one_entity_across_articles():
    tables = _lake_tables(
        (A, "The U.S. said no.", [("U.S.", "GPE")]),
        (B, "Officials in the US agreed with America.", [("US", "GPE"), ("America", "GPE")]),
    )
    built = run_models(tables, REPO / "sql")
    ids = {_entity_of(built, A, "U.S.", tables), _entity_of(built, B, "US", tables), _entity_of(built, B, "America", tables)}
    assert len(ids) == 1
    (row,) = [e for e in built["entities"].to_pylist() if e["entity_id"] in ids]
    assert row["name"] == "United States" and row["article_count"] == 2


def test_the_geonames_id_reaches_the_lake_tables_and_a_merge_equals_a_full_build():
    first = _lake_tables((A, "France sent aid to Baghdad.", [("France", "GPE"), ("Baghdad", "GPE")]))
    second = _lake_tables((B, "Texas and France agreed.", [("Texas", "GPE"), ("France", "GPE")]))
    both = {name: pa.concat_tables([first[name], second[name]]) for name in first}
    full = run_models(both, REPO / "sql")
    ids = {e["name"]: e["geonames_id"] for e in full["entities"].to_pylist()}
    assert ids == {"France": FRANCE, "Baghdad": BAGHDAD, "Texas": TEXAS}
    assert {a["alias"]: a["geonames_id"] for a in full["entity_aliases"].to_pylist()} == ids
    merged = merge_models(run_models(first, REPO / "sql"), second, REPO / "sql")
    assert _sorted(merged["entities"]) == _sorted(full["entities"])


def test_a_bare_surname_joins_the_only_person_with_that_surname():
    tables = _lake_tables(
        (A, "Tony Blair spoke in London.", [("Tony Blair", "PERSON"), ("London", "GPE")]),
        (B, "Blair answered questions.", [("Blair", "PERSON")]),
    )
    built = run_models(tables, REPO / "sql")
    assert _entity_of(built, B, "Blair", tables) == _entity_of(built, A, "Tony Blair", tables)
    london = next(e for e in built["entities"].to_pylist() if e["name"] == "London")
    assert london["country_code"] == "GB" and abs(london["latitude"] - 51.5) < 0.5


def test_two_people_who_share_a_surname_stay_apart():
    tables = _lake_tables(
        (A, "Boris Johnson spoke. Johnson left.", [("Boris Johnson", "PERSON")]),
        (B, "Dwayne Johnson acted. Johnson smiled.", [("Dwayne Johnson", "PERSON")]),
        (C, "Johnson was seen.", [("Johnson", "PERSON")]),
    )
    built = run_models(tables, REPO / "sql")
    boris, dwayne = _entity_of(built, A, "Boris Johnson", tables), _entity_of(built, B, "Dwayne Johnson", tables)
    assert boris != dwayne
    assert _entity_of(built, A, "Johnson", tables) == boris and _entity_of(built, B, "Johnson", tables) == dwayne
    assert _entity_of(built, C, "Johnson", tables) not in {boris, dwayne}


def test_no_entity_co_occurs_with_itself():
    tables = _lake_tables(
        (A, "Tony Blair and Mr Blair and Gordon Brown.", [("Tony Blair", "PERSON"), ("Mr Blair", "PERSON"), ("Gordon Brown", "PERSON")]),
        (B, "Blair met Brown.", [("Blair", "PERSON"), ("Brown", "PERSON")]),
    )
    built = run_models(tables, REPO / "sql")
    pairs = built["entity_cooccurrence"].to_pylist()
    assert all(p["entity_a"] != p["entity_b"] for p in pairs)
    assert len(pairs) == 1 and pairs[0]["article_count"] == 2


def test_a_name_takes_the_label_most_of_its_mentions_carry():
    tables = _lake_tables(
        (A, "Gazprom rose. Gazprom fell. Gazprom rose.", [("Gazprom", "ORG"), ("Gazprom", "ORG"), ("Gazprom", "ORG")]),
        (B, "Gazprom said so.", [("Gazprom", "PERSON")]),
    )
    built = run_models(tables, REPO / "sql")
    assert _entity_of(built, A, "Gazprom", tables) == _entity_of(built, B, "Gazprom", tables)
    assert [e["label"] for e in built["entities"].to_pylist()] == ["ORG"]


def test_most_mentions_decide_a_name_s_label_across_the_lake_and_a_tie_decides_nothing():
    tables = _lake_tables(
        (A, "Twitter grew. Twitter fell.", [("Twitter", "ORG"), ("Twitter", "ORG")]),
        (B, "Twitter said so.", [("Twitter", "PERSON")]),
        (C, "Lincoln won.", [("Lincoln", "GPE")]),
        ("d" * 16, "Lincoln lost.", [("Lincoln", "PERSON")]),
    )
    built = run_models(tables, REPO / "sql")
    assert _entity_of(built, A, "Twitter", tables) == _entity_of(built, B, "Twitter", tables)  # two in three
    assert {e["name"]: e["label"] for e in built["entities"].to_pylist() if e["name"] == "Twitter"} == {"Twitter": "ORG"}
    lincoln = {e["label"] for e in built["entities"].to_pylist() if e["name"] == "Lincoln"}
    assert lincoln == {"GPE", "PERSON"}  # one and one: the lake cannot tell


def _dated(tables: dict[str, pa.Table], day: int) -> dict[str, pa.Table]:
    from datetime import datetime, timezone

    articles = tables["articles"]
    at = pa.array([datetime(2021, 3, day + i, 12, tzinfo=timezone.utc) for i in range(articles.num_rows)], schema.UTC_TS)
    return {**tables, "articles": articles.set_column(articles.schema.get_field_index("published_at"), schema.ARTICLES.field("published_at"), at)}


def _sorted(table: pa.Table) -> list[tuple]:
    return sorted(tuple(str(v) for v in row.values()) for row in table.to_pylist())


def test_a_merge_that_moves_old_aliases_repairs_what_they_touch_and_equals_a_full_build():
    """Old aliases move both ways a merge can move them: a bare surname joins the full
    name a later article brings ("Blair"), and a name's label vote turns ("Gazprom",
    ORG, outvoted three to one by later PERSON mentions). The repaired merge equals a
    build over all articles in every model, pairs bounded to each article's top two."""
    D, E = "d" * 16, "e" * 16
    first = _dated(_lake_tables(
        (A, "Blair spoke in London. Blair met Brown.", [("Blair", "PERSON"), ("London", "GPE"), ("Blair", "PERSON"), ("Brown", "PERSON")]),
        (B, "Gazprom rose with Brown.", [("Gazprom", "ORG"), ("Brown", "PERSON")]),
        (C, "Gordon Brown visited Paris.", [("Gordon Brown", "PERSON"), ("Paris", "GPE")]),
    ), day=1)
    later = _dated(_lake_tables(
        (D, "Tony Blair spoke in Paris. Gazprom said so.", [("Tony Blair", "PERSON"), ("Paris", "GPE"), ("Gazprom", "PERSON")]),
        (E, "Gazprom said so. Gazprom agreed. Gazprom left.", [("Gazprom", "PERSON")] * 3),
    ), day=10)
    previous = run_models(first, REPO / "sql", top_entities=2)
    merged = merge_models(previous, later, REPO / "sql", top_entities=2, base=first)
    whole = run_models({k: pa.concat_tables([first[k], later[k]]) for k in first}, REPO / "sql", top_entities=2)
    assert _entity_of(whole, A, "Blair", first) == _entity_of(whole, D, "Tony Blair", later)
    assert _entity_of(whole, B, "Gazprom", first) == _entity_of(whole, E, "Gazprom", later)
    for model in whole:
        assert _sorted(merged[model]) == _sorted(whole[model]), model


def test_a_merge_that_would_move_an_old_alias_without_the_old_rows_says_so():
    first = _lake_tables((A, "Blair spoke.", [("Blair", "PERSON")]))
    later = _lake_tables((B, "Tony Blair spoke.", [("Tony Blair", "PERSON")]))
    previous = run_models(first, REPO / "sql")
    with pytest.raises(ResolutionMoved):
        merge_models(previous, later, REPO / "sql")
    unmoved = _lake_tables((B, "Gordon Brown spoke.", [("Gordon Brown", "PERSON")]))
    merged = merge_models(previous, unmoved, REPO / "sql")
    both = {k: pa.concat_tables([first[k], unmoved[k]]) for k in first}
    full = run_models(both, REPO / "sql")
    for model in ("entities", "entity_aliases", "article_entities"):
        assert merged[model].sort_by([(c, "ascending") for c in ("entity_id",)]).to_pylist() == \
            full[model].sort_by([(c, "ascending") for c in ("entity_id",)]).to_pylist(), model
