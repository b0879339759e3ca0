"""Per-sentence numbers read from the parse in one vectorised pass (no Python loop over tokens)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LIKE_NUM, POS
from spacy.symbols import AUX, VERB

from summarizer.nlp import Parsed


@dataclass(frozen=True, slots=True)
class Features:
    """Token attributes of a parse, grouped by sentence.

    Attributes:
        words: alphabetic tokens in each sentence.
        has_verb: whether each sentence has a verb or auxiliary.
        content_sentence: for each content token (not a stop word, punctuation or space), its sentence.
        content_key: for each content token, its lemma's hash.
    """

    words: np.ndarray
    has_verb: np.ndarray
    content_sentence: np.ndarray
    content_key: np.ndarray


def sentence_features(parsed: Parsed) -> Features:
    """Compute :class:`Features` for every sentence of ``parsed``."""
    doc = parsed.doc
    spans = parsed.sentences
    n = len(spans)
    if not len(doc) or not n:
        empty = np.zeros(0, dtype=np.int64)
        return Features(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool), empty, empty.astype(np.uint64))
    arr = doc.to_array([IS_ALPHA, IS_STOP, IS_PUNCT, IS_SPACE, LIKE_NUM, POS, LEMMA])
    alpha, stop, punct, space, num = (arr[:, i].astype(bool) for i in range(5))
    verb = np.isin(arr[:, 5], (VERB, AUX))
    sentence_of = np.full(len(doc), -1, dtype=np.int64)
    for k, span in enumerate(spans):
        sentence_of[span.start : span.end] = k
    inside = sentence_of >= 0
    words = np.bincount(sentence_of[inside & alpha], minlength=n)
    has_verb = np.bincount(sentence_of[inside & verb], minlength=n) > 0
    content = inside & ~stop & ~punct & ~space & (alpha | num)
    return Features(words, has_verb, sentence_of[content], arr[content, 6])
