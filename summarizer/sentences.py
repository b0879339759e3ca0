"""Sentences from the article's single parse, and the tokenizer object sumy is given.

spaCy's parser finds most sentence boundaries; news text has a few places where it goes wrong, and
this module fixes them in two passes:

* :func:`preset_boundaries` runs on the tokenized ``Doc`` before the parser and fixes what is certain:
  every line starts a sentence (headlines and bullets have no final stop); a lowercase word, a
  closing mark, or the word after a title abbreviation (``Gen.``, ``Sen.``, ``Jan.``) never does;
  a dateline (``(CNN) --``, ``WASHINGTON (Reuters) -``) is never a sentence of its own.
* :func:`split_sentences` reads the parser's sentences, merges pieces that are not sentences
  (no final stop before more text on the same line, or a next piece starting in lowercase, as in
  ``"...,” Blinken said.``), trims datelines and bullet markers, and marks headings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Token

if TYPE_CHECKING:
    from thinc.types import Ints2d

SentKind = Literal["text", "heading", "bullet"]

#: Abbreviations after which a capitalised word continues the sentence. "U.S." is not here: it
#: ends sentences often enough ("troops in the U.S. The ...") that the parser decides.
TITLE_ABBREVIATIONS = frozenset(
    """Mr. Mrs. Ms. Dr. Prof. Gen. Lt. Col. Maj. Capt. Sgt. Cpl. Adm. Cmdr. Sen. Rep. Gov. Lt.-Gen.
    Rev. Fr. Sr. Jr. St. Mt. Ft. Hon. Pres. Supt. Insp. Det. No. Nos. Vol. Fig. Jan. Feb. Mar.
    Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. vs. v. approx. est. Inc. Corp. Co. Ltd.""".split()
)
_CLOSERS = frozenset(",.;:!?)]}”’'\"…»")
_AMBIGUOUS_QUOTES = frozenset("'\"")  # straight quotes open and close: closing only when attached
_TERMINAL = re.compile(r"[.!?…](?:[\"'”’)\]»]+)?$|[.!?…][\"'”’)\]»]*\s*\(\w[^()]*\)$")
#: A dateline: a place (or a date) and a news agency in brackets, then the story. A bracketed acronym
#: of some other kind is only a dateline when a dash follows it: "The Rugby Football Union (RFU) will"
#: keeps its subject, "Dec 29 (Reuters) -" and "LONDON (AFP) --" are trimmed; so is an outlet's name in
#: brackets glued to the first word, as CNN prints its partners' stories ("(The Hollywood Reporter)Roseanne");
#: and a press release's "CHICAGO, Nov. 30, 2018 /PRNewswire/ --".
_AGENCIES = r"CNN|Reuters|AP|AFP|UPI|BBC|dpa|DPA|Xinhua|Bloomberg|EW\.com|CNN\s?Money|CNN\s?Business|PA|IANS|ANI|Kyodo"
_DATELINE = re.compile(
    rf"""(?:
        (?:[A-Z][A-Za-z.'\-]*(?:[ ,]+[A-Z0-9][A-Za-z0-9.'\-]*){{0,4}},?\s*)?
            \((?:{_AGENCIES})\)\s*(?:--|—|–|-|:)?\s*
      | (?:[A-Z][A-Za-z.'\-]*(?:[ ,]+[A-Z0-9][A-Za-z0-9.'\-]*){{0,4}},?\s*)?
            \([A-Z]{{2,6}}\)\s*(?:--|—|–|-)\s+
      | [A-Z][A-Z.'\-]{{1,}}(?:[ ,]+[A-Z][A-Za-z.'\-]+){{0,4}}\s*(?:--|—|–)\s*
      | \((?:The\s)?[A-Z][A-Za-z.&']*(?:\s[A-Z][A-Za-z.&']*){{0,4}}\)(?=[A-Z"“])
      | (?:[A-Z][A-Za-z.'\-]*(?:[ ,]+[A-Z0-9][A-Za-z0-9.'\-]*){{0,5}},?\s*)?
            /(?:PRNewswire|Business\s?Wire|GLOBE\s?NEWSWIRE|CNW|PRWeb)[\w\s-]{{0,20}}/\s*(?:--|—|–|-)\s*
    )""",
    re.VERBOSE,
)
#: A date alone ahead of the first paragraph, as agencies date stories ("Oct. 19 (UPI) --" whose
#: agency a feed dropped: "Oct 19 An ancient crystal ..."). May and the full month names are left
#: alone: "May" and "March" start sentences as words.
_DATE_DATELINE = re.compile(
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,2}(?:, \d{4})?[ \t]*(?:--|—|–|-|:)?[ \t]+(?=[A-Z][a-z])"
)
_BULLET = re.compile(r"(?:[-*•·▪◦–]|\d{1,2}[.)])[ \t]+")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")


@dataclass(frozen=True, slots=True)
class SentSpan:
    """A sentence of the parse: token range, character range in the body, and its paragraph."""

    start: int
    end: int
    start_char: int
    end_char: int
    paragraph: int
    kind: SentKind


def _paragraph_start(doc: Doc, i: int) -> bool:
    return i == 0 or (doc[i - 1].is_space and "\n" in doc[i - 1].text) or "\n" in doc[i - 1].whitespace_


def _ends_line(tok: Token) -> bool:
    """The line breaks after ``tok``: the next token starts a line."""
    return (tok.is_space and "\n" in tok.text) or "\n" in tok.whitespace_


def preset_boundaries(doc: Doc) -> None:
    """Set the boundaries we are sure of on a tokenized doc, before the parser runs."""
    # Decided in one pass that keeps the previous token (spaCy builds a new Token on every doc[i]),
    # then written at once: each ``token.is_sent_start = ...`` rescans the whole doc for a parse,
    # which made this quadratic and a tenth of the parse on long articles.
    text = doc.text
    starts = [0] * len(doc)  # 1: starts a sentence, -1: does not, 0: the parser decides
    dateline_until = -1
    prev: Token | None = None
    before = ""  # the text of the token before ``prev``, with the space after it
    for i, tok in enumerate(doc):
        if prev is None or (not tok.is_space and _ends_line(prev)):
            starts[i] = 1
            dateline_until = _dateline_end(text, tok.idx)
        elif tok.is_space:
            starts[i] = -1
        else:
            word, at = tok.text, tok.idx
            first = word[0]
            if (
                at < dateline_until
                or (dateline_until >= 0 and prev.idx < dateline_until <= at + len(word) and at <= dateline_until + 1)
                or first.islower()
                or (not prev.whitespace_ if first in _AMBIGUOUS_QUOTES else first in _CLOSERS)
                or prev.text in TITLE_ABBREVIATIONS
                # The tokenizer splits the stop off a title that ends a clause: "said police Sgt. Bob Dunn".
                or (prev.text == "." and f"{before}." in TITLE_ABBREVIATIONS)
            ):
                starts[i] = -1
        before = prev.text_with_ws if prev is not None else ""
        prev = tok
    if starts:
        # SENT_START is stored unsigned: -1 is written as its two's complement, as to_array gives it.
        values = np.asarray(starts, dtype=np.int64).astype(np.uint64).reshape(-1, 1)
        doc.from_array([SENT_START], cast("Ints2d", values))  # thinc's stub type; spaCy reads uint64


def _closes(doc: Doc, i: int) -> bool:
    first = doc[i].text[0]
    if first in _AMBIGUOUS_QUOTES:
        return i > 0 and not doc[i - 1].whitespace_
    return first in _CLOSERS


def _dateline_end(text: str, at: int) -> int:
    m = _DATELINE.match(text, at, min(len(text), at + 80))
    return m.end() if m and m.end() > at else -1


def split_sentences(doc: Doc) -> tuple[SentSpan, ...]:
    """The sentences of a parsed doc, with the fixes described in the module docstring."""
    text = doc.text  # built from every token on each access: read once
    pieces: list[tuple[int, int]] = []
    for sent in doc.sents:
        start, end = sent.start, sent.end
        # A sentence never spans a line break: split where the parser did not.
        run = start
        for i in range(start, end):
            if i > run and _paragraph_start(doc, i) and not doc[i].is_space:
                pieces.append((run, i))
                run = i
        pieces.append((run, end))
    spans: list[SentSpan] = []
    paragraph = -1
    line_floor, first_in_line = 0, True
    line_kind: SentKind = "text"
    for start, end in pieces:
        start, end = _strip_space(doc, start, end)
        if start >= end:
            continue
        if _paragraph_start(doc, start):
            paragraph += 1
            line_floor, line_kind = _trim_line_start(text, doc[start].idx, first_paragraph=paragraph == 0)
            first_in_line = True
        while start < end and doc[start].idx + len(doc[start].text) <= line_floor:
            start += 1
        if start >= end:
            continue
        if not first_in_line and spans and _continues(doc, text, spans[-1], start):
            last = spans.pop()
            spans.append(SentSpan(last.start, end, last.start_char, _end_char(doc, end), paragraph, last.kind))
            continue
        start_char = max(doc[start].idx, line_floor)
        spans.append(SentSpan(start, end, start_char, _end_char(doc, end), max(paragraph, 0), line_kind))
        first_in_line = False
    return tuple(_mark_headings(text, spans))


def _strip_space(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def _end_char(doc: Doc, end: int) -> int:
    last: Token = doc[end - 1]
    return last.idx + len(last.text)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends the way a sentence does (a stop, possibly inside quotes or brackets)."""
    return bool(_TERMINAL.search(text))


