"""The key quotes of a brief or a story: chosen from quotes already found, without the parse.

Kept apart from :mod:`summarizer.quotes` so that the bot's core, which re-ranks stored briefs, does not
import spaCy (nor make every process it spawns import it).
"""

from __future__ import annotations

import re

from summarizer.model import Quote, Sentence

DEFAULT_KEY_QUOTES = 3
_WORD = re.compile(r"\w+")


def key_quotes(
    quotes: tuple[Quote, ...], summary: tuple[Sentence, ...], n: int = DEFAULT_KEY_QUOTES
) -> tuple[Quote, ...]:
    """The ``n`` quotes that matter most, best first, without near-duplicates.

    A quote counts for more when its speaker is named and often quoted, when it says something
    (4 to 60 words), when it comes early, and when it shares content words with the summary.
    """
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
