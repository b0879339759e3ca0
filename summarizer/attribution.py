"""Who said a quote: the speech cue near it, its subject, and the fullest name for that subject.

Rules, in order, for a quote found by :mod:`summarizer.quotemarks`:

1. A speech verb (``said``, ``told``, ``added``, ``warned``, ``wrote``, ``tweeted`` ...) in the quote's
   own sentence, outside the quote, nearest first; or ``according to X``. Its subject is the speaker.
2. Otherwise a quote that continues the previous one (same or next paragraph, no cue of its own)
   has the previous quote's speaker.
3. Otherwise a cue in the next sentence of the same paragraph, then in the previous one.

The speaker is then resolved to the fullest name the article uses:

- a surname to the full name (``Blinken`` -> ``Antony Blinken``);
- ``he``/``she`` to a person mentioned before it, by a salience score in the spirit of Lappin and
  Leass (1994): sentence recency, subject position, being the subject of a speech verb, and not being
  named inside someone else's quote; a person whose gender is known and differs is never chosen.
  Gender comes from an honorific in the article (``Mrs. Clinton``), else the first name
  (:mod:`summarizer.lexicon`), else the pronouns the article uses right after the person speaks.
  Earlier resolved pronouns count as mentions, so a run of ``he said`` stays with one person;
- a definite description (``the secretary``, ``the senator``) to the person the article gives that
  title, when it gives it to one;
- a definite description with a modifier whose head names a position or occupation, as the subject
  of a clause (``said the Old Trafford boss``, ``The marathon world record holder believes``,
  ``the 30-year-old``), to the one compatible person named just before it, or the lone subject of
  the sentence before (:meth:`Coref.described_referent`): British news refers back to a named person
  this way; a bare ``the official`` may be someone new and is not resolved. The quote keeps the
  description as written; the brief names the person and takes the description as a role;
- any other description (``a US official``) is kept as written and marked unnamed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarizer.entities import ABBREVIATED_TITLES
from summarizer.lexicon import Gender, Lexicon
from summarizer.nlp import Parsed
from summarizer.quotemarks import QuoteSpan
from summarizer.roles import KIN_NOUNS, ROLE_NOUNS, expand_title, person_noun
from summarizer.sentences import SentSpan, sentence_at

SPEECH_VERBS = frozenset(
    """say tell add warn write tweet state explain note argue claim insist ask declare announce reply
    respond complain acknowledge admit recall suggest conclude testify predict describe continue
    caution stress emphasize emphasise concede contend maintain assert deny confirm promise
    vow boast joke quip scoff shout yell whisper post report observe remark counter urge call estimate
    wonder point deride blast slam criticize criticise praise dismiss charge allege accuse tout pledge
    proclaim mock lament recount reflect muse agree disagree retort snap thunder cry plead beg demand
    advise read chant reveal disclose indicate signal threaten forecast speculate hint reiterate repeat
    echo question challenge dispute rebut refute opine assure reassure clarify elaborate characterize
    characterise dub term brand label quote cite recommend concur exclaim interject marvel sigh fume
    gush rave grumble""".split()
)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "him", "her", "them"})
_AGE_NOUN = re.compile(r"^\d+-year-old$")
_DESCRIPTION_MODS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod", "nummod"})
_GENDERED = {"he": "m", "him": "m", "she": "f", "her": "f"}
_HONORIFICS = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: How many sentences back a pronoun looks for its antecedent.
WINDOW = 6
#: Salience of a mention, in sentences of recency: a subject, the subject of a speech verb, and a
#: name inside a quote (usually someone the speaker talks about, not the speaker).
SUBJECT_WEIGHT = 0.6
SPEAKER_WEIGHT = 0.6
QUOTED_PENALTY = 0.8


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speaker of one quote, as resolved."""

    speaker: str | None
    named: bool
    cue: int  # token index of the cue verb, -1 when inherited or none


@dataclass(frozen=True, slots=True)
class _Mention:
    char: int
    sent: int
    name: str
    subject: bool
    speaker: bool
    in_quote: bool
    #: The subject of the sentence's main clause (not of a clause inside it).
    main: bool = False
    #: The subject of "say" itself ("Greer said"), not of another speech verb ("called for").
    says: bool = False


def _joined(tok: Token) -> bool:
    """Whether the next token is written on to this one, no space between (``Rawlings`` ``-`` ``Blake``)."""
    return not tok.whitespace_


