"""Direct-quote spans from quotation marks: the detection half of quote extraction (text only).

What counts as a quote follows the conventions of news attribution corpora (PolNeAR):

* the text between double quotation marks: curly (“…”), straight ("…") or doubled single marks
  (''…'' and ``…'' as the NYT writes them), without the marks;
* a quote interrupted by its attribution (``“We are ready,” he said, “to talk.”``) is two quotes,
  one per quoted stretch: each is an exact substring, which a joined quote could not be;
* a quote running over several paragraphs (opening marks repeated, no closing mark until the last)
  is one quote per paragraph;
* marks are paired within a paragraph, so a stray or unbalanced mark costs at most its own
  paragraph's quote, never the rest of the article's (textacy raises and returns nothing);
* scare quotes and titles (``the so-called “peace plan”``, a film title) are not quotes of a speaker
  and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = "open"
_CLOSE = "close"
# Doubled single marks first, so that '' is read as one mark and not as two apostrophes.
_MARK = re.compile(r"``|''|[“”\"]|‘‘|’’")
_LABEL_BEFORE = re.compile(
    r"(?:so-called|dubbed|nicknamed|titled|entitled|the\s+(?:word|words|term|phrase|label|slogan|hashtag)|"
    r"(?:film|movie|book|song|album|show|series|play|novel|documentary|article|headline|column|podcast))"
    r"\s*,?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Quoted text between marks: ``text[start:end]`` is the quote, without its marks.

    ``open_mark``/``close_mark`` are the offsets of the marks (``close_mark`` is -1 when the quote
    runs on into the next paragraph).
    """

    start: int
    end: int
    open_mark: int
    close_mark: int


def _role(text: str, at: int, mark: str) -> str:
    if mark in ("“", "``", "‘‘"):
        return _OPEN
    if mark in ("”", "’’"):
        return _CLOSE
    # Straight " and '' open before a word and close after one.
    before = text[at - 1] if at > 0 else " "
    after_at = at + len(mark)
    after = text[after_at] if after_at < len(text) else " "
    if before.isspace() or before in "([{—–-/:":
        return _OPEN
    if after.isspace() or after in ".,;:!?)]}—–-" or after_at >= len(text):
        return _CLOSE
    return _OPEN if not before.isalnum() else _CLOSE


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All direct-quote spans of ``text``, in order (see the module docstring for the rules)."""
    spans: list[QuoteSpan] = []
    pos = 0
    for line in text.split("\n"):
        spans += _paragraph_quotes(text, pos, pos + len(line))
        pos += len(line) + 1
    return [s for s in spans if not _is_label(text, s)]


def _paragraph_quotes(text: str, lo: int, hi: int) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    open_at = -1
    open_len = 0
    for m in _MARK.finditer(text, lo, hi):
        mark = m.group()
        if mark == "''" and _is_apostrophe_pair(text, m.start()):
            continue
        role = _role(text, m.start(), mark)
        if role == _OPEN:
            if open_at >= 0 and mark in ('"', "''"):
                role = _CLOSE  # a straight mark while a quote is open closes it
            elif open_at >= 0 and mark == "“" and text[lo : m.start()].rstrip()[-1:] in (",", ".", "!", "?"):
                role = _CLOSE  # an opening mark set for a closing one ("... the school, “said the spokesman")
            else:
                open_at, open_len = m.start(), len(mark)
                continue
        if open_at < 0:
            continue  # a stray closing mark: nothing to close
        _add(out, text, open_at + open_len, m.start(), open_at, m.start())
        open_at = -1
    if open_at >= 0:  # runs on into the next paragraph: the quote is the rest of this one
        _add(out, text, open_at + open_len, hi, open_at, -1)
    return out


def _is_apostrophe_pair(text: str, at: int) -> bool:
    """``''`` inside a word (``rock''n''roll``) is not a quotation mark."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 2] if at + 2 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _add(out: list[QuoteSpan], text: str, start: int, end: int, open_mark: int, close_mark: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _WORD.search(text, start, end):
        out.append(QuoteSpan(start, end, open_mark, close_mark))


def _is_label(text: str, span: QuoteSpan) -> bool:
    """Scare quotes and titles: a short quote right after "so-called", "dubbed", "the film" ..."""
    words = _WORD.findall(text[span.start : span.end])
    if len(words) > 6:
        return False
    before = text[max(0, span.open_mark - 40) : span.open_mark]
    return bool(_LABEL_BEFORE.search(before))
