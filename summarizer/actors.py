"""Actors of a story: its people, organisations, places and groups, merged, with the roles it gives them.

Built on the corrected entities of the article's single parse (:mod:`summarizer.entities`) and the
person coreference of the quotes (:class:`summarizer.attribution.Coref`).

**Merging** (one actor per real-world entity in the article):

- a person's mentions merge on the fullest name the article gives (``Blinken`` -> ``Antony Blinken``);
- names of a country merge through the gazetteer (``US``, ``the United States``, ``America``);
- a demonym (``Russian`` officials) is not an actor: it counts for its country and gives affiliations;
- a government seat (``the Kremlin``, ``the White House``) is an alias of its country;
- a city or region the gazetteer files under a country is an alias of that country when the article
  uses it as an actor somewhere -- subject, possessor, object of a verb, agent of a passive, source
  of ``according to``, or conjoined with one (``Moscow warns Kiev``, ``Moscow's demands``) -- and a
  place of its own otherwise (``talks in Stockholm``, ``Crimea, which Russia annexed``);
- an organisation's acronym merges with its full name (gazetteer, or ``Full Name (ACRONYM)``);
- a nationality or political group is a ``group``; it takes the noun it modifies when that noun is
  plural (``Western nations``, ``pro-Russian separatists``).

**Roles** come from the text only, for people: a title before the name (``Russian Foreign Minister
Sergei Lavrov``), an apposition after it (``Antony Blinken, America's top diplomat``), a head the
name is in apposition to (``Ukraine's President, Volodymyr Zelensky``), or a ``who is`` clause; cut
at the first preposition other than ``of`` and at clause edges (no trailing ``in Stockholm``). The
affiliation is the country or organisation the role names.

**Salience**: mentions (pronouns resolved by the quote coreference count), a bonus for the headline,
the summary and being quoted, and an early first mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from summarizer.attribution import SPEECH_VERBS, Coref
from summarizer.entities import TITLE_WORDS
from summarizer.lexicon import Lexicon
from summarizer.model import Actor, ActorKind, Mention, Quote, Sentence
from summarizer.nlp import Parsed

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
_ROLE_STOP_PREPS = frozenset({"in", "at", "for", "on", "during", "with", "from", "to", "after", "before", "since"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their", "its"})
_MAX_ROLE_WORDS = 8
_FULL_NAME_ACRONYM = re.compile(
    r"((?:[A-Z][\w'’&.-]*\s+(?:(?:of|for|and|the|in|on|to|de)\s+)*){2,}[A-Z][\w'’&.-]*)\s*\(([A-Z]{2,8})\)"
)
_NOT_ROLES = frozenset({"people", "man", "woman", "men", "women", "person"})


@dataclass
class _Draft:
    name: str
    kind: ActorKind
    mentions: int = 0
    first: int = 10**9
    aliases: dict[str, None] = field(default_factory=dict)
    role: str | None = None
    affiliation: str | None = None


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
    drafts: dict[str, _Draft] = {}
    mentions: list[Mention] = []
    acronyms = _acronyms(parsed.article.text)

    def add(span: Span | None, name: str, kind: ActorKind, text: str, start: int, end: int) -> _Draft:
        draft = drafts.get(name)
        if draft is None:
            draft = drafts[name] = _Draft(name, kind)
        draft.mentions += 1
        draft.first = min(draft.first, start)
        if text != name:
            draft.aliases[text] = None
        mentions.append(Mention(text=text, kind=kind, start=start, end=end, actor=name))
        if span is not None and draft.role is None and kind == "person":
            draft.role = _role(doc, span, coref)
        return draft

    person_at = {start: name for start, (_span, name) in coref.spans.items()}
    # One entity per article: a city that acts anywhere in it is its government everywhere in it.
    acting = {
        ent.text
        for ent in coref.ents
        if ent.label_ == "GPE"
        and (e := lexicon.gazetteer.get(ent.text.lower())) is not None
        and e.kind == "place"
        and _acts(ent.root)
    }
    for ent in coref.ents:  # the article's entities, read once by the coreference
        kind = _KINDS.get(ent.label_)
        if kind is None:
            continue
        text = ent.text
        if kind == "person" or ent.start in person_at:
            add(ent, person_at.get(ent.start, text), "person", text, ent.start_char, ent.end_char)
            continue
        entry = lexicon.gazetteer.get(text.lower())
        if entry is not None and entry.kind == "demonym":
            group = _group_phrase(doc, ent)
            if group is not None:
                add(None, group.text, "group", group.text, group.start_char, group.end_char)
            else:
                add(None, entry.canonical, "place", text, ent.start_char, ent.end_char)
            continue
        if entry is not None and entry.kind in ("country", "metonym"):
            add(None, entry.canonical, "place", text, ent.start_char, ent.end_char)
            continue
        if entry is not None and entry.kind == "place":
            if text in acting:
                add(None, entry.canonical, "place", text, ent.start_char, ent.end_char)
            else:
                add(None, text, "place", text, ent.start_char, ent.end_char)
            continue
        if entry is not None and entry.kind == "org":
            add(None, entry.canonical, "organization", text, ent.start_char, ent.end_char)
            continue
        if kind == "group":
            group = _group_phrase(doc, ent)
            span = group if group is not None else ent
            add(None, span.text, "group", span.text, span.start_char, span.end_char)
            continue
        add(None, acronyms.get(text, text), kind, text, ent.start_char, ent.end_char)
    # Persons the model missed but the coreference found ("Sanders" tagged ORG is relabelled upstream;
    # a bare surname with no entity is counted here).
    for start, (span, name) in coref.spans.items():
        if not doc[start].ent_type_:
            add(span, name, "person", span.text, span.start_char, span.end_char)
    for name, n in coref.pronoun_counts().items():
        if name in drafts:
            drafts[name].mentions += n
    for draft in drafts.values():
        if draft.role:
            draft.affiliation = _affiliation(draft.role, lexicon, drafts)
    return _rank(parsed, drafts, quotes, summary), tuple(sorted(mentions, key=lambda m: m.start))


def _acronyms(text: str) -> dict[str, str]:
    """``Full Name (ACRONYM)`` in the text: the acronym -> the full name."""
    out: dict[str, str] = {}
    for m in _FULL_NAME_ACRONYM.finditer(text):
        full, short = re.sub(r"^(?:The|A|An)\s+", "", m.group(1).strip()), m.group(2)
        initials = "".join(w[0] for w in full.split() if w[0].isupper())
        if initials.startswith(short[0]) and len(short) <= len(initials) + 1:
            out[short] = full
    return out


def _group_phrase(doc: Doc, ent: Span) -> Span | None:
    """``Western`` in ``Western nations`` -> ``Western nations``; ``pro-Russian separatists`` likewise."""
    head = ent.root.head
    if ent.root.dep_ not in ("amod", "compound", "nmod") or head.tag_ not in ("NNS", "NNPS") or head.i < ent.end:
        return None
    start = min([ent.start, *(t.i for t in head.lefts if t.dep_ in ("amod", "compound") and t.i >= ent.start - 2)])
    while start < ent.start and doc[start].is_punct:
        start += 1
    # "pro-Russian": the prefix belongs to the group's name.
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("pro", "anti"):
        start -= 2
    return doc[start : head.i + 1]


def _trim_role(tokens: list[Token], coref: Coref | None = None) -> str | None:
    """The role words, cut at the first preposition other than "of" and at clause edges."""
    words: list[str] = []
    for tok in tokens:
        if tok.lower_ in _ROLE_STOP_PREPS or tok.dep_ in ("relcl", "acl") or tok.text in (",", ";", "(", "—", "–"):
            break
        if coref is not None and tok.lower_ in _POSSESSIVE_PRONOUNS:
            words.append(_owner(tok, coref) + tok.whitespace_)
        else:
            words.append(tok.text_with_ws)
    role = "".join(words).strip(" ,")
    role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.IGNORECASE)
    if not role or len(role.split()) > _MAX_ROLE_WORDS:
        return None
    if not any(c.isalpha() for c in role):
        return None
    return role


def _owner(tok: Token, coref: Coref) -> str:
    """``his`` in ``his Ukrainian counterpart`` -> ``Blinken's`` (the person it refers to), else as written."""
    for j in range(tok.i - 1, max(-1, tok.i - 120), -1):
        if j in coref.spans:
            name = coref.spans[j][1]
            return f"{name.split()[-1]}'s"
    return tok.text