def _persons(doc: Doc) -> list[Span]:
    return [e for e in doc.ents if e.label_ == "PERSON"]


def _fullest(persons: list[Span], name: str, at: int | None = None) -> str:
    """The full name a surname stands for.

    The last full name with that surname mentioned before ``at`` (``Bush`` after ``Jeb Bush`` is Jeb
    Bush even if George W. Bush is named later), else the first in the article. A name of two words or
    more is already full.
    """
    words = name.split()
    if len(words) != 1:
        return name
    candidates = [e for e in persons if len(e) > 1 and len(e.text.split()) <= 4 and e.text.split()[-1] == name]
    if not candidates:
        return name
    # "Louis Jordan ... His father, Frank Jordan, told CNN ... Jordan said": a relative brought in by
    # kin is called by first name or kin; the surname alone stays with the one the story is about.
    first: dict[str, Span] = {}
    for e in candidates:
        first.setdefault(e.text, e)
    relatives = {text for text, e in first.items() if _kin_of_someone(e)}
    if relatives and len(relatives) < len(first):
        candidates = [e for e in candidates if e.text not in relatives]
    before = [e for e in candidates if at is not None and e.start_char < at]
    return (before[-1] if before else candidates[0]).text


def _kin_of_someone(ent: Span) -> bool:
    """``His father, Frank Jordan``, ``her sister Margot Frank``: a name given as someone's relative."""
    root = ent.root
    if root.dep_ == "appos" and root.head.lemma_.lower() in KIN_NOUNS:
        return True
    return ent.start > 0 and ent.doc[ent.start - 1].lemma_.lower() in KIN_NOUNS


def _is_speech_verb(tok: Token) -> bool:
    return tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS


