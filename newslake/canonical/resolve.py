"""Within one article: which recognized spans name the same entity, and what it is called.

An article is the best evidence there is about its own names: it introduces
"Secretary of State Mike Pompeo" and then says "Pompeo"; it spells out
"Maintenance, Repair and Overhaul (MRO)" once and then writes "MRO". So short
forms, acronyms and repeats are resolved here, per article, where that evidence
sits; a label is a vote across the entity's mentions; places get their
coordinates with the article's own country as the tie-breaker. What needs the
whole lake (a bare surname in an article that never names the person in full)
is decided by `sql/staging/stg_alias_resolution.sql`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from newslake.canonical import aliases, cues, places
from newslake.canonical.names import (
    DETERMINER,
    HONORIFICS,
    clean_span,
    fold,
    initials_match,
    is_short_form,
    role_before,
    surname,
    title_regions,
)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels a short form may carry and still be the person: the small model tags a lone
# surname as an organization or a place as often as as a person.
_SHORT_FORM_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"})
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z&]*[A-Z][A-Za-z]*)\s*\)")
_BRAND_STYLE = re.compile(r"^[a-z]+[A-Z][\w-]*(?:\s|$)")
_WORD_BEFORE = re.compile(r"(?<![\w-])[A-Z][\w'-]* $")
_NEXT_WORD = re.compile(r" ([\w'-]+)")
_LANGUAGE_NOUNS = frozenset({"language", "languages", "speakers", "speaking", "translation", "version", "subtitles", "dialect"})
_WORD = re.compile(r"[^\s(),;:\"“”]+")
_THE_BEFORE = re.compile(r"\b(?:the|The|THE) +$")
# "Mr Obama": only a person is addressed so, whatever a gazetteer knows of the name.
_HONORIFIC_BEFORE = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, HONORIFICS))})\.? +$")
class Span(Protocol):
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class Mention:
    field: str
    start: int
    end: int
    text: str
    label: str
    name: str
    role: str | None
    alias_id: str
    surname: str | None
    country_code: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None = None  # the GeoNames record of a located place


@dataclass
class _Cand:
    field: str
    start: int
    end: int
    text: str
    label: str
    role: str | None = None
    added: bool = False  # found by repeating a name, not by the model
    name: str | None = None  # set when a rule decides it
    fixed_label: str | None = None
    country: str | None = None
    next_word: str | None = None  # the word after the mention, for the adjective test
    article: int | None = None  # where a leading "the" the model included starts ("the Senate")
    org_cue: bool = False  # followed by what only an organization has ("Ryanair CEO", "Twitter account")
    dateline: bool = False  # the place of the article's dateline
    honorific: bool = False  # written after an honorific ("Mr Obama")
    determined: bool = False  # the head of a phrase with "the" ("the Beatles", not "the Clinton campaign")
    situated: bool = False  # a place written with its region: "Toulouse, France", "Everett, Washington"


@dataclass
class _Group:
    name: str
    cands: list[_Cand] = field(default_factory=list)


def alias_id(name: str, label: str, place_key: str | None = None) -> str:
    """Stable id of a name as one article resolved it: 16 hex chars of sha256.

    Case and abbreviation dots are folded ("U.S." and "US" share one). A place's key
    (its gazetteer id or country) is part of it: Paris, France and Paris, Texas are
    two places."""
    key = f"{label}\t{fold(name)}" + (f"\t{place_key}" if place_key else "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in regions)


def _candidates(fields: Sequence[tuple[str, str, Sequence[Span]]], titles: dict[str, list[tuple[int, int]]]) -> list[_Cand]:
    cands: list[_Cand] = []
    for name, text, spans in fields:
        regions = titles[name]
        datelines = cues.dateline_places(text) if name in ("body", "text") else []
        for s in spans:
            c = clean_span(text, *_cut_at_dash(text, s.start, s.end), s.label)
            if c is None:
                continue
            if s.label != "PERSON" and _inside(regions, c.start, c.end):
                continue  # "State" of "Secretary of State", "Defense" of "Defense Secretary"
            if text.startswith("$", c.end):
                continue  # "US$40 billion", "HK$": a currency's prefix, no place
            if cues.is_unit(text, c.start, c.end):
                continue  # "16:00 UTC", "$249 USD", "30GB": a number's unit
            role = c.role or role_before(text, c.start)
            model = cues.MODEL_AFTER.match(text, c.end) if s.label == "ORG" else None
            if model is not None:  # "Airbus A380": a product, the maker no mention of its own
                cands.append(_Cand(name, c.start, model.end(), text[c.start : model.end()], "PRODUCT",
                                   fixed_label="PRODUCT"))
                continue
            following = _NEXT_WORD.match(text, c.end)
            article = _THE_BEFORE.search(text, s.start, c.start)
            cands.append(_Cand(name, c.start, c.end, text[c.start : c.end], s.label, role,
                               next_word=following.group(1) if following else None,
                               article=article.start() if article and not cues.premodifies(text, c.end) else None,
                               org_cue=cues.ORG_AFTER.match(text, c.end) is not None
                               or cues.ORG_BEFORE.search(text, max(0, c.start - 24), c.start) is not None,
                               dateline=_inside(datelines, c.start, c.end),
                               situated=s.label == "PERSON" and _situated(text, c.start, c.end),
                               determined=_THE_BEFORE.search(text, max(0, c.start - 12), c.start) is not None
                               and not cues.premodifies(text, c.end),
                               honorific=_HONORIFIC_BEFORE.search(text, max(0, s.start - 12), s.start) is not None
                               or _HONORIFIC_BEFORE.search(text, max(0, c.start - 12), c.start) is not None))
        # The model, which reads case, misses most names in capitals: a dateline's place
        # ("BELGRADE 1996-08-30") and a headline's countries ("SOCCER - JAPAN WIN").
        for start, end in datelines + cues.headline_countries(text):
            if not any(c.field == name and _overlaps((c.start, c.end), (start, end)) for c in cands):
                cands.append(_Cand(name, start, end, text[start:end], "GPE", dateline=True))
    return cands


_REGION_AFTER = re.compile(r" ?, +([A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?)(?=[,.;:)]| \(|\s*$)", re.MULTILINE)


def _situated(text: str, start: int, end: int) -> bool:
    """Is the name a place the text situates in its country or state ("Toulouse, France",
    "Everett, Washington."), one the gazetteer has there? A person is never written so."""
    m = _REGION_AFTER.match(text, end)
    if m is None:
        return False
    region = places.locate(m.group(1))
    if region is None or region.country_code is None:
        return False
    place = places.locate(f"{text[start:end]}, {m.group(1)}")
    return place is not None and place.kind == "city" and place.geonameid != region.geonameid


_SPACED_DASH = re.compile(r" [-–—] ")


def _cut_at_dash(text: str, start: int, end: int) -> tuple[int, int]:
    """A dash set between spaces joins two names in results lists and headlines
    ("Romania - Cosmin Contra", "San Jose - Cisco", "BASEBALL - MAJOR LEAGUE"): the span
    keeps its first piece when a piece is a known name or place, or the first is in
    capitals. Otherwise the dash may be a hyphen written with spaces ("Wal - Mart")."""
    m = _SPACED_DASH.search(text, start, end)
    if m is None:
        return start, end
    first, rest = text[start : m.start()].strip(), text[m.end() : end].strip()
    if not first or not any(ch.isupper() for ch in first):
        return start, end
    pieces = [p for p in (first, rest.split(" - ")[0]) if p]
    if (len(first) > 3 and first.isupper()) or any(
        aliases.known(p) is not None or places.locate(p) is not None for p in pieces
    ):
        return start, m.start()
    return start, end


def _join_known(fields: Sequence[tuple[str, str, Sequence[Span]]], cands: list[_Cand]) -> list[_Cand]:
    """Mend names the model cut in two: "Liberal" + "Democrat", or "Democrats" with
    "Liberal" left outside the span, become one mention when the whole is a known name."""
    texts = {name: text for name, text, _ in fields}
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.field, c.start)):
        text = texts[c.field]
        prev = out[-1] if out and out[-1].field == c.field else None
        if prev is not None and text[prev.end : c.start] == " " and _names_more(text[prev.start : c.end], c.text):
            out[-1] = _Cand(c.field, prev.start, c.end, text[prev.start : c.end], prev.label, prev.role)
            continue
        m = _WORD_BEFORE.search(text, 0, c.start)
        if m and (prev is None or prev.end <= m.start()) and _names_more(text[m.start() : c.end], c.text):
            c = _Cand(c.field, m.start(), c.end, text[m.start() : c.end], c.label, c.role)
        out.append(c)
    return out


def _names_more(joined: str, part: str) -> bool:
    """Is `joined` a known name other than the one `part` already is?"""
    whole = aliases.known(joined)
    return whole is not None and whole != aliases.known(part) and not DETERMINER.match(joined)


def _acronyms(fields: Sequence[tuple[str, str, Sequence[Span]]], cands: list[_Cand]) -> dict[str, _Cand]:
    """Acronyms the article introduces: "Maintenance, Repair and Overhaul (MRO)".
    The expansion becomes one mention (replacing pieces of it) and names the acronym."""
    found: dict[str, _Cand] = {}
    for fname, text, _ in fields:
        for m in _ACRONYM.finditer(text):
            acronym = m.group(1)
            words = [(w.start(), w.end(), w.group()) for w in _WORD.finditer(text, max(0, m.start() - 160), m.start())]
            letters = sum(c.isalpha() for c in acronym)
            for k in range(letters, min(len(words), 2 * letters + 3) + 1):
                chosen = words[-k:]
                first = chosen[0][2]
                if not first[:1].isupper() or "." in "".join(w for _, _, w in chosen[:-1]):
                    continue
                start, end = chosen[0][0], chosen[-1][1]
                if "\n" in text[start:end]:
                    break  # a name never crosses a line break
                if initials_match(acronym, [w.strip(",") for _, _, w in chosen]):
                    while end > start and not text[end - 1].isalnum():
                        end -= 1
                    inner = [c for c in cands if c.field == fname and _overlaps((c.start, c.end), (start, end))]
                    label = Counter(c.label for c in inner).most_common(1)[0][0] if inner else "ORG"
                    for c in inner:
                        cands.remove(c)
                    expansion = _Cand(fname, start, end, text[start:end], label)
                    cands.append(expansion)
                    found.setdefault(fold(acronym), expansion)
                    if not any(c.field == fname and c.start == m.start(1) for c in cands):
                        cands.append(_Cand(fname, m.start(1), m.end(1), acronym, label))
                    break
    return found


def _apply_knowledge(cands: list[_Cand], acronyms: dict[str, _Cand]) -> None:
    longer = {fold(c.text) for c in cands if c.label in ("ORG", "NORP") and " " in c.text}
    for c in cands:
        if any(name.endswith(" " + fold(c.text)) for name in longer):
            continue  # "Democrats" after "Liberal Democrats": the article says which (short forms)
        expansion = acronyms.get(fold(c.text))
        if expansion is not None and c is not expansion:
            c.name = " ".join(expansion.text.split())
            c.fixed_label = expansion.label
        known = aliases.known(c.name or c.text)
        if known is not None:
            c.name, c.fixed_label, c.country = known.name, known.label, known.country_code
        elif c.dateline or c.situated:
            c.fixed_label = "GPE"
        elif _describes(c) and aliases.demonym_country(c.text):
            c.label = "NORP"  # "the Italian company": a people's adjective, not the company
        elif c.determined and c.label == "PERSON" and not c.honorific:
            # English writes no "the" before a person's name: "the Beatles", "the Brewers" are
            # a group; "the PowerBook", "the Titanic" a thing
            c.fixed_label = "ORG" if _plural(c.text) or c.text.isupper() else "PRODUCT"
        elif cues.is_model(c.text):
            c.fixed_label = "PRODUCT"  # "787 Dreamliner", "A330s"
        elif cues.is_event(c.text):
            c.fixed_label = "EVENT"  # "the Paris Air Show", "the World Cup": an occasion
        elif c.org_cue or cues.is_organization(c.text):
            c.fixed_label = "ORG"
        elif _BRAND_STYLE.match(c.text):
            c.fixed_label = "PRODUCT"  # "iPhone", "iTunes": a product's styling, not an organization's
        elif c.label == "LANGUAGE" and _describes(c) and aliases.demonym_country(c.text):
            c.label = "NORP"  # "English voters": a people's adjective, not the language
        if c.label == "NORP" and c.name is None and c.fixed_label is None:
            code = aliases.demonym_country(c.text)
            if code is not None:  # "Iraqis" and "Iraqi" are one people; "English" is not "British"
                c.country = code
                singular = c.text[:-1] if c.text.endswith("s") else None
                c.name = singular if singular and aliases.demonym_country(singular) == code else c.text


def _plural(name: str) -> bool:
    last = name.split()[-1]
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _describes(c: _Cand) -> bool:
    """Is the mention an adjective before a noun ("English voters"), not a language's name?"""
    return c.next_word is not None and c.next_word[:1].islower() and c.next_word not in _LANGUAGE_NOUNS


