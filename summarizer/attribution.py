"""Who said a quote: the speech cue near it, its subject, and the fullest name for that subject.

Rules, in order, for a quote found by :mod:`summarizer.quotemarks`:

1. A speech verb (``said``, ``told``, ``added``, ``warned``, ``wrote``, ``tweeted`` ...) in the quote's
   own sentence, outside the quote, nearest first; or ``according to X``. Its subject is the speaker.
2. Otherwise a quote that continues the previous one (same or next paragraph, no cue of its own)
   has the previous quote's speaker.
3. Otherwise a cue in the next sentence of the same paragraph, then in the previous one.

The speaker is then resolved to the fullest name the article uses: a surname to the full name
(``Blinken`` -> ``Antony Blinken``), a personal pronoun to the person most recently quoted or named
before it (quoted persons first: news re-attributes to the current speaker), and a description
(``a US official``) is kept as written and marked unnamed.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from summarizer.nlp import Parsed
from summarizer.quotemarks import QuoteSpan
from summarizer.sentences import sentence_at

SPEECH_VERBS = frozenset(
    """say tell add warn write tweet state explain note argue claim insist ask declare announce reply
    respond complain acknowledge admit recall suggest conclude testify predict describe continue
    told said caution stress emphasize emphasise concede contend maintain assert deny confirm promise
    vow boast joke quip scoff shout yell whisper post report observe remark counter urge""".split()
)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "him", "her", "them"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speaker of one quote, as resolved."""

    speaker: str | None
    named: bool
    cue: int  # token index of the cue verb, -1 when inherited or none


def _persons(doc: Doc) -> list[Span]:
    return [e for e in doc.ents if e.label_ == "PERSON"]


def fullest_name(doc: Doc, name: str) -> str:
    """The longest PERSON name of the article that ends with (or equals) ``name``'s last word."""
    last = name.split()[-1] if name.split() else name
    best = name
    for ent in _persons(doc):
        words = ent.text.split()
        if words and words[-1] == last and len(ent.text) > len(best) and len(words) <= 4:
            best = ent.text
    return best


def _cue_in(doc: Doc, lo: int, hi: int, quote: QuoteSpan) -> Token | None:
    """The speech verb in tokens [lo, hi) outside the quote nearest to it."""
    best: Token | None = None
    best_dist = 10**9
    for tok in doc[lo:hi]:
        if quote.open_mark <= tok.idx < max(quote.end, quote.close_mark + 1):
            continue
        is_cue = tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            is_cue = True
        if not is_cue:
            continue
        dist = abs(tok.idx - quote.start) if tok.idx < quote.start else abs(tok.idx - quote.end)
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
    head = cue.head  # "..., he added, speaking of ..." or a cue in a relative clause
    if head is not cue:
        subs = [c for c in head.children if c.dep_ in _SUBJECT_DEPS]
        if subs:
            return subs[0]
    return None


def _name_of(doc: Doc, tok: Token) -> tuple[str, bool]:
    """The text naming ``tok``'s referent: the entity it is in, or its noun phrase."""
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        for ent in doc.ents:
            if ent.start <= tok.i < ent.end:
                text = ent.text.removeprefix("the ").removeprefix("The ")
                return (fullest_name(doc, text) if ent.label_ == "PERSON" else text), True
    # A description ("a US official", "the secretary"): its phrase without a trailing clause.
    left = min(
        (t.i for t in tok.subtree if t.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod")), default=tok.i
    )
    left = min(left, tok.i)
    phrase = doc[left : tok.i + 1].text
    return phrase, False


def attribute(parsed: Parsed, quotes: list[QuoteSpan]) -> list[Attribution]:
    """One attribution per quote, in order."""
    doc = parsed.doc
    sents = parsed.sentences
    out: list[Attribution] = []
    recent: str | None = None  # the last named speaker, for pronouns and continuations
    prev_quote: QuoteSpan | None = None
    prev_para = -10
    for q in quotes:
        k = sentence_at(sents, q.start)
        para = sents[k].paragraph if k >= 0 else -1
        cue = _cue_in(doc, sents[k].start, sents[k].end, q) if k >= 0 else None
        result: Attribution | None = None
        if cue is not None:
            result = _from_cue(doc, cue, q, recent)
        elif prev_quote is not None and out and para - prev_para <= 1 and out[-1].speaker:
            result = Attribution(out[-1].speaker, out[-1].named, -1)
        else:
            for j in (k + 1, k - 1):
                if 0 <= j < len(sents) and k >= 0 and sents[j].paragraph in (para, para + 1, para - 1):
                    cue = _cue_in(doc, sents[j].start, sents[j].end, q)
                    if cue is not None:
                        result = _from_cue(doc, cue, q, recent)
                        break
        if result is None:
            result = Attribution(None, False, -1)
        if result.named and result.speaker:
            recent = result.speaker
        out.append(result)
        prev_quote, prev_para = q, para
    return out


def _from_cue(doc: Doc, cue: Token, q: QuoteSpan, recent: str | None) -> Attribution:
    subj = _subject(cue)
    if subj is None:
        return Attribution(None, False, cue.i)
    if subj.lower_ in PRONOUNS:
        if subj.lower_ in ("i", "we", "they", "them"):
            return Attribution(subj.text, False, cue.i)
        name = recent or _last_person_before(doc, q.open_mark)
        return Attribution(name, name is not None, cue.i) if name else Attribution(subj.text, False, cue.i)
    name, named = _name_of(doc, subj)
    return Attribution(name, named, cue.i)


def _last_person_before(doc: Doc, at: int) -> str | None:
    before = [e for e in _persons(doc) if e.end_char <= at]
    return fullest_name(doc, before[-1].text) if before else None
