"""Errors the summarizer raises for input it cannot brief.

    ArticleError            the input is not an article we can brief; ``str(err)`` is a short,
     |                      user-facing sentence with no internals in it
     +-- EmptyArticle       nothing but white space (or nothing at all)
     +-- BinaryInput        bytes that are not text
     +-- ArticleTooLarge    longer than the stated size limit
     +-- TableOfFigures     results, standings or prices laid out in lines, not running text
     +-- NotEnglish         text in another language (briefbot's model is English)
     +-- NoSentences        text without a single sentence to take
     +-- UnknownMethod      a summary method name we do not have

Anything else raised from the summarizer is a bug, and the caller logs it as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.model import Article


class ArticleError(ValueError):
    """Base class: the message is safe to show to a user as is."""


class EmptyArticle(ArticleError):
    """The article has no text."""


class BinaryInput(ArticleError):
    """The input looks like binary data, not text."""


class ArticleTooLarge(ArticleError):
    """The article is over the size limit."""


class TableOfFigures(ArticleError):
    """The text is a table of figures (sports results, standings, prices), not an article."""


class NotEnglish(ArticleError):
    """The article is not written in English."""


class NoSentences(ArticleError):
    """No sentence could be found."""

    def __init__(self, message: str, article: Article | None = None) -> None:
        super().__init__(message)
        #: The article, where a caller that can show its headline alone set it (a digest).
        self.article = article


class UnknownMethod(ArticleError):
    """The summary method does not exist."""
