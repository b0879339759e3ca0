"""briefbot's NLP: articles in, briefs out. Pure functions over one spaCy parse per article.

Importing this package is cheap: the data types and the article reader. The model and the briefer
(``summarizer.nlp``, ``summarizer.brief``) import spaCy and are imported where they are used.
"""

from summarizer.article import MAX_ARTICLE_CHARS, decode_bytes, parse_article
from summarizer.errors import ArticleError
from summarizer.model import Actor, Article, Brief, Mention, Quote, Sentence

__all__ = [
    "MAX_ARTICLE_CHARS",
    "Actor",
    "Article",
    "ArticleError",
    "Brief",
    "Mention",
    "Quote",
    "Sentence",
    "decode_bytes",
    "parse_article",
]
