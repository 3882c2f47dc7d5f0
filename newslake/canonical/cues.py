"""What the words around a name say it is, in news of any kind.

The small model labels by the name's own shape, so "Balfour Beatty" and "Twitter"
read as people. News writing around a name often settles it: a company's legal
form ("Ltd", "plc"), a noun only an organization takes ("the Balfour Beatty
company", "a Twitter account", "Ryanair shares"), a dateline ("HATFIELD, England
(Reuters) -"), which opens with a place. And the outlet's own name ("BBC News",
"Wikinews", written "WN") is who tells the story, not one of its entities. None of
these rules names an entity; they read the writing only.
"""

from __future__ import annotations

import functools
import re

from newslake.canonical import aliases

# A company's legal form or a word only an organization's name ends in.
_ORG_SUFFIX = re.compile(
    r"(?:^|\s)(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|plc|PLC|LLC|LLP|AG|SA|S\.A|NV|N\.V|GmbH|"
    r"Group|Holdings|Airlines|Airways|Industries|Technologies|Enterprises|Partners|Associates|"
    r"Bank|Ministry|University|Institute|Association|Council|Committee|Commission|Agency|Federation|"
    r"Foundation|Party|Department|Authority|Bureau)\.?$"
    r"|^(?:University|Ministry|Bank|Department|Institute|Bureau) of\s"
)
# After the name: a noun an organization (or a platform) has and a person does not:
# "Ryanair CEO", "Apple's chief executive", "Ryanair's shares", "a Twitter account", "the
# Balfour Beatty company". Only a company's officer or its shares may follow a possessive
# ("Mr Howard's spokesman" is a person's).
ORG_AFTER = re.compile(
    r"(?:(?:['’]s)? +(?:CEO|CFO|COO|[Cc]hief (?:[Ee]xecutive|[Ff]inancial [Oo]fficer|[Oo]perating [Oo]fficer)|"
    r"shares|shareholders|share price|stock price|headquarters|subsidiary)"
    r"| +(?:company|firm|corporation|conglomerate|account|accounts|channel|channels|feed|handle|users|"
    r"platform|app|website|spokesman|spokeswoman|spokesperson|employees|chairman|chairwoman|boss))\b"
)

# Before the name: a noun in apposition that only an organization is ("retailer Best Buy",
# "private equity firm Cerberus", "the Italian side Juventus", "the newspaper Le Monde").
ORG_BEFORE = re.compile(
    r"(?<![\w'’-])(?:company|firm|corporation|conglomerate|group|maker|carmaker|automaker|manufacturer|"
    r"airline|carrier|airframer|retailer|bank|lender|insurer|brokerage|publisher|newspaper|daily|magazine|"
    r"broadcaster|network|agency|club|side|team|operator|supplier|chain|startup|label|band|party|"
    r"consortium) +$"
)

# A model designation right after a maker's name: "Airbus A380", "Boeing 787", "Airbus
# A400M". The whole is a product, the maker no mention of its own. (Not a year: "Apple 2007".)
MODEL_AFTER = re.compile(r" (?!(?:19|20)\d\d\b)(?:[A-Z]{1,3}-?\d{2,4}|\d{3,4})(?:-\d{1,4})?[A-Z]{0,2}\b(?![.,]\d)")

# A dateline: a line that opens with a place in capitals (", Region" may follow) and goes on
# with a date, or a dash before a sentence: "LONDON 1996-08-30", "HATFIELD, England (AP) - The".
# (A headline in capitals, "SOCCER - JAPAN WIN", goes on in capitals.)
_DATELINE = re.compile(
    r"(?m)^[ \t]*(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3})"
    r"(?:[ \t]*,[ \t]*[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})?"
    r"[ \t]*(?:\((?P<agency>[^()\n]{1,40})\)[ \t]*)?"
    r"(?:[-–—:][ \t]+(?=[A-Z][a-z]|[AI]\b|[\"“‘])|\d{1,4}[-/. ]\d{1,2})"
)
_SERVICE = re.compile(r"\s+(?:news|online|\.com)$")  # "BBC News", "Yahoo Online": the outlet's own service
_DATELINE_REACH = 400  # characters: a dateline opens the article (after its headline, in wire copy)