class Coref:
    """Person mentions of one article, with its he/she pronouns resolved in reading order.

    Built once per article and shared by quote attribution and actor salience.
    """

    def __init__(self, parsed: Parsed, quotes: list[QuoteSpan], lexicon: Lexicon) -> None:
        self.doc = parsed.doc
        self.text = parsed.article.text  # == doc.text, which spaCy rebuilds on every access
        # doc.ents rebuilds its list from every token on each access: read it once per article.
        self.ents = list(self.doc.ents)
        self._ent_of = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.sents = parsed.sentences
        self.quoted = [(q.open_mark, q.close_mark if q.close_mark >= 0 else q.end) for q in quotes]
        self.spans = self._person_spans()
        #: Every token of a person mention -> the mention's start ("Blake" of "Rawlings-Blake" -> "Rawlings").
        self.span_start = {i: start for start, (span, _name) in self.spans.items() for i in range(span.start, span.end)}
        self.gender = self._genders(lexicon)
        self.titles = self._titles()
        self.mentions: list[_Mention] = []
        #: Resolved he/she tokens: token index -> the person's fullest name.
        self.resolved: dict[int, str] = {}
        #: Resolved descriptions ("the Chelsea star"): head token index -> (fullest name, description).
        self.described: dict[int, tuple[str, str]] = {}
        #: Titles alone ("the governor") resolved to the one person given them: head token -> the name.
        self.titles_at: dict[int, str] = {}
        self._resolve_all()

    def pronoun_counts(self) -> dict[str, int]:
        """How many he/she pronouns refer to each person."""
        counts: dict[str, int] = {}
        for name in [*self.resolved.values(), *(n for n, _d in self.described.values())]:
            counts[name] = counts.get(name, 0) + 1
        return counts

    def _person_spans(self) -> dict[int, tuple[Span, str]]:
        """Every mention of a named person by start token, with the person's fullest name.

        The small model misses many repeat mentions (``Sanders did not ...`` tagged ORG or nothing),
        so a proper noun equal to the surname of a full name the article gives counts too.
        """
        doc = self.doc
        out = {ent.start: (ent, _fullest(self.persons, ent.text, ent.start_char)) for ent in self.persons}
        # Surname -> its number of tokens: "Rawlings-Blake" is three, and its "Blake" no surname.
        surnames: dict[str, int] = {}
        for ent in self.persons:
            k = len(ent) - 1
            while k >= 2 and _joined(ent[k - 1]) and ent[k - 1].text == "-" and _joined(ent[k - 2]):
                k -= 2
            if k > 0:
                surnames[ent[k:].text] = len(ent) - k
        lengths = sorted(set(surnames.values()), reverse=True)
        for tok in doc:
            if not tok.is_title or tok.ent_type_ == "PERSON" or (tok.i > 0 and _joined(doc[tok.i - 1])):
                continue
            for n in lengths:
                span = doc[tok.i : tok.i + n]
                if span.text not in surnames or surnames[span.text] != n or (n == 1 and tok.pos_ != "PROPN"):
                    continue  # a one-word surname must be a proper noun here: "Young", "Brown" are words too
                if tok.ent_type_ and tok.ent_iob_ == "B" and span.end < len(doc) and doc[span.end].ent_iob_ == "I":
                    break  # part of a longer name: "Clinton Foundation"
                out[tok.i] = (span, _fullest(self.persons, span.text, tok.idx))
                break
        return out

    def _titles(self) -> dict[str, list[tuple[int, str]]]:
        """The position words written next to each person's name (``manager Jose Mourinho``), and where."""
        out: dict[str, list[tuple[int, str]]] = {}
        for ent, name in self.spans.values():
            root = ent.root
            near = [c for c in root.children if c.dep_ in ("compound", "amod", "appos", "nmod") and not c.ent_type_]
            if root.dep_ == "appos":
                near.append(root.head)
            lemmas = (ABBREVIATED_TITLES.get(t.lower_, t.lemma_.lower()) for t in near if t.pos_ in ("NOUN", "PROPN"))
            words = {w for w in lemmas if w in ROLE_NOUNS}
            if words:
                out.setdefault(name, []).extend((ent.start_char, w) for w in sorted(words))
        return out

    def entity_at(self, i: int) -> Span | None:
        """The entity holding token ``i``, if any."""
        return self._ent_of.get(i)

    def in_quote(self, char: int) -> bool:
        """Whether a character of the article is inside a quotation."""
        return any(lo <= char <= hi for lo, hi in self.quoted)

    def _sent_of(self, char: int) -> int:
        return sentence_at(self.sents, char)

    def _genders(self, lexicon: Lexicon) -> dict[str, Gender]:
        honorific: dict[str, Gender] = {}
        by_name: dict[str, Gender] = {}
        votes: dict[str, list[int]] = {}
        doc = self.doc
        for ent, name in self.spans.values():
            if ent.start > 0 and (g := _HONORIFICS.get(doc[ent.start - 1].lower_)):
                honorific.setdefault(name, g)  # type: ignore[arg-type]
            first = lexicon.gender_of_first_name(name.split()[0]) if len(name.split()) > 1 else None
            if first:
                by_name.setdefault(name, first)
            # "X said ... . '...', he said": the next pronoun speaking after X speaks, no one named between.
            if ent.root.dep_ in _SUBJECT_DEPS and _is_speech_verb(ent.root.head):
                for tok in doc[ent.end : min(len(doc), ent.end + 40)]:
                    if tok.i in self.spans:
                        break
                    if tok.lower_ in ("he", "she") and tok.dep_ in _SUBJECT_DEPS and _is_speech_verb(tok.head):
                        v = votes.setdefault(name, [0, 0])
                        v[tok.lower_ == "she"] += 1
                        break
        out: dict[str, Gender] = {}
        for name, (m, f) in votes.items():
            if m != f:
                out[name] = "m" if m > f else "f"
        out.update(by_name)
        out.update(honorific)
        return out

    def _resolve_all(self) -> None:
        doc = self.doc
        i = 0
        while i < len(doc):
            found = self.spans.get(i)
            if found is not None:
                ent, name = found
                root = ent.root
                # "His father, Frank Jordan, told ...": a name in apposition to the subject is the subject.
                if root.dep_ == "appos" and root.head.dep_ in _SUBJECT_DEPS:
                    root = root.head
                subject = root.dep_ in _SUBJECT_DEPS
                self.mentions.append(
                    _Mention(
                        ent.start_char,
                        self._sent_of(ent.start_char),
                        name,
                        subject,
                        subject and _is_speech_verb(root.head),
                        self.in_quote(ent.start_char),
                        subject and _main_clause(root),
                        subject and root.head.lemma_ == "say",
                    )
                )
                i = ent.end
                continue
            tok = doc[i]
            if tok.dep_ in _SUBJECT_DEPS and not self.in_quote(tok.idx):
                description = None if tok.lower_ in ("he", "she") else _description(doc, tok)
                titled = self._bare_title(tok) if description is None and tok.lower_ not in ("he", "she") else None
                referent: str | None = None
                if titled is not None:
                    # "... called on Republican Gov. Asa Hutchinson to veto the bill, the governor held a news
                    # conference": the one person the article gives that title.
                    referent = titled
                elif tok.lower_ in ("he", "she"):
                    referent = self.antecedent(tok)
                elif description is not None:
                    referent = self.titled(tok) or self.described_referent(tok)
                if referent is not None:
                    if titled is not None:
                        self.titles_at[i] = referent
                    elif description is None:
                        self.resolved[i] = referent
                    else:
                        self.described[i] = (referent, description)
                    self.mentions.append(
                        _Mention(
                            tok.idx,
                            self._sent_of(tok.idx),
                            referent,
                            True,
                            _is_speech_verb(tok.head),
                            False,
                            _main_clause(tok),
                            tok.head.lemma_ == "say",
                        )
                    )
            i += 1

    def described_referent(self, head: Token) -> str | None:
        """The person a description such as ``the Tottenham striker`` refers back to, or ``None``.

        Among the people named in its sentence and the two before that are compatible with it (a
        person whose name the article writes with another specific title, ``manager Jose Mourinho``,
        is not ``the striker``, unless the description is of a past title, ``the former governor``):
        the only one; else the subject of the sentence before (or of its own), when that sentence has
        no other person as a subject (centering, held back where the sentence offers a second
        candidate: writers switch to a description as often to change the person talked about as
        to keep it). Otherwise it stays a description: a wrong name is worse than none.
        """
        here = self._sent_of(head.idx)
        title = head.lemma_.lower()
        # "the former New Mexico governor": a past title fits a person who now holds another one.
        past = any(t.lower_ in ("former", "ex", "then", "onetime", "erstwhile") for t in head.lefts)
        before = [m for m in self.mentions if m.char < head.idx and not m.in_quote]
        near = [m for m in before if here - m.sent <= 2 and (past or self._compatible(m.name, title, head.idx))]
        if not before or here - before[-1].sent > 2:
            # No one named in the last two sentences: the story is still on the last person it named.
            near = [m for m in before if here - m.sent <= _FAR and (past or self._compatible(m.name, title, head.idx))]
        names = {m.name for m in near}
        if len(names) <= 1:
            return names.pop() if names else None
        # Centering: the one subject of the sentence before (or of its own sentence, before it).
        for sent in (here, here - 1):
            subjects = {m.name for m in near if m.sent == sent and m.subject}
            if subjects:
                main = [m for m in near if m.sent == sent and m.main]
                if len({m.name for m in main}) != 1:
                    return None
                # "Nielsen had panicked ..., Greer said. The writer said ...": the one who spoke before,
                # not the one spoken of. Not within one sentence: "Quick said the front-runner had ..."
                # speaks of someone else.
                return main[0].name if len(subjects) == 1 or (main[0].says and sent < here) else None
        return None

    def _compatible(self, name: str, title: str, at: int) -> bool:
        # Only what the reader has read so far: "race leader Hamilton" later on does not stop "the reigning
        # world champion" from being Hamilton.
        known = {w for char, w in self.titles.get(name, ()) if char < at}
        return not known or title in known or title in _GENERIC_TITLES

    def antecedent(self, pronoun: Token) -> str | None:
        """The person a he/she refers to, or ``None`` when no compatible person precedes it."""
        if pronoun.i in self.resolved:
            return self.resolved[pronoun.i]
        want = _GENDERED.get(pronoun.lower_)
        # "the governor held a news conference and announced he would not sign": who says what they will
        # do is "he" (the subject of the verb the pronoun's clause completes).
        if pronoun.dep_ in _SUBJECT_DEPS and pronoun.head.dep_ == "ccomp":
            verb = pronoun.head.head
            while (
                verb.dep_ == "conj"
                and verb.head.i != verb.i
                and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
            ):
                verb = verb.head
            subj = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS and c.i < pronoun.i), None)
            name = self._named_at(subj) if subj is not None and _is_speech_verb(pronoun.head.head) else None
            if name is not None and (not want or self.gender.get(name, want) == want):
                return name
        here = self._sent_of(pronoun.idx)
        best: tuple[float, int] | None = None
        best_name: str | None = None
        for m in reversed(self.mentions):
            if m.char >= pronoun.idx:
                continue
            if here - m.sent > WINDOW:
                break
            if want and self.gender.get(m.name, want) != want:
                continue
            salience = SUBJECT_WEIGHT * m.subject + SPEAKER_WEIGHT * m.speaker - QUOTED_PENALTY * m.in_quote
            score = salience - (here - m.sent)
            key = (score, m.char)
            if best is None or key > best:
                best, best_name = key, m.name
        return best_name

    def _named_at(self, tok: Token) -> str | None:
        """Who the mention at ``tok`` is, when known: a name, a resolved he/she, a resolved description."""
        if tok.i in self.span_start:
            return self.spans[self.span_start[tok.i]][1]
        if tok.i in self.resolved:
            return self.resolved[tok.i]
        if tok.i in self.described:
            return self.described[tok.i][0]
        return self.titles_at.get(tok.i)

    def _bare_title(self, noun: Token) -> str | None:
        """``the governor`` with nothing else: whom the article gives that title, when one person."""
        lefts = list(noun.lefts)
        if noun.pos_ != "NOUN" or noun.tag_ != "NN" or len(lefts) != 1 or lefts[0].lower_ != "the":
            return None
        if noun.lower_ not in _ROLE_TITLES or any(c.dep_ == "prep" for c in noun.children):
            return None
        return self.titled(noun, nearest=True)

    def titled(self, noun: Token, *, nearest: bool = False) -> str | None:
        """The person the article gives the title ``noun`` (``the secretary``), when exactly one.

        ``nearest``: when several, the one given it in the sentence of ``noun`` or the one before.
        """
        word = noun.lower_
        found: dict[str, int] = {}
        for ent, name in self.spans.values():
            if ent.start_char >= noun.idx or self.in_quote(ent.start_char):
                continue  # '"... play from Damien," said the striker': a name quoted is not the one titled
            # A title right before the name ("Secretary of State Antony Blinken") or in the
            # apposition right after it ("Antony Blinken, the secretary of state,").
            sent = self.sents[self._sent_of(ent.start_char)]
            before = self.doc[max(sent.start, ent.start - 4) : ent.start]
            after = self.doc[ent.end : min(sent.end, ent.end + 6)]
            closes = [t.i for t in after if t.is_quote]
            if closes:
                after = self.doc[ent.end : closes[0]]
            appositive = len(after) > 0 and after[0].text == ","
            if any(_title_of(t) == word for t in before) or (appositive and any(t.lower_ == word for t in after)):
                found[name] = max(found.get(name, -1), ent.start_char)
        if len(found) == 1:
            return next(iter(found))
        if nearest and found:
            name, at = max(found.items(), key=lambda kv: kv[1])
            if self._sent_of(noun.idx) - self._sent_of(at) <= 1:
                return name
        return None


