"""One article in, one :class:`Brief` out: check, parse once, summarize (quotes and actors follow)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from summarizer.actors import extract_actors
from summarizer.article import MAX_ARTICLE_CHARS, check_text
from summarizer.errors import ArticleError, NoSentences, UnknownMethod
from summarizer.keyquotes import DEFAULT_KEY_QUOTES, key_quotes
from summarizer.methods import DEFAULT_METHOD, METHODS
from summarizer.model import Actor, Article, Brief
from summarizer.nlp import Parsed, Pipeline
from summarizer.quotes import quotes_with_coref
from summarizer.summarize import summarize

DEFAULT_SENTENCES = 3
MAX_SENTENCES = 20


class Briefer:
    """Briefs articles with one loaded model; safe to share by every caller in a process."""

    def __init__(self, pipeline: Pipeline, *, max_chars: int = MAX_ARTICLE_CHARS) -> None:
        """Use ``pipeline`` for every parse; refuse articles longer than ``max_chars``."""
        self.pipeline = pipeline
        self.max_chars = max_chars

    def _check(self, article: Article, sentences: int, method: str) -> None:
        if method not in METHODS:
            raise UnknownMethod(f"Unknown summary method {method!r}; choose one of: {', '.join(METHODS)}.")
        if not 1 <= sentences <= MAX_SENTENCES:
            raise ArticleError(f"Ask for 1 to {MAX_SENTENCES} sentences, not {sentences}.")
        check_text(article.text, max_chars=self.max_chars)

    def brief(
        self,
        article: Article,
        *,
        sentences: int = DEFAULT_SENTENCES,
        method: str = DEFAULT_METHOD,
        quotes: int | None = DEFAULT_KEY_QUOTES,
    ) -> Brief:
        """Brief one article (``quotes``: as in :meth:`from_parse`).

        Raises:
            ArticleError: the article cannot be briefed (the message says why, for a user).
        """
        self._check(article, sentences, method)
        return self.from_parse(self.pipeline.parse(article), sentences=sentences, method=method, quotes=quotes)

    def brief_many(
        self,
        articles: Iterable[Article],
        *,
        sentences: int = DEFAULT_SENTENCES,
        method: str = DEFAULT_METHOD,
        quotes: int | None = DEFAULT_KEY_QUOTES,
        batch_size: int = 16,
    ) -> Iterator[Brief | ArticleError]:
        """Brief articles in input order, parsing them in batches; a bad article yields its error."""
        checked: list[tuple[Article, ArticleError | None]] = []
        for article in articles:
            try:
                self._check(article, sentences, method)
                checked.append((article, None))
            except ArticleError as refused:
                checked.append((article, refused))
        good = (a for a, problem in checked if problem is None)
        parsed = self.pipeline.parse_many(good, batch_size=batch_size)
        for _article, problem in checked:
            if problem is not None:
                yield problem
                continue
            try:
                yield self.from_parse(next(parsed), sentences=sentences, method=method, quotes=quotes)
            except ArticleError as e:
                yield e

    def from_parse(
        self,
        parsed: Parsed,
        *,
        sentences: int = DEFAULT_SENTENCES,
        method: str = DEFAULT_METHOD,
        quotes: int | None = DEFAULT_KEY_QUOTES,
    ) -> Brief:
        """Brief an article that is already parsed (the one parse every step shares).

        ``quotes`` is how many key quotes to keep, best first; ``None`` keeps every quote, in article order.
        """
        if not parsed.sentences:
            raise NoSentences("No sentences found: the text has no sentence to summarize.")
        lexicon = self.pipeline.lexicon
        summary = summarize(parsed, sentences, method)
        found, coref = quotes_with_coref(parsed, lexicon)
        # "said the Tory leader": the quote keeps the description as written; the brief names the person.
        described: dict[str, str] = {}
        for name, description in coref.described.values():
            described[description] = name if described.get(description, name) == name else ""
        found = tuple(
            replace(q, speaker=described[q.speaker], named=True)
            if not q.named and q.speaker and described.get(q.speaker)
            else q
            for q in found
        )
        actors, mentions = extract_actors(parsed, lexicon, coref=coref, quotes=found, summary=summary)
        # A speaker is named as the actor it merged into ("Trey" -> "Trey Moses"), with that actor's role.
        by_name: dict[str, Actor] = {}
        for a in actors:
            if a.kind == "person":
                for name in (*a.aliases, a.name):
                    by_name.setdefault(name, a)
        found = tuple(
            replace(q, speaker=by_name[q.speaker].name, speaker_role=by_name[q.speaker].role)
            if q.speaker in by_name and q.named
            else q
            for q in found
        )
        shown = found if quotes is None else key_quotes(found, summary, quotes)
        return Brief(
            article=parsed.article, summary=summary, method=method, quotes=shown, actors=actors, mentions=mentions
        )