#: A quotation's exclamation or question, closed: what its speech tag follows ("... my type!" Trump said).
_EXCLAIMED = re.compile(r"[!?][\"”’']\s*$")
#: A speech tag that opens with the speaker's name: it ends the quotation's sentence, it starts none.
_NAMED_TAG = re.compile(
    r"(?!(?:He|She|They|We|I|It|You)\b)(?:[A-Z][\w.'’-]*\s+){1,4}"
    r"(?:said|says|asked|asks|added|adds|told|tells|wrote|writes|shouted|yelled|replied|exclaimed|joked|quipped)\b"
)


def _continues(doc: Doc, text: str, last: SentSpan, start: int) -> bool:
    """Whether the piece at ``start`` belongs to the sentence ``last`` (same line)."""
    if last.kind == "heading":
        return True
    prev_text = text[last.start_char : last.end_char]
    if _EXCLAIMED.search(prev_text) and _NAMED_TAG.match(text, doc[start].idx):
        return True
    return doc[start].text[0].islower() or _closes(doc, start) or not _TERMINAL.search(prev_text)


def _trim_line_start(text: str, start_char: int, *, first_paragraph: bool = False) -> tuple[int, SentKind]:
    """Where the words of a line start (after a heading mark, bullet or dateline), and its kind."""
    m = _MD_HEADING.match(text, start_char)
    if m:
        return m.end(), "heading"
    m = _BULLET.match(text, start_char)
    if m:
        return m.end(), "bullet"
    m = _DATELINE.match(text, start_char, min(len(text), start_char + 80))
    if m and m.end() < len(text) and _has_words_after(text, m.end()):
        return m.end(), "text"
    m = _DATE_DATELINE.match(text, start_char) if first_paragraph else None
    if m and _has_words_after(text, m.end()):
        return m.end(), "text"
    return start_char, "text"