#: Titles one person holds in a story's world, which "the" alone refers back to.
_ROLE_TITLES = frozenset(
    """governor senator president chancellor minister secretary mayor premier prosecutor judge ambassador
    chairman chairwoman commissioner sheriff""".split()
)


def _title_of(tok: Token) -> str:
    """The title a token writes, abbreviations spelled out (``Gov.`` -> ``governor``)."""
    return expand_title(tok.text).lower()


#: How many sentences back a description may reach when the two before it name no one.
_FAR = 4
#: Heads of descriptions that fit anyone's position ("the Labour boss" may be the party's leader).
_GENERIC_TITLES = frozenset({"boss", "chief", "head", "leader", "star", "veteran", "officer", "official"})


def _main_clause(tok: Token) -> bool:
    """Whether ``tok`` is the subject of its sentence's main clause."""
    if tok.dep_ not in _SUBJECT_DEPS:
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _description(doc: Doc, head: Token) -> str | None:
    """``the Old Trafford boss``: a definite, modified noun phrase naming a position, as written."""
    age = _AGE_NOUN.match(head.lower_) is not None or (
        head.lower_ == "old" and head.i >= 2 and doc[head.i - 2].lower_ in ("year", "years")
    )  # "the 30-year-old" (spaCy splits it at the hyphens, and may tag "old" an adjective)
    if (head.pos_ not in ("NOUN", "PROPN") and not age) or head.ent_type_ not in ("", "DATE"):
        return None
    if head.lemma_.lower() not in ROLE_NOUNS and not age:
        return None
    if (head.tag_ not in ("NN", "NNP") and not age) or any(c.dep_ == "prep" for c in head.children):
        return None  # one person, and no "the new head of CCTV" (a description that introduces someone)
    lefts = list(head.lefts)
    if not lefts or lefts[0].lower_ != "the" or lefts[0].dep_ != "det":
        return None
    mods = [t for t in lefts[1:] if t.dep_ in _DESCRIPTION_MODS]
    if not mods and not age:
        return None
    if any(t.ent_type_ == "PERSON" for t in head.subtree):
        return None  # "the Chelsea star Frank Lampard": a title of a name, not a reference back
    end = head.i
    for c in head.rights:
        if c.dep_ == "cc":
            continue
        if c.dep_ == "conj" and c.pos_ == "NOUN" and c.i <= end + 3:
            end = c.i
        break
    return doc[lefts[0].i : end + 1].text


