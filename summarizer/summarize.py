"""Extractive summaries: every sumy algorithm by name, and ``news``, our default for news articles.

Every method returns whole sentences of the article, verbatim, in article order. Only sentences a
reader would accept in a digest are candidates: no headings, fragments, captions or bylines
(:func:`candidates`). sumy gets its words from our parse through
:class:`summarizer.sentences.ParseTokenizer`, never from NLTK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from summarizer.errors import NoSentences, UnknownMethod
from summarizer.features import Features, sentence_features
from summarizer.methods import DEFAULT_METHOD, METHODS
from summarizer.model import Sentence
from summarizer.news import news_order
from summarizer.nlp import Parsed
from summarizer.quotemarks import find_quote_spans
from summarizer.sentences import ParseTokenizer, SentSpan, ends_sentence
from summarizer.standalone import LEANING, problems, problems_at

SUMY_METHODS: dict[str, Callable[[Stemmer], Any]] = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "kl": KLSummarizer,
    "sumbasic": SumBasicSummarizer,
    "edmundson": EdmundsonSummarizer,
    "reduction": ReductionSummarizer,
}

_MIN_WORDS = 6
_NOT_CONTENT = re.compile(
    r"""^(?:by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:,|$|and\b)   # byline
    |(?:photo|image|picture|video|graphic|file\ photo)s?\s*(?:copyright|credit|:|\|)   # caption credits
    |(?:read|see|click|watch|follow|sign\ up|subscribe|share|related|advertisement)\b.{0,60}(?:here|:|$)
    |(?:updated|published|posted|last\ modified)\s*[:\d]
    )""",
    re.IGNORECASE | re.VERBOSE,
)
#: The site speaking about itself, not the news: an error page ("the page you requested was not found"),
#: a browser, cookie or sign-in wall, a web archive's note on its crawls. Such a line never summarizes,
#: and a page half made of them, or that opens with one and has another (a feed's soft 404), is no article:
#: one line alone at the top may be news about such things ("Chrome will block ad blockers").
_SITE_NOTICE = re.compile(
    r"""\bpage\b[^.]{0,40}\b(?:(?:was|could|can|cannot|can't)\ (?:not\ )?(?:be\ )?found|not\ found
        |(?:does\ not|doesn't|no\ longer)\ exists?|(?:has\ been|was)\ (?:removed|moved))
    |\btry(?:ing)?\ search(?:ing)?\ below\b
    |\b(?:page|content|article)s?\ (?:you|you're|you\ are|you've)\ (?:requested|(?:were\ )?looking\ for|trying)
    |\bcheck\ the\ (?:url|web\ address|address\ you)
    |\b(?:visit(?:ing)?|return\ to|go\ to|back\ to)\ the\ (?:\S+\ )?home\ ?page\b
    |\bif\ you\ need\ (?:more|further)\ (?:help|assistance)\b
    |\b(?:enable|turn\ on|allow)\ (?:javascript|cookies)\b|\bjavascript\ (?:is\ )?(?:disabled|required|off)\b
    |\b(?:update|upgrade)\ your\ browser\b
    |\b(?:disable|turn\ off|pause)\ (?:your\ )?ad[-\ ]?blocker\b|\balready\ a\ subscriber\b
    |\b(?:subscribe|sign\ in|log\ in|register)\ (?:now\ )?to\ (?:continue|keep\ reading|read\ (?:this|the\ full))
    |\bas\ an\ interest\ to\ stay\ up\ to\ date\b
    |\bthese\ crawls\b|\bcrawl\ data\b|\bbroken\ links\ on\ the\ web\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NOTICE = "The page shows a site notice (page not found, sign-in, archive note), not an article."
_CAPTION_TAIL = re.compile(r"\((?:photo|image|pictured|file|ap|getty|reuters)[^)]*\)\s*$", re.IGNORECASE)
_CONTRIBUTED = re.compile(r"contributed to this (?:report|story)|reporting by|editing by", re.IGNORECASE)


def candidates(parsed: Parsed, features: Features | None = None) -> list[int]:
    """Indices of the sentences that may stand in a summary.

    A candidate is a sentence of running text (not a heading), has at least six words and a verb,
    and is not a byline, photo credit, caption, call to action or contributor line.
    """
    feats = features or sentence_features(parsed)
    text = parsed.article.text
    out: list[int] = []
    for n, span in enumerate(parsed.sentences):
        if span.kind == "heading" or feats.words[n] < _MIN_WORDS or not feats.has_verb[n]:
            continue
        sent = text[span.start_char : span.end_char]
        if _NOT_CONTENT.search(sent) or _CAPTION_TAIL.search(sent) or _CONTRIBUTED.search(sent):
            continue
        if _SITE_NOTICE.search(sent):
            continue
        if sent.isupper():
            continue
        out.append(n)
    return out


def summarize(parsed: Parsed, sentences: int = 3, method: str = DEFAULT_METHOD) -> tuple[Sentence, ...]:
    """Pick ``sentences`` sentences of the article, verbatim, in article order.

    Raises:
        UnknownMethod: ``method`` is not in :data:`METHODS`.
        NoSentences: the article has no sentence that could stand in a summary.
    """
    if method not in METHODS:
        raise UnknownMethod(f"Unknown summary method {method!r}; choose one of: {', '.join(METHODS)}.")
    text = parsed.article.text
    feats = sentence_features(parsed)
    worded = [n for n, s in enumerate(parsed.sentences) if s.kind != "heading" and feats.words[n] > 0]
    punctuated = [
        n
        for n in worded
        if parsed.sentences[n].kind == "bullet"
        or ends_sentence(text[parsed.sentences[n].start_char : parsed.sentences[n].end_char])
    ]
    if not punctuated:
        if not worded and not any(feats.words):
            raise NoSentences("The text has no words to summarize.")
        raise NoSentences("The text has no sentence punctuation (. ! ?), so it has no sentences to pick from.")
    notices = [n for n in worded if _SITE_NOTICE.search(_text(parsed, n))]
    if notices and (2 * len(notices) >= len(worded) or (notices[0] == worded[0] and len(notices) > 1)):
        raise NoSentences(_NOTICE)
    pool = candidates(parsed, feats) or [n for n in punctuated if n not in notices]  # short texts: any real one
    # A line without a final stop (a standfirst, a caption) reads as a fragment: sentences come first.
    ended = set(punctuated)
    pool = [n for n in pool if n in ended] or pool
    if not pool:
        raise NoSentences(_NOTICE)
    count = max(1, sentences)
    if method == "lead":
        order = list(pool)
    elif method == "news":
        order = news_order(feats, pool)
    else:
        # sumy returns its choice in article order, not a ranking: it chooses among sentences that stand alone.
        alone = [n for n in pool if not problems(text[parsed.sentences[n].start_char : parsed.sentences[n].end_char])]
        order = _sumy(parsed, alone if len(alone) >= count else pool, count, method)
    chosen = _standing_alone(parsed, order, count, pool)
    return tuple(_sentence(parsed, parsed.sentences[n], n) for n in sorted(chosen))


def _standing_alone(parsed: Parsed, order: Sequence[int], count: int, pool: Sequence[int]) -> list[int]:
    """The first ``count`` sentences of ``order`` that a reader can read in the summary.

    A sentence with a flaw of :mod:`summarizer.standalone` is passed over, except one that only leans
    on the sentence before it (a pronoun subject, a leading connective): it is taken together with
    that sentence when both fit, since the reader then has what it refers to. A sentence inside a
    longer quotation is half of it. When too few remain, the ranking fills in with leaning sentences.
    """
    text = parsed.article.text
    spans = parsed.sentences
    allowed = set(pool)
    quotes = find_quote_spans(text)

    known: dict[int, tuple[str, ...]] = {}

    def flaws(n: int) -> tuple[str, ...]:
        if n not in known:  # both passes over the ranking ask again
            known[n] = problems_at(text, spans[n].start_char, spans[n].end_char, quotes)
        return known[n]

    chosen: list[int] = []
    for n in order:
        if len(chosen) >= count:
            break
        if n in chosen:
            continue
        found = flaws(n)
        if not found:
            chosen.append(n)
            continue
        if not set(found) <= LEANING:
            continue
        before = n - 1
        if before in chosen:
            chosen.append(n)
        elif before in allowed and len(chosen) + 2 <= count and not flaws(before):
            chosen += [before, n]
    # Too few stand alone: a sentence that leans on others may fill in; half a quotation, a question or
    # a dateline never does (fewer sentences read better), though a summary has at least one.
    for n in order:
        if len(chosen) >= count:
            break
        if n not in chosen and (set(flaws(n)) <= LEANING or not chosen):
            chosen.append(n)
    return chosen[:count]


def _text(parsed: Parsed, n: int) -> str:
    span = parsed.sentences[n]
    return parsed.article.text[span.start_char : span.end_char]


def _sentence(parsed: Parsed, span: SentSpan, index: int) -> Sentence:
    text = parsed.article.text
    return Sentence(text[span.start_char : span.end_char], span.start_char, span.end_char, index)


def _sumy(parsed: Parsed, pool: Sequence[int], count: int, method: str) -> list[int]:
    text = parsed.article.text
    spans = parsed.sentences
    tokenizer = ParseTokenizer(parsed.doc, [spans[n] for n in pool])
    paragraphs: dict[int, list[SumySentence]] = {}
    index: dict[int, int] = {}
    for n in pool:
        s = SumySentence(text[spans[n].start_char : spans[n].end_char], tokenizer)
        index[id(s)] = n
        paragraphs.setdefault(spans[n].paragraph, []).append(s)
    document = ObjectDocumentModel([Paragraph(p) for p in paragraphs.values()])
    stemmer = _CachedStemmer(Stemmer("english"))
    algorithm = SUMY_METHODS[method](stemmer)
    stop_words = frozenset(get_stop_words("english"))
    algorithm.stop_words = stop_words
    if method == "edmundson":
        title_words = {w.lower() for w in re.findall(r"\w+", parsed.article.title)} - stop_words
        algorithm.bonus_words = title_words or {"said"}
        algorithm.stigma_words = {"photo", "caption", "copyright", "advertisement", "subscribe"}
        algorithm.null_words = stop_words
    picked = algorithm(document, count)
    taken: set[int] = set()
    for s in picked:
        found = index.get(id(s))
        if found is None:  # sumy returned an equal sentence object (same text): take the first unused
            found = next(i for i in pool if i not in taken and text[spans[i].start_char : spans[i].end_char] == str(s))
        taken.add(found)
    return sorted(taken)


class _CachedStemmer:
    """sumy re-stems every word occurrence; one article repeats its words a lot, so remember them."""

    def __init__(self, stemmer: Stemmer) -> None:
        self._stemmer = stemmer
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._cache[word] = self._stemmer(word)
        return stem
