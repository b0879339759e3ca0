"""One actor per real entity: the drafts of :mod:`summarizer.actors` merged by the ways news names them.

A reader counts each of these as one actor, named by the fullest proper name the article gives,
without honorifics:

- honorific forms: ``Mr Blair``, ``Lord Holme``, ``Sir Elton John`` (the honorific is never kept);
- the same name in other capitals: ``OZ`` and ``Oz``, ``CONGRESS`` and ``Congress``;
- part of a person's name: the surname (``Blair``), the first name used as a reference (``Robbie``
  for Robbie Keane), a nickname of it (``Bob`` for Robert Bates, ``Steve`` for Steven Gerrard), the
  family name written first (``Bi`` for Bi Fujian), or a shorter full name (``Donald Trump`` for
  Donald J. Trump). A surname two people share goes to the one named most; a first name two people
  share stays apart;
- a name the model took for an organisation or a place that is a person's name (``Helmut Panke``);
- initials: ``RFU`` for Rugby Football Union, ``JK`` for Jason King;
- an organisation's short form: its last words (``Villa`` for Aston Villa, ``Radio 1`` for BBC
  Radio 1), or its first words before a corporate designator (``Warner`` for Warner Bros. Pictures);
- a party's forms: Conservative, Conservatives, Tory, Tories; Republican(s), GOP; Democrat(s) ...;
- a group named bare and qualified: ``soldiers`` for Kenyan soldiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.entities import BODY_HEADS, NAME_PARTICLES, TITLE_WORDS
from summarizer.lexicon import Lexicon
from summarizer.model import ActorKind
from summarizer.roles import HONORIFICS

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_GENERATIONS = frozenset(w.rstrip(".") for w in _SUFFIXES)
_INITIAL_SKIP = frozenset({"of", "and", "the", "for", "in", "on", "de", "du", "&", "to"})
_DESIGNATORS = frozenset(
    """bros bros. pictures studios entertainment media communications holdings international group corp
    corp. corporation inc inc. co co. ltd ltd. plc llc ag sa nv fc afc club company news""".split()
)
#: Last words of institutions named after a person ("Anne Frank House", "Bill Gates Foundation").
_NAMED_AFTER_SOMEONE = BODY_HEADS | frozenset("house museum memorial centre center library hall".split())
_STREETS = frozenset("ave ave. avenue st st. street rd rd. road blvd blvd. boulevard lane drive square".split())
#: The second word of a club named after its town ("Manchester United", "Bristol Rovers").
_CLUB_WORDS = frozenset(
    "united city rovers athletic wanderers county albion town rangers hotspur orient argyle wednesday villa".split()
)
_ACRONYM = re.compile(r"^[A-Z](?:[A-Z]|\.[A-Z]){1,6}\.?$")
#: Forms of one party, lower-cased -> the party (kept short: the parties of US and UK news).
PARTY_FORMS: dict[str, str] = {
    **dict.fromkeys(["conservative", "conservatives", "tory", "tories", "conservative party"], "conservative"),
    **dict.fromkeys(["labour", "labour party"], "labour"),
    **dict.fromkeys(
        ["liberal democrat", "liberal democrats", "lib dem", "lib dems", "liberal democratic party"], "libdem"
    ),
    **dict.fromkeys(["republican", "republicans", "gop", "republican party"], "republican"),
    **dict.fromkeys(["democrat", "democrats", "democratic party"], "democrat"),
}


def _more_of_the_name(rest: list[str]) -> bool:
    """Words a longer form of an organisation's name adds to it, not those of a body of its own."""
    return 0 < len(rest) <= 2 and all(w[:1].isupper() and w.lower().strip("'’s") not in BODY_HEADS for w in rest)


@dataclass
class Draft:
    """An actor being built: its mentions, names and the roles read at each mention."""

    name: str
    kind: ActorKind
    mentions: int = 0
    first: int = 10**9
    aliases: dict[str, None] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    #: The article calls it a company, a party, a club ... in apposition to its name.
    called_organisation: bool = False
    #: False while every mention is an adjective ("Tory" in "the Tory leader"): then it is no actor.
    nominal: bool = True
    #: Where it was mentioned: sentence starts only (a lone capitalised word there may be no name).
    only_at_sentence_start: bool = True
    gazetteer: bool = False
    #: Some mention is a subject, possessor or agent: the name does something in the story.
    acted: bool = False
    #: Some mention is outside a heading (a Title Case headline makes names of ordinary words).
    in_body: bool = False
    #: The article calls it a work or a thing (``abortion drama Vera Drake``): not a participant.
    work: bool = False
    #: Every mention reads as a place: a modifier (``Albuquerque police``) or after ``at``/``in``.
    located: bool = True
    #: Every mention owns a capitalised noun (``Dead Man's Shoes``, ``Schindler's List``): a title's words.
    in_title: bool = True