def _cue_in(doc: Doc, text: str, lo: int, hi: int, quote: QuoteSpan) -> Token | None:
    """The speech verb in tokens [lo, hi) outside the quote nearest to it.

    A quote that ends with a comma (``"...," she said``) leads into its attribution: a cue after it
    is taken before any cue before it.
    """
    leads_on = text[quote.start : quote.end].rstrip().endswith(",")
    best: Token | None = None
    best_dist = 10**9
    for tok in doc[lo:hi]:
        if quote.open_mark <= tok.idx < max(quote.end, quote.close_mark + 1):
            continue
        is_cue = _is_speech_verb(tok)
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            is_cue = True
        if not is_cue:
            continue
        dist = abs(tok.idx - quote.start) if tok.idx < quote.start else abs(tok.idx - quote.end)
        if leads_on and tok.idx < quote.start:
            dist += len(text)
        if dist < best_dist:
            best, best_dist = tok, dist
    return best


def _subject(cue: Token) -> Token | None:
    if cue.lower_ == "according":
        to = cue.nbor(1)
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return objs[0] if objs else None
    # Passive ("was described by the Kremlin as ..."): the agent spoke, not the subject.
    for agent in (c for c in cue.children if c.dep_ == "agent"):
        objs = [c for c in agent.children if c.dep_ == "pobj"]
        if objs:
            return objs[0]
    subs = [c for c in cue.children if c.dep_ in _SUBJECT_DEPS]
    if subs:
        return subs[0]
    # Inverted order ("..., said Robin Maynard"): the parser often makes the name an object.
    for c in cue.rights:
        if c.ent_type_ == "PERSON" and c.dep_ in ("dobj", "attr", "npadvmod", "oprd", "appos"):
            return c
    # "..., he added, speaking of ...", a cue in a relative clause, "issued a statement saying ...":
    # the subject of the clause the cue hangs from.
    node = cue
    for _ in range(3):
        if node.head.i == node.i:
            break
        # "That prompted Christine Pelosi to respond": who is prompted to speak speaks (object control).
        objs = [c for c in node.head.children if c.dep_ == "dobj"] if node.dep_ == "xcomp" else []
        if objs:
            return objs[0]
        node = node.head
        if _in_aside_before(node, cue):
            continue  # "... protesters looped the streets - where the Panthers played - while chanting, "...""
        subs = [c for c in node.children if c.dep_ in _SUBJECT_DEPS]
        if subs:
            return subs[0]
    return None


