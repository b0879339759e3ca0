"""Which stories a watch (``watch Lavrov``) is about (pure).

A watch names a person, an organisation or a few words. A brief is about it when the watch's words
stand, in order and as whole words, in the name of one of the actors the brief shows (its
:data:`~bot.model.BRIEF_ACTORS` most central) or of one of that actor's aliases (the merged actor
"Sergei Lavrov" carries "Lavrov", so ``watch Lavrov`` and ``watch Sergei Lavrov`` both find him), in
the article's headline, or in its summary. An actor named once in passing (the tenth of an article's
actors, in none of its summary sentences) does not make a story about them. Case and accents do not
count ("Zelensky" is not "Zelenskyy", but "Macron" is "MACRON" and "Sánchez" is "Sanchez").
"""

from __future__ import annotations

import re
import unicodedata

from bot.model import BRIEF_ACTORS
from summarizer.model import Brief

_WORD = re.compile(r"\w+")


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, lower-cased and without accents."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return tuple(_WORD.findall("".join(c for c in folded if not unicodedata.combining(c))))


def _within(wanted: tuple[str, ...], found: tuple[str, ...]) -> bool:
    n = len(wanted)
    return any(found[i : i + n] == wanted for i in range(len(found) - n + 1))


def about(terms: str, brief: Brief, headline: str = "") -> str | None:
    """What in ``brief`` the watch ``terms`` found: an actor's name, its headline or a summary sentence.

    ``None`` if nothing.

    ``headline``: the feed item's title, when the page's own is missing or differs.
    """
    wanted = words(terms)
    if not wanted:
        return None
    for actor in brief.actors[:BRIEF_ACTORS]:
        if any(_within(wanted, words(name)) for name in (actor.name, *actor.aliases)):
            return actor.name
    for text in (brief.article.title, headline, *(s.text for s in brief.summary)):
        if text and _within(wanted, words(text)):
            return text
    return None
