"""The role an article gives a person: read from the parse around each mention, then the best one kept.

Where a role is stated, for each mention of a person:

1. a title before the name, in its noun phrase (``Russian Foreign Minister Sergei Lavrov``,
   ``Labour MP Peter Hain``); a title shared by names joined with ``and`` goes to each of them
   (``Chelsea players Frank Lampard and John Terry``);
2. an apposition after the name (``Antony Blinken, America's top diplomat,``), also after an age
   (``Scott, 43, a father of seven``);
3. a head the name is in apposition to (``Ukraine's President, Volodymyr Zelensky``);
4. a copula: ``Lavrov, who is the ...`` or ``Montgomery was a newly single mom``;
5. a description that refers back to the person (``the Tory leader said``), found by the coreference.

What is never a role: an honorific alone (Mr, Mrs, Sir, Lord, Dr ...), which is also cut from the
front of a role; an age alone (``26-year-old``, ``now 39``); a pronoun (``himself``); a fragment of
the name (``Jon "Bones"``); a common noun for anyone (``man``, ``people``). A role is cut at the
first preposition other than ``of`` and at clause edges, and at most eight words are kept. Of several
roles the most specific one is shown: the one with the most words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from summarizer.entities import ABBREVIATED_TITLES, ORG_NOUNS, TITLE_WORDS, person_word

#: Forms of address: never a role, and cut from the front of one ("Mr", "Sir", "Lord", "Dr").
HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. miss sir dame dr dr. lord lady prof prof. rev rev. mx mx. mister madam sheikh".split()
)
_ROLE_STOP_PREPS = frozenset({"in", "at", "for", "on", "during", "with", "from", "to", "after", "before", "since"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their", "its"})
_MAX_ROLE_WORDS = 8
#: Adverbs a role may start with ("Phil Redmond, now chairman of Mersey TV").
_ROLE_ADVERBS = frozenset({"now", "formerly", "currently", "also", "then", "once", "still", "later"})
_NOT_ROLES = frozenset({"people", "man", "woman", "men", "women", "person", "one", "himself", "herself", "who"})
#: Nouns for anyone: "a black man" describes, it states no role.
_ANYONE = frozenset(
    "man woman men women person people guy girl boy kid individual lady gentleman human one child".split()
)
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (?:Jan|Feb|Mar|Apr|"
    r"May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
)
_AGE = re.compile(r"^(?:(?:now|aged|age)\s+)?\d+(?:-year-old)?$|^\d+-year-old$|^(?:now|aged)\s+\d+$", re.IGNORECASE)
_TITLE_TITLES = TITLE_WORDS - HONORIFICS
#: Head nouns of descriptions that refer back to a named person ("the Tottenham striker said").
ROLE_NOUNS = frozenset(
    """boss star striker defender midfielder winger goalkeeper keeper skipper captain player coach manager
    holder writer author winner champion actor actress singer veteran candidate nominee campaigner
    activist lawyer attorney doctor surgeon businessman businesswoman tycoon founder owner executive chief
    head leader secretary minister chancellor spokesman spokeswoman mp mep senator congressman congresswoman
    billionaire entrepreneur economist director producer presenter host comedian rapper musician artist
    designer chef athlete sprinter runner swimmer cyclist driver rider jockey trainer boxer fighter golfer
    international forward batsman bowler president premier governor mayor chairman chairwoman
    commissioner ambassador envoy judge prosecutor detective officer star veteran teenager counterpart
    colleague partner deputy aide adviser advisor assistant successor predecessor rival ally opponent
    challenger spokesperson representative donor mate strategist pollster professor scientist
    researcher""".split()
)
_ROLE_WORDS = _TITLE_TITLES | ROLE_NOUNS


Owner = Callable[[Token], str]


_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday yesterday today".split())
_DETERMINERS = frozenset("the a an his her their its this that these those our my your".split())


def clean_role(role: str | None) -> str | None:
    """A role as shown: no leading article or honorific, no age alone, something a reader reads as a role."""
    if not role:
        return None
    role = role.strip(" ,;:-–—")
    words = role.split()
    # "On Monday school inspection chief David Bell": the day is the sentence's, not the role's.
    while words and (words[0].lower() in ("the", "a", "an", *_DAYS) or words[0].lower() in HONORIFICS):
        words.pop(0)
    while len(words) > 1 and words[-1].lower() in HONORIFICS:
        words.pop()  # "dermatologic surgeon Dr. Dendy Engelman": the honorific belongs to the name
    if len(words) > 1 and words[0].endswith("ing") and words[0].islower() and words[1].lower() in _DETERMINERS:
        return None  # "bringing the bribery investigation": a verb and its object, no role
    role = " ".join(words)
    if not role or len(words) > _MAX_ROLE_WORDS or not any(c.isalpha() for c in role):
        return None
    if _AGE.match(role) or role.lower() in _NOT_ROLES or any(c in role for c in '"“”'):
        return None
    if words[0].lower() in ("whose", "who", "which", "that", "where", "when", "himself", "herself"):
        return None
    if len(role.replace(".", "")) < 3 and not _is_title_word(role):
        return None  # "co" of a "co-author" cut apart: no role a reader understands
    if role.startswith("@"):
        return None  # a social media handle
    if words[0].lower() in ("my", "our", "your"):
        return None  # "our client, Daniel Ramos": the speaker's relation, not the person's role
    if role_head(role) in _ANYONE:
        return None  # "a black man" describes; it states no role
    if _DATE.search(role):
        return None  # "July 23" after a name is a dateline, not a role
    if not any(w[:1].islower() or _is_title_word(w) for w in words):
        return None  # "Tiffany", "Warrior Poet": a name or a title of a work, no role
    # "Sen." reads as "Senator", "Virginia Sen." as "Virginia Senator", "then-Sen." as "then-Senator".
    return " ".join(expand_title(w) for w in words)


def _is_title_word(word: str) -> bool:
    w = word.lower().rsplit("-", 1)[-1]
    return w in ABBREVIATED_TITLES or w.rstrip(".") in _ROLE_WORDS or w.rstrip("s") in _ROLE_WORDS


def expand_title(word: str) -> str:
    """A title's abbreviation spelled out (``Sen.`` -> ``Senator``, ``then-Gov.`` -> ``then-Governor``)."""
    head, _, tail = word.rpartition("-")
    full = ABBREVIATED_TITLES.get(tail.lower())
    return word if full is None else f"{head}-{full.capitalize()}" if head else full.capitalize()


