"""Quotes with their speakers, from the article's single parse.

Detection is :mod:`summarizer.quotemarks`, attribution :mod:`summarizer.attribution`, the choice of
the key ones :mod:`summarizer.keyquotes`. Every quote is an exact substring of the article:
``article.text[q.start:q.end] == q.text``.
"""

from __future__ import annotations

from summarizer.attribution import Coref, attribute
from summarizer.lexicon import Lexicon
from summarizer.model import Quote
from summarizer.nlp import Parsed
from summarizer.quotemarks import find_quote_spans
from summarizer.sentences import sentence_at


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