def _has_words_after(text: str, at: int) -> bool:
    line_end = text.find("\n", at)
    rest = text[at : line_end if line_end >= 0 else len(text)]
    return len(rest.split()) >= 3


def _mark_headings(body: str, spans: Sequence[SentSpan]) -> list[SentSpan]:
    """A line of its own with no final stop and few words is a heading, not a sentence."""
    out: list[SentSpan] = []
    for n, s in enumerate(spans):
        alone = (n == 0 or spans[n - 1].paragraph != s.paragraph) and (
            n + 1 == len(spans) or spans[n + 1].paragraph != s.paragraph
        )
        text = body[s.start_char : s.end_char]
        if s.kind == "text" and alone and not _TERMINAL.search(text) and len(text.split()) <= 20:
            s = SentSpan(s.start, s.end, s.start_char, s.end_char, s.paragraph, "heading")
        out.append(s)
    return out


def sentence_at(spans: Sequence[SentSpan], char: int) -> int:
    """Index of the sentence holding character ``char`` (the one before it, in a gap); -1 before all."""
    return bisect_right([s.start_char for s in spans], char) - 1


def sentence_words(doc: Doc, span: SentSpan) -> list[str]:
    """The words of a sentence as sumy wants them (no punctuation, original case)."""
    return [t.text for t in doc[span.start : span.end] if not (t.is_punct or t.is_space) and _wordlike(t)]


def _wordlike(tok: Token) -> bool:
    return any(c.isalnum() for c in tok.text)


class ParseTokenizer:
    """The tokenizer object sumy is given: answers from our parse, never from NLTK.

    sumy's own ``Tokenizer("english")`` needs NLTK data that cannot be downloaded here, and would
    split the text a second time. This object answers ``to_sentences`` and ``to_words`` with what the
    one spaCy parse already found.
    """

    def __init__(self, doc: Doc, spans: Sequence[SentSpan]) -> None:
        """Index the parse's sentences by text."""
        self.language = "english"
        self._words: dict[str, list[str]] = {}
        self._by_paragraph: dict[int, list[str]] = {}
        body = doc.text
        for span in spans:
            text = body[span.start_char : span.end_char]
            self._words.setdefault(text, sentence_words(doc, span))
            self._by_paragraph.setdefault(span.paragraph, []).append(text)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The sentences of a paragraph of this article (a text we did not parse gets one)."""
        key = paragraph.strip()
        for sents in self._by_paragraph.values():
            if key in ("\n".join(sents), " ".join(sents)):
                return tuple(sents)
        found = [s for s in self._words if s in key]
        return tuple(found) if found else ((key,) if key else ())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The words of a sentence of this article."""
        words = self._words.get(sentence)
        if words is None:
            words = re.findall(r"\w+(?:[-'’]\w+)*", sentence)
        return tuple(words)