#: A role said of a named person's relation: "Adelson's ...".
_WHOSE = re.compile(r"^(?:[A-Z][\w.-]*\s+)*[A-Z][\w.-]*['’]s?\s")
#: Family: the relation that explains why a person is in a story about another.
KIN_NOUNS = frozenset(
    """wife husband widow widower son daughter brother sister mother father mom dad mum stepson stepdaughter
    stepfather stepmother grandson granddaughter grandfather grandmother cousin uncle aunt nephew niece
    fiance fiancee girlfriend boyfriend partner spouse""".split()
)


def best_role(roles: list[str]) -> str | None:
    """The most specific of the roles found.

    Kin of someone the article names (``Adelson's Israeli-born wife``: why they are in the story)
    before a position (``Tory leader``, ``former Florida Governor``), a position before another
    description (``son of immigrants``), a title of several words before a bare one (``Gov.``), then
    the longest, then the first.
    """

    def specific(role: str) -> tuple[bool, bool, int]:
        words = role.split()
        head = re.split(r"\s+of\s+", role)[0].split()[-1].lower().strip(".")
        kin = bool(_WHOSE.match(role)) and head in KIN_NOUNS
        return (kin, len(words) > 1 and (head in _ROLE_WORDS or head.rstrip("s") in _ROLE_WORDS), len(words))

    best: str | None = None
    for role in roles:
        if best is None or specific(role) > specific(best):
            best = role
    return best


