"""Whether a sentence can stand alone in a summary, read without the sentences around it.

A chat reader sees two or three sentences of the article and nothing else, so a summary sentence
must not lean on what the article said before it. :func:`problems` names what a careful editor
would flag, from the sentence's text alone (the audit script runs it on any summary):

- ``connective``: it opens with a word that answers the previous sentence (``But``, ``However``,
  ``Still``, ``As a result``, ``The latter`` ...);
- ``pronoun``: its subject is a pronoun or a demonstrative with nothing in the sentence to refer to
  (``He said ...``, ``That report describes ...``, ``In a statement, she ...``, a quotation ``he
  said``), or its opening phrase refers back (``In his twenties he ...``, ``For most of those years,``);
  ``It is hard to ...``
  (an empty ``it``) and ``This week`` (a time) are fine;
- ``unattributed``: a quotation alone, its speaker named in another sentence;
- ``question``: a question or teaser (``So what can we make of it?``);
- ``half-quote``: an opening or closing quotation mark without its pair, so half of a quotation;
- ``dateline``: a dateline or agency credit left at its start (``WASHINGTON (Reuters) -``);
- ``related``: a link to other content (``READ: ...``, ``Watch the video``, ``Related:``);
- ``teaser``: a line that announces what follows instead of saying it (``Here are five things to
  know:``, ``Take a look at ...``, a sentence ending in a colon).

:func:`summary_problems` reads a summary in order, and a sentence inside a longer quotation is half
of it (``inside`` offsets, from :mod:`summarizer.quotemarks`, tell).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.model import Sentence
from summarizer.quotemarks import QuoteSpan, find_quote_spans

#: Flaws that only lean on the sentence before: gone when that sentence comes right before in the summary.
LEANING = frozenset({"pronoun", "connective", "unattributed"})

_CONNECTIVE = re.compile(
    r"^[\"“‘']?(?:But|And|Yet|So|Or|Nor|However|Still|Also|Meanwhile|Instead|Then|Moreover|Furthermore|"
    r"Besides|Nevertheless|Nonetheless|Thus|Therefore|Hence|Otherwise|Likewise|Similarly|Indeed|Plus|"
    r"Anyway|Again|Even so|In addition(?! to)|As a result|On the other hand|In fact|After all|Of course|"
    r"That said|By contrast|In contrast|In turn|For example|For instance|Not only that|The latter|"
    r"The former|Both|Neither|Either|Another|Other|Later|Earlier|Afterwards|Since then|Until then)\b",
)
_PRONOUN = r"(?:He|She|They|It|This|That|These|Those|His|Her|Its|Their|Him|Them|Such|Here|There)"
_SUBJECT_PRONOUN = re.compile(rf"^{_PRONOUN}\b")
#: After a short opening phrase and a comma ("In a statement, he said").
_LATE_PRONOUN = re.compile(r"^[^,\"“”]{2,40},\s+(?:he|she|they|it|this|that)\s+(?!is\s|was\s)", re.IGNORECASE)
#: An empty "it" (extraposition: "It is hard to ...", "It's clear that ...") and "it" in weather and time.
_EMPTY_IT = re.compile(
    r"^It(?:['’]s|\s+is|\s+was|\s+has\s+been|\s+had\s+been|\s+will\s+be|\s+would\s+be|\s+seems|\s+seemed|"
    r"\s+remains|\s+appears|\s+appeared|\s+may\s+be|\s+might\s+be|\s+could\s+be|\s+takes|\s+took)\b[^.]{0,80}?"
    r"\b(?:to|that|whether|how|when|why|what|if|since|before|until)\b"
)
#: A sentence that opens with a whole quotation, and the attribution after it by a pronoun.
_WHOLE_QUOTATION = re.compile(r"^[\"“][^\"“”]{3,}[\"”]")
_BY_PRONOUN = re.compile(
    r"\s*,?\s*(?:(?:he|she|they)\s+(?:said|says|added|adds|told|tells|wrote|writes|asked|explained|continued|"
    r"insisted|argued|recalled|noted|warned)|(?:said|says|added|adds)\s+(?:he|she|they))\b"
)
#: An opening phrase that refers back: "In his twenties he battled ...", "For most of those years, ...".
_BACK_OPENER = re.compile(
    r"^(?:In|At|On|By|After|Before|During|For|Since|Until|Within|Over|Throughout|Despite)\s+"
    r"(?:([^,]{1,40}?),?\s+(?:he|she|they)\s|[^,]{0,25}?\b(?:those|these)\b[^,]{0,25},)"
)
#: An opening phrase, up to its comma, with a possessive pronoun in it.
_POSSESSIVE_OPENER = re.compile(r"^([^,\"“”]{0,40}\b(?:his|her|their)\b[^,\"“”]{0,30}),")
_TIME_DEMONSTRATIVE = re.compile(
    r"^(?:This|That|These|Those)\s+(?:year|week|month|morning|afternoon|evening|night|weekend|season|"
    r"summer|winter|spring|autumn|fall|time|day|decade|century|days|weeks|months|years)\b"
)
_THERE_IS = re.compile(r"^There\s+(?:is|are|was|were|has|have|had|will|may|might|could|would|seems?|appears?)\b")
_QUESTION = re.compile(r"\?[\"”’')\]]*\s*$")
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Za-z.'\-]+){0,4}\s*(?:\([^)]{1,20}\))?\s*(?:--|—|–|-)\s)|"
    r"^\((?:CNN|Reuters|AP|AFP|UPI|BBC)\)|^[A-Z][a-z]+(?: [A-Z][a-z]+)? \((?:CNN|Reuters|AP|AFP|UPI|BBC)\)"
)
_RELATED = re.compile(
    r"^(?:READ|WATCH|RELATED|MORE|SEE ALSO|CLICK|LISTEN|PHOTOS?|VIDEO)\b\s*[:\-—]|"
    r"^(?:Read|Watch|See|Click|Listen|Follow)\b[^.]{0,60}\b(?:here|more|story|video|coverage|full)\b|"
    r"^Related\b",
)


#: A page's layout read as text: a caption's "| AP Photo" credit, a menu's "Home | News | Sport".
_LAYOUT = re.compile(r"^\||\s\|\s")
#: A photo's caption or credit: who is where in the picture ("Jennifer Paterson (left) and ..."), a
#: gallery's "Hide Caption 3 of 15 Photos:", a credit before the story ("Neil Warner / Splash News").
_CAPTION = re.compile(
    r"\((?:left|right|centre|center|pictured|top|bottom|above|inset|(?:second |far )?(?:from )?(?:left|right))\)"
    r"|^(?:Hide|Show|Image|Photo) [Cc]aption\b|\b\d+ of \d+ [Pp]hotos?:"
    r"|^(?:[A-Z][\w.'’-]+ ){1,3}/ [A-Z]"
)

_TEASER = re.compile(
    r"^(?:Here(?:['’]s|\s+is|\s+are)|Take\s+a\s+look|Find\s+out|Check\s+out|Scroll\s+down|See\s+what|"
    r"This\s+is\s+what|What\s+you\s+need\s+to\s+know|\d+\s+things)\b|[:;]\s*[.]?\s*$|"
    r"^(?:But\s+|So\s+|Now\s+)?(?:read|scroll|keep\s+reading)\s+on\b",
    re.IGNORECASE,
)


def problems(sentence: str) -> tuple[str, ...]:
    """What keeps ``sentence`` from standing alone in a summary (empty when it can)."""
    text = sentence.strip()
    found: list[str] = []
    if _DATELINE.match(text):
        found.append("dateline")
    if _RELATED.match(text):
        found.append("related")
    if _LAYOUT.search(text):
        found.append("layout")
    if _CAPTION.search(text):
        found.append("caption")
    if _TEASER.search(text):
        found.append("teaser")
    if _CONNECTIVE.match(text):
        found.append("connective")
    elif _pronoun_subject(text) and "teaser" not in found:
        found.append("pronoun")
    whole = _WHOLE_QUOTATION.match(text)
    if whole and not text[whole.end() :].strip(" .,;:"):
        found.append("unattributed")  # a quotation alone: whose words?
    if _QUESTION.search(text):
        found.append("question")
    if _half_quote(text):
        found.append("half-quote")
    return tuple(found)


def summary_problems(sentences: Sequence[str], text: str) -> list[tuple[str, ...]]:
    """:func:`problems` of each sentence of a summary of ``text``, read in order.

    A sentence that leans on the one before it is fine when the summary shows that sentence right
    before it (the two are next to each other in the article).
    """
    out: list[tuple[str, ...]] = []
    quotes = find_quote_spans(text)
    end = -1
    for sentence in sentences:
        start = text.find(sentence, max(0, end))
        if start < 0:
            start = text.find(sentence)
        found = problems_at(text, start, start + len(sentence), quotes) if start >= 0 else problems(sentence)
        if found and end >= 0 and start >= end and not text[end:start].strip():
            found = tuple(f for f in found if f not in LEANING)
        out.append(found)
        end = start + len(sentence) if start >= 0 else -1
    return out


def problems_at(text: str, start: int, end: int, quotes: Sequence[QuoteSpan]) -> tuple[str, ...]:
    """:func:`problems` of ``text[start:end]``, and ``half-quote`` when it lies inside a longer quotation."""
    found = problems(text[start:end])
    if "half-quote" not in found and inside_quotation(quotes, start, end):
        found = (*found, "half-quote")
    return found


def inside_quotation(quotes: Sequence[QuoteSpan], start: int, end: int) -> bool:
    """Whether text[start:end] lies within a quotation that goes on before or after it (no marks of its own)."""
    for q in quotes:
        close = q.close_mark if q.close_mark >= 0 else q.end
        if q.open_mark < start and end <= close + 1 and (q.open_mark < start - 1 or close > end):
            return True
    return False


def _pronoun_subject(text: str) -> bool:
    whole = _WHOLE_QUOTATION.match(text)
    if whole:
        # The pronouns inside a quotation are its speaker's; only a speaker who is a pronoun leans:
        # '"We don't trust the regime anymore," he said' (who?), not '"It is over," Smith said'.
        return bool(_BY_PRONOUN.match(text[whole.end() :]))
    bare = text.lstrip("\"“‘'")
    if _SUBJECT_PRONOUN.match(bare):
        return not (_EMPTY_IT.match(bare) or _TIME_DEMONSTRATIVE.match(bare) or _THERE_IS.match(bare))
    opener = _POSSESSIVE_OPENER.match(bare)
    if opener and not any(w[:1].isupper() for w in opener.group(1).split()[1:]):
        # "Just a few days into his trip, a storm capsized his boat": whose trip? Not "In his speech,
        # Obama said" nor "..., the mayor said": the subject after the comma is whose.
        after = bare[opener.end() :].split()
        if after and not after[0][:1].isupper() and after[0] != "the":
            return True
    back = _BACK_OPENER.match(bare)
    # Not "In a speech in Ohio, she ..." when the opening phrase names someone: "After Obama won, he ...".
    if back and not (back.group(1) and any(w[:1].isupper() for w in back.group(1).split())):
        return True
    late = _LATE_PRONOUN.match(bare)
    # "When Liana Barrientos was 23, she ...": the opening phrase names who the pronoun is.
    return late is not None and not any(w[:1].isupper() for w in late.group().split()[1:])


def _half_quote(text: str) -> bool:
    opening, closing = text.count("“"), text.count("”")
    if opening != closing:
        return True
    straight = text.count('"') + len(re.findall(r"(?<!\w)''|''(?!\w)|``", text))
    return straight % 2 == 1


def summary_points(sentences: Sequence[Sentence]) -> list[str]:
    """The summary as a reader's numbered points.

    A sentence that leans on the one before it, which the summary shows right before it, continues that
    point (``... Christmas. That's in part because ...``) instead of opening one of its own.
    """
    points: list[str] = []
    previous: Sentence | None = None
    for sentence in sentences:
        flaws = problems(sentence.text)
        if previous is not None and sentence.index == previous.index + 1 and flaws and set(flaws) <= LEANING:
            points[-1] = f"{points[-1]} {sentence.text}"
        else:
            points.append(sentence.text)
        previous = sentence
    return points
