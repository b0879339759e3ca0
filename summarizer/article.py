"""Plain text in, :class:`Article` out: the seeds/ format, bare text and Markdown-ish text.

The seeds/ format is a first line `` date YYYY-MM-DD Headline`` and then the body, one paragraph per
line, paragraphs separated by blank lines. A Markdown ``# Headline`` first line is read the same way.
The body is kept as written (only line endings are normalised), because every sentence and quote we
show must be an exact substring of it.
"""

from __future__ import annotations

import datetime as dt
import re

from summarizer.errors import ArticleTooLarge, BinaryInput, EmptyArticle, NotEnglish, TableOfFigures
from summarizer.model import Article

#: Larger articles are refused: parsing is about 3,000 words per CPU second, so 300,000 characters
#: (some 50,000 words) is already ~15 s of work, far past what a chat command should wait for.
MAX_ARTICLE_CHARS = 300_000

_HEADER = re.compile(r"^[ \t]*date:?[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*\S))?[ \t]*$", re.IGNORECASE)
_MD_TITLE = re.compile(r"^[ \t]*#[ \t]+(.*\S)[ \t]*$")
_WORD = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# The 60 most frequent English function words; in English news they make up 35-50 % of all words,
# in other languages written in Latin script well under 10 %.
_ENGLISH_FUNCTION_WORDS = frozenset(
    """the of and to a in is that for it on was with he as at by this be from are have has had were
    his her they not but or an which their its been will would said who we i you she there one all
    more after about than also into over when what can could our new up out if so""".split()
)


def decode_bytes(data: bytes) -> tuple[str, bool]:
    """Decode article bytes as UTF-8, falling back to Windows-1252 for the odd legacy file.

    Returns:
        The text and whether the fallback was needed (callers tell the user it was).

    Raises:
        BinaryInput: the bytes are not text at all.
    """
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise BinaryInput("That looks like a binary file, not a text article.")
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def check_text(text: str, *, max_chars: int = MAX_ARTICLE_CHARS) -> None:
    """Refuse text we cannot brief, with a message fit for a user.

    Raises:
        EmptyArticle, ArticleTooLarge, BinaryInput, TableOfFigures, NotEnglish: see :mod:`summarizer.errors`.
    """
    if not text.strip():
        raise EmptyArticle("The article is empty.")
    if len(text) > max_chars:
        raise ArticleTooLarge(f"The article is too long ({len(text):,} characters); the limit is {max_chars:,}.")
    if len(_CONTROL.findall(text[:10_000])) > 50:
        raise BinaryInput("That looks like binary data, not a text article.")
    if is_table(text):
        raise TableOfFigures("That looks like a table of figures (results, standings or prices), not an article.")
    if not is_english(text):
        raise NotEnglish("That text does not look like English; briefbot reads English articles only.")


def is_table(text: str) -> bool:
    """Whether the text is laid out as a table of figures rather than written as sentences.

    Wire services send results, standings and prices as lines of names and numbers with hardly a
    function word ("1. Jesper Ronnback ( Sweden ) 25.76 points"). A table: at least half of the
    lines, holding at least half of the words, are such records. An article quoting a few figures,
    or with a short table below its prose, is not one.
    """
    lines = [line for line in text[:50_000].split("\n") if line.strip()]
    if len(lines) < 4:
        return False
    words = sum(len(line.split()) for line in lines)
    records = [line for line in lines if _is_record(line)]
    return 2 * len(records) >= len(lines) and 2 * sum(len(line.split()) for line in records) >= words


def _is_record(line: str) -> bool:
    tokens = line.split()
    if len(tokens) > 30 or not any(any(c.isdigit() for c in t) for t in tokens):
        return False
    function_words = sum(1 for t in tokens if t.lower() in _ENGLISH_FUNCTION_WORDS)
    return function_words <= max(1, len(tokens) // 6)


def is_english(text: str) -> bool:
    """Cheap language check: share of English function words among the first 2,000 words."""
    words = _WORD.findall(text[:20_000])[:2000]
    if not words:
        return True  # digits and punctuation only: NoSentences will say what is wrong
    latin = sum(1 for w in words if w.isascii())
    if latin / len(words) < 0.5:
        return False
    if len(words) < 15:
        return True  # too short to judge; let it through
    hits = sum(1 for w in words if w.lower() in _ENGLISH_FUNCTION_WORDS)
    if len(words) < 40:
        # A headline-style lead ("Senate Majority Leader plans to begin votes without ...") is mostly
        # names and content words: two different function words in a short text still tell English.
        distinct = {w.lower() for w in words if w.lower() in _ENGLISH_FUNCTION_WORDS}
        return len(distinct) >= 2 and hits / len(words) >= 0.08
    return hits / len(words) >= 0.12


def parse_article(raw: str, *, title: str = "", url: str = "", id: str = "") -> Article:
    """Read a plain-text article.

    Args:
        raw: the whole text, possibly starting with a `` date YYYY-MM-DD Headline`` line.
        title: a title known from elsewhere (JSONL input); the header's wins when both exist.
        url: where the article came from, if anywhere.
        id: a caller's identifier, echoed in the brief.

    Returns:
        The article, whose ``text`` is the body every offset refers to.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    date: dt.date | None = None
    first, _, rest = text.lstrip("\n").partition("\n")
    header = _HEADER.match(first)
    md = _MD_TITLE.match(first)
    if header:
        try:
            date = dt.date.fromisoformat(header.group(1))
        except ValueError:
            date = None
        title = header.group(2) or title
        text = rest
    elif md and rest.strip():
        title = md.group(1)
        text = rest
    body = text.strip("\n")
    # Keep leading spaces off the body start too, so offsets point at the first word.
    lead = len(body) - len(body.lstrip())
    body = body[lead:].rstrip()
    return Article(text=body, title=title.strip(), date=date, url=url, id=id)