def _trim(tokens: list[Token], owner: Owner | None) -> str | None:
    words: list[str] = []
    for k, tok in enumerate(tokens):
        # "mother-in-law" keeps its "in"
        hyphenated = tok.i > 0 and tok.doc[tok.i - 1].text == "-" and not tok.doc[tok.i - 1].whitespace_
        if tok.lower_ in _ROLE_STOP_PREPS and tok.ent_iob_ == "I":
            words.append(tok.text_with_ws)  # "director of Priests for Life": inside a name, no preposition
            continue
        if tok.lower_ in _ROLE_STOP_PREPS and not hyphenated and words:
            # "a star on Eastern High School's basketball team", "ambassador to the UN": the body served.
            body = _body_served(tok)
            served = [t.text_with_ws for t in tokens[k:] if body is not None and t.i <= body.i]
            if served and body is not None and body.i <= tokens[-1].i:
                # Too long with it: the position alone ("associate professor of surgery").
                return clean_role("".join(words + served)) or clean_role("".join(words))
            break
        if (
            (tok.lower_ in _ROLE_STOP_PREPS and not hyphenated)
            or tok.dep_ in ("relcl", "acl", "advcl")
            or tok.text in (",", ";", "(", "—", "–")
        ):
            break
        if tok.lower_ in ("who", "which", "that", "when", "where") and words:
            break
        if owner is not None and tok.lower_ in _POSSESSIVE_PRONOUNS:
            words.append(owner(tok) + tok.whitespace_)
        elif (
            not words
            and tok.is_sent_start
            and tok.is_title
            and not tok.ent_type_
            and tok.lower_ not in TITLE_WORDS
            and (tok.pos_ in ("NOUN", "ADJ") or tok.lower_ in ROLE_NOUNS)
        ):
            words.append(tok.lower_ + tok.whitespace_)  # "Sprinter Michelle Collins ...": capital for the sentence
        else:
            words.append(tok.text_with_ws)
    return clean_role("".join(words))


def _body_served(prep: Token) -> Token | None:
    """The organisation after ``at``, ``for``, ``on``, ``with``, ``to`` that a role is held in, if any."""
    if prep.lower_ not in ("at", "for", "on", "with", "to"):
        return None
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        if obj.ent_type_ == "ORG" or (obj.ent_type_ == "GPE" and prep.lower_ == "to"):
            # To the end of the name: "the University" of "the University of Georgia".
            end = obj
            while end.i + 1 < len(obj.doc) and obj.doc[end.i + 1].ent_iob_ == "I":
                end = obj.doc[end.i + 1]
            return end
        if obj.pos_ == "NOUN" and obj.lemma_.lower() in ORG_NOUNS:
            return obj
    return None


def _has_role_word(tokens: list[Token]) -> bool:
    """A premodifier is a role when it names a position: a title word, or a common noun (``star``)."""
    return any(
        t.lower_.rstrip(".") in _ROLE_WORDS
        or t.lower_.rstrip("s") in _ROLE_WORDS
        or (t.pos_ == "NOUN" and not t.ent_type_ and t.lower_ not in _NOT_ROLES and _names_a_person(t))
        for t in tokens
    )


