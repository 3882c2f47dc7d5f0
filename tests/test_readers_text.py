"""Plain-text articles beyond the seed: BBC-shaped files, bylines, datelines, promo and
closing boilerplate, line endings and encodings. Fixtures are written here; the last
test reads the real BBC corpus from ../shared when it is present."""

from __future__ import annotations

import codecs

import pytest

from newslake.readers import RawArticle, Rejected, read_document
from newslake.readers.decode import decode_text
from newslake.readers.text import (
    decode_character_references,
    Dateline,
    parse_byline,
    parse_dateline,
    parse_text_article,
    proper_case,
    trim_trailer,
    unwrap_indented,
)

from conftest import SHARED
from conftest import only_article
BBC = SHARED / "corpora" / "bbc"


# --- BBC-shaped files: the first line is the title --------------------------------------
@pytest.mark.parametrize(
    "title",
    [
        "Ad sales boost Time Warner profit",
        "Top stars join US tsunami TV show",  # "join US" is not "join us"
        "WhatsApp outage hits millions",  # a promo word inside a headline
        "Apple to donate $1m to tsunami aid",
    ],
)
def test_bbc_shaped_title_is_first_line(title):
    text = f"{title}\n\nQuarterly profits jumped 76% to $1.13bn.\n\nBy 2025, the firm expects more. By contrast rivals fell.\n"
    article = parse_text_article(text)
    assert article.title == title
    assert article.body == "Quarterly profits jumped 76% to $1.13bn.\n\nBy 2025, the firm expects more. By contrast rivals fell."
    assert (article.authors, article.outlet, article.published, article.captions) == ([], None, None, [])


# --- bylines ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, authors",
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By JANE DOE, Reuters", ["Jane Doe"]),
        ("BY JANE O'NEIL-SMITH AND JOHN ROE", ["Jane O'Neil-Smith", "John Roe"]),
        ("By Jane Doe, John Roe & Mary Major | Associated Press", ["Jane Doe", "John Roe", "Mary Major"]),
        ("Jane Doe | Staff writer", ["Jane Doe"]),
        ("Jane Doe, Senior Correspondent", ["Jane Doe"]),
        ("Written by José Álvarez", ["José Álvarez"]),
        ("By Ludwig van Beethoven", ["Ludwig van Beethoven"]),
        ("By 2025, 40% of homes will be online", []),
        ("By contrast Netcraft's stations saw the site", []),
        ("By early 2005 the net could have two new domain names.", []),
        ("By George", []),
        ("Reuters | Staff writer", []),
    ],
)
def test_parse_byline(line, authors):
    assert parse_byline(line) == authors


def test_proper_case_leaves_mixed_case_alone():
    assert proper_case("JANE DOE") == "Jane Doe"
    assert proper_case("Mary-Ann O'NEIL") == "Mary-Ann O'Neil"
    assert proper_case("Ronan McDONALD") == "Ronan McDONALD"


@pytest.mark.parametrize(
    "text",
    [
        "Harbour reopens\n\nBy JANE DOE and JOHN ROE, Reuters\n\nShips sailed again.\n",
        "Harbour reopens\nBy Jane Doe and John Roe\nJanuary 4, 2019\n\nShips sailed again.\n",
        "Harbour reopens\n\nJanuary 4, 2019\nJane Doe and John Roe | Staff writers\n\nShips sailed again.\n",
    ],
)
def test_byline_goes_to_authors_and_leaves_the_body(text):
    article = parse_text_article(text)
    assert article.title == "Harbour reopens"
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.body == "Ships sailed again."


def test_byline_deep_in_the_body_stays_body():
    body = "\n\n".join(f"Paragraph {n} of the story." for n in range(8)) + "\n\nBy Jane Doe\n\nThe end of it."
    article = parse_text_article("A title\n\n" + body)
    assert article.authors == [] and "By Jane Doe" in article.body