def _role(doc: Doc, ent: Span, coref: Coref) -> str | None:
    root = ent.root
    # 1. A title before the name, in its noun phrase: "Russian Foreign Minister Sergei Lavrov".
    left = [t for t in root.subtree if t.i < ent.start]
    if left:
        start = min(t.i for t in left)
        tokens = list(doc[start : ent.start])
        if tokens and tokens[-1].text == ",":
            tokens = []  # "Ukraine's President, Volodymyr Zelensky": handled by rule 3
        tokens = [t for t in tokens if t.dep_ != "det"]
        if tokens and _titled(tokens):
            role = _trim_role(tokens, coref)
            if role:
                return role
    # 2. An apposition after the name: "Antony Blinken, America's top diplomat,".
    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i:
            role = _trim_role(list(doc[child.left_edge.i : child.right_edge.i + 1]), coref)
            if role and doc[child.i].ent_type_ != "PERSON":
                return role
    # 3. The name in apposition to a title: "Ukraine's President, Volodymyr Zelensky".
    head = root.head
    if root.dep_ == "appos" and head.i < ent.start and head.pos_ in ("NOUN", "PROPN") and not head.ent_type_:
        role = _trim_role(list(doc[head.left_edge.i : head.i + 1]), coref)
        if role:
            return role
    # 4. "Lavrov, who is the ...": a copula in a relative clause on the name.
    for child in root.children:
        if child.dep_ == "relcl" and child.lemma_ == "be":
            attrs = [c for c in child.children if c.dep_ == "attr"]
            if attrs:
                return _trim_role(list(doc[attrs[0].left_edge.i : attrs[0].right_edge.i + 1]), coref)
    return None