def _premodifier(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    root = ent.root
    left = [t for t in root.subtree if t.i < ent.start]
    tokens = list(doc[min(t.i for t in left) : ent.start]) if left else _adjacent_title(doc, ent)
    if not tokens or tokens[-1].text == ",":
        return None  # "Ukraine's President, Volodymyr Zelensky": an apposition, rule 3
    while tokens and tokens[0].ent_iob_ == "I" and tokens[0].i > 0:
        # Never from the middle of a name: "Forum for the Future director", not "Future director".
        tokens.insert(0, doc[tokens[0].i - 1])
    # "relocating King and DJ partner Joel Ross": a conjunction ends the title (and the person before it).
    cut = [k for k, t in enumerate(tokens) if t.dep_ == "cc"]
    if cut:
        tokens = tokens[cut[-1] + 1 :]
    while tokens and tokens[0].dep_ == "det":
        tokens.pop(0)
    if any(t.text in '"“”()' for t in tokens):
        return None  # a nickname (Jon "Bones" Jones), not a title
    if not tokens or not _has_role_word(tokens):
        return None
    return _trim(tokens, owner)


def _adjacent_title(doc: Doc, ent: Span) -> list[Token]:
    """The nouns written right before a name, which the parser hung elsewhere.

    ``chief operating officer James Dimon`` (``officer`` made a conjunct of the name before it),
    ``taunting contestant John McCririck``: in news a bare common noun right before a name is its title.
    """
    end = ent.start
    if end == 0 or not _names_a_person(doc[end - 1]) or doc[end - 1].pos_ not in ("NOUN", "PROPN"):
        return []
    start = end - 1
    while start > 0 and end - start < 6:
        tok = doc[start - 1]
        if tok.is_punct or tok.is_space or tok.pos_ not in ("NOUN", "ADJ", "PROPN") or tok.ent_type_ == "PERSON":
            break
        start -= 1
    return list(doc[start:end])


def _after_name(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    root = ent.root
    # An apposition is set off by punctuation: "Antony Blinken, America's top diplomat,".
    set_off = ent.end < len(doc) and doc[ent.end].text in (",", "—", "–", "-", "--", "(")
    for child in root.children:
        if set_off and child.dep_ == "appos" and child.i > root.i and doc[child.i].ent_type_ != "PERSON":
            lead = doc[child.left_edge.i]
            if (child.pos_ not in ("NOUN", "PROPN") and child.lower_ != "one") or (
                lead.pos_ in ("ADV", "VERB", "AUX") and lead.lower_ not in _ROLE_ADVERBS
            ):
                continue  # "Trump, when asked, often steam-rolls through ...": a misparse, not a role
            if doc[ent.end].text in ("-", "--", "—", "–") and not _names_a_person(child):
                continue  # "A. Alfred Taubman -- his first name was Adolph --": an aside, not a role
            end = child.right_edge.i
            while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
                end += 1  # "founder of Correct the Record": to the end of the name the parse cut
            role = _trim(list(doc[child.left_edge.i : end + 1]), owner)
            if role:
                return role
    # "Shane Meadows and Kevin McDonald, both former winners of ...": one apposition for every name.
    shared = _both(doc, ent, owner)
    if shared:
        return shared
    # "Scott, 43, a father of seven": the parser hangs the description on the age.
    i = ent.end
    if i + 3 < len(doc) and doc[i].text == "," and doc[i + 1].like_num and doc[i + 2].text == ",":
        nxt = doc[i + 3]
        if nxt.lower_ in ("a", "an", "the") or nxt.pos_ in ("NOUN", "ADJ"):
            end = i + 3
            while end < len(doc) and end < i + 3 + _MAX_ROLE_WORDS + 2 and doc[end].text not in (",", ".", ";"):
                end += 1
            tokens = [t for t in doc[i + 3 : end] if t.pos_ != "PUNCT" or t.text == "-"]
            if any(t.pos_ == "NOUN" for t in tokens):
                return _trim(tokens, owner)
    return None


def _both(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    """The apposition ``both ...`` (``all ...``) of names joined by ``and``, for each of them."""
    first = ent.root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if first.ent_type_ != "PERSON" or not any(c.dep_ == "conj" for c in first.children):
        return None
    for child in first.children:
        if child.dep_ != "appos" or child.i < ent.end:
            continue
        words = list(doc[child.left_edge.i : child.right_edge.i + 1])
        if words and words[0].lower_ in ("both", "all", "each"):
            return _trim(words[1:], owner)
    return None


def _possessed_before(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    """``his running mate, Gov. Mike Pence``: a possessed description set off before the name.

    Read from the words, for where the parser hung the name elsewhere.
    """
    k = ent.start - 1
    while k > 0 and doc[k].lower_.rstrip(".") in _TITLE_TITLES:
        k -= 1  # "Gov." between the comma and the name
    if k < 2 or doc[k].text != ",":
        return None
    head = doc[k - 1]
    if head.pos_ != "NOUN" or head.tag_ != "NN" or not _names_a_person(head):
        return None
    start = k - 1
    while start > 0 and k - start < 6 and doc[start - 1].pos_ in ("ADJ", "NOUN", "PART", "PROPN", "PRON"):
        start -= 1
        if doc[start].tag_ == "PRP$":
            break
    lead = doc[start]
    possessed = lead.tag_ == "PRP$" or any(t.tag_ == "POS" for t in doc[start : k - 1])
    if not possessed or (lead.ent_type_ == "PERSON" and lead.i + 1 < k and doc[lead.i + 1].tag_ != "POS"):
        return None
    return _trim(list(doc[start:k]), owner)


def _head_of_apposition(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    return _parsed_head_of_apposition(doc, ent, owner) or _possessed_before(doc, ent, owner)


def _parsed_head_of_apposition(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    root = ent.root
    head = root.head
    if root.dep_ == "appos" and head.i < ent.start and head.pos_ in ("NOUN", "PROPN") and not head.ent_type_:
        between = {t.text for t in doc[head.i + 1 : ent.start]}
        # "the late Chairman Mao Zedong", "her client's older brother, Tamerlan": a title, or a comma;
        # not "Editor's note: Donald Trump" nor a misparse ("the risks Rogers ... face").
        if ":" in between or not ("," in between or _is_role_word(head)) or _clause_follows(doc, ent):
            return None
        if not _names_a_person(head) or head.tag_ in ("NNS", "NNPS"):
            return None  # "placed in secure storage, Patrick F. Kennedy": no head of his
        start = head.left_edge.i
        for t in doc[start : head.i]:
            if t.dep_ == "cc" or (
                t.ent_type_ == "PERSON" and t.i + 1 < head.i and doc[t.i + 1].lower_ in ("and", "or")
            ):
                start = t.i + 1  # "Andrea Swift and Swift's father, Scott": only the head's own phrase
        return _trim(list(doc[start : head.i + 1]), owner)
    return None


def _clause_follows(doc: Doc, ent: Span) -> bool:
    """``the risks Rogers and McGuire face``: the name opens a relative clause, it is not in apposition."""
    i = ent.end
    while i < len(doc) and (doc[i].lower_ in ("and", "i", "we", "he", "she") or doc[i].ent_type_ == "PERSON"):
        i += 1
    return i < len(doc) and doc[i].pos_ in ("VERB", "AUX") and doc[i].tag_ != "VBN"


def _copula(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    root = ent.root
    # "Lavrov, who is the ...": a copula in a relative clause on the name.
    for child in root.children:
        if child.dep_ == "relcl" and child.lemma_ == "be":
            attrs = [
                c
                for c in child.children
                if c.dep_ == "attr" and c.pos_ == "NOUN" and _names_a_person(c) and not c.text[:1].isupper()
            ]  # not a title: "who all left I'm A Celebrity"
            if attrs:
                return _trim(list(doc[attrs[0].left_edge.i : attrs[0].right_edge.i + 1]), owner)
    # "Montgomery, 48, was a newly single mom when ...": the name is the subject of "be".
    verb = root.head
    if root.dep_ == "nsubj" and verb.lemma_ == "be" and verb.i > root.i:
        attrs = [c for c in verb.children if c.dep_ == "attr" and c.pos_ == "NOUN" and not c.ent_type_]
        # Not "would be the most pro-gay candidate" (a hypothesis) nor "is not a ...".
        hedged = any(c.dep_ == "neg" or (c.dep_ == "aux" and c.tag_ == "MD") for c in verb.children)
        # "is such a dad", "quite a character": a judgement of the person, not what they are.
        hedged = hedged or any(c.dep_ == "predet" for a in attrs[:1] for c in a.children)
        if attrs and not hedged and attrs[0].tag_ == "NN" and _names_a_person(attrs[0]):
            attr = attrs[0]
            # "a father of seven", "a member of the council": the "of" belongs to the role.
            of = attr.i + 1 < len(doc) and doc[attr.i + 1].lower_ == "of"
            return _trim(list(doc[attr.left_edge.i : (attr.right_edge.i if of else attr.i) + 1]), owner)
    return None


def copular_role(doc: Doc, pronoun: Token, owner: Owner | None = None) -> str | None:
    """``She's a high school freshman``: what a he/she pronoun's sentence says its person is."""
    return _copula(doc, doc[pronoun.i : pronoun.i + 1], owner)


def role_head(role: str) -> str:
    """The noun a role is about: ``secretary`` in ``secretary general of NATO``, ``company`` in ``company``.

    ``one of the site's best-known journalists`` is about ``journalists``.
    """
    parts = re.split(r"\s+of\s+", role)
    before_of = parts[0].split()
    if len(parts) > 1 and [w.lower() for w in before_of] in (["one"], ["among"]):
        before_of = re.split(r"\s+of\s+", parts[1])[0].split()
    return before_of[-1].lower().strip(".,") if before_of else ""


def person_noun(word: str) -> bool:
    """Whether a noun (lower case) describes a person: a position, an occupation, a relation."""
    return word in _ROLE_WORDS or word.rstrip("s") in _ROLE_WORDS or person_word(word)


def _is_role_word(tok: Token) -> bool:
    return tok.lower_.rstrip(".") in _ROLE_WORDS or tok.lemma_.lower() in _ROLE_WORDS


def _names_a_person(tok: Token) -> bool:
    """A noun that describes a person (``mom``, ``investor``, ``candidate``), not a thing (``legacy``)."""
    return _is_role_word(tok) or person_word(tok.lower_)


_NAMING_VERBS = frozenset(
    "name appoint announce elect hire confirm choose select install nominate swear promote cast sign".split()
)


def _named_as(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    """``MacLaren was announced as director of the movie``, ``X was named as the new coach``.

    Also for each name that identifies who was named: ``Two other men -- identified as James Chmela and
    James Kalamaras -- were named as accomplices`` (each is an accomplice).
    """
    root = ent.root
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head
    several = root is not ent.root or any(c.dep_ == "conj" for c in root.children)
    if root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.dep_ == "acl":
        identified = root.head.head
        if identified.lemma_.lower() in ("identify", "name"):
            root = identified.head
            several = True
    verb = root.head
    if root.dep_ not in ("nsubjpass", "dobj") or verb.lemma_.lower() not in _NAMING_VERBS:
        return None
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "as":
            objs = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"]
            if not objs:
                continue
            obj = objs[0]
            role = _trim(list(doc[obj.left_edge.i : obj.right_edge.i + 1]), owner)
            if role and several and obj.tag_ == "NNS" and obj.lemma_.isalpha() and role.endswith(obj.text):
                role = role[: -len(obj.text)] + obj.lemma_  # a role shared by several names: each holds one
            return role
    return None


def _shared(doc: Doc, ent: Span, owner: Owner | None) -> str | None:
    """``senior stars Ryan Giggs and Roy Keane``: the title of the first name goes to the others.

    Only a plural title is shared (``Chelsea players``); ``actress X and singer Y`` are two titles.
    """
    if _premodifier(doc, ent, owner) is not None:
        return None
    node = ent.root
    seen = 0
    while node.dep_ == "conj" and node.head.i < node.i and seen < 6:
        node = node.head
        seen += 1
        if node.ent_type_ != "PERSON":
            continue
        names = [e for e in doc[node.left_edge.i : node.i + 1].ents if e.label_ == "PERSON"]
        if not names:
            return None
        first = names[-1]
        for rule in (_premodifier, _head_of_apposition):
            role = rule(doc, first, owner)
            if role and _plural_before(doc, first, role.split()[-1]):
                return role
        return None
    return None


def _plural_before(doc: Doc, ent: Span, word: str) -> bool:
    return any(t.text == word and t.tag_ in ("NNS", "NNPS") for t in doc[max(0, ent.start - 12) : ent.start])


def roles_at(doc: Doc, ent: Span, owner: Owner | None = None) -> list[str]:
    """Every role the article states for the person named by ``ent`` at this mention."""
    out: list[str] = []
    for rule in (_premodifier, _after_name, _head_of_apposition, _copula, _named_as, _shared):
        role = rule(doc, ent, owner)
        if role and rule in (_premodifier, _shared):
            role = _singular(doc, ent, role)
        if role and role not in out:
            out.append(role)
    return out


def _singular(doc: Doc, ent: Span, role: str) -> str:
    """``former Enron chief executives Ken Lay and Jeff Skilling``: each is one chief executive."""
    words = role.split()
    last = words[-1]
    for t in doc[max(0, ent.start - 12) : ent.start]:
        if t.text == last and t.tag_ == "NNS" and t.lemma_ and t.lemma_ != last and t.lemma_.isalpha():
            return " ".join([*words[:-1], t.lemma_])
    return role


def description_of(doc: Doc, head: Token) -> str:
    """The words of a description headed by ``head``, as :func:`roles_at` keeps them, or ``""``.

    Its modifiers, ``of`` and what it is held at are kept; a relative clause is not.
    """
    return _trim(list(doc[head.left_edge.i : head.right_edge.i + 1]), None) or ""