_DASHES = frozenset({"-", "–", "—", "--"})


def _in_aside_before(tok: Token, cue: Token) -> bool:
    """Whether ``tok`` is inside an aside between dashes that closes before ``cue``.

    An aside is no clause a later participle can hang from, whatever the parser made of it.
    """
    sent = cue.sent
    dashes = [t.i for t in sent if t.text in _DASHES]
    return any(a < tok.i < b < cue.i for a, b in zip(dashes[::2], dashes[1::2], strict=False))


def _name_of(coref: Coref, tok: Token) -> tuple[str, bool]:
    """The text naming ``tok``'s referent: the entity it is in, or its noun phrase."""
    doc = coref.doc
    if tok.i in coref.span_start:
        return coref.spans[coref.span_start[tok.i]][1], True
    # "Her classmate, Nannette Blitz, recalled ...": the description's name is given right after it.
    for c in tok.children:
        if c.dep_ == "appos" and c.i in coref.span_start:
            return coref.spans[coref.span_start[c.i]][1], True
    if tok.i in coref.described:
        # As written, unnamed, as news attribution corpora keep it; the brief names the person it refers to.
        return coref.described[tok.i][1], False
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        ent = coref.entity_at(tok.i)
        if ent is not None:
            text = ent.text.removeprefix("the ").removeprefix("The ")
            return (_fullest(coref.persons, text, ent.start_char) if ent.label_ == "PERSON" else text), True
    # "said BIFA founder Elliot Grove": the title heads the phrase, the name follows it.
    after = tok.i + 1
    if tok.pos_ == "NOUN" and after < len(doc) and after in coref.spans and doc[after].ent_iob_ == "B":
        return coref.spans[after][1], True
    # A text speaks for its author: "a CAS statement", "the company's website".
    if tok.lemma_.lower() in _DOCUMENTS:
        for c in tok.children:
            if c.dep_ in ("compound", "poss", "nmod") and c.ent_type_ in ("ORG", "PERSON", "GPE"):
                return _name_of(coref, c)
    # A description ("a US official", "the secretary"): its phrase without a trailing clause.
    mods = [t.i for t in tok.subtree if t.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod")]
    left = min([tok.i, *mods])
    if tok.pos_ == "NOUN" and tok.tag_ == "NN" and left < tok.i and doc[left].lower_ == "the":
        titled = coref.titled(tok)
        if titled is not None:
            return titled, True
    return doc[left : tok.i + 1].text, False


#: A quote with no cue of its own goes on the words of the quote just before it, when that one is a
#: statement of at least this many words: a scare quote ("a “big mistake”") hands no speaker on.
_CARRIED_WORDS = 4


def attribute(parsed: Parsed, quotes: list[QuoteSpan], coref: Coref) -> list[Attribution]:
    """One attribution per quote, in order (``coref`` built on the same quotes)."""
    doc = parsed.doc
    sents = parsed.sentences
    out: list[Attribution] = []
    prev_para, prev_words = -10, 0
    for q in quotes:
        # The quote's own sentences: from the one it opens in to the one it closes in, so that a
        # cue after a quote of several sentences (''A. B,'' Ms. Warren said) is found.
        k = sentence_at(sents, q.open_mark)
        last = max(k, sentence_at(sents, q.close_mark if q.close_mark >= 0 else q.end - 1))
        para = sents[k].paragraph if k >= 0 else -1
        cue = _cue_in(doc, coref.text, sents[k].start, sents[last].end, q) if k >= 0 else None
        result = _after_colon(coref, q)
        if result is not None:
            pass
        elif cue is not None:
            result = _from_cue(coref, cue, q)
        elif (lead := _lead_in(doc, coref, sents, k, q)) is not None:
            result = _from_cue(coref, lead, q)
        elif out and para - prev_para <= 1 and out[-1].speaker and prev_words >= _CARRIED_WORDS:
            result = Attribution(out[-1].speaker, out[-1].named, -1)
        elif k >= 0:
            for j in (last + 1, k - 1):
                if 0 <= j < len(sents) and sents[j].paragraph in (para, para + 1, para - 1):
                    cue = _cue_in(doc, coref.text, sents[j].start, sents[j].end, q)
                    if cue is not None:
                        result = _from_cue(coref, cue, q)
                        break
        out.append(result or Attribution(None, False, -1))
        prev_para = para
        prev_words = len(coref.text[q.start : q.end].split())
    return out


def _lead_in(doc: Doc, coref: Coref, sents: tuple[SentSpan, ...], k: int, q: QuoteSpan) -> Token | None:
    """The main verb of the sentence right before a quote that opens a sentence, when it is a speech verb.

    ``Its dispatchers were overloaded, the sheriff posted on Facebook. "We are asking you ..."``: the
    sheriff, not whoever was quoted before.
    """
    if k < 1 or coref.text[sents[k - 1].end_char : q.open_mark].strip():
        return None
    before = sents[k - 1]
    root = next((t for t in doc[before.start : before.end] if t.dep_ == "ROOT"), None)
    if root is None or not _is_speech_verb(root) or coref.in_quote(root.idx):
        return None
    # Someone said it: a named person or body, or a he/she, or a noun for a person; not "I" in a quote
    # whose marks were lost, nor "The fact ...".
    subj = _subject(root)
    if subj is None or not (
        subj.i in coref.span_start
        or subj.lower_ in ("he", "she")
        or subj.ent_type_ in ("PERSON", "ORG")
        or (subj.pos_ == "NOUN" and person_noun(subj.lemma_.lower()))
    ):
        return None
    return root


_NAMING = ("PERSON", "ORG", "GPE", "NORP")
_DOCUMENTS = frozenset({"statement", "release", "report", "letter", "website", "site", "account", "post", "tweet"})


def _after_colon(coref: Coref, q: QuoteSpan) -> Attribution | None:
    """``Clinton has since apologized: "..."``: the subject of the clause a colon hands over to the quote.

    Only a named subject counts; a colon after a description or a label is left to the other rules.
    """
    doc = coref.doc
    before = coref.text[: q.open_mark].rstrip()
    if not before.endswith(":"):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None:
        return None
    if colon[0].i == 0:
        return None
    # The clause before the colon: climb from its last word while the heads stay before the colon
    # (the parser often hangs the colon itself on the quote's verb).
    verb = doc[colon[0].i - 1]
    while verb.head.i < colon[0].i and verb.head.i != verb.i:
        verb = verb.head
    subs = [c for c in verb.children if c.dep_ in _SUBJECT_DEPS]
    if not subs or subs[0].i > colon[0].i:
        return None
    subj = subs[0]
    if subj.lower_ in _GENDERED:
        name = coref.antecedent(subj)
        return Attribution(name, True, verb.i) if name else None
    if subj.i in coref.spans or subj.ent_type_ in _NAMING:
        name, named = _name_of(coref, subj)
        return Attribution(name, named, verb.i) if named else None
    return None


#: Subjects that are the speakers themselves, in their own words.
_SPEAKING = frozenset({"i", "we", "you"})
#: Subjects that never name who speaks.
_NOBODY = frozenset({"that", "this", "it", "which", "what"})
#: Speech verbs whose object is the hearer, never the speaker.
_HEARER_VERBS = frozenset("tell ask inform assure warn remind urge advise".split())


def _inside(tok: Token, q: QuoteSpan) -> bool:
    return q.open_mark <= tok.idx < (q.close_mark if q.close_mark >= 0 else q.end)


def _adjacent_name(doc: Doc, cue: Token, q: QuoteSpan) -> Token | None:
    """The name next to a cue whose subject the parser misattached.

    Right after it (``said David Brock``), or between the quote and the cue (``", Gene Sperling,
    a top adviser, said``).
    """
    after = cue.i + 1
    if after < len(doc) and doc[after].lower_ == "the":
        after += 1
    # Not after "told", "asked": "told the BBC News website" names who heard it.
    if (
        after < len(doc)
        and doc[after].ent_type_ in _NAMING
        and doc[after].ent_iob_ == "B"
        and cue.lemma_.lower() not in _HEARER_VERBS
    ):
        return doc[after]
    if q.end <= cue.idx:
        for tok in reversed(doc[max(0, cue.i - 16) : cue.i]):
            if tok.idx < q.end:
                break
            # After a comma or a quotation mark; not "(CEA)", the acronym of where the speaker is from.
            before = tok.nbor(-1) if tok.i > 0 else None
            set_off = before is not None and before.is_punct and before.text not in ("(", "[", "{")
            if tok.ent_type_ in _NAMING and tok.ent_iob_ == "B" and set_off:
                return tok
    return None


def _from_cue(coref: Coref, cue: Token, q: QuoteSpan) -> Attribution:
    # "Lindsey added a comment, CNN affiliate KBTX reported": the words are the inner speaker's.
    inner = [
        c
        for c in cue.children
        if c.dep_ == "ccomp"
        and _is_speech_verb(c)
        and not _inside(c, q)
        and not coref.in_quote(c.idx)
        and any(s.dep_ in _SUBJECT_DEPS and s.lower_ not in _NOBODY | _SPEAKING for s in c.children)
        and not (c.sent.start_char <= q.open_mark < c.sent.end_char)  # a quote of its own sentence: the cue's
    ]
    if inner:
        cue = inner[0]
    subj = _subject(cue)
    if subj is not None and subj.lower_ in ("who", "that", "which") and subj.head.dep_ == "relcl":
        subj = subj.head.head  # "Louisa Ermelino, who said ...": the relative clause's antecedent
    if subj is None or _inside(subj, q):
        subj = _adjacent_name(coref.doc, cue, q)
    if subj is None:
        return Attribution(None, False, cue.i)
    if subj.lower_ in _NOBODY:
        return Attribution(None, False, cue.i)  # "That prompted ...": an event, not a speaker
    if subj.lower_ in PRONOUNS:
        if subj.lower_ not in _GENDERED:
            return Attribution(subj.text, False, cue.i)
        name = coref.antecedent(subj)
        return Attribution(name, True, cue.i) if name else Attribution(subj.text, False, cue.i)
    name, named = _name_of(coref, subj)
    return Attribution(name, named, cue.i)