def _titled(tokens: list[Token]) -> bool:
    """A premodifier is a role when it names a position (a title word, or a capitalised common noun)."""
    return any(
        t.lower_ in TITLE_WORDS or (t.pos_ in ("NOUN", "PROPN") and not t.ent_type_ and t.lower_ not in _NOT_ROLES)
        for t in tokens
    )


def _affiliation(role: str, lexicon: Lexicon, drafts: dict[str, _Draft]) -> str | None:
    for word in re.findall(r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*", role):
        clean = re.sub(r"['’]s$", "", word)
        for candidate in (clean, *clean.split()):
            entry = lexicon.gazetteer.get(candidate.lower())
            if entry is not None and entry.kind in ("country", "demonym", "org", "metonym"):
                return entry.canonical
            if candidate in drafts and drafts[candidate].kind in ("organization", "place"):
                return candidate
    return None


def _rank(
    parsed: Parsed, drafts: dict[str, _Draft], quotes: tuple[Quote, ...], summary: tuple[Sentence, ...]
) -> tuple[Actor, ...]:
    title = (parsed.article.title or "").lower()
    summary_text = " ".join(s.text for s in summary).lower()
    quoted = {q.speaker for q in quotes if q.speaker}
    length = max(1, len(parsed.article.text))
    scored: list[tuple[float, Actor]] = []
    for d in drafts.values():
        names = [d.name, *d.aliases]
        in_title = any(n.lower() in title for n in names) if title else False
        in_summary = any(n.lower() in summary_text for n in names)
        is_quoted = any(n in quoted for n in names)
        score = d.mentions + 3 * in_title + 2 * in_summary + 2 * is_quoted + 2 * (1 - d.first / length)
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