# --- datelines ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("WASHINGTON (Reuters) - The Senate voted.", Dateline("WASHINGTON", "Reuters", None, 23)),
        ("LONDON, March 3 (AP) \u2014 Prices rose.", Dateline("LONDON", "AP", "March 3", 23)),
        ("PARIS \u2014 The mayor spoke.", Dateline("PARIS", None, None, 8)),
        ("PARIS\u2014The mayor spoke.", Dateline("PARIS", None, None, 6)),
        ("NEW YORK, Jan 5 (Reuters) - Stocks fell.", Dateline("NEW YORK", "Reuters", "Jan 5", 28)),
        ("SAN FRANCISCO/LONDON (Reuters) - Deal.", Dateline("SAN FRANCISCO/LONDON", "Reuters", None, 33)),
        ("PHOENIX, Ariz., April 13 - StateWest said.", Dateline("PHOENIX, Ariz.", None, "April 13", 27)),
        ("NEW YORK, MARCH 11 - Tenneco rose.", Dateline("NEW YORK", None, "MARCH 11", 21)),
        ("Toronto, Feb 26 - Shares rose.", Dateline("Toronto", None, "Feb 26", 18)),
        ("Washington (Reuters) - A vote.", Dateline("Washington", "Reuters", None, 23)),
        ("BEIJING, 3 March (Xinhua) -- Output rose.", Dateline("BEIJING", "Xinhua", "3 March", 29)),
        ("The Senate voted on Tuesday.", None),
        ("However, he said - nothing.", None),
        ("Washington is quiet - for now.", None),
        ("PARIS-based firms grew.", None),
        ("NATO (North Atlantic Treaty Organization) - allies met.", None),
    ],
)
def test_parse_dateline(paragraph, expected):
    assert parse_dateline(paragraph) == expected
    if expected:
        assert paragraph[expected.end - 1] in " -\u2014" and not paragraph[expected.end].isspace()


def test_dateline_with_agency_sets_outlet_and_keeps_body():
    article = parse_text_article("Senate passes bill\n\nWASHINGTON (Reuters) - The Senate voted 60-40.\n\nIt goes to the House.\n")
    assert article.body == "WASHINGTON (Reuters) - The Senate voted 60-40.\n\nIt goes to the House."
    assert article.outlet == "Reuters"


def test_dateline_without_agency_sets_no_outlet():
    article = parse_text_article("Mayor speaks\n\nPARIS \u2014 The mayor spoke.\n")
    assert (article.outlet, article.body) == (None, "PARIS \u2014 The mayor spoke.")


# --- promo and closing boilerplate --------------------------------------------------------
def test_several_promo_lines_before_the_title():
    text = (
        "Subscribe to our newsletter\nAdvertisement\nFollow us on Twitter\nShare this article\n\n"
        "Harbour reopens\n\nShips sailed again.\n"
    )
    article = parse_text_article(text)
    assert (article.title, article.body) == ("Harbour reopens", "Ships sailed again.")


def test_promo_between_title_and_body_and_bare_labels_go():
    text = "Harbour reopens\n\nShare this article\n\nShips sailed again.\n\nAdvertisement\n\nCrews cheered.\n"
    assert parse_text_article(text).body == "Ships sailed again.\n\nCrews cheered."


def test_closing_boilerplate_is_trimmed():
    text = (
        "Harbour reopens\n\nShips sailed again.\n\nThe port expects a busy summer.\n\n"
        "Read more: Harbour history\n\nFollow us on Facebook and Instagram\n\n"
        "\u00a9 2020 Example News. All rights reserved\n"
    )
    article = parse_text_article(text)
    assert article.body == "Ships sailed again.\n\nThe port expects a busy summer."


def test_closing_trim_is_conservative():
    long_close = "All rights reserved, the owner said, " + "and the harbour will stay open all year " * 5 + "."
    text = f"Harbour reopens\n\nShips sailed again.\n\nRead more about it below.\n\n{long_close}\n"
    article = parse_text_article(text)
    assert article.body.startswith("Ships sailed again.\n\nRead more about it below.") and article.body.endswith(long_close)
    only = parse_text_article("Notice\n\nAll rights reserved\n")
    assert only.body == "All rights reserved"  # never trimmed to nothing


def test_trim_trailer_reads_a_wire_signoff():
    assert trim_trailer(["A story.", "More.", "Reuter"]) == (["A story."], "Reuters")
    assert trim_trailer(["A story.", "REUTER^M"]) == (["A story."], "Reuters")
    assert trim_trailer(["A story.", "Reporting by Jane Doe; Editing by John Roe"]) == (["A story."], None)


