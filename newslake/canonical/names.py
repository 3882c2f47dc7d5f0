"""The shape of a name: titles and roles, edges, short forms.

Why here and not in spaCy: the small model's spans carry what news writing wraps
around a name ("Secretary of State Mike Pompeo", "Mr Blair", "the UN's", a span
running over a line break), and it tags pieces of job titles ("State",
"Defense") as organizations. These rules hold for English news in general.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Honorifics are stripped from names and not kept as roles: "Mr" says nothing
# about what a person does.
HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Messrs", "Mme", "Mlle", "Herr", "Frau", "Señor", "Sr")

# Offices, ranks and styles kept as roles. Multi-word ones first is not needed:
# the pattern below builds them from a modifier, a head and an "of" tail.
_HEADS = (
    "President", "Vice President", "Vice-President", "Prime Minister", "Premier", "Chancellor",
    "Minister", "Secretary", "Secretary-General", "Secretary General", "Under Secretary",
    "Senator", "Sen", "Representative", "Rep", "Congressman", "Congresswoman", "Assemblyman",
    "Assemblywoman", "Governor", "Gov", "Lieutenant Governor", "Mayor", "Speaker", "Leader",
    "Chairman", "Chairwoman", "Chair", "Chief Executive", "Director", "Commissioner",
    "Ambassador", "Envoy", "Attorney General", "Solicitor General", "Judge", "Justice",
    "Chief Justice", "Magistrate", "Prosecutor", "Sheriff", "Inspector", "Detective", "Constable",
    "King", "Queen", "Prince", "Princess", "Crown Prince", "Duke", "Duchess", "Emperor", "Empress",
    "Sultan", "Emir", "Sheikh", "Shaikh", "Ayatollah", "Grand Ayatollah", "Imam", "Pope", "Cardinal",
    "Archbishop", "Bishop", "Rabbi", "Pastor", "Reverend", "Rev", "Father", "Sister", "Brother",
    "General", "Gen", "Lieutenant General", "Lt Gen", "Major General", "Maj Gen", "Brigadier",
    "Brigadier General", "Colonel", "Col", "Lieutenant Colonel", "Lt Col", "Major", "Maj",
    "Captain", "Capt", "Lieutenant", "Lt", "Sergeant", "Sgt", "Corporal", "Cpl", "Private", "Pte",
    "Admiral", "Adm", "Vice Admiral", "Rear Admiral", "Commander", "Cmdr", "Commodore", "Marshal",
    "Field Marshal", "Air Marshal",
    "Dr", "Doctor", "Professor", "Prof", "Sir", "Dame", "Lord", "Lady", "Baroness", "Baron", "Earl",
    "Coach", "Manager", "Chief",
)
_MODIFIERS = (
    "Acting", "Interim", "Deputy", "Vice", "Assistant", "Associate", "Senior", "Junior", "Chief",
    "Foreign", "Home", "Defence", "Defense", "Finance", "Interior", "Health", "Education", "Justice",
    "Trade", "Energy", "Environment", "Transport", "Culture", "Labor", "Labour", "Treasury",
    "Economy", "Agriculture", "Immigration", "Lord", "Work and Pensions", "Northern Ireland", "Scottish",
    "Welsh", "Shadow", "First", "Supreme", "High", "Grand", "Opposition", "Party", "House",
    "Senate", "Majority", "Minority", "Federal", "State", "District", "Circuit", "Army", "Navy",
    "Air Force", "Police", "Fire", "Head", "Executive", "Managing", "National Security",
)
# An "of ..." tail: "Secretary of State", "Minister of Foreign Affairs", "King of Spain".
# Several-word objects come from a list; otherwise one capitalized word, so the tail
# never eats the name that follows ("Secretary of State Mike Pompeo").
_OF_OBJECTS = (
    "Foreign Affairs", "Home Affairs", "Internal Affairs", "Veterans Affairs", "Homeland Security",
    "the Treasury", "the Interior", "the Exchequer", "the Army", "the Navy", "the Air Force",
    "Foreign and Commonwealth Affairs", "Health and Human Services", "Housing and Urban Development",
    "Work and Pensions", "Staff", "the House", "the Senate", "the Board", "Police", "Public Prosecutions",
    "National Intelligence", "National Defense", "National Defence", "Justice", "State",
)


def _alternation(words: tuple[str, ...]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


# Styles that stay in a one-word name: "Prince Harry", "Pope Francis", "Lord Sugar".
STYLES = frozenset({
    "King", "Queen", "Prince", "Princess", "Crown Prince", "Duke", "Duchess", "Emperor", "Empress",
    "Sultan", "Emir", "Sheikh", "Shaikh", "Pope", "Lord", "Lady", "Baroness", "Baron", "Earl",
    "Ayatollah", "Grand Ayatollah", "Cardinal", "Saint", "St",
})

# Styles of address and peerage: part of how a person is called, not an office they
# hold, so never a role on their own ("Lord" is no role; "Lord Chancellor" is one).
NOT_ROLES = frozenset({
    "Sir", "Dame", "Lord", "Lady", "Baroness", "Baron", "Earl", "Countess", "Viscount", "Viscountess",
    "Marquess", "Marchioness", "Dr",
})

_HONORIFIC = rf"(?:{_alternation(HONORIFICS)})\.?"
_TITLE = (
    rf"(?:(?:{_alternation(_MODIFIERS)})[\s-]+){{0,3}}"
    rf"(?:{_alternation(_HEADS)})\.?"
    rf"(?:\s+(?:of|for)\s+(?:{_alternation(_OF_OBJECTS)}|(?:the\s+)?[A-Z][\w'-]*))?"
)
#: A title phrase, anchored on word boundaries (case-sensitive: "general" is not "General").
TITLE_RE = re.compile(rf"(?<![\w-])(?:{_TITLE})(?![\w-])")
_LEADING_TITLES = re.compile(rf"^(?:(?:{_HONORIFIC}|{_TITLE})\s+)+(?=[A-Z])")
_LEADING_HONORIFIC = re.compile(rf"^{_HONORIFIC}\s+")
# Title phrases right before a name, possibly after a possessive ("Iraq's Prime Minister",
# "the Lord Chancellor Lord Irvine").
_TITLE_BEFORE = re.compile(rf"(?:^|(?<=[\s(\"'“‘]))(?P<title>{_TITLE}(?:\s+{_TITLE})*)\s+$")

#: A leading article: stripped from names, and never the first word of a known name.
DETERMINER = re.compile(r"^(?:the|The|THE|a|an|A|An)\s+(?=\S)")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=[sS])['’])$")
_LOWER_NAME_ENDS = frozenset({"plc"})  # a legal form written in lower case ("Balfour Beatty plc")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


@dataclass(frozen=True)
class Cleaned:
    start: int
    end: int
    role: str | None  # a title found inside the span ("President" of "President Trump")


def _has_letter(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


def _edge_noise(ch: str, trailing: bool) -> bool:
    if ch.isspace():
        return True
    if trailing and ch == ".":  # abbreviations: "U.S.", "Corp.", "Jr."
        return False
    cat = unicodedata.category(ch)
    return cat.startswith("P") or cat in ("So", "Sk")


def clean_span(text: str, start: int, end: int, label: str) -> Cleaned | None:
    """Narrow a recognized span to the name itself, or None when no name is left.

    Cut at a line break (a name never crosses one: keep the piece with letters,
    the first if both have them), strip edge punctuation and symbols, a leading
    determiner, leading titles (kept as the role of a PERSON), a trailing
    possessive, trailing tokens without letters ("Reuters -", "Apollo 11" lose
    their last token), a person's leading ones ("64 Bob Estes") and trailing words
    in lower case ("Interfax news agency"). A span without a capital letter names
    nothing ("healthcare").
    """
    role: str | None = None
    piece = text[start:end]
    if "\n" in piece:
        offset = 0
        chosen = None
        for line in piece.split("\n"):
            if _has_letter(line) and chosen is None:
                chosen = (offset, offset + len(line))
            offset += len(line) + 1
        if chosen is None:
            return None
        start, end = start + chosen[0], start + chosen[1]
    while True:
        before = (start, end)
        while start < end and _edge_noise(text[start], trailing=False):
            start += 1
        while end > start and _edge_noise(text[end - 1], trailing=True):
            end -= 1
        m = DETERMINER.match(text[start:end])
        if m and m.end() < end - start:
            start += m.end()
        span = text[start:end]
        m = _POSSESSIVE.search(span)
        if m and m.start() > 0:
            end = start + m.start()
        tokens = text[start:end].split(" ")
        while label == "PERSON" and len(tokens) > 1 and not _has_letter(tokens[0]):
            start += len(tokens.pop(0)) + 1  # "64 Bob Estes": a results table's score, rank or number
        while len(tokens) > 1 and (not _has_letter(tokens[-1]) or (tokens[-1][:1].islower() and tokens[0][:1].isupper() and tokens[-1] not in _LOWER_NAME_ENDS)):
            end -= len(tokens[-1]) + 1  # "Reuters -"; "Interfax news agency": a name ends in a capital's word
            tokens.pop()
        if label == "PERSON" or _LEADING_HONORIFIC.match(text[start:end]):
            m = _LEADING_TITLES.match(text[start:end])
            if m and m.end() < end - start:
                phrase = text[start : start + m.end()]
                rest = text[start + m.end() : end]
                cut = _style_kept(phrase) if len(rest.split()) == 1 else None
                role = role or _role_of(phrase if not cut else phrase[:cut])
                start += m.end() if cut is None else cut
        if (start, end) == before:
            break
    if start >= end or not any(ch.isupper() for ch in text[start:end]):
        return None  # no capital, no name: "healthcare", "congress", "182nd"
    return Cleaned(start, end, role)


_LAST_STYLE = re.compile(rf"(?:^|\s)(?P<style>{_alternation(tuple(STYLES))})\.?\s+$")


def _style_kept(phrase: str) -> int | None:
    """Where a style ending a run of titles before a one-word name starts: it stays in
    the name ("Prince Harry", "Lord Chancellor Lord Falconer" -> "Lord Falconer")."""
    m = _LAST_STYLE.search(phrase)
    return m.start("style") if m else None


def _role_of(phrase: str) -> str | None:
    """The role a title phrase states; None for a bare honorific, style or peerage."""
    return _as_role(_stated(phrase))


def _as_role(stated: str | None) -> str | None:
    if stated is None or all(w.rstrip(".") in NOT_ROLES for w in stated.split()):
        return None
    return stated


def _stated(phrase: str) -> str | None:
    """A title phrase's words, its leading honorifics ("Mr", "Mrs") left out."""
    words = " ".join(phrase.split())
    while True:
        m = _LEADING_HONORIFIC.match(words + " ")
        if not m:
            break
        words = words[m.end() :].strip()
    return words.rstrip(".") or None if words else None