def _resolve_short_forms(cands: list[_Cand]) -> None:
    """A short form names the one full name in the article it can be short for."""
    people: dict[str, dict[str, str]] = defaultdict(dict)  # last word (or a part of it) -> full names
    organizations: dict[str, dict[str, str]] = defaultdict(dict)
    for c in cands:
        if c.name is not None or len(c.text.split()) < 2:
            continue
        words = fold(c.text).split()
        if c.label == "PERSON":
            for key in {words[-1], *re.split(r"[-‐‑]", c.text.split()[-1])}:
                people[fold(key)].setdefault(fold(c.text), c.text)
        elif c.label == "ORG":
            organizations[words[-1]].setdefault(fold(c.text), c.text)
    # An organization's first word is its short form too ("Cerberus" of "Cerberus Capital
    # Management"), so a lone word the model took for a person is that organization's.
    heads: dict[str, set[str]] = defaultdict(set)
    person_words: set[str] = set()
    for c in cands:
        words = fold(c.text).split()
        if len(words) > 1 and (c.fixed_label or c.label) == "ORG" and not DETERMINER.match(c.text):
            heads[words[0]].add(fold(c.text))
        elif len(words) > 1 and c.label == "PERSON":
            person_words.update(words)
    for c in cands:
        if c.name is not None or c.label not in _SHORT_FORM_LABELS:
            continue
        key = fold(c.text)
        if c.label == "PERSON" and c.fixed_label is None and len(heads.get(key, ())) == 1 and key not in person_words:
            c.fixed_label = "ORG"
            continue
        last = fold(c.text).split()[-1] if c.text.split() else ""
        fits = {k: v for k, v in people.get(last, {}).items() if is_short_form(c.text, v)}
        if len(fits) == 1:
            c.name = next(iter(fits.values()))
            c.fixed_label = "PERSON"
            continue
        if fits:
            continue  # two people fit: the article does not say which
        if c.label in ("ORG", "NORP") and len(c.text) > 3:
            tails = {k: v for k, v in organizations.get(last, {}).items() if k.endswith(" " + fold(c.text))}
            if len(tails) == 1:
                c.name = next(iter(tails.values()))
                c.fixed_label = "ORG"


