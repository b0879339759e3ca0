"""Quotes with their speakers, from the article's single parse, and the key ones for a brief.

Detection is :mod:`summarizer.quotemarks`, attribution :mod:`summarizer.attribution`. Every quote is
an exact substring of the article: ``article.text[q.start:q.end] == q.text``.
"""

from __future__ import annotations

import re

from summarizer.attribution import Coref, attribute
from summarizer.lexicon import Lexicon
from summarizer.model import Quote, Sentence
from summarizer.nlp import Parsed
from summarizer.quotemarks import find_quote_spans
from summarizer.sentences import sentence_at

DEFAULT_KEY_QUOTES = 3
_WORD = re.compile(r"\w+")


def extract_quotes(parsed: Parsed, lexicon: Lexicon) -> tuple[Quote, ...]:
    """Every direct quote of the article, in order, with its speaker where one is found."""
    return quotes_with_coref(parsed, lexicon)[0]


def quotes_with_coref(parsed: Parsed, lexicon: Lexicon) -> tuple[tuple[Quote, ...], Coref]:
    """The quotes, and the person coreference built for them (the actors reuse it)."""
    text = parsed.article.text
    spans = find_quote_spans(text)
    coref = Coref(parsed, spans, lexicon)
    out: list[Quote] = []
    for q, a in zip(spans, attribute(parsed, spans, coref), strict=True):
        out.append(
            Quote(
                text=text[q.start : q.end],
                start=q.start,
                end=q.end,
                sentence=max(0, sentence_at(parsed.sentences, q.start)),
                speaker=a.speaker,
                named=a.named,
            )
        )
    return tuple(out), coref


def key_quotes(
    quotes: tuple[Quote, ...], summary: tuple[Sentence, ...], n: int = DEFAULT_KEY_QUOTES
) -> tuple[Quote, ...]:
    """The ``n`` quotes that matter most, best first, without near-duplicates.

    A quote counts for more when its speaker is named and often quoted, when it says something
    (4 to 60 words), when it comes early, and when it shares content words with the summary.
    """
    if n <= 0 or not quotes:
        return ()
    summary_words = {w.lower() for s in summary for w in _WORD.findall(s.text) if len(w) > 3}
    spoken: dict[str, int] = {}
    for q in quotes:
        if q.speaker:
            spoken[q.speaker] = spoken.get(q.speaker, 0) + 1

    def score(q: Quote) -> float:
        words = _WORD.findall(q.text)
        length = min(len(words), 30) / 30 if len(words) >= 4 else 0.2
        speaker = (1.0 if q.named else 0.6 if q.speaker else 0.3) * (1 + 0.1 * min(spoken.get(q.speaker or "", 0), 5))
        overlap = len({w.lower() for w in words if len(w) > 3} & summary_words) / (1 + len(words) ** 0.5)
        return float(speaker * (0.5 + length) * (1 + overlap) / (1 + 0.05 * q.sentence))

    chosen: list[Quote] = []
    for q in sorted(quotes, key=score, reverse=True):
        words = set(_WORD.findall(q.text.lower()))
        if any(_dice(words, set(_WORD.findall(c.text.lower()))) > 0.6 for c in chosen):
            continue
        chosen.append(q)
        if len(chosen) == n:
            break
    return tuple(chosen)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0
