"""Actors of a story: its participants, one per real entity, with the roles the article gives them.

Built on the corrected entities of the article's single parse (:mod:`summarizer.entities`) and the
person coreference of the quotes (:class:`summarizer.attribution.Coref`).

**Participants only**: a mention in a dateline or credit line does not count, nor a news outlet named
as the place of speech (``told CNN``, ``a CNN request``, ``CNN:`` in an interview), nor a name that is
all of a quotation (a title), an event (``Boston Marathon``), an adjective alone (``Tory`` in ``the
Tory leader``), a group phrase whose head is no people (``German telecoms``), a lone capitalised word
seen once at the start of a sentence.

**Merging** (one actor per real-world entity in the article; the person and organisation rules are
:mod:`summarizer.actormerge`):

- a person's mentions merge on the fullest name the article gives (``Blinken``, ``Mr Blinken``, a
  nickname -> ``Antony Blinken``);
- names of a country merge through the gazetteer (``US``, ``the United States``, ``America``);
- a demonym (``Russian`` officials) is not an actor: it counts for its country and gives affiliations;
- a government seat (``the Kremlin``, ``the White House``) is an alias of its country;
- a city or region the gazetteer files under a country is an alias of that country when the article
  uses it as an actor somewhere -- subject, possessor, object of a verb, agent of a passive, source
  of ``according to``, or conjoined with one (``Moscow warns Kiev``, ``Moscow's demands``) -- and a
  place of its own otherwise (``talks in Stockholm``, ``Crimea, which Russia annexed``);
- an organisation's acronym merges with its full name (gazetteer, ``Full Name (ACRONYM)``, initials);
- a nationality or political group is a ``group``; it takes the plural noun for people it modifies
  (``Western nations``, ``pro-Russian separatists``); a party's forms are one organisation;
- a group the story names without a proper name is an actor when it acts in two sentences or more
  (``prosecutors``, ``anti-Trump protesters``).

**Kinds**: what the article calls an actor overrides the model (``The company, GlaxoSmithKline``;
``Courtney Love, the widow of ...``; a person's name quoted as a speaker).

**Roles** (:mod:`summarizer.roles`) come from the text only, read at every mention of a person, and
from descriptions that refer back to them (``the Tory leader said``); the most specific is shown.
The affiliation is the country or organisation the role names.

**Salience**: mentions (pronouns and descriptions resolved by the quote coreference count), a bonus
for the headline, the summary, being quoted, a stated role, and an early first mention.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter

import numpy as np
from spacy.attrs import LOWER, TAG
from spacy.tokens import Doc, Span, Token

from summarizer.actormerge import PARTY_FORMS, Draft, Merger
from summarizer.attribution import SPEECH_VERBS, Coref
from summarizer.entities import MACHINE_NOUNS, ORG_NOUNS, THING_NOUNS
from summarizer.lexicon import PLATFORMS, US_STATES, Lexicon
from summarizer.model import Actor, ActorKind, Mention, Quote, Sentence
from summarizer.nlp import Parsed
from summarizer.roles import (
    ROLE_NOUNS,
    best_role,
    clean_role,
    copular_role,
    description_of,
    person_noun,
    role_head,
    roles_at,
)

_KINDS: dict[str, ActorKind] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_ACTOR_OBJECT_VERBS = SPEECH_VERBS | frozenset(
    """fight attack accuse blame support back pressure threaten sanction punish help defeat beat oppose
    condemn criticize criticise join meet warn urge persuade convince recognize recognise lobby""".split()
)
_FULL_NAME_ACRONYM = re.compile(
    r"((?:[A-Z][\w'’&.-]*\s+(?:(?:of|for|and|the|in|on|to|de)\s+)*){2,}[A-Z][\w'’&.-]*)\s*\(([A-Z]{2,8})\)"
)
#: Lines that credit the news agency, its reporters or photographers, not the news: "CNN's Jane Doe
#: contributed to this report."
_PHOTO_AGENCIES = r"(?:Getty|AP|AFP|EPA|PA|Reuters|Shutterstock|Bloomberg|Corbis)"
_CREDIT = re.compile(
    r"contributed to this (?:report|story)|(?:reporting|writing|editing|additional reporting) by\b|"
    r"^\W*(?:read|watch|follow|see|related)\b[^.]{0,60}(?::|$)|"
    # A photo credit standing alone: "Getty/Instagram.", "AP Photo/Jane Doe".
    rf"^\W*(?:{_PHOTO_AGENCIES}|Instagram|Twitter|Facebook)(?:\s+(?:Images|Photos?|Pictures))?"
    r"(?:\s*/\s*[\w .'’-]+)*\W*$|"
    # ... or after the photographer: "Jonathan Drake / Reuters.", "Jane Doe/Getty Images".
    rf"^\W*[\w.'’-]+(?:\s+[\w.'’-]+){{0,3}}\s*/\s*{_PHOTO_AGENCIES}(?:\s+(?:Images|Photos?|Pictures))?\W*$",
    re.IGNORECASE,
)
#: News outlets: a participant only when they act in the story ("CNN obtained a statement"), not as
#: where someone spoke ("told CNN", "said on CNN's New Day") or as a label in an interview ("CNN: ...").
_MEDIA = re.compile(
    r"^(?:CNN|BBC|Reuters|AP|AFP|NBC|ABC|CBS|MSNBC|NPR|ITV|PBS|Fox|Sky|Bloomberg|Al Jazeera)\b|"
    r"\b(?:News|Radio|TV|Television|Times|Post|Journal|Herald|Telegraph|Guardian|Magazine|Network|Channel)\b"
)
#: What an outlet makes and owns: named with it, the outlet is an actor of the story.
_PROGRAMMES = frozenset("show programme program series drama soap channel station chart documentary film".split())
#: Works and things a story names (``the film Vera Drake``, ``the telescope Hubble``): never actors.
_WORKS = frozenset(
    """film movie drama soap show series serial sitcom programme program documentary album song novel book
    musical opera ballet videogame telescope spacecraft satellite instrument rocket app smartphone console""".split()
)
_MEDIUM_VERBS = SPEECH_VERBS | frozenset({"speak", "talk", "appear", "interview", "write"})
#: Plural nouns for people: a nationality or party before one of these names a group ("Western nations").
_PEOPLE = re.compile(
    r"(?:ers|ors|ists|ians|ants|ents|\b(?:men|women|people|nations|forces|troops|police|authorities|officials|rebels|"
    r"militants|voters|fans|members|leaders|citizens|residents|soldiers|students|activists|critics|states|"
    r"countries|governments|families|children|parents|youths|teens|clubs|teams|parties|allies|spies|agents|"
    r"diplomats|lawmakers|ministers|players|delegates|donors|companies|firms|banks|immigrants|refugees|"
    r"muslims|christians|jews|hindus|sunnis|shiites|kurds|separatists|nationals|natives|americans|"
    r"europeans|africans|asians|latinos|democrats|republicans|conservatives|liberals|moderates|"
    r"billionaires|athletes|stars|workers|judges|lawyers|doctors|nurses|victims|survivors|protesters))$"
)
#: Feasts and holidays: days, never actors ("Easter Triduum", "Maundy Thursday").
_FEASTS = frozenset(
    """easter christmas thanksgiving ramadan eid hanukkah hanukah diwali passover lent advent pentecost
    halloween maundy triduum epiphany""".split()
)
#: Last words of the names of events and competitions (not participants themselves).
_EVENT_HEADS = frozenset(
    """marathon day convention cup championship championships games olympics olympiad festival awards
    prize tournament week summit expo fair series grand-prix""".split()
)
_OPENING_MARKS = "\"“‘'"
_CLOSING_MARKS = "\"”’'"


def _acts(tok: Token) -> bool:
    """Whether a place name is used as an actor in its sentence (metonymy).

    Subject or possessor (``Moscow said``, ``Moscow's demands``), agent of a passive, object of a
    verb done to an actor (``Moscow warns Kiev``, ``rebels fighting Kiev``) or a source (``according to Kiev``), or
    conjoined with one of those. Places are mostly objects of prepositions (``talks in Stockholm``).
    """
    node = tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ in ("nsubj", "nsubjpass", "poss"):
        return True
    if node.dep_ in ("dobj", "dative"):
        # Objects of verbs done to an actor ("warns Kiev"), not to a territory ("retaking Crimea").
        return node.head.lemma_.lower() in _ACTOR_OBJECT_VERBS
    if node.dep_ == "pobj":
        prep = node.head
        return prep.dep_ == "agent" or (prep.lower_ == "to" and prep.head.lower_ == "according")
    return False


def extract_actors(
    parsed: Parsed,
    lexicon: Lexicon,
    *,
    coref: Coref,
    quotes: tuple[Quote, ...] = (),
    summary: tuple[Sentence, ...] = (),
) -> tuple[tuple[Actor, ...], tuple[Mention, ...]]:
    """The article's actors, most salient first, and every mention of them."""
    doc = parsed.doc
    text = parsed.article.text
    drafts: dict[str, Draft] = {}
    mentions: list[Mention] = []
    acronyms = _acronyms(text)
    running = _running_text(parsed)
    headings = _headlines(parsed)
    sentence_starts = {s.start for s in parsed.sentences}

    def owner(tok: Token) -> str:
        return _owner(tok, coref)

    def add(
        span: Span | None,
        name: str,
        kind: ActorKind,
        start: int,
        end: int,
        *,
        listed: bool = False,
        nominal: bool = True,
    ) -> None:
        if not _in_running_text(running, start) or _quoted_title(text, start, end):
            return  # a dateline, a credit line, or a title in quotation marks: not a participant
        draft = drafts.get(name)
        if draft is None:
            draft = drafts[name] = Draft(name, kind, gazetteer=listed, nominal=nominal)
        draft.nominal = draft.nominal or nominal
        draft.mentions += 1
        draft.first = min(draft.first, start)
        surface = text[start:end]
        if surface != name:
            draft.aliases[surface] = None
        if span is None or span.start not in sentence_starts:
            draft.only_at_sentence_start = False
        draft.acted = draft.acted or (span is not None and (_acts(span.root) or _airs(span.root)))
        draft.work = draft.work or (span is not None and _called_work(doc, span))
        draft.located = draft.located and span is not None and _located(span)
        draft.in_title = draft.in_title and span is not None and _owns_title(doc, span, sentence_starts)
        draft.in_body = draft.in_body or not _in_running_text(headings, start)
        mentions.append(Mention(text=surface, kind=kind, start=start, end=end, actor=name))
        if span is not None and (kind == "person" or _person_like(surface, lexicon)):
            draft.roles += [r for r in roles_at(doc, span, owner) if r not in draft.roles]
        if span is not None and kind in ("person", "place"):
            draft.called_organisation = draft.called_organisation or _called_organisation(span)

    person_at = {start: name for start, (_span, name) in coref.spans.items()}
    # One entity per article: a city that acts anywhere in it is its government everywhere in it.
    acting = {
        ent.text
        for ent in coref.ents
        if ent.label_ == "GPE"
        and (e := lexicon.gazetteer.get(ent.text.lower())) is not None
        and e.kind == "place"
        and ent.text in _CAPITALS
        and _acts(ent.root)
    }
    for ent in coref.ents:  # the article's entities, read once by the coreference
        kind = _KINDS.get(ent.label_)
        if kind is None or _LIKENED.match(text, ent.end_char):
            continue  # "China's Twitter-like platform", "a Soviet-style purge": a comparison, no actor
        if ent.start_char > 0 and text[ent.start_char - 1] in "#@":
            continue  # "#KylieJennerChallenge", "@emmaburkie": a hashtag or a handle, no actor
        text_ = US_STATES.get(ent.text, ent.text) if kind == "place" else ent.text
        at, till = ent.start_char, ent.end_char
        if kind == "person" and text_ in acronyms:
            kind = "organization"  # "(JWST)" after "The James Webb Space Telescope": initials, no person
        elif kind == "person" or ent.start in person_at:
            given = _given_before_nickname(doc, ent, lexicon)
            name = f"{given.text} {text_}" if given is not None else person_at.get(ent.start, text_)
            add(ent, name, "person", at, till)
            if given is not None:
                drafts[name].aliases[doc[given.i + 2 : ent.start - 1].text] = None  # "Bones"
            continue
        entry = lexicon.gazetteer.get(text_.lower())
        if entry is not None and entry.kind == "demonym":
            group = _group_phrase(doc, ent)
            if group is not None:
                add(None, group.text, "group", group.start_char, group.end_char)
            else:
                add(None, entry.canonical, "place", at, till, listed=True)
            continue
        if entry is not None and entry.kind in ("country", "metonym"):
            add(None, entry.canonical, "place", at, till, listed=True)
            continue
        if entry is not None and entry.kind == "place":
            add(None, entry.canonical if text_ in acting else text_, "place", at, till, listed=True)
            continue
        if entry is not None and entry.kind == "org":
            if entry.canonical in PLATFORMS and _on_platform(ent):
                continue  # "posted on Twitter", "his Twitter timeline": where it was said, no participant
            add(None, entry.canonical, "organization", at, till, listed=True)
            continue
        if text_.lower() in PARTY_FORMS:
            # "Tory" in "the Tory leader" is an adjective: it names the party only where it is a noun.
            add(ent, text_, "organization", at, till, nominal=ent.label_ != "NORP" or not _adjectival(ent))
            continue
        if kind == "group":
            group = _group_phrase(doc, ent)
            if group is not None:
                add(None, group.text, "group", group.start_char, group.end_char)
            elif not _adjectival(ent):
                add(ent, text_, "group", at, till)
            continue
        if kind == "organization" and _MEDIA.search(text_) and _as_medium(doc, text, ent):
            continue
        add(ent, acronyms.get(text_, text_), kind, at, till)
    # Persons the model missed but the coreference found ("Sanders" tagged ORG is relabelled upstream;
    # a bare surname with no entity is counted here).
    for start, (span, name) in coref.spans.items():
        if not doc[start].ent_type_:
            add(span, name, "person", span.start_char, span.end_char)
    for phrase, found in _unnamed_groups(doc, running).items():
        for span in found:
            add(None, phrase, "group", span.start_char, span.end_char)
    for phrase, found in _institutions(doc, running).items():
        for span in found:
            add(None, phrase, "organization", span.start_char, span.end_char)
    for name, n in coref.pronoun_counts().items():
        if name in drafts:
            drafts[name].mentions += n
    for name, description in coref.described.values():
        role = clean_role(description)
        if name in drafts and role and role not in drafts[name].roles:
            drafts[name].roles.append(role)
    for i, name in coref.resolved.items():
        # "He was a father of seven": the main clause of the narrative on a pronoun that refers to a named
        # person; not a quotation ("a world where he is president" is someone's hypothesis).
        pronoun = doc[i]
        said = pronoun.dep_ == "nsubj" and pronoun.head.dep_ == "ROOT" and not coref.in_quote(pronoun.idx)
        role = copular_role(doc, pronoun, owner) if name in drafts and said else None
        if role and role not in drafts[name].roles:
            drafts[name].roles.append(role)
    for name, role in [*_announced(parsed, coref), *_held(parsed, coref), *_cataphoric(parsed, coref)]:
        if name in drafts and role not in drafts[name].roles:
            drafts[name].roles.append(role)
    speakers = {q.speaker for q in quotes if q.speaker and q.named}
    for draft in drafts.values():
        _kind_from_roles(draft)
        if draft.kind != "person" and draft.name in speakers and _person_like(draft.name, lexicon):
            draft.kind = "person"  # "Keith Lamont Scott" tagged an organisation, quoted as a person
        if (
            draft.kind == "person"
            and draft.located
            and " " not in draft.name
            and not draft.roles
            and draft.name not in speakers
            and lexicon.gender_of_first_name(draft.name) is None
        ):
            draft.kind = "place"  # "Albuquerque police said", "at Anfield": one word, only ever where
    for name in [n for n, d in drafts.items() if not d.in_body]:
        del drafts[name]  # named in a headline only: before merging, so "Clinton" stays no "Clinton Ally"
    renamed = Merger(drafts, lexicon).run()
    for name, draft in drafts.items():
        if draft.kind == "person" and " " not in name and _PEOPLE.search(name.lower()) and name[-1:] == "s":
            draft.kind = "group"  # "Latinos", "Republicans" tagged a person: a plural of people is a group
    for name in [n for n, d in drafts.items() if not _is_actor(d, lexicon, speakers) or _edition(n, drafts)]:
        del drafts[name]
    for draft in drafts.values():
        # "Kaine's running mate" is never Kaine: a possessive resolved to the person named.
        own = {f"{w}'s" for w in draft.name.split()} | {f"{w}’s" for w in draft.name.split()}
        roles = [r for r in draft.roles if not own & set(r.split())]
        draft.role = best_role(roles) if draft.kind == "person" else None
        if draft.role:
            draft.affiliation = _affiliation(draft.role, lexicon, drafts)
    kept = []
    for m in mentions:
        actor = renamed.get(m.actor, m.actor)
        if actor in drafts:
            kept.append(m if actor == m.actor else Mention(m.text, drafts[actor].kind, m.start, m.end, actor))
    return _rank(parsed, drafts, quotes, summary), tuple(sorted(kept, key=lambda m: m.start))


def _hyphenated_lemma(noun: Token) -> str:
    """``start-up`` for the ``up`` of ``a start-up``, which the tokenizer split; else the noun's lemma."""
    doc = noun.doc
    if (
        noun.i >= 2
        and doc[noun.i - 1].text == "-"
        and not doc[noun.i - 2].whitespace_
        and not doc[noun.i - 1].whitespace_
    ):
        return f"{doc[noun.i - 2].lower_}-{noun.lower_}"
    return noun.lemma_.lower()


def _called_organisation(ent: Span) -> bool:
    """In apposition to an organisation noun: ``The company, GlaxoSmithKline,``, ``EMI, the music giant,``.

    Or written with one, before or after the name: ``oil giant Yukos``, ``review site Rotten Tomatoes``,
    ``the Balco laboratory``.
    """
    root = ent.root
    nouns = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        nouns.append(root.head)
    if any(n.pos_ == "NOUN" and _hyphenated_lemma(n) in ORG_NOUNS for n in nouns):
        return True
    # "Diageo, which is listed on the London Stock Exchange": a person is "who".
    if any(c.dep_ == "relcl" and any(w.lower_ == "which" for w in c.children) for c in root.children):
        return True
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    # The noun right before the name, however the parser hung them ("the state-run oil company Petrobras").
    return (
        before is not None and before.tag_ == "NN" and before.is_lower and before.lemma_.lower() in _CALLED_ORG
    ) or (
        after is not None
        and after.tag_ == "NN"
        and after.lemma_.lower() in _CALLED_ORG
        and root.dep_ == "compound"
        and root.head.i == after.i
    )


#: Nouns an organisation is called by right before or after its name ("oil giant Yukos").
_CALLED_ORG = ORG_NOUNS | frozenset({"site", "website", "laboratory", "lab", "retailer", "broadcaster"})


#: Nouns a place's name modifies: its institutions, people and parts.
_OF_A_PLACE = frozenset(
    """police government council authority official officer resident mayor court airport county city area
    region suburb street road home crowd fan supporter station hospital school prison""".split()
)
#: Prepositions of place: a person is seldom "at" or "near" someone.
_AT = frozenset("at in near outside inside across around".split())


def _given_before_nickname(doc: Doc, ent: Span, lexicon: Lexicon) -> Token | None:
    """``Jon "Bones" Jones``: the given name written before a quoted nickname and the surname."""
    if len(ent) != 1 or ent.start < 3 or doc[ent.start - 1].text not in _CLOSING_MARKS:
        return None
    for k in range(ent.start - 3, max(ent.start - 5, 0), -1):
        if doc[k].text in _OPENING_MARKS:
            given = doc[k - 1]
            nickname = doc[k + 1 : ent.start - 1]
            if (
                given.is_title
                and given.is_alpha
                and given.ent_type_ in ("", "PERSON")
                and all(t.is_title or t.is_upper for t in nickname)
                and (lexicon.gender_of_first_name(given.text) is not None or given.pos_ == "PROPN")
            ):
                return given
            return None
    return None


def _located(ent: Span) -> bool:
    """A mention that reads as a place: a modifier of a noun after it, or the object of ``at``, ``in``."""
    root = ent.root
    if root.dep_ in ("compound", "amod") and root.head.i >= ent.end:
        # "Albuquerque police", "Anfield crowd"; not "Nirvana frontman", whose band is no place.
        return root.head.lemma_.lower() in _OF_A_PLACE
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ in ("his", "her", "their", "its", "our"):
        return True  # "his Anfield playing career": a name after a possessive modifies what follows
    return root.dep_ == "pobj" and root.head.lower_ in _AT


#: What one does in a work, not in a place.
_PERFORM = frozenset("star role cast costar co-star".split())


def _called_work(doc: Doc, ent: Span) -> bool:
    """Named with a noun for a work or a thing: ``TV soap Brookside``, ``Grange Hill, the drama serial``.

    The noun right before the name (not one the name's clause hangs on: ``the film Spielberg
    directed``), or in apposition to it.
    """
    root = ent.root
    before = doc[ent.start - 1] if ent.start > 0 else None
    if (
        before is not None
        and before.pos_ == "NOUN"
        and before.lemma_.lower() in _WORKS
        and not (root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ in ("relcl", "acl"))
    ):
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "in" and root.head.head.lemma_.lower() in _PERFORM:
        return True  # "starred in Sideways", "her role in Brookside"
    nouns = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        nouns.append(root.head)
    return any(n.pos_ == "NOUN" and n.lemma_.lower() in _WORKS for n in nouns)


def _owns_title(doc: Doc, ent: Span, sentence_starts: set[int]) -> bool:
    """``Dead Man's Shoes``: the name owns a capitalised noun right after it, the words of a title."""
    if ent.end + 1 >= len(doc) or doc[ent.end].text not in ("'s", "’s"):
        return False
    noun = doc[ent.end + 1]
    return noun.text[:1].isupper() and noun.i not in sentence_starts and ent.root.dep_ == "poss"


def _person_like(name: str, lexicon: Lexicon) -> bool:
    """``Courtney Love``: two or three capitalised words after a known first name."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and bool(lexicon.gender_of_first_name(words[0]))


def _kind_from_roles(draft: Draft) -> None:
    """What the article calls an actor tells its kind, whatever the model said.

    ``The company, GlaxoSmithKline`` is no person; ``Courtney Love, the widow of Kurt Cobain`` is one.
    """
    heads = [role_head(r) for r in draft.roles]
    personal = any(person_noun(w.lower()) for r in draft.roles for w in r.split())
    if draft.kind == "person" and not personal and any(h in THING_NOUNS or h in _WORKS for h in heads):
        draft.work = True  # "the Large Hadron Collider, the ... largest machine": a thing, not a participant
    if draft.kind == "person" and draft.called_organisation and not personal:
        draft.kind = "organization"
    elif draft.kind == "place" and draft.called_organisation and not draft.gazetteer:
        draft.kind = "organization"  # "film studio New Line", "the club, Barnsley FC,"
    elif draft.kind != "person" and not draft.gazetteer and any(person_noun(h) for h in heads):
        draft.kind = "person"
    if draft.kind != "person":
        draft.roles = []


#: Plural nouns too general to name a group of the story ("people said", "officials say").
_TOO_GENERAL = frozenset(
    """people person other official source expert analyst observer critic state country nation government
    authority""".split()
)
#: Plural nouns that, without a modifier, refer back to people a story names ("the sisters endured").
_PEOPLE_NAMED_BEFORE = frozenset(
    "man woman sister brother sibling twin couple pair duo mother father daughter son partner friend".split()
)
#: Singular nouns for people a story's unnamed groups are made of ("prosecutor", "juror", "protester").
_GROUP_NOUNS = re.compile(
    r"(?:ist|ian|er|or|man|woman|resident|student|parent|opponent|agent|patient|client|immigrant|migrant|"
    r"participant|defendant|inhabitant|assistant|consultant|tenant|servant|refugee|detainee|hostage|victim|"
    r"survivor|citizen|voter|fan|soldier|troop|athlete|player|worker|juror|rebel|militant|activist|"
    r"delegate|donor|investor|shareholder|teen|youth|child|kid|family|veteran|nurse|doctor|pilot|"
    r"official|member|leader|supporter|protester|prosecutor|lawmaker|legislator|senator|judge|"
    # Bodies of people acting together ("news organizations laugh", "aid agencies gather").
    r"organization|organisation|agency|charity)$"
)
#: Capitals that news names for their governments ("Moscow said", "Beijing warned"). Another city that
#: acts is itself, or its club: "Liverpool would think about any bid" is not the United Kingdom.
_CAPITALS = frozenset(
    """Moscow Washington Beijing Kiev Kyiv London Paris Berlin Tokyo Tehran Damascus Baghdad Kabul Ankara
    Pyongyang Seoul Cairo Riyadh Islamabad Delhi Havana Caracas Ottawa Canberra Rome Madrid Athens Warsaw
    Budapest Minsk Tbilisi Baku Yerevan Beirut Amman Tripoli Khartoum Nairobi Pretoria Abuja Hanoi Manila
    Jakarta Bangkok Taipei Brussels Dublin Lisbon Vienna Bern Stockholm Oslo Copenhagen Helsinki Prague
    Bucharest Sofia Belgrade Zagreb Ljubljana Bratislava Vilnius Riga Tallinn Chisinau Doha Muscat
    Sanaa Kuwait Manama Jerusalem Algiers Rabat Tunis Dhaka Kathmandu Colombo Naypyidaw Ulaanbaatar Astana
    Tashkent Bishkek Dushanbe Ashgabat Bogota Lima Santiago Brasilia Quito Wellington""".split()
) | {"New Delhi", "Mexico City", "Buenos Aires", "Addis Ababa", "Kuala Lumpur", "Abu Dhabi", "Kuwait City"}
#: Words a Title Case headline capitalises and a sentence does not.
_SMALL_WORDS = frozenset("to of in for on with at by from after as and the a an is are will over into".split())
#: Words that count a group rather than name it ("several American sports stars").
_QUANTIFIERS = frozenset("several many some few numerous various other others most all both".split())


def _unnamed_groups(doc: Doc, running: list[tuple[int, int]]) -> dict[str, list[Span]]:
    """Groups the story names without a proper name (``prosecutors``, ``anti-Trump protesters``).

    A plural noun for people that acts in at least two sentences (the subject of a verb, or the agent
    of a passive), named by its most frequent phrase with its modifiers.
    """
    by_head: dict[str, list[Span]] = {}
    # Only plural nouns can name such a group: find them in one array read, not token by token.
    plural = doc.vocab.strings["NNS"]
    for i in np.flatnonzero(doc.to_array([TAG]).ravel() == plural):
        tok = doc[int(i)]
        lemma = tok.lemma_.lower()
        if tok.tag_ != "NNS" or tok.ent_type_ or lemma in _TOO_GENERAL or lemma in THING_NOUNS:
            continue
        if not (_GROUP_NOUNS.search(lemma) or lemma in ROLE_NOUNS):
            continue
        if tok.dep_ not in ("nsubj", "nsubjpass") and not (tok.dep_ == "pobj" and tok.head.dep_ == "agent"):
            continue
        if not _in_running_text(running, tok.idx):
            continue
        mods = [
            t
            for t in tok.lefts
            if t.dep_ in ("amod", "compound", "nmod") and t.i >= tok.i - 3 and t.lower_ not in _QUANTIFIERS
        ]
        if lemma in _PEOPLE_NAMED_BEFORE and not mods:
            continue  # "the sisters", "the two men": the people the story has named, no group of their own
        start = min([tok.i, *(m.left_edge.i for m in mods)])
        # "a record 3.28 million workers": a count says how many, it is no part of the group's name.
        counted = [t.i for t in doc[start : tok.i] if t.like_num or t.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY")]
        if counted:
            start = max(counted) + 1
        by_head.setdefault(tok.lemma_.lower(), []).append(doc[start : tok.i + 1])
    return _named_in_two_sentences(by_head)


#: Institutions a story names by a common noun ("the government said", "police arrested").
_INSTITUTIONS = frozenset(
    "government police army military navy council parliament administration cabinet regime opposition".split()
)


def _institutions(doc: Doc, running: list[tuple[int, int]]) -> dict[str, list[Span]]:
    """Institutions that act in the story without a proper name.

    The subject, possessor or agent of verbs in two sentences or more: "the government had handled
    ...", "the Albuquerque police said".
    """
    by_head: dict[str, list[Span]] = {}
    # As for unnamed groups: the candidate words found in one array read, not token by token.
    ids = np.array([doc.vocab.strings[w] for w in _INSTITUTIONS], dtype=np.uint64)
    for i in np.flatnonzero(np.isin(doc.to_array([LOWER]).ravel(), ids)):
        tok = doc[int(i)]
        if tok.ent_type_ or not _acts(tok) or not _in_running_text(running, tok.idx):
            continue
        # Whose it is ("Albuquerque police", "the Indian government"), not what it might be ("the next government").
        mods = [
            t
            for t in tok.lefts
            if t.i >= tok.i - 3 and (t.dep_ in ("compound", "nmod") or (t.dep_ == "amod" and t.text[:1].isupper()))
        ]
        start = min([tok.i, *(m.left_edge.i for m in mods)])
        while start < tok.i and (doc[start].is_punct or doc[start].lower_ in _QUANTIFIERS or doc[start].is_lower):
            start += 1
        by_head.setdefault(tok.lower_, []).append(doc[start : tok.i + 1])
    return _named_in_two_sentences(by_head)


def _named_in_two_sentences(by_head: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """The unnamed actors found in two sentences or more, each named by its most frequent phrase.

    A phrase that says whose group it is with a name (``Trump supporters``, ``World War I soldiers``)
    names it rather than the bare noun repeated after it, as a reader calls it, when it is the only such
    name: ``Trump supporters`` and ``Clinton supporters`` leave it ``supporters``.
    """
    out: dict[str, list[Span]] = {}
    for spans in by_head.values():
        if len({s.sent.start for s in spans}) < 2:
            continue
        names = Counter(_as_in_running_text(s) for s in spans)
        owned = {_as_in_running_text(s) for s in spans if _named_owner(s)}
        out[max(names, key=lambda n: (len(owned) == 1 and n in owned, names[n], len(n)))] = spans
    return out


def _as_in_running_text(phrase: Span) -> str:
    """``callers`` for the ``Callers`` that opens a sentence: a common noun keeps no capital of position."""
    first = phrase[0]
    if first.is_sent_start and first.is_title and first.pos_ != "PROPN" and not first.ent_type_:
        return first.lower_ + phrase.text[len(first.text) :]
    return phrase.text


def _named_owner(phrase: Span) -> bool:
    """A phrase whose modifiers include a name: ``Trump supporters``, ``anti-Trump protesters``."""
    return any(t.ent_type_ in _OWNER_TYPES or (t.pos_ == "PROPN" and t.i > phrase.start) for t in phrase[:-1])


_OWNER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT", "LOC"})


#: How many of the first sentences may describe someone before naming them.
_LEAD_SENTENCES = 3


def _announced(parsed: Parsed, coref: Coref) -> list[tuple[str, str]]:
    """People a story's lead describes a sentence before it names them: (name, role).

    "A popular Chinese television host known for impromptu satire is now ... . Bi Fujian, who ...":
    a sentence of the lead that names no one and whose subject is a new person described (``a``/``an``
    + a noun for a person, or a definite description that says who: ``the firm's chief has told BBC
    News``), then a sentence whose subject is a person's name. The same for the person a lead
    addresses (``has written to the culture minister``) and the one person the next sentence names as
    an object (``told Tessa Jowell``).
    """
    doc = parsed.doc
    sents = parsed.sentences[: _LEAD_SENTENCES + 1]
    out: list[tuple[str, str]] = []
    for here, after in itertools.pairwise(sents):
        if any(t.ent_type_ == "PERSON" for t in doc[here.start : here.end]):
            continue
        for subject in (True, False):
            heads = [t for t in doc[here.start : here.end] if _describes_new_person(t, subject=subject)]
            if not heads:
                continue
            # The next sentence names one person in that place: "Bi Fujian, who ...", "Heather Mack, 19,
            # ...", "Appearing on CNN, Randy Zelin defended his client"; "... told Tessa Jowell".
            named = [
                (span, name)
                for start, (span, name) in coref.spans.items()
                if after.start <= start < after.end and _in_place(span.root, subject=subject)
            ]
            if len(named) != 1:
                continue
            span, name = named[0]
            if subject and not (span.start == after.start or _main_clause_subject(span.root)):
                continue
            role = clean_role(description_of(doc, heads[0]))
            if role:
                out.append((name, role))
    return out


def _cataphoric(parsed: Parsed, coref: Coref) -> list[tuple[str, str]]:
    """People a feature's opening he/she sentences describe before naming them: (name, role).

    ``He's a blue chip college basketball recruit. She's a high school freshman with Down syndrome. At
    first glance Trey Moses and Ellie Meredith couldn't be more different.``: he/she sentences that open
    the article, before anyone is named, each given to the one person of that gender the next sentence
    names.
    """
    doc = parsed.doc
    pending: list[tuple[Token, str]] = []
    for sent in parsed.sentences[:_LEAD_SENTENCES]:
        named = [name for start, (_span, name) in coref.spans.items() if sent.start <= start < sent.end]
        if named:
            out = []
            for pronoun, role in pending:
                fits = {n for n in named if coref.gender.get(n) == _PRONOUN_GENDER[pronoun.lower_]}
                if len(fits) == 1:
                    out.append((fits.pop(), role))
            return out
        subject = next((t for t in doc[sent.start : sent.end] if t.dep_ == "nsubj" and t.head.dep_ == "ROOT"), None)
        if subject is None or subject.lower_ not in _PRONOUN_GENDER or subject.i in coref.resolved:
            return []  # the lead is not a run of he/she sentences
        described = copular_role(doc, subject)
        if described is not None:
            pending.append((subject, described))
    return []


_PRONOUN_GENDER = {"he": "m", "she": "f"}

#: Verbs whose subject holds a position in the organisation they take: the position's name. Present
#: tense only ("owned" may be no longer), except founding, which stays true.
_HOLDING_VERBS = {"own": "owner", "head": "head", "chair": "chair", "coach": "coach", "manage": "manager"}
_FOUNDING_VERBS = {"found": "founder", "cofound": "co-founder"}


def _held(parsed: Parsed, coref: Coref) -> list[tuple[str, str]]:
    """``She and Rogers own the Breckenridge Cannabis Club``: (name, ``owner of the Breckenridge ...``).

    A named person (or a he/she that refers to one), alone or among conjoined subjects, of a verb that
    says what they are to an organisation named as its object, in the article's own voice.
    """
    doc = parsed.doc
    found = [(span.root, name) for span, name in coref.spans.values()]
    found += [(doc[i], name) for i, name in coref.resolved.items()]
    out: list[tuple[str, str]] = []
    for tok, name in found:
        first = tok
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        verb = first.head
        if first.dep_ != "nsubj" or coref.in_quote(tok.idx) or any(c.dep_ == "neg" for c in verb.children):
            continue
        lemma = verb.lemma_.lower()
        if verb.tag_ in ("VBZ", "VBP") and lemma in _HOLDING_VERBS:
            noun = _HOLDING_VERBS[lemma]
        elif verb.tag_ == "VBD" and lemma in _FOUNDING_VERBS:
            noun = _FOUNDING_VERBS[lemma]
        else:
            continue
        obj = next((c for c in verb.rights if c.dep_ == "dobj"), None)
        if obj is None or not (obj.ent_type_ in ("ORG", "FAC") or (obj.pos_ == "PROPN" and not obj.ent_type_)):
            continue  # an organisation, or a name the model left untagged ("the Harbor Street Bakery")
        end = obj.i
        while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
            end += 1
        out.append((name, f"{noun} of {doc[obj.left_edge.i : end + 1].text}"))
    return out


def _in_place(tok: Token, *, subject: bool) -> bool:
    if subject:
        return tok.dep_ in ("nsubj", "nsubjpass")
    return tok.dep_ in ("dobj", "dative") or (tok.dep_ == "pobj" and tok.head.lower_ == "to")


def _describes_new_person(tok: Token, *, subject: bool) -> bool:
    """A lead's description of someone not named yet.

    The subject of its clause, or (``subject`` false) the person it is addressed to, a definite title
    (``to the culture minister``).
    """
    if tok.pos_ != "NOUN" or tok.tag_ != "NN" or not person_noun(tok.lower_) or tok.lower_ in THING_NOUNS:
        return False
    if not subject:
        return _in_place(tok, subject=False) and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.lefts)
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    described = any(c.dep_ == "det" and (c.lower_ in ("a", "an") or _identifying(tok, c)) for c in tok.lefts)
    # "the firm's chief": whose chief says who, as "the attorney for ..." does.
    described = described or any(
        c.dep_ == "poss" and c.pos_ == "NOUN" and any(d.dep_ == "det" and d.lower_ == "the" for d in c.lefts)
        for c in tok.lefts
    )
    # The subject of a reporting verb ("..., the firm's chief has told BBC News") tells the news too.
    return described and (_main_clause_subject(tok) or tok.head.lemma_ in SPEECH_VERBS)


def _identifying(head: Token, det: Token) -> bool:
    """``The attorney for a suburban New York cardiologist``: a definite description that says who."""
    return det.lower_ == "the" and any(c.dep_ == "prep" and c.lower_ in ("for", "of") for c in head.rights)


def _main_clause_subject(tok: Token) -> bool:
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _running_text(parsed: Parsed) -> list[tuple[int, int]]:
    """The character ranges of the article's sentences, less credit lines; datelines lie outside them."""
    text = parsed.article.text
    return [(s.start_char, s.end_char) for s in parsed.sentences if not _CREDIT.search(text[s.start_char : s.end_char])]


def _headlines(parsed: Parsed) -> list[tuple[int, int]]:
    """Headings, and lines alone in their paragraph written in Title Case.

    Their capitals make names of ordinary words: "Top Climate Group Will Run Ads Demanding ...".
    """
    doc = parsed.doc
    per_paragraph = Counter(s.paragraph for s in parsed.sentences)
    out = []
    for s in parsed.sentences:
        if s.kind == "heading":
            out.append((s.start_char, s.end_char))
            continue
        if per_paragraph[s.paragraph] != 1:
            continue  # a headline is a line of its own; no need to read the words
        words = [t for t in doc[s.start + 1 : s.end] if t.is_alpha]
        capitals = [t for t in words if t.text[0].isupper()]
        # Verbs and small words in capitals ("Will Run Ads", "To Release ... After Pressure From"), not
        # a sentence full of names ("Sen. Ted Cruz spoke in Iowa on Monday").
        small = [t for t in capitals if t.lower_ in _SMALL_WORDS or t.pos_ in ("VERB", "AUX")]
        ordinary = [t for t in capitals if not t.ent_type_]
        title_case = (
            len(words) >= 3
            and len(capitals) >= 0.6 * len(words)
            and (bool(small) or len(ordinary) >= max(2, 0.3 * len(words)))
        )
        if title_case:
            out.append((s.start_char, s.end_char))
    return out


def _in_running_text(ranges: list[tuple[int, int]], at: int) -> bool:
    k = bisect_right(ranges, (at, 1 << 62)) - 1  # the ranges are sentences: sorted and apart
    return k >= 0 and ranges[k][0] <= at < ranges[k][1]


def _as_medium(doc: Doc, text: str, ent: Span) -> bool:
    """A news outlet named as the place of speech, not as a participant (see ``_MEDIA``)."""
    root = ent.root
    if root.dep_ in ("compound", "poss", "nmod", "amod") and root.head.i >= ent.end:
        # "a CNN request", "CNN's New Day", "CNN affiliate WCBS"; not "the Channel 4 reality TV show",
        # "BBC Radio 1's chart show": the outlet's own programme is its doing, not a place of speech.
        return root.head.lemma_.lower() not in _PROGRAMMES
    if root.dep_ in ("dobj", "dative") and root.head.lemma_.lower() in _MEDIUM_VERBS:
        return True  # "told CNN"
    if root.dep_ == "pobj" and root.head.lower_ in ("to", "on", "with", "in", "for"):
        verb = root.head.head
        if verb.lemma_.lower() in _MEDIUM_VERBS or verb.lemma_.lower() in ("interview", "comment", "request"):
            return True  # "speaking to BBC Radio", "said on CNN", "an interview with the Times", "no comment for CNN"
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _NEWSROOM_VERBS:
        return True  # "CNN Sports has reached out to ...", "CNN could not independently verify ...": reporting
    return text[ent.end_char : ent.end_char + 2].lstrip().startswith(":")  # "CNN: Tell me about ..."


#: A name made into an adjective of likeness or manner: "Twitter-like", "Soviet-style".
_LIKENED = re.compile(r"-(?:like|style|esque|type|inspired|themed)\b")


def _airs(root: Token) -> bool:
    """``the "Late Late Show" on CBS``: the network of a programme, whose doing the programme is."""
    return root.dep_ == "pobj" and root.head.lower_ == "on" and root.head.head.lemma_.lower() in _PROGRAMMES


def _on_platform(ent: Span) -> bool:
    """``on Twitter``, ``via Facebook``, ``a Weibo user``, ``his Twitter timeline``: the platform as a medium."""
    root = ent.root
    if root.dep_ in ("compound", "poss", "nmod", "amod") and root.head.i >= ent.end:
        return True
    return root.dep_ == "pobj" and root.head.lower_ in ("on", "via", "onto", "across", "to")


#: What a newsroom does to report a story: its subject is the outlet at work, not a participant.
_NEWSROOM_VERBS = frozenset("reach contact verify confirm ask seek attempt try".split())


def _quoted_title(text: str, start: int, end: int) -> bool:
    """A name that is all of a quotation (``the film "Vera Drake"``): a title or nickname, not a mention."""
    if start > 0 and text[start - 1] in _OPENING_MARKS:
        rest = text[end : end + 2].lstrip(",.!?")
        return bool(rest) and rest[0] in _CLOSING_MARKS
    # The end of a title in Title Case: Journey's "Don't Stop Believin'."
    rest = text[end : end + 4].lstrip("'’,.!?")
    if not rest or rest[0] not in '"”':
        return False
    opened = max(text.rfind('"', max(0, start - 60), start), text.rfind("“", max(0, start - 60), start))
    if opened < 0:
        return False
    words = text[opened + 1 : end].split()
    return len(words) <= 8 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _adjectival(ent: Span) -> bool:
    """``Democratic`` in ``Democratic senators``: a modifier of a noun after it, not a name of its own."""
    root = ent.root
    return root.tag_ == "JJ" or (root.dep_ in ("amod", "compound") and root.head.i >= ent.end)


def _is_actor(draft: Draft, lexicon: Lexicon, speakers: set[str]) -> bool:
    """Whether a reader would count the draft as an actor at all.

    Not an adjective alone, not an event, not a one-word person named once with no role who says
    nothing, and not a lone capitalised word seen once at the start of a sentence (``Quirky``,
    ``Candidate``) that is no known place, acronym or first name.
    """
    if not draft.nominal or (draft.work and draft.name not in speakers):
        return False
    name = draft.name
    if sum(c.isalnum() for c in name) < 2 or not any(c.isalpha() for c in name):
        return False  # "X."; but "G7" is a name
    if set(name.lower().split()) & _FEASTS:
        return False  # "Easter", "Easter Sunday", "Christmas Eve": a day of the calendar
    if " " in name and name.split()[-1].lower() in MACHINE_NOUNS and name not in speakers:
        return False  # "James Webb Space Telescope", "Large Hadron Collider": instruments, not participants
    if draft.kind != "place" and name.split()[-1].lower() in _EVENT_HEADS and " " in name:
        # "Boston Marathon", "Record Store Day": events, not actors; but the article that calls it by its
        # initials names the body that runs it ("Ultimate Fighting Championship", "UFC's biggest star").
        initials = "".join(w[0] for w in name.split() if w[:1].isupper())
        if not any(a.isupper() and a.isalpha() and a == initials for a in draft.aliases):
            return False
    if (
        draft.kind == "organization"
        and " " not in name
        and draft.mentions <= 1
        and not (draft.gazetteer or draft.acted or draft.called_organisation)
        and name not in speakers
        and name.lower() not in PARTY_FORMS
    ):
        return False  # one word named once that does nothing ("a VHS copy", "the ER", "on Amazon")
    if (
        draft.kind == "person"
        and draft.in_title
        and name not in speakers
        and not draft.roles
        and lexicon.gender_of_first_name(name.split()[0]) is None
    ):
        return False  # "Shane Meadows' Dead Man's Shoes": words of a title, no one a reader can place
    if draft.kind == "person" and " " not in name and draft.mentions <= 1 and not draft.roles:
        # One word named once, nothing said of it or by it ("Universe" of Miss Universe, "Twitter"):
        # no person a reader can place.
        return name in speakers or bool(draft.aliases)
    if " " in name or draft.gazetteer or draft.mentions > 1 or not draft.only_at_sentence_start:
        return True
    return name.isupper() or lexicon.gender_of_first_name(name) is not None


_NUMBERED = re.compile(r"^(.+?)\s+(?:\d{2,}|[A-Z]{1,3}\d{1,3})$")  # "UFC 187", "BMW X5"


def _edition(name: str, drafts: dict[str, Draft]) -> bool:
    """``UFC 187``, ``BMW X5`` where the article names ``UFC``, ``BMW``: an edition or a model, no actor."""
    m = _NUMBERED.match(name)
    if m is None or name not in drafts or drafts[name].kind != "organization":
        return False
    base = m.group(1)
    return any(d is not drafts[name] and (d.name == base or base in d.aliases) for d in drafts.values())


def _acronyms(text: str) -> dict[str, str]:
    """``Full Name (ACRONYM)`` in the text: the acronym -> the full name."""
    out: dict[str, str] = {}
    for m in _FULL_NAME_ACRONYM.finditer(text):
        full, short = re.sub(r"^(?:The|A|An)\s+", "", m.group(1).strip()), m.group(2)
        # "US Anti-Doping Agency (USADA)": a word in capitals gives all its letters, a hyphenated one each
        # part's initial.
        initials = "".join(
            p if p.isupper() else p[0] for w in full.split() if w[0].isupper() for p in w.split("-") if p
        )
        # "North American Court of Arbitration for Sport (CAS)": the initials of the body's own name,
        # after a qualifier the acronym leaves out.
        if (initials.startswith(short[0]) and len(short) <= len(initials) + 1) or (
            len(short) >= 3 and initials.endswith(short)
        ):
            out[short] = full
    return out


def _group_phrase(doc: Doc, ent: Span) -> Span | None:
    """``Western`` in ``Western nations`` -> ``Western nations``; ``pro-Russian separatists`` likewise."""
    head = ent.root.head
    if ent.root.dep_ not in ("amod", "compound", "nmod") or head.tag_ not in ("NNS", "NNPS") or head.i < ent.end:
        return None
    if not _PEOPLE.search(head.lower_):
        return None  # "Indian army plans", "German telecoms": things, not a group of people
    start = min([ent.start, *(t.i for t in head.lefts if t.dep_ in ("amod", "compound") and t.i >= ent.start - 2)])
    while start < ent.start and (doc[start].is_punct or doc[start].lower_ in _QUANTIFIERS):
        start += 1
    # "pro-Russian": the prefix belongs to the group's name.
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("pro", "anti"):
        start -= 2
    return doc[start : head.i + 1]


def _owner(tok: Token, coref: Coref) -> str:
    """``his`` in ``his Ukrainian counterpart`` -> ``Blinken's`` (the person it refers to), else as written."""
    for j in range(tok.i - 1, max(-1, tok.i - 120), -1):
        if j in coref.spans:
            name = coref.spans[j][1]
            return f"{name.split()[-1]}'s"
    return tok.text


def _affiliation(role: str, lexicon: Lexicon, drafts: dict[str, Draft]) -> str | None:
    for word in re.findall(r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*", role):
        clean = re.sub(r"['’]s$", "", word)
        for candidate in (clean, *clean.split()):
            entry = lexicon.gazetteer.get(candidate.lower())
            if entry is not None and entry.kind in ("country", "demonym", "org", "metonym"):
                return entry.canonical
            if candidate in drafts and drafts[candidate].kind in ("organization", "place"):
                return candidate
    # "the company's CEO": the organisation the story is about, when it names one far more than any other.
    if _THE_BODY.search(role):
        # Parties are no company: "the company's" is never the Republican Party.
        firms = sorted(
            (d for d in drafts.values() if d.kind == "organization" and not _party(d)),
            key=lambda d: -d.mentions,
        )
        if firms and firms[0].mentions >= 3 and (len(firms) < 2 or firms[0].mentions >= 2 * firms[1].mentions):
            return firms[0].name
    return None


def _party(draft: Draft) -> bool:
    return any(n.lower() in PARTY_FORMS or n.split()[-1] == "Party" for n in (draft.name, *draft.aliases))


_THE_BODY = re.compile(
    r"\b(?:(?:the|this) )?(?:company|firm|retailer|group|bank|carrier|airline|club|network)['’]s\b", re.IGNORECASE
)


def _titled_by_role(role: str | None, title_words: set[str]) -> bool:
    """A headline names people by what they are (``US and Russian ministers will meet``)."""
    if not role:
        return False
    head = role_head(role)
    return bool(head) and bool({head, head + "s", head + "es"} & title_words)


#: A paragraph that is a name alone, as a letter or a column is signed: "Len Bennett."
_SIGNATURE = re.compile(r"^[ \t]*([A-Z][\w'’-]*\.?(?: [A-Z][\w'’-]*\.?){1,3}?)\.?[ \t]*$", re.MULTILINE)


AFFILIATED = 3.0
_FORMER = re.compile(r"\b(?:former|ex-|one-time|retired|late)\b", re.I)


def _rank(
    parsed: Parsed, drafts: dict[str, Draft], quotes: tuple[Quote, ...], summary: tuple[Sentence, ...]
) -> tuple[Actor, ...]:
    title = (parsed.article.title or "").lower()
    title_words = set(re.findall(r"[\w’']+", title))
    summary_text = " ".join(s.text for s in summary).lower()
    quoted = {q.speaker for q in quotes if q.speaker}
    # A paragraph that is a name alone signs a letter or a column: its writer speaks in the article.
    signed = {m.group(1).rstrip(".") for m in _SIGNATURE.finditer(parsed.article.text)}
    length = max(1, len(parsed.article.text))
    scored: list[tuple[float, Actor]] = []
    for d in drafts.values():
        names = [d.name, *d.aliases]
        in_title = any(n.lower() in title for n in names) or _titled_by_role(d.role, title_words)
        in_summary = any(n.lower() in summary_text for n in names)
        is_quoted = any(n in quoted for n in names)
        speaks = is_quoted or (d.kind == "person" and d.name in signed)
        # A place that never acts is where the news happened, a setting: its mentions count for less.
        setting = d.kind == "place" and not d.acted
        score = (d.mentions * 0.75 if setting else d.mentions) + 3 * in_title + 2 * in_summary + 2 * speaks
        score += 2 * (1 - d.first / length)
        score += bool(d.role)  # the article tells the reader who they are: a participant it introduces
        # Who leads or speaks for the body the story is about ("the company's CEO" in a story on Walmart).
        body = drafts.get(d.affiliation or "")
        score += AFFILIATED * (
            d.kind == "person"
            and body is not None
            and body.mentions >= 3
            and (body.kind == "organization" or body.acted)  # a body, or a country that acts; no setting
            and not _FORMER.search(d.role or "")  # a former governor no longer speaks for the state
        )
        actor = Actor(
            name=d.name,
            kind=d.kind,
            role=d.role,
            affiliation=d.affiliation,
            mentions=d.mentions,
            aliases=tuple(a for a in d.aliases if a != d.name),
            quoted=is_quoted,
        )
        scored.append((score, actor))
    scored.sort(key=lambda p: (-p[0], p[1].name))
    return tuple(a for _s, a in scored)