def test_indented_wire_copy_is_unwrapped():
    wire = "Showers continued in\nthe Bahia cocoa zone.\n    The dry period means\nlate crops.\n Reuter"
    assert unwrap_indented(wire) == "Showers continued in the Bahia cocoa zone.\n\nThe dry period means late crops.\n\nReuter"
    blank_lined = "One paragraph\n   indented line.\n\nTwo."
    assert unwrap_indented(blank_lined) == blank_lined


# --- line endings -------------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings(newline):
    text = newline.join(["Harbour reopens", "", "By Jane Doe", "", "Ships sailed again.", "", "Crews cheered.", ""])
    article = parse_text_article(text)
    assert (article.title, article.authors, article.body) == ("Harbour reopens", ["Jane Doe"], "Ships sailed again.\n\nCrews cheered.")


# --- encodings ----------------------------------------------------------------------------
ARTICLE = "Chelsea sack Mutu\n\nMutu, a £15.8m signing from Parma, may face a two-year suspension.\n"


@pytest.mark.parametrize(
    "text, encoding",
    [
        (ARTICLE, "latin-1"),  # a lone 0xA3: "£", not cp1250's "Ł" nor cp932's "｣"
        ("Café owners protest\n\nThe café on the corner closed, its owner said.\n", "latin-1"),
        ("Minister speaks\n\nHe said \u201cwe will not leave\u201d \u2013 and the office confirmed it\u2026 for \u20ac5bn.\n", "cp1252"),
        ("Der Bundestag stimmt ab\n\nDie Grünen äußerten \u201egroße Bedenken\u201c gegenüber der Regierung.\n", "cp1252"),
        ("Премьер заявил\n\nПенсионная реформа будет представлена парламенту до лета.\n", "cp1251"),
        (ARTICLE, "utf-16"),  # with a byte-order mark
        (ARTICLE, "utf-16-be-bom"),
        (ARTICLE, "utf-8-sig"),
        (ARTICLE, "utf-16-le"),  # no mark: found by its NUL pattern
        (ARTICLE, "utf-32"),
    ],
)
def test_decodes_to_the_right_characters(text, encoding):
    data = codecs.BOM_UTF16_BE + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    decoded, _found = decode_text(data)
    assert decoded == text
    article = only_article(read_document("a.txt", data))
    assert article.title == text.split("\n", 1)[0]


def test_latin1_pound_reports_a_western_encoding():
    _text, encoding = decode_text(ARTICLE.encode("latin-1"))
    assert encoding == "cp1252"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (" \n ".encode("utf-16"), "empty"),
        (b"text\x00more text", "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        (bytes(range(128, 256)) * 3, "undecodable"),
    ],
)
def test_decode_rejects(data, reason):
    with pytest.raises(Rejected) as caught:
        decode_text(data)
    assert caught.value.rejection.reason == reason


# --- the real corpus ----------------------------------------------------------------------
@pytest.mark.skipif(not BBC.is_dir(), reason="BBC corpus not present in ../shared/corpora")
def test_bbc_corpus_every_file_parses():
    files = sorted(BBC.glob("*/*.txt"))
    assert len(files) == 2225
    failures = []
    for path in files:
        data = path.read_bytes()
        first = decode_character_references(decode_text(data)[0].split("\n", 1)[0].strip())
        items = list(read_document(path.name, data))
        article = items[0] if len(items) == 1 else None
        if not (isinstance(article, RawArticle) and article.title == first and article.body.strip()):
            failures.append((path.relative_to(BBC).as_posix(), items))
        elif article.authors or article.captions or article.published:
            failures.append((path.relative_to(BBC).as_posix(), "header taken from a BBC body"))
        elif "&#" in article.title + article.body:
            failures.append((path.relative_to(BBC).as_posix(), "an HTML character reference left undecoded"))
    assert failures == []
    sport = only_article(read_document("199.txt", (BBC / "sport" / "199.txt").read_bytes()))
    assert "a £15.8m signing" in sport.body