# A name that opens with a model designation: "A330s", "787 Dreamliner", "F-16". (Not a
# year, nor a founding year in a club's name: "1860 Munich".)
_MODEL_NAME = re.compile(r"^(?!(?:1[89]|20)\d\d\b)(?:[A-Z]{1,2}-?\d{2,4}|\d{3,4})[A-Z]{0,2}s?(?:\s|$)")


def is_model(name: str) -> bool:
    """Does the name open with a model designation ("787 Dreamliner", "A330s")? It names a product."""
    return _MODEL_NAME.match(name) is not None


def is_organization(name: str) -> bool:
    """Does the name end in a company's legal form or an organization's word ("Balfour Beatty plc")?"""
    return _ORG_SUFFIX.search(name) is not None


def dateline_places(text: str) -> list[tuple[int, int]]:
    """Where the place of the text's dateline is: a name there is a place, never a person."""
    found = []
    for m in _DATELINE.finditer(text, 0, min(len(text), _DATELINE_REACH)):
        place = m.group("place")
        if len(place) > 2:
            found.append(m.span("place"))
    return found


_CAPS_LINE = re.compile(r"(?m)^[^a-z\n]*[A-Z][^a-z\n]*$")
_CAPS_WORD = re.compile(r"[A-Z][A-Z'.&-]*")


def headline_countries(text: str) -> list[tuple[int, int]]:
    """Countries named in a line written in capitals ("SOCCER - JAPAN WIN, CHINA LOSE"):
    wire headlines are, and the model, which reads case, misses most names there. Only
    countries (a known name with an ISO code): a city's name in capitals may be a word."""
    found = []
    for line in _CAPS_LINE.finditer(text):
        words = [(m.start(), m.end()) for m in _CAPS_WORD.finditer(text, line.start(), line.end())]
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                if i + n > len(words) or any(text[words[k][1]:words[k + 1][0]] != " " for k in range(i, i + n - 1)):
                    continue
                start, end = words[i][0], words[i + n - 1][1]
                name = text[start:end]
                known = aliases.known(name if len(name) <= 3 else name.title()) if len(name) > 1 else None
                if known is not None and known.country_code and known.label == "GPE":
                    found.append((start, end))
                    i += n
                    break
            else:
                i += 1
    return found


def _stem(outlet: str) -> str | None:
    """The outlet's name without its web host's trimmings: "en.wikinews.org" -> "wikinews"."""
    text = outlet.strip().casefold()
    if " " in text or "." not in text:
        return None
    labels = [p for p in text.split(".") if p]
    if len(labels) < 2:
        return None
    labels.pop()  # the top-level domain
    while len(labels) > 1 and len(labels[-1]) <= 3:  # "co" of "bbc.co.uk"
        labels.pop()
    return labels[-1]


def outlet_names(outlet: str | None) -> tuple[set[str], str | None]:
    """The folded names an article's outlet goes by (its name, without "News" or
    "Online", its host's stem) and the stem an abbreviation is made from."""
    if not outlet or not outlet.strip():
        return set(), None
    name = " ".join(outlet.split()).casefold()
    stem = _stem(name)
    names = {name, _SERVICE.sub("", name)}
    if stem:
        names.add(stem)
    words = name.split()
    if len(words) > 2:
        names.add("".join(w[0] for w in words))  # "British Broadcasting Corporation" -> "bbc"
    return {n for n in names if n}, (stem or name.replace(" ", ""))


def is_outlet(name: str, names: set[str], stem: str | None) -> bool:
    """Is `name` the outlet's own name, that with "News" after it, the words its
    initials spell, or its abbreviation? An abbreviation (2 to 4
    capitals) spells letters of the outlet's name in order from its first ("WN" of
    Wikinews) and is no name the curated aliases know ("WHO" stays)."""
    folded = " ".join(name.split()).casefold()
    words = folded.split()
    if folded in names or _SERVICE.sub("", folded) in names:
        return True
    if len(words) > 1 and "".join(w[0] for w in words) in names:  # "British Broadcasting Corporation" of bbc.co.uk
        return True
    if stem is None or not re.fullmatch(r"[A-Z]{2,4}", name) or aliases.known(name) is not None:
        return False
    letters = name.casefold()
    if letters[0] != stem[0]:
        return False
    pos = 1
    for ch in letters[1:]:
        pos = stem.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