def _group(cands: list[_Cand]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for c in cands:
        name = " ".join((c.name or c.text).split())
        g = groups.setdefault(fold(name), _Group(name))
        g.cands.append(c)
    for g in groups.values():
        if all(c.name is None for c in g.cands):  # no rule named it: its most used spelling
            spellings = Counter(" ".join(c.text.split()) for c in g.cands)
            g.name = max(spellings.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    return list(groups.values())


def _vote(g: _Group) -> str:
    """The group's label: a rule's, else the most mentions'. A name the model also tags as
    a place and the gazetteer knows is that place, never a person, unless the article
    addresses it with an honorific ("Mr Obama")."""
    fixed = Counter(c.fixed_label for c in g.cands if c.fixed_label)
    if fixed:
        return fixed.most_common(1)[0][0]
    votes = Counter(c.label for c in g.cands if not c.added)
    top = max(votes.values())
    tied = {label for label, n in votes.items() if n == top}
    longest = max((c for c in g.cands if c.label in tied), key=lambda c: (len(c.text), -c.start))
    if longest.label == "PERSON" and not any(c.honorific for c in g.cands):
        placed = Counter(c.label for c in g.cands if c.label in PLACE_LABELS and not c.added)
        if placed and places.locate(g.name) is not None:
            return placed.most_common(1)[0][0]
    return longest.label


def _propagate(
    fields: Sequence[tuple[str, str, Sequence[Span]]], groups: list[_Group], titles: dict[str, list[tuple[int, int]]]
) -> None:
    """Add the repeats of a name the model missed elsewhere in the article."""
    lowered = {w for _, text, _ in fields for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
    last_names = Counter(fold(g.name).split()[-1] for g in groups if _is_person(g) and len(g.name.split()) > 1)
    forms: dict[str, _Group] = {}
    for g in groups:
        strings = {" ".join(c.text.split()) for c in g.cands} | {g.name}
        if _is_person(g) and len(g.name.split()) > 1 and last_names[fold(g.name).split()[-1]] == 1:
            strings.add(g.name.split()[-1])
        for s in strings:
            if len(s) >= 2 and any(ch.isupper() for ch in s) and s.lower() not in lowered:
                forms.setdefault(s, g)
    ordered = sorted(forms, key=len, reverse=True)  # the longest name takes its place first
    for fname, text, _ in fields:
        taken = bytearray(len(text))
        for g in groups:
            for c in g.cands:
                if c.field == fname:
                    taken[c.start : c.end] = b"\1" * (c.end - c.start)
        regions = titles[fname]
        for form in ordered:
            start = text.find(form)
            while start >= 0:
                end = start + len(form)
                if _standalone(text, start, end) and not any(taken[start:end]) and not cues.is_unit(text, start, end):
                    if not _inside(regions, start, end):
                        taken[start:end] = b"\1" * (end - start)
                        g = forms[form]
                        g.cands.append(
                            _Cand(fname, start, end, form, g.cands[0].label, role_before(text, start), added=True, name=g.name)
                        )
                start = text.find(form, start + 1)


def _standalone(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a whole name: not inside a word, not a currency's prefix
    ("US$"), not before a possessive's "'s" followed by more letters ("O'Neill")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before in "_&-" or after.isalnum() or after in "_&-$":
        return False
    return not (after in "'’" and text[end + 1 : end + 3].isalpha() and len(text[end + 1 : end + 3]) == 2)


def _is_person(g: _Group) -> bool:
    return any(c.fixed_label == "PERSON" or (c.label == "PERSON" and not c.fixed_label) for c in g.cands)


def _article_country(groups: list[tuple[_Group, str]]) -> str | None:
    """The country the article is about: the one it names most often, by the countries,
    states and nationalities it mentions; its cities only when it names none of those."""
    named: Counter[str] = Counter()
    cities: Counter[str] = Counter()
    for g, label in groups:
        if label not in PLACE_LABELS and label != "NORP":
            continue
        code = next((c.country for c in g.cands if c.country), None)
        if code is not None:
            named[code] += len(g.cands)
        elif label in PLACE_LABELS:
            place = places.locate(g.name)
            if place is not None and place.country_code:
                (named if place.kind in ("country", "admin1") else cities)[place.country_code] += len(g.cands)
    counts = named or cities
    return counts.most_common(1)[0][0] if counts else None


def resolve_article(fields: Sequence[tuple[str, str, Sequence[Span]]], outlet: str | None = None) -> list[Mention]:
    """The entity mentions of one article: (field, text, recognized spans) per field.

    Returns mentions in field order and text order, each with its cleaned span
    (`text[start:end]` of its field), its voted label, the canonical name it
    resolves to in this article, a role where a title precedes it, and its place.
    The article's `outlet` (its publisher) and its abbreviation are who tells the
    story, not entities of it: their mentions are left out."""
    titles = {name: title_regions(text) for name, text, _ in fields}  # where job titles sit
    cands = _join_known(fields, _candidates(fields, titles))
    outlet_names, stem = cues.outlet_names(outlet)
    if outlet_names:
        cands = [c for c in cands if not cues.is_outlet(c.text, outlet_names, stem)]
    acronyms = _acronyms(fields, cands)
    _apply_knowledge(cands, acronyms)
    _resolve_short_forms(cands)
    groups = _group(cands)
    _propagate(fields, groups, titles)
    voted = [(g, _vote(g)) for g in groups]
    prefer = _article_country(voted)
    order = {name: i for i, (name, _, _) in enumerate(fields)}
    texts = {name: text for name, text, _ in fields}
    out: list[Mention] = []
    for g, label in voted:
        name, code, lat, lon, key, gid = g.name, None, None, None, None, None
        if label in PLACE_LABELS:
            place = places.locate(name, prefer_country=prefer)
            if place is not None:
                name = place.name if place.kind == "country" else name
                code, lat, lon, gid = place.country_code, place.latitude, place.longitude, place.geonameid
                key = str(place.geonameid or place.country_code)
        elif label == "NORP":
            code = next((c.country for c in g.cands if c.country), None)
            key = code
        aid = alias_id(name, label, key)
        last = surname(name) if label == "PERSON" else None
        for c in g.cands:
            start = c.start if c.article is None else c.article
            out.append(
                Mention(
                    c.field, start, c.end, texts[c.field][start : c.end], label, name,
                    c.role if label == "PERSON" else None, aid, last, code, lat, lon, gid,
                )
            )
    out.sort(key=lambda m: (order[m.field], m.start, m.end))
    return out
