"""Named entities of the parse, corrected: gazetteer first, span edges fixed, labels made consistent.

The small spaCy model tags Kiev as a PERSON, Crimea as an ORG, cuts "Organization for Security and
Cooperation in Europe" in two and misses most names in ALL-CAPS headlines. :func:`fix_entities` runs once
on each parse, right after the model (so quotes and actors read the same entities), and applies, in order:

1. **Gazetteer** (:mod:`summarizer.lexicon`, from the Phoenix dictionaries): the longest alias that
   starts at a capitalised token wins over the model's entities it covers, and relabels an entity of
   the same span -- except a city tagged ORG in a sports report (a club) and a PERSON whose name is
   also a first name (Jordan, Georgia). A match the model did not tag is added unless it is a lone
   word in ordinary case that starts a sentence (``Nice``, ``Reading``).
2. **Edges**: a leading ``the`` is dropped (``the Kremlin`` -> ``Kremlin``), and an ORG followed by
   ``in``/``of``/``for`` and a place that ends a capitalised name is joined to it.
3. **Cleaning**: an entity never runs across a line break or a bracket, titles are cut from names
   (``General Antoine Lahd`` -> a PERSON), and spans with no capitalised word are dropped.
4. **Document consistency**: the same name gets the same (majority) label throughout the article and
   where the model missed it; the short form of a full name takes the full name's label whatever the
   model said (``Major`` after ``John Major``, ``Newmont`` after ``Newmont Mining Corp``).
5. **Sports reports** (headline starting with the sport): a city names a club, an organisation;
   countries stay places (national teams); the dateline stays a place.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span, Token

from summarizer.lexicon import Entry, Lexicon

_LABELS = {"country": "GPE", "place": "GPE", "demonym": "NORP", "org": "ORG", "metonym": "ORG"}
_CONNECTORS = frozenset({"of", "and", "for", "the", "in", "on", "-", "'", "’", "&", "de", "du", "al"})
_ORG_JOIN = frozenset({"in", "of", "for"})
#: Words of a title or position that the model folds into a name; also read by the actor roles.
TITLE_WORDS = frozenset(
    """president minister secretary senator governor general admiral colonel major captain lieutenant
    sergeant commander chairman chairwoman chairperson chief director spokesman spokeswoman spokesperson
    ambassador envoy king queen prince princess pope cardinal bishop archbishop rabbi imam sheikh judge
    justice mayor deputy vice prime foreign defence defense finance interior home state representative
    rep sen gov dr mr mrs ms coach manager striker defender midfielder goalkeeper forward captain
    premier chancellor leader speaker ceo chairman president-elect officer analyst detective inspector
    constable superintendent sheriff""".split()
)

#: Abbreviated titles written before names ("Gov. Mike Pence") and the word a description uses.
ABBREVIATED_TITLES = {
    "gov.": "governor",
    "sen.": "senator",
    "sens.": "senator",
    "rep.": "representative",
    "reps.": "representative",
    "gen.": "general",
    "pres.": "president",
    "sec.": "secretary",
    "lt.": "lieutenant",
    "col.": "colonel",
    "capt.": "captain",
    "supt.": "superintendent",
    "det.": "detective",
}
#: Corporate designators: "Newmont Mining Corp" is also called "Newmont".
_CORPORATE = frozenset("corp corporation inc co ltd plc sa ag nv bv group holdings gmbh spa llc".split())
_NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _gazetteer_matches(doc: Doc, text: str, lexicon: Lexicon) -> list[tuple[int, int, Entry]]:
    """Longest non-overlapping alias matches, as (start token, end token, entry)."""
    window = lexicon.gazetteer_words * 2 + 2
    out: list[tuple[int, int, Entry]] = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if not _capitalised(tok):
            i += 1
            continue
        best: tuple[int, Entry] | None = None
        for j in range(i + 1, min(n, i + window) + 1):
            last = doc[j - 1]
            if j > i + 1 and not (_capitalised(last) or last.lower_ in _CONNECTORS):
                break
            surface = text[tok.idx : last.idx + len(last.text)]
            entry = lexicon.gazetteer.get(surface.lower())
            if entry is not None and _case_ok(surface, entry):
                best = (j, entry)
        if best is None:
            i += 1
            continue
        out.append((i, best[0], best[1]))
        i = best[0]
    return out


def _case_ok(surface: str, entry: Entry) -> bool:
    # "US" is a country, "us" and "Us" are not; long aliases match in any capitalisation (headlines).
    if entry.text.isupper() and len(entry.text.replace(".", "")) <= 4:
        return surface == entry.text
    return surface.isupper() or surface[:1].isupper()


def fix_entities(doc: Doc, lexicon: Lexicon) -> None:
    """Correct ``doc.ents`` in place (see the module docstring for the rules)."""
    ents: list[Span] = list(doc.ents)
    text = doc.text  # spaCy joins every token on each access: read once
    sports = _is_sports(text)
    sent_starts = {s.start for s in doc.sents} if doc.has_annotation("SENT_START") else {0}
    for start, end, entry in _gazetteer_matches(doc, text, lexicon):
        label = _LABELS[entry.kind]
        covered = [e for e in ents if e.start < end and start < e.end]
        if any(e.start < start or e.end > end for e in covered):
            continue  # inside a longer name the model found ("Bank of Japan")
        same = [e for e in covered if e.start == start and e.end == end]
        if same:
            old = same[0].label_
            if old == label or (entry.kind == "place" and old == "ORG" and sports):
                continue
            named = start == 0 or doc[start - 1].lower_ != "the"  # "the Scot" is no given name
            if old == "PERSON" and lexicon.gender_of_first_name(doc[start].text) is not None and named:
                continue
        elif not covered and end - start == 1 and start in sent_starts and not doc[start].is_upper:
            continue
        ents = [e for e in ents if e not in covered]
        ents.append(Span(doc, start, end, label=label))
    ents = [piece for e in ents for piece in _split(doc, e)]
    ents = _unjoin(doc, text, ents)
    ents = [t for e in ents if (t := _trim(doc, e, lexicon)) is not None and _plausible(t)]
    ents = _without_opening_word(doc, ents, lexicon, sent_starts)
    ents = [_full_personal_name(doc, e, lexicon) for e in ents]
    ents = [_with_particle(doc, e) for e in ents]
    ents = _with_given_names(doc, ents, lexicon, sent_starts)
    ents = _join_org_of_place(doc, ents, lexicon)
    ents = _join_listed(doc, ents)
    ents = _propagate(doc, ents, lexicon)
    ents = _hyphen_joined(doc, ents, lexicon)
    places = {e.text for e in ents if _place_taken_for_people(e, lexicon)}
    ents = [Span(doc, e.start, e.end, label="GPE") if e.label_ == "NORP" and e.text in places else e for e in ents]
    ents = [_honoured(doc, e) for e in ents]
    ents = _people_called_by_surname(doc, ents, lexicon)
    if sports:
        ents = _teams(doc, text, ents, lexicon)
    doc.set_ents(sorted(ents, key=lambda e: e.start), default="outside")


def _split(doc: Doc, ent: Span) -> list[Span]:
    """An entity never runs across a line break or a bracket (a by-line name and the dateline city)."""
    pieces: list[Span] = []
    start = ent.start
    for tok in ent:
        breaks_before = tok.text in "()[]{}" or not tok.text.strip()
        if breaks_before:
            if tok.i > start:
                pieces.append(Span(doc, start, tok.i, label=ent.label_))
            start = tok.i + 1
        elif "\n" in tok.whitespace_:
            pieces.append(Span(doc, start, tok.i + 1, label=ent.label_))
            start = tok.i + 1
    if start < ent.end:
        pieces.append(Span(doc, start, ent.end, label=ent.label_))
    return pieces


def _unjoin(doc: Doc, text: str, ents: list[Span]) -> list[Span]:
    """Two names the model ran together, cut apart.

    ``Everton and Arsenal``, ``Hollyoaks to Channel 4``: where the part after ``and`` or ``to`` is
    named alone elsewhere in the article, or is the surname of a person it names (``Ultimate Fighting
    Championship and Jones``); after a comma or ``for``: where both parts are.

    ``Procter and Gamble``, ``Forum for the Future``, ``Bureau of Alcohol, Tobacco, Firearms and
    Explosives`` and ``Committee to Protect Journalists`` stay whole.
    """
    # The label of each name written alone: a part cut off takes it ("... and Jones'" is a person).
    alone = {e[-1].text: "PERSON" for e in ents if e.label_ == "PERSON" and len(e) > 1} | {
        e.text: e.label_ for e in ents
    }
    out: list[Span] = []
    for ent in ents:
        cut = None
        if ent.label_ in ("ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT"):
            for tok in ent[1:-1]:
                head = doc[ent.start : tok.i].text
                # "... and Jones' attorney": the name without its possessive mark.
                tail = _POSSESSIVE_END.sub("", doc[tok.i + 1 : ent.end].text)
                if (tok.text == "," or tok.lower_ in ("and", "for", "to")) and (
                    (head in alone and tail in alone)
                    or (tok.lower_ in ("and", "to") and tail in alone)
                    # "battle it out with Arsenal for the Premiership": what a named actor is after.
                    or (tok.lower_ == "for" and doc[tok.i + 1].lower_ == "the" and _written_alone(doc, text, ent, head))
                ):
                    cut = tok.i
                    break
        if cut is None:
            out.append(ent)
            continue
        right = cut + 1
        while right < ent.end and doc[right].lower_ in ("the", "a", "an"):
            right += 1
        out.append(Span(doc, ent.start, cut, label=alone.get(doc[ent.start : cut].text, ent.label_)))
        if right < ent.end:
            tail = _POSSESSIVE_END.sub("", doc[right : ent.end].text)
            out.append(Span(doc, right, ent.end, label=alone.get(tail, ent.label_)))
    return out


#: How the names of peoples end ("Venezuelan", "Iraqi", "Danish", "Yemeni", "New Yorker").
_DEMONYM_END = re.compile(r"(?:an|ese|ish|i|ic|ch|er|ite|ot|ard|ek|ene)s?$")
#: Prepositions of place after which a lone proper noun is a place ("in Martinique").
_PLACE_PREPS = frozenset({"in", "off", "near", "at", "across"})


def _place_taken_for_people(ent: Span, lexicon: Lexicon) -> bool:
    """``officials in Martinique`` tagged a people (NORP): a place, there and everywhere in the article.

    A one-word proper noun that is no demonym, after a preposition of place (``in``, ``off``), is a place.
    """
    if ent.label_ != "NORP" or len(ent) != 1 or ent[0].tag_ != "NNP" or _DEMONYM_END.search(ent[0].lower_):
        return False
    entry = lexicon.gazetteer.get(ent[0].lower_)
    if entry is not None and entry.kind == "demonym":
        return False
    tok = ent[0]
    return tok.dep_ == "pobj" and tok.head.lower_ in _PLACE_PREPS


def _hyphen_joined(doc: Doc, ents: list[Span], lexicon: Lexicon) -> list[Span]:
    """``Bergen-Belsen`` tagged a place and a person, or a place and nothing: one name, written as one word.

    A name joined to a place is a place (``Alsace-Lorraine``); to an organisation, an organisation. Two
    names of one kind joined are two actors (``US-China talks``, ``the Clinton-Trump debate``).
    """

    def joined(i: int) -> bool:  # token i is a hyphen written between two words
        return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_

    ordered = sorted(ents, key=lambda e: e.start)
    taken = {i for e in ordered for i in range(e.start, e.end)}

    def bare_name(i: int) -> bool:
        tok = doc[i]
        return tok.is_title and tok.is_alpha and i not in taken and lexicon.gazetteer.get(tok.lower_) is None

    out: list[Span] = []
    for ent in ordered:
        prev = out[-1] if out else None
        if prev is not None and ent.start == prev.end + 1 and joined(prev.end) and prev.label_ != ent.label_:
            labels = {prev.label_, ent.label_}
            label = "GPE" if labels & {"GPE", "LOC"} else "ORG" if "ORG" in labels else prev.label_
            out[-1] = Span(doc, prev.start, ent.end, label=label)
            continue
        start, end = ent.start, ent.end
        if ent.label_ in ("GPE", "LOC", "ORG", "FAC"):
            if end + 1 < len(doc) and joined(end) and bare_name(end + 1):
                end += 2
            if start >= 2 and joined(start - 1) and bare_name(start - 2):
                start -= 2
        out.append(ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label=ent.label_))
    return out


def _written_alone(doc: Doc, text: str, ent: Span, head: str) -> bool:
    """``head`` is written elsewhere in the article without the ``for ...`` that follows it here.

    Not after ``the``: ``the Society for the Protection of Birds`` is an institution's one name.
    """
    if ent[0].lower_ == "the" or (ent.start > 0 and doc[ent.start - 1].lower_ == "the"):
        return False
    for m in re.finditer(rf"(?<!\w){re.escape(head)}(?!\w)(?!\s+for\b)", text):
        if not ent.start_char <= m.start() < ent.end_char:
            return True
    return False


_POSSESSIVE_END = re.compile(r"\s*(?:'s|’s|'|’)$")
_BROKEN_ENDS = frozenset({"of", "the", "and", "&", "for", "in", "at", "on", "to", "with", "a", "an"})


def _plausible(ent: Span) -> bool:
    """A name has a capital letter ("heifers" tagged PERSON is not one) and a word of two letters."""
    if not any(len(t.text) > 1 and t.text[0].isalpha() for t in ent) or ent.text[:1].isdigit():
        return False
    if len(ent) > 1 and ent[-1].text in _BROKEN_ENDS:
        return False  # "City of", "Debate &": the model lost the rest of the name
    return ent.label_ in ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT") or any(
        t.text[:1].isupper() for t in ent
    )


def _body_end(doc: Doc, end: int) -> str:
    """The last word of a name ending at token ``end``, past a possessive mark."""
    while end > 0 and doc[end - 1].text in ("'s", "’s", "'", "’"):
        end -= 1
    return doc[end - 1].lower_ if end > 0 else ""


#: Titles written "<title> of <department>".
_OF_TITLES = frozenset({"secretary", "secretaries", "minister", "ministers"})


def _trim(doc: Doc, ent: Span, lexicon: Lexicon) -> Span | None:
    start, end = ent.start, ent.end
    if doc[start].lower_ in ("of", "for", "and", "&"):
        # The model lost the name's first words ("[Republic] of Ireland manager"): take them back, up to
        # the start of the sentence; with none, the name starts after the connective.
        first = start
        while first > 0 and doc[first - 1].is_title and doc[first - 1].is_alpha and not doc[first].is_sent_start:
            first -= 1
        start = first if first < start else start + 1
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if end - start == 1 and start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in _OF_TITLES:
        return None  # "Secretary of State Hillary Clinton": part of her title, no organisation
    # "arm - Diageo Chateau & Estate Wines": a common word the model took in before a name.
    while (
        end - start > 1
        and doc[start].is_lower
        and doc[start].is_alpha
        and doc[start].lower_ not in NAME_PARTICLES
        and any(t.is_title or t.is_upper for t in doc[start + 1 : end])
    ):
        start += 1
        while start < end and doc[start].text in ("-", ":", ",", "–", "—"):
            start += 1
    label = ent.label_
    if label in ("PERSON", "ORG"):
        # "Defender Hassan Abbas", "General Antoine Lahd", "Goalkeepers - Bogdan Stelea": the name only,
        # and a name after a title is a person's.
        while (
            end - start > 2
            and (doc[start].lower_ in TITLE_WORDS or doc[start].lower_.rstrip("s") in TITLE_WORDS)
            and _body_end(doc, end) not in BODY_HEADS  # "the State Department's": a body, not a titled person
        ):
            start += 1
            label = "PERSON"
            while start < end and doc[start].text in ("-", ":", ","):
                start += 1
        # "Sprinter Michelle Collins", "Detective Annette Markowski": a word before a first name that is
        # no first name itself describes the person (it becomes the role); a word for a person, not
        # "Kim" of Kim Jong Un (a surname first, which our US list does not know as a given name).
        if (
            label == "PERSON"
            and end - start >= 3
            and lexicon.gender_of_first_name(doc[start + 1].text) is not None
            and lexicon.gender_of_first_name(doc[start].text) is None
            and doc[start].is_alpha
            and (person_word(doc[start].lower_) or doc[start].lower_ in TITLE_WORDS)
        ):
            start += 1
    while end > start and doc[end - 1].text in ("'s", "’s", "'", "’", "-", ",", "."):
        if doc[end - 1].text == "." and len(doc[end - 2].text) <= 2:
            break  # "U.S." keeps its dot
        end -= 1
    if start >= end:
        return None
    return ent if (start, end, label) == (ent.start, ent.end, ent.label_) else Span(doc, start, end, label=label)


#: Endings of nouns for people ("investor", "novelist", "chairman"); whole words are in PERSON_WORDS.
PERSON_SUFFIX = re.compile(r"(?:er|or|ist|ian|man|woman)$")
#: Nouns for people, matched as whole words: "son" must not find "reason", nor "king" "making".
PERSON_WORDS = frozenset(
    """mom mum dad father mother son daughter wife husband friend student delegate member partner volunteer
    victim survivor resident citizen official employee graduate veteran expert diplomat widow widower fiance
    fiancee girlfriend boyfriend spouse sibling cousin uncle aunt nephew niece grandson granddaughter
    grandfather grandmother stepson stepdaughter stepfather stepmother godson goddaughter pilot nurse cop
    priest monk nun pastor mogul magnate heir heiress king emperor dictator monarch legend icon hero heroine
    celebrity personality anchor pundit critic fan suspect witness hostage detainee refugee migrant native
    pupil teen teenager chef ceo cfo mp mep mla principal dean chancellor provost commander chief head boss
    star candidate nominee contestant participant applicant claimant defendant plaintiff tenant servant
    consultant assistant attendant lieutenant sergeant merchant informant entrant correspondent opponent
    agent client parent mate housemate teammate classmate flatmate roommate shipmate playmate dj accomplice
    brother sister superhero superstar megastar villain recruit freshman sophomore""".split()
)


#: Instruments and craft: the last word of their names ("Large Hadron Collider"), and no person.
MACHINE_NOUNS = frozenset("telescope collider accelerator reactor satellite spacecraft rover probe observatory".split())
#: Nouns in -er and -or that are things, not people.
THING_NOUNS = MACHINE_NOUNS | frozenset(
    """number paper order letter matter water power border center centre computer chapter quarter sector
    factor error door floor motor monitor mirror meter corner tower river winter summer dinner cancer
    finger answer character filter folder record register poster sticker trailer container charger
    layer tier barrier counter cover shelter theater theatre remainder reminder meter liter litre
    corridor indicator vendor operator generator processor detector sensor machine device vehicle
    rocket""".split()
)


def person_word(word: str) -> bool:
    """Whether a lower-case noun describes a person (``investor``, ``teammate``), not a thing (``collider``)."""
    return word in PERSON_WORDS or (bool(PERSON_SUFFIX.search(word)) and word not in THING_NOUNS)


#: Heads of descriptions of an organisation ("The company, GlaxoSmithKline, ...").
ORG_NOUNS = frozenset(
    """company firm group bank airline carrier retailer maker manufacturer giant network channel
    station newspaper paper club team side party union agency organisation organization charity foundation
    institute university college school hospital council committee board ministry department government
    authority regulator court army band label studio exchange fund startup start-up""".split()
)

#: Last words of the names of public bodies: "Florida Forest Service" is no person nor place.
BODY_HEADS = ORG_NOUNS | frozenset(
    """service commission association bureau administration corporation society federation rescue trust corps
    league""".split()
)
#: Last words of firms named after people: "John Lewis Partnership".
_FIRM_WORDS = frozenset("partnership partners associates brothers inc corp ltd llc plc co sons".split())


def _full_personal_name(doc: Doc, ent: Span, lexicon: Lexicon) -> Span:
    """``Keith Lamont Scott`` tagged an organisation: two given names (or an initial) and a surname.

    Firms named after people are written with one given name (``John Lewis``, ``Charles Schwab``) or
    with a word for a firm (``John Lewis Partnership``).
    """
    words = [t.text for t in ent]
    if (
        ent.label_ == "ORG"
        and len(words) == 3
        and all(w[:1].isupper() for w in words)
        and all(lexicon.gender_of_first_name(w) is not None or re.fullmatch(r"[A-Z]\.", w) for w in words[:2])
        and words[2].isalpha()
        and words[2].lower() not in ORG_NOUNS
        and words[2].lower() not in _FIRM_WORDS
        and lexicon.gazetteer.get(ent.text.lower()) is None
    ):
        return Span(doc, ent.start, ent.end, label="PERSON")
    return ent


_PARTICLE_JOINED = re.compile(r"^(?:d|l|dell|al|el)['’-]?[A-Z][a-z]")


def _with_particle(doc: Doc, ent: Span) -> Span:
    """``Valery Giscard [d'Estaing]``, ``Maria [van Rijn]``: a surname's lower-case particle and the rest.

    Where the model stopped before them.
    """
    if ent.label_ != "PERSON" or ent.end >= len(doc) or not ent[-1].whitespace_:
        return ent
    nxt = doc[ent.end]
    if _PARTICLE_JOINED.match(nxt.text) and not nxt.ent_type_:
        return Span(doc, ent.start, ent.end + 1, label="PERSON")
    if (
        nxt.lower_ == nxt.text
        and nxt.lower_ in NAME_PARTICLES
        and ent.end + 1 < len(doc)
        and doc[ent.end + 1].is_title
        and doc[ent.end + 1].ent_type_ in ("", "PERSON")
        and not doc[ent.end + 1].is_sent_start
    ):
        return Span(doc, ent.start, ent.end + 2, label="PERSON")
    return ent


#: Particles of surnames, capitalised when they open a sentence.
NAME_PARTICLES = frozenset("van von de der den da di du del della le la al el bin ben ibn ter ten st mac".split())


def _opens_sentence(doc: Doc, i: int, sent_starts: set[int]) -> bool:
    # After a dateline's dash ("MACAU (Reuters) – Top ...") a word is capitalised as a sentence's first.
    return i in sent_starts or (i > 0 and doc[i - 1].text in ("–", "—", "-") and bool(doc[i - 1].whitespace_))


def _without_opening_word(doc: Doc, ents: list[Span], lexicon: Lexicon, sent_starts: set[int]) -> list[Span]:
    """A sentence's capitalised first word that the model took into the name after it, dropped.

    ``Matchwinner Keane was ...``, ``Telco BT stepped in``, ``Top Republican Party donor``: only where the
    rest is a name the article uses on its own (an entity, or a person's surname), the whole is never
    written inside a sentence, and the first word is no first name, place or title the gazetteer knows
    (``Manchester United``, ``Hillary Clinton`` stay whole).
    """
    texts = {e.text for e in ents}
    # Surname -> the given names written with it: "Keane" -> {"Robbie"}.
    given: dict[str, set[str]] = {}
    for e in ents:
        if e.label_ == "PERSON" and len(e) > 1:
            given.setdefault(e[-1].text, set()).add(e[0].text)
    inside = {e.text for e in ents if not _opens_sentence(doc, e.start, sent_starts)}
    out = []
    for e in ents:
        first = e[0] if len(e) >= 2 else None
        rest = doc[e.start + 1 : e.end].text
        if (
            first is not None
            and e.label_ in ("PERSON", "ORG")
            and _opens_sentence(doc, e.start, sent_starts)
            and e.text not in inside
            and first.is_title
            and first.is_alpha
            and lexicon.gender_of_first_name(first.text) is None
            and first.text not in lexicon.nicknames
            and first.lower_ not in lexicon.gazetteer
            and first.lower_ not in TITLE_WORDS
            and first.lower_ not in NAME_PARTICLES  # "Van Boxmeer" is "Jean-Francois van Boxmeer"
            # A person's surname after a noun for a person ("Matchwinner Keane") that is written with
            # another given name elsewhere ("Robbie Keane"); or another entity ("Telco BT"); or a name
            # the article writes alone after a sentence's imperative verb (a site's "Add Donald Trump as
            # an interest"). Never the entity itself ("Jeb Bush" beside "George W. Bush", "Jody Farley-Berens").
            and (
                (first.tag_ == "VB" and rest in texts)
                or (person_word(first.lower_) and bool(given.get(rest, set()) - {first.text}))
                if e.label_ == "PERSON"
                else rest in texts
            )
        ):
            e = Span(doc, e.start + 1, e.end, label=e.label_)
        out.append(e)
    return out


def _with_given_names(doc: Doc, ents: list[Span], lexicon: Lexicon, sent_starts: set[int]) -> list[Span]:
    """A person's name the model began at the middle name ("Amanda [Lene Jones]") takes the given name.

    Only a first name right before a name of two words or more, in title case and not opening the
    sentence (where a first name that is also a word, "Will", would be taken).
    """
    taken = {i for e in ents for i in range(e.start, e.end)}
    out = []
    for e in ents:
        start = e.start
        while (
            e.label_ == "PERSON"
            and start > 0
            and start not in sent_starts
            # "In Hillary Clinton's 2000 race": a word that opens the sentence is a name only as a proper noun.
            and (start - 1 not in sent_starts or doc[start - 1].pos_ == "PROPN")
            and start - 1 not in taken
            and doc[start - 1].is_title
            and doc[start - 1].is_alpha
            and (lexicon.gender_of_first_name(doc[start - 1].text) is not None or _after_title(doc, start - 1))
            and e.end - start >= 2
        ):
            start -= 1
        out.append(e if start == e.start else Span(doc, start, e.end, label="PERSON"))
    return out


#: Abbreviated titles and ranks, written only before a name: the word after one begins the name.
_TITLES_BEFORE_NAMES = frozenset(ABBREVIATED_TITLES) | frozenset(
    "mr. mrs. ms. dr. prof. rev. maj. cmdr. adm. sgt. cpl. pvt. insp.".split()
)


def _after_title(doc: Doc, i: int) -> bool:
    """``Maj. [Ranveer] Singh Jamval``: a given name the model and the name list do not know, after a title."""
    if i > 0 and doc[i - 1].is_title and doc[i - 1].lower_ in _TITLES_BEFORE_NAMES:
        return True
    return (
        i > 1
        and doc[i - 1].text == "."
        and not doc[i - 2].whitespace_
        and doc[i - 2].is_title
        and f"{doc[i - 2].lower_}." in _TITLES_BEFORE_NAMES
    )


def _join_org_of_place(doc: Doc, ents: list[Span], lexicon: Lexicon) -> list[Span]:
    """``Organization for Security and Cooperation`` + ``in`` + ``Europe`` -> one ORG.

    Only a region (a place the gazetteer does not file as a city or country) completes a name: a
    meeting "at the Bank of England in London" stays two entities.
    """
    ents = sorted(ents, key=lambda e: e.start)
    out: list[Span] = []
    k = 0
    while k < len(ents):
        e = ents[k]
        # "Islamic State of Iraq" + "and" + "Syria": the places of a name's "of" phrase, coordinated.
        coordinated = len(e) >= 3 and e.end < len(doc) and doc[e.end - 2].lower_ == "of" and doc[e.end].lower_ == "and"
        if (
            e.label_ == "ORG"
            and k + 1 < len(ents)
            and ents[k + 1].label_ in ("GPE", "LOC")
            and ents[k + 1].start == e.end + 1
            and len(e) >= 2
            and (
                (doc[e.end].lower_ in _ORG_JOIN and ents[k + 1].text.lower() not in lexicon.gazetteer)
                or (coordinated and doc[e.end - 1].ent_type_ in ("GPE", "LOC", "ORG"))
            )
        ):
            out.append(Span(doc, e.start, ents[k + 1].end, label="ORG"))
            k += 2
            continue
        out.append(e)
        k += 1
    return out


def _join_listed(doc: Doc, ents: list[Span]) -> list[Span]:
    """``Department for Culture`` + ``, Media and Sport`` -> one ORG.

    A name of the form ``X of/for Y`` continued by a list of single capitalised words that ends with
    ``and`` and one more, or two (``Bureau of Alcohol, Tobacco, Firearms and Explosives``, ``Centre for
    Vision, Speech and Signal Processing``): the list is the rest of the name, whatever the model made
    of its words.
    """
    out = list(ents)
    for e in ents:
        if e.label_ not in ("ORG", "FAC", "GPE") or not any(t.lower_ in ("of", "for") for t in e[1:-1]):
            continue
        i = e.end
        while i + 1 < len(doc) and doc[i].text == "," and doc[i + 1].is_title and doc[i + 1].is_alpha:
            i += 2
        if not (i + 1 < len(doc) and doc[i].lower_ in ("and", "&") and doc[i + 1].is_title and doc[i + 1].is_alpha):
            continue
        end = i + 2
        nxt = doc[end] if end < len(doc) else None
        if (
            nxt is not None
            and nxt.is_title
            and nxt.is_alpha
            and not nxt.is_sent_start
            and nxt.lower_ not in TITLE_WORDS  # "... Media and Sport Secretary Tessa Jowell"
            and nxt.ent_type_ not in ("DATE", "TIME", "PERSON")
        ):
            end += 1
        if end - e.end < 4:
            continue  # a comma and "and": "X of Y, Z and W"; "X of Y and Z" alone is two names as often
        out = [o for o in out if o.end <= e.start or o.start >= end]
        out.append(Span(doc, e.start, end, label="ORG"))
    return sorted(out, key=lambda x: x.start)


#: How a person is addressed before the surname ("Mr Panke"); "Dr" may be a brand's ("Dr Pepper").
_ADDRESSES = frozenset({"mr", "mrs", "ms", "miss"})
_HONOURED = _ADDRESSES | frozenset({"dr", "sir", "dame", "lord", "lady", "prof"})


def _honoured(doc: Doc, ent: Span) -> Span:
    """``Mr Toshitsune`` tagged an organisation: a name after Mr, Mrs, Ms or Miss is a person's."""
    if (
        ent.label_ in ("ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT")
        and len(ent) <= 3
        and ent.start > 0
        and doc[ent.start - 1].lower_.rstrip(".") in _ADDRESSES
    ):
        return Span(doc, ent.start, ent.end, label="PERSON")
    return ent


def _people_called_by_surname(doc: Doc, ents: list[Span], lexicon: Lexicon) -> list[Span]:
    """``Helmut Panke`` tagged an organisation, then ``Mr Panke`` a person: one person.

    A given name and the surname of someone the article calls by that surname alone name that person. A
    firm named after a person (``John Lewis``) is not referred to as ``Lewis`` the person.
    """
    alone = Counter(e.text for e in ents if e.label_ == "PERSON" and len(e) == 1 and _capitalised(e[0]))
    # Called a person twice, or once with an honorific ("Mr Panke"): the given name may be one our US list
    # does not know.
    honoured = {e.text for e in ents if e.start > 0 and doc[e.start - 1].lower_.rstrip(".") in _HONOURED}
    surnames = {name for name, n in alone.items() if n >= 2 or name in honoured}
    if not surnames:
        return ents
    out: list[Span] = []
    for e in ents:
        if (
            e.label_ == "ORG"
            and len(e) == 2
            and e[1].text in surnames
            and e[0].pos_ == "PROPN"
            and _capitalised(e[0])
            and e[0].lower_ not in ORG_NOUNS
            and lexicon.gazetteer.get(e[0].lower_) is None
            and lexicon.gazetteer.get(e.text.lower()) is None
        ):
            e = Span(doc, e.start, e.end, label="PERSON")
        out.append(e)
    return out


def _propagate(doc: Doc, ents: list[Span], lexicon: Lexicon) -> list[Span]:
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for e in ents:
        if e.label_ in _NAMED and all(_capitalised(t) or t.lower_ in _CONNECTORS for t in e):
            votes.setdefault(tuple(t.text.lower() for t in e), Counter())[e.label_] += 1
    # A full name decides the label of its short form, whatever the model says of the short form:
    # "Major" after "John Major", "Newmont" after "Newmont Mining Corp".
    short: dict[tuple[str, ...], str] = {}
    for e in ents:
        if e.label_ == "PERSON" and len(e) >= 2 and _capitalised(e[-1]):
            short[(e[-1].text.lower(),)] = "PERSON"
        if e.label_ == "ORG" and len(e) >= 2 and e[-1].lower_.rstrip(".") in _CORPORATE and _capitalised(e[0]):
            short[(e[0].text.lower(),)] = "ORG"
    for key, label in short.items():
        entry = lexicon.gazetteer.get(key[0])
        if entry is None or entry.kind not in ("country", "demonym"):
            votes[key] = Counter({label: 1_000})
    if not votes:
        return ents
    relabelled: list[Span] = []
    for e in ents:
        key = tuple(t.text.lower() for t in e)
        if key in votes and e.label_ in _NAMED:
            best, n = votes[key].most_common(1)[0]
            if best != e.label_ and n > votes[key][e.label_]:
                e = Span(doc, e.start, e.end, label=best)
        relabelled.append(e)
    ents = relabelled
    longest = max(len(k) for k in votes)
    taken = [False] * len(doc)
    for e in ents:
        for i in range(e.start, e.end):
            taken[i] = True
    added: list[Span] = []
    i = 0
    while i < len(doc):
        if taken[i] or not _capitalised(doc[i]):
            i += 1
            continue
        match = 0
        for n in range(min(longest, len(doc) - i), 0, -1):
            key = tuple(t.text.lower() for t in doc[i : i + n])
            if key in votes and not any(taken[i : i + n]) and _capitalised(doc[i + n - 1]):
                match = n
                break
        if match:
            key = tuple(t.text.lower() for t in doc[i : i + match])
            added.append(Span(doc, i, i + match, label=votes[key].most_common(1)[0][0]))
            i += match
            continue
        i += 1
    return ents + added


_SPORTS = re.compile(
    r"^\W*(?:SOCCER|FOOTBALL|CRICKET|TENNIS|GOLF|RUGBY(?: UNION| LEAGUE)?|BASKETBALL|BASEBALL|(?:ICE )?HOCKEY|"
    r"NHL|NBA|NFL|NCAA|SKIING|CYCLING|ATHLETICS|BOXING|MOTOR ?RACING|HORSE RACING|SWIMMING|VOLLEYBALL|"
    r"HANDBALL|BADMINTON|SQUASH|SNOOKER|FORMULA ONE|AMERICAN FOOTBALL)\b",
    re.IGNORECASE,
)


_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'-]+(?:,\s*[A-Za-z .'-]+)?\s+\d{4}-\d\d-\d\d\s*$")


def _is_sports(text: str) -> bool:
    """A sports report: its headline starts with the sport (the wire-service convention)."""
    return bool(_SPORTS.match(text[:80]))


def _teams(doc: Doc, text: str, ents: list[Span], lexicon: Lexicon) -> list[Span]:
    """In a sports report a city names a club (``Barcelona``, ``ST LOUIS``): an organisation.

    Countries stay places, as national teams are written with the country's name.
    """
    out: list[Span] = []
    for e in ents:
        line_start = text.rfind("\n", 0, e.start_char) + 1
        line_end = text.find("\n", e.end_char)
        if _DATELINE.match(text[line_start : line_end if line_end >= 0 else len(text)]):
            out.append(e)  # "MADRID 1996-12-06": where the report was filed
            continue
        entry = lexicon.gazetteer.get(e.text.lower())
        national = entry is not None and entry.kind in ("country", "demonym")
        city_as_person = e.label_ == "PERSON" and entry is not None and entry.kind == "place"
        if not national and (e.label_ in ("GPE", "LOC") or city_as_person):
            e = Span(doc, e.start, e.end, label="ORG")
        out.append(e)
    return out