def role_before(text: str, start: int) -> str | None:
    """A title written right before a name at `start` ("Secretary of State Mike Pompeo")."""
    window = text[max(0, start - 80) : start]
    m = _TITLE_BEFORE.search(window)
    if m:
        run = m.group("title") + " "
        cut = _style_kept(run)
        return _role_of(run[:cut] if cut else run)
    return None


def title_regions(text: str) -> list[tuple[int, int]]:
    """Where title phrases sit in `text`: a non-person span inside one is a piece of a
    job title ("State" of "Secretary of State"), not an organization."""
    return [(m.start(), m.end()) for m in TITLE_RE.finditer(text)]


@functools.lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The matching key of a name: case, dots in abbreviations, dashes and spacing folded."""
    key = unicodedata.normalize("NFKC", name).casefold()
    key = key.replace("’", "'").replace("‘", "'")
    key = re.sub(r"(?<=\w)\.(?=\w|$)", "", key)  # u.s. -> us, st. -> st
    key = re.sub(r"[\s\-‐‑–—]+", " ", key)
    return key.strip()


def surname(name: str) -> str | None:
    """The folded last name of a multi-word person name (suffixes such as "Jr." skipped)."""
    words = name.split()
    while len(words) > 1 and words[-1].casefold().rstrip(",") in _SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    return fold(words[-1])


def is_short_form(short: str, full: str) -> bool:
    """Can `short` name the person `full` names: its trailing words ("Blair" of "Tony
    Blair", "Abdul-Mahdi" of "Adel Abdul-Mahdi") or one part of a hyphenated last
    name ("Mahdi")."""
    s, f = fold(short).split(), fold(full).split()
    if not s or len(s) >= len(f):
        return False
    if f[-len(s) :] == s:
        return True
    last = full.split()[-1]
    parts = [fold(p) for p in re.split(r"[-‐‑]", last) if p]
    return len(s) == 1 and len(parts) > 1 and s[0] in parts and len(s[0]) > 2


def initials_match(acronym: str, words: list[str]) -> bool:
    """Do the initials of `words` (function words optional) spell `acronym`?"""
    letters = [c for c in acronym if c.isalpha()]
    want = "".join(letters).upper()
    content = [w for w in words if w[:1].isalpha()]

    def match(i: int, j: int) -> bool:
        if j == len(want):
            return i == len(content) or all(w.lower() in _FUNCTION for w in content[i:])
        if i == len(content):
            return False
        w = content[i]
        if w.lower() in _FUNCTION and match(i + 1, j):
            return True
        return w[0].upper() == want[j] and match(i + 1, j + 1)

    return len(want) >= 2 and match(0, 0)


_FUNCTION = frozenset({"and", "of", "the", "for", "in", "on", "to", "de", "du", "des", "la", "le", "el", "&"})