# Words that may follow a name and are no noun it modifies: function words, auxiliaries
# and the verbs news puts after its subjects. A lower-case word not among them, and
# not a past form ("-ed") or a third-person verb or plural ("-s", either), is read as
# the noun the name modifies ("the United States government").
_NOT_NOUNS = frozenset(
    "a an the this that these those and or but nor yet so of in on at by for from to with without "
    "into onto over under about after before during since until against among between through "
    "across along around behind beyond near off out up down as than like via per amid despite "
    "toward towards within upon who whom whose which what where when while whether if because "
    "although though unless once is are was were be been being am has have had having do does did "
    "will would shall should can could may might must ought not also still already now then there "
    "here only even just again ever never always often too very it its it's he she they we you i "
    "his her their our your him them us one ones said told beat won lost rose fell took gave made "
    "sold bought led met ran went came saw got kept left held hit cut set put began broke chose "
    "drove fought found grew knew meant paid read sent shot spent stood struck swept threw thought "
    "wrote say tell hope plan want need agree expect announce face join urge warn win lose lead "
    "take make give keep hold become remain seek say".split()
)
_FOLLOWING_WORD = re.compile(r" +([a-z][a-z-]*)\b")
_POSSESSIVE_AFTER = re.compile(r"['’]s\b|(?<=[sS])['’](?!\w)")


def premodifies(text: str, end: int) -> bool:
    """Does the name ending at `end` modify what follows: a possessive ("the United
    States's largest car maker") or a noun ("the United States government")? A leading
    "the" then belongs to that phrase, not to the name."""
    if _POSSESSIVE_AFTER.match(text, end):
        return True
    m = _FOLLOWING_WORD.match(text, end)
    if m is None:
        return False
    word = m.group(1)
    return word not in _NOT_NOUNS and not word.endswith(("ed", "s", "ly")) and len(word) > 1


# A clock's time zone ("16:00 UTC", "1530 GMT") and a currency's code beside an amount
# ("$249 USD", "$99 (USD)", "USD 40 million"): units of a number, not names.
_TIME_ZONES = frozenset(
    "UTC GMT BST CET CEST EET EEST WET WEST MSK IST PKT ICT WIB SGT HKT CST JST KST AEST AEDT ACST "
    "AWST NZST NZDT EST EDT CDT MST MDT PST PDT AKST HST ET CT MT PT Z".split()
)
_TIME_BEFORE = re.compile(r"\d{1,2}[:.h]?\d{2}(?:\s*[ap]\.?m\.?)?\s*\(?$", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(r"\d[\d,.]*\s*(?:(?:million|billion|trillion|bn|m)\s*)?\(?$")
_AMOUNT_AFTER = re.compile(r"\s*\$?\d")


@functools.cache
def _currency_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def is_unit(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a unit of a number: written on the number itself ("30GB"), a
    time zone after a clock time, or a currency code beside an amount?"""
    if start and text[start - 1].isalnum():
        return True  # inside a word or on a number: "30GB"
    name = text[start:end]
    if not name.isupper() or len(name) > 4:
        return False
    before = text[max(0, start - 24) : start]
    if name in _TIME_ZONES and _TIME_BEFORE.search(before):
        return True
    return name in _currency_codes() and (
        _AMOUNT_BEFORE.search(before) is not None or _AMOUNT_AFTER.match(text, end) is not None
    )


# The word an occasion's name ends in: a meeting, a show, a contest. Such a name is an
# event, neither the organization that holds it nor the place it is held in.
_EVENT_HEAD = re.compile(
    r"\s(?:Conference|Summit|Show|Festival|Expo|Exposition|Fair|Games|Olympics|Olympiad|"
    r"Championships?|Cup|Tournament|Marathon|Grand Prix|Open|Masters|Series|Classic|Trophy|Rally|"
    r"Awards|Week)$"
)


def is_event(name: str) -> bool:
    """Does the name end in an occasion's word ("Paris Air Show", "World Cup", "Hong Kong Open")?"""
    return _EVENT_HEAD.search(" ".join(name.split())) is not None