def core_words(name: str) -> list[str]:
    """The words that identify a person: no honorifics in front, no ``Jr.`` behind, no possessive."""
    words = re.sub(r"['’]s$", "", name).split()
    while len(words) > 1 and words[0].lower() in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",") in _SUFFIXES:
        words.pop()
    return [w.strip(",") for w in words]


def generation(name: str) -> str:
    """The generation a name ends with (``jr``, ``sr``, ``ii`` ...), or ``""``: Donald Trump Jr. is not Donald Trump."""
    words = name.split()
    if len(words) > 1 and (last := words[-1].lower().strip(",.")) in _GENERATIONS:
        return last
    return ""


def _in_order(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    # "Van Boxmeer" opening a sentence is "Jean-Francois van Boxmeer": a particle's case is no difference.
    return all(any(w == x or (w.lower() == x.lower() and x.lower() in NAME_PARTICLES) for x in it) for w in short)


class Merger:
    """Merges drafts in place and remembers every rename (old name -> the actor it became)."""

    def __init__(self, drafts: dict[str, Draft], lexicon: Lexicon) -> None:
        self.drafts = drafts
        self.lexicon = lexicon
        self.renamed: dict[str, str] = {}

    def final(self, name: str) -> str:
        """The actor a name ended up in."""
        seen = 0
        while name in self.renamed and seen < 50:
            name = self.renamed[name]
            seen += 1
        return name

    def merge(self, source: str, target: str) -> None:
        """Fold draft ``source`` into draft ``target``."""
        if source == target or source not in self.drafts or target not in self.drafts:
            return
        s, t = self.drafts.pop(source), self.drafts[target]
        t.mentions += s.mentions
        t.first = min(t.first, s.first)
        t.aliases[s.name] = None
        t.aliases.update(s.aliases)
        t.aliases.pop(t.name, None)
        t.roles += [r for r in s.roles if r not in t.roles]
        t.only_at_sentence_start = t.only_at_sentence_start and s.only_at_sentence_start
        t.gazetteer = t.gazetteer or s.gazetteer
        t.nominal = t.nominal or s.nominal
        t.called_organisation = t.called_organisation or s.called_organisation
        t.acted = t.acted or s.acted
        t.in_body = t.in_body or s.in_body
        t.work = t.work or s.work
        t.located = t.located and s.located
        t.in_title = t.in_title and s.in_title
        self.renamed[source] = target

    def rename(self, old: str, new: str) -> None:
        """Give draft ``old`` the name ``new`` (merging when ``new`` exists already)."""
        if old == new or old not in self.drafts:
            return
        if new in self.drafts:
            self.merge(old, new)
            return
        d = self.drafts.pop(old)
        d.aliases[old] = None
        d.name = new
        d.aliases.pop(new, None)
        self.drafts[new] = d
        self.renamed[old] = new

    def run(self) -> dict[str, str]:
        """Apply every rule of the module docstring; returns the renames."""
        self._places_taken_for_persons()
        self._honorifics()
        self._case()
        self._parties()
        self._persons_taken_for_others()
        self._persons()
        self._number_variants()
        self._initials()
        self._organisation_short_forms()
        self._groups()
        return {old: self.final(old) for old in self.renamed}

    def _places_taken_for_persons(self) -> None:
        """``Albuquerque`` or ``Vermilyea Ave`` tagged a person is a place; ``Manchester United`` a club."""
        for name, d in self.drafts.items():
            words = name.split()
            if d.kind == "place" and not d.gazetteer and len(words) > 1 and words[-1].lower() in BODY_HEADS:
                d.kind = "organization"  # "Miami-Dade Fire Rescue", "Florida Forest Service": a body, no place
                continue
            if d.kind == "place" and not d.gazetteer and len(words) > 2 and words[-1].lower() in _NAMED_AFTER_SOMEONE:
                d.kind = "organization"  # "Anne Frank House": an institution named after someone
                continue
            if d.kind != "person":
                continue
            entry = self.lexicon.gazetteer.get(name.lower())
            listed = entry is not None and entry.kind in ("place", "country")
            if (listed and self.lexicon.gender_of_first_name(name) is None) or name.split()[-1].lower() in _STREETS:
                d.kind = "place"
                d.roles = []
                continue
            given = (
                self.lexicon.gender_of_first_name(words[0])
                and words[0].lower() not in self.lexicon.gazetteer
                and words[0].lower() not in TITLE_WORDS  # "Major League Baseball"
            )
            if len(words) > 2 and not given and not d.roles and self._ends_with_place(words):
                d.kind = "organization"  # "Diageo North America", "Barclays Capital UK": a firm's arm
                continue
            # "Supreme Court" tagged a person; "Anne Frank House", "Andy Warhol Museum": named after one.
            if (len(words) > 1 and any(w.lower() in BODY_HEADS for w in words[1:]) and not given) or (
                len(words) > 2 and words[-1].lower() in _NAMED_AFTER_SOMEONE
            ):
                d.kind = "organization"
                d.roles = []
                continue
            first = self.lexicon.gazetteer.get(words[0].lower())
            if (
                len(words) == 2
                and first is not None
                and first.kind in ("place", "country")
                and words[1].lower() in _CLUB_WORDS
                and not d.roles
            ):
                d.kind = "organization"  # "Manchester United", "Aston Villa": a club or firm named after a place

    def _ends_with_place(self, words: list[str]) -> bool:
        for n in (1, 2):
            entry = self.lexicon.gazetteer.get(" ".join(words[-n:]).lower())
            if entry is not None and entry.kind in ("place", "country"):
                return True
        return False

    def _honorifics(self) -> None:
        for name in list(self.drafts):
            d = self.drafts.get(name)
            if d is None:
                continue
            words = name.split()
            if len(words) > 1 and words[0].lower() in HONORIFICS:
                d.kind = "person"
                self.rename(name, " ".join(core_words(name) + (words[-1:] if generation(name) else [])))

    def _case(self) -> None:
        groups: dict[str, list[str]] = {}
        for name in self.drafts:
            groups.setdefault(name.lower(), []).append(name)
        for names in groups.values():
            if len(names) < 2:
                continue
            names.sort(key=lambda n: (n.isupper(), -self.drafts[n].mentions))
            for other in names[1:]:
                self.merge(other, names[0])

    def _parties(self) -> None:
        forms: dict[str, list[str]] = {}
        for name in self.drafts:
            party = PARTY_FORMS.get(name.lower())
            if party is not None:
                forms.setdefault(party, []).append(name)
        for names in forms.values():
            # The party's own name when the article gives it, else the form it uses most as a noun.
            def preference(n: str) -> tuple[bool, bool, int]:
                return (n.lower().endswith("party"), n.endswith("s"), self.drafts[n].mentions)

            best = max(names, key=preference)
            for other in names:
                self.merge(other, best)
            self.drafts[best].kind = "organization"

    def _persons(self) -> None:
        same: dict[tuple[str, ...], list[str]] = {}
        for n, d in self.drafts.items():
            if d.kind == "person":
                same.setdefault((*core_words(n), generation(n)), []).append(n)
        for names in same.values():  # "Robert Kennedy Jr." and "Robert Kennedy Jr"
            names.sort(key=lambda n: (-len(n), -self.drafts[n].mentions))
            for other in names[1:]:
                self.merge(other, names[0])
        people = [n for n, d in self.drafts.items() if d.kind == "person"]
        people.sort(key=lambda n: -len(core_words(n)))
        for name in people:  # longest first: "Donald Trump" joins "Donald J. Trump" before "Trump" looks
            if name not in self.drafts:
                continue
            short = core_words(name)
            targets = {
                self.final(other)
                for other in people
                if other != name and other in self.drafts and self._part_of(short, core_words(other))
                # A lone surname may be father or son; a full name or "Trump Jr." says which one.
                if generation(name) == generation(other) or (len(short) == 1 and not generation(name))
            }
            targets.discard(name)
            targets = {t for t in targets if t in self.drafts and len(core_words(t)) >= len(short)}
            if not targets:
                continue
            if len(targets) > 1:
                # Several people share the surname ("Wright", "Dickson Wright"): it is the one named most.
                if all(core_words(t)[-len(short) :] == short for t in targets):
                    ranked = sorted(targets, key=lambda t: -self.drafts[t].mentions)
                    if self.drafts[ranked[0]].mentions <= self.drafts[ranked[1]].mentions:
                        continue
                    targets = {ranked[0]}
                else:
                    longest = max(targets, key=lambda t: len(core_words(t)))
                    if not all(self._part_of(core_words(t), core_words(longest)) for t in targets):
                        continue
                    targets = {longest}
            self.merge(name, targets.pop())

    def _part_of(self, short: list[str], long: list[str]) -> bool:
        if len(short) == len(long) >= 2:
            # "Steve Gerrard" and "Steven Gerrard": the same surname, a nickname of the given name.
            return short[1:] == long[1:] and long[0] in self.lexicon.nicknames.get(short[0], ())
        if len(short) > len(long):
            return False
        if len(short) == 1:
            word = short[0]
            if word in long:
                return True
            formal = self.lexicon.nicknames.get(word, ())
            return bool(long) and long[0] in formal
        return _in_order(short, long) and short[-1] == long[-1]

    def _persons_taken_for_others(self) -> None:
        people = [core_words(n) for n, d in self.drafts.items() if d.kind == "person"]
        for name, d in list(self.drafts.items()):
            if d.kind not in ("organization", "place") or d.gazetteer or d.called_organisation:
                continue  # "Diageo, which ...": the article says it is no person
            words = core_words(name)
            if not words or len(words) > 4 or not all(w[:1].isupper() for w in words):
                continue
            for p in people:
                if len(words) == 1 and len(p) >= 2 and words[0] in (p[0], p[-1]):
                    d.kind = "person"  # "Tamerlan" tagged a place beside "Tamerlan Tsarnaev"
                    break
                if len(p) >= 2 and len(words) <= len(p) and words[-1] == p[-1] and _in_order(words, p):
                    d.kind = "person"
                    break
                if len(words) >= 2 and len(p) < len(words) and p[-1] == words[-1] and _in_order(p, words):
                    d.kind = "person"
                    break

    def _number_variants(self) -> None:
        """``Disaster Emergency Committee`` beside ``Disasters Emergency Committee``: one body, spelt two ways.

        Names of two words or more that differ only in one word's plural ending; the name used more often
        (else the first) is kept.
        """
        orgs = [n for n, d in self.drafts.items() if d.kind == "organization" and " " in n]
        for name in orgs:
            for other in orgs:
                if other == name or name not in self.drafts or other not in self.drafts:
                    continue
                a, b = name.split(), other.split()
                if len(a) != len(b):
                    continue
                differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                if len(differ) != 1 or differ[0][0] + "s" != differ[0][1]:
                    continue
                keep, drop = (name, other)
                dn, do = self.drafts[name], self.drafts[other]
                if (do.mentions, -do.first) > (dn.mentions, -dn.first):
                    keep, drop = other, name
                self.drafts[keep].aliases[drop] = None
                self.merge(drop, keep)

    def _initials(self) -> None:
        for name in list(self.drafts):
            if name not in self.drafts or not _ACRONYM.match(name):
                continue
            letters = name.replace(".", "")
            matches = []
            for other, d in self.drafts.items():
                if other == name or d.kind not in ("organization", "person"):
                    continue
                words = [w for w in core_words(other) if w.lower() not in _INITIAL_SKIP]
                if d.kind == "person" and len(words) > 3:
                    continue
                initials = "".join(w[0] for w in words if w[:1].isalpha()).upper()
                if len(words) >= 2 and initials == letters:
                    matches.append(other)
            if len(matches) == 1:
                self.drafts[matches[0]].aliases[name] = None
                self.merge(name, matches[0])

    def _organisation_short_forms(self) -> None:
        # A club the model took for a place ("Aston Villa") still has its short form ("Villa").
        orgs = [
            n
            for n, d in self.drafts.items()
            if not d.gazetteer and (d.kind == "organization" or (d.kind == "place" and " " in n))
        ]
        for name in sorted(orgs, key=lambda n: len(n.split())):
            if name not in self.drafts or self.drafts[name].kind != "organization":
                continue
            words = name.split()
            by_prefix, by_suffix = [], []
            for other in orgs:
                if other == name or other not in self.drafts:
                    continue
                o = other.split()
                if len(o) <= len(words):
                    continue
                rest = o[len(words) :]
                if o[: len(words)] == words and all(w.lower() in _DESIGNATORS for w in rest):
                    by_prefix.append(other)
                elif o[: len(words)] == words and len(words) >= 2 and _more_of_the_name(rest):
                    # "JP Morgan" for JP Morgan Chase; not "Manchester United Supporters' Trust", a body
                    # of its own.
                    by_prefix.append(other)
                elif o[-len(words) :] == words:
                    by_suffix.append(other)
            # "Warner" is Warner Bros. Pictures before it is Time Warner: a designator says whose name it is.
            longer = by_prefix if len(by_prefix) == 1 else by_suffix if not by_prefix else []
            if len(longer) == 1:
                self.drafts[longer[0]].kind = "organization"
                self.merge(name, longer[0])

    def _groups(self) -> None:
        """``soldiers`` beside ``Kenyan soldiers``: the bare plural is the one group the story qualifies."""
        groups = [n for n, d in self.drafts.items() if d.kind == "group"]
        for name in sorted(groups, key=len):
            if name not in self.drafts:
                continue
            tail = name.lower().split()
            longer = [
                o
                for o in groups
                if o != name and o in self.drafts and len(o.split()) > len(tail)
                if o.lower().split()[-len(tail) :] == tail
            ]
            if len(longer) == 1:
                self.merge(name, longer[0])
