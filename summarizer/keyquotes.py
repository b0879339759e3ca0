"""The key quotes of a brief or a story: chosen from quotes already found, without the parse.

Kept apart from :mod:`summarizer.quotes` so that the bot's core, which re-ranks stored briefs, does not
import spaCy (nor make every process it spawns import it).
"""

from __future__ import annotations

import re

from summarizer.model import Quote, Sentence

DEFAULT_KEY_QUOTES = 3
#: A key quote says something: at least this many words.
MIN_KEY_WORDS = 4
_WORD = re.compile(r"\w+")
#: A quote in lower case that still says something whole starts with its subject: "we do know that ...".
_CLAUSE_OPENERS = frozenset({"i", "we", "you", "he", "she", "they", "it", "there"})
_PRONOUN_SPEAKERS = frozenset({"i", "we", "you", "they", "it", "he", "she", "one", "someone", "people"})
#: An unnamed speaker that is a thing, not a person or body ("the statement", "the comedy troupe's site"):
#: the reader cannot tell who spoke.
_THING_SPEAKER = re.compile(
    r"\b(?:statement|release|report|site|website|network|account|post|letter|video|document|email|filing|ad|"
    r"book|paper|newspaper|channel|station|message|note|sign|poster|survey|study|poll)s?$",
    re.IGNORECASE,
)
#: A quote that is only a subordinate clause opens so (and has no comma before a main clause).
_SUBORDINATE = re.compile(
    r"^[\"“‘']?(?:If|When|Because|Although|Though|Unless|Whether|Since|While|Until|(?:In part|Partly) because)\b"
)
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "v"}
)


#: Words before a name that address the person it names (summarizer.roles keeps the full list, beside
#: the spaCy code this module must not import).
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lady", "lord", "president", "senator", "sen"})


def worth_showing(q: Quote, summary: tuple[Sentence, ...] = ()) -> bool:
    """Whether a quote may be shown as a key quote: a real statement by a known speaker.

    Not a scare quote, title, name or nickname (fewer than four words, or every word capitalised:
    ``"Two and a Half Men"``); not a fragment that starts in lower case (the second half of a quote
    cut by its attribution, or a few words woven into a sentence), unless it opens with its subject
    (``we do know that ...``), nor a subordinate clause alone (``If the nominees don't want to ...``);
    not a quote whose speaker is
    unknown, only a pronoun (``we``) or a thing (``the statement``), nor one that names its own speaker
    in full (people rarely do: the speaker is likely wrong); not a quote the summary already shows word
    for word. Better no key quote than a bad one.
    """
    words = _WORD.findall(q.text)
    if len(words) < MIN_KEY_WORDS:
        return False
    first = words[0]
    if first[:1].islower() and first.lower() not in _CLAUSE_OPENERS:
        return False  # a fragment: "and there's a real desire ...", "the excessively wasteful regime."
    if _SUBORDINATE.match(q.text) and "," not in q.text:
        return False  # "If the last three Republican nominees don't want to ...": a clause with no main one
    if not q.speaker or q.speaker.lower() in _PRONOUN_SPEAKERS:
        return False
    if not q.named and _THING_SPEAKER.search(q.speaker):
        return False
    if len(words) <= 8 and all(w[:1].isupper() or w.isdigit() or w.lower() in _SMALL_WORDS for w in words):
        return False  # a title in Title Case
    if q.named and " " in q.speaker and _names_speaker(q.text, q.speaker):
        return False  # "you're not going to beat Hillary Clinton ...", "Mr. Trump relies on ...": about them
    return not any(q.text in s.text or s.text in q.text for s in summary)


def key_quotes(
    quotes: tuple[Quote, ...], summary: tuple[Sentence, ...], n: int = DEFAULT_KEY_QUOTES
) -> tuple[Quote, ...]:
    """The ``n`` quotes that matter most, best first, without near-duplicates; only quotes worth showing.

    A quote counts for more when its speaker is named and often quoted, when it says something
    (4 to 60 words), when it comes early, and when it shares content words with the summary.
    """
    quotes = tuple(q for q in quotes if worth_showing(q, summary))
    if n <= 0 or not quotes:
        return ()
    summary_words = {w.lower() for s in summary for w in _WORD.findall(s.text) if len(w) > 3}
    spoken: dict[str, int] = {}
    for q in quotes:
        if q.speaker:
            spoken[q.speaker] = spoken.get(q.speaker, 0) + 1

    def score(q: Quote) -> float:
        words = _WORD.findall(q.text)
        length = min(len(words), 30) / 30 if len(words) >= 4 else 0.2
        speaker = (1.0 if q.named else 0.6 if q.speaker else 0.3) * (1 + 0.1 * min(spoken.get(q.speaker or "", 0), 5))
        overlap = len({w.lower() for w in words if len(w) > 3} & summary_words) / (1 + len(words) ** 0.5)
        return float(speaker * (0.5 + length) * (1 + overlap) / (1 + 0.05 * q.sentence))

    chosen: list[Quote] = []
    for q in sorted(quotes, key=score, reverse=True):
        words = set(_WORD.findall(q.text.lower()))
        if any(_dice(words, set(_WORD.findall(c.text.lower()))) > 0.6 for c in chosen):
            continue
        chosen.append(q)
        if len(chosen) == n:
            break
    return tuple(chosen)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _names_speaker(text: str, speaker: str) -> bool:
    """Whether a quotation names its own speaker: people rarely do, so its speaker is likely wrong.

    A name word of the speaker counts unless another given name stands before it: Hillary Clinton may
    well speak of Bill Clinton, not of "Mr. Clinton" or "Hillary".
    """
    if speaker in text:
        return True
    names = speaker.split()
    words = _WORD.findall(text)
    for k, w in enumerate(words):
        if len(w) > 2 and w[:1].isupper() and w in names:
            before = words[k - 1] if k else ""
            if not (before[:1].isupper() and before not in names and before.lower().rstrip(".") not in _HONORIFICS):
                return True
    return False
