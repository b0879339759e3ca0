"""``news``: position-aware centrality for news articles (after PACSUM, Zheng & Lapata 2019).

A news sentence matters when what follows it elaborates on it: PACSUM's directed centrality counts
similarity to *later* sentences (and, with a weight we leave at zero, to earlier ones), which encodes
the inverted pyramid of news writing. Similarities are cosine over TF-IDF vectors of content lemmas
(IDF within the article); edges weaker than a threshold relative to the article's own range are
dropped, as in PACSUM. Two priors shape the score: a gentle lead prior, ``(1 + rank) ** -0.5``, for the
lead bias of news beyond what centrality captures, and a mild brevity prior, ``words ** -0.3``, so that of
two sentences saying as much the shorter one is shown in chat. Sentences are then taken best first,
skipping any that repeat a sentence already taken. All of it is a handful of sparse and dense matrix
operations: no Python loop over sentence pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from summarizer.nlp import Parsed


@dataclass(frozen=True, slots=True)
class NewsParams:
    """The few parameters of the method, each set from a reason (see README, "Summaries").

    Attributes:
        forward: weight of similarity to later sentences (PACSUM's lambda2).
        backward: weight of similarity to earlier sentences (PACSUM's lambda1; PACSUM found it best
            at or below zero, and a negative weight cost us more on BBC than it gained on CNN).
        threshold: edges below ``min + threshold * (max - min)`` are dropped (PACSUM's beta).
        lead: exponent of the lead prior ``(1 + rank) ** -lead``.
        brevity: exponent of the length prior ``words ** -brevity``.
        redundancy: a sentence whose cosine with one already taken exceeds this is skipped.
    """

    forward: float = 1.0
    backward: float = 0.0
    threshold: float = 0.1
    lead: float = 0.5
    brevity: float = 0.3
    redundancy: float = 0.5


DEFAULT_PARAMS = NewsParams()


def term_matrix(parsed: Parsed, pool: Sequence[int]) -> sparse.csr_matrix:
    """Rows: the pool's sentences; columns: content lemmas; values: L2-normalised TF-IDF."""
    doc = parsed.doc
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, n in enumerate(pool):
        span = parsed.sentences[n]
        for tok in doc[span.start : span.end]:
            if tok.is_stop or tok.is_punct or tok.is_space or not tok.text[0].isalnum():
                continue
            key = tok.lemma_.lower()
            col = vocab.setdefault(key, len(vocab))
            rows.append(row)
            cols.append(col)
    shape = (len(pool), max(1, len(vocab)))
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    counts.sum_duplicates()
    tf = counts.copy()
    tf.data = 1.0 + np.log(tf.data)
    df = np.bincount(counts.indices, minlength=shape[1]).astype(float)
    idf = np.log((1.0 + shape[0]) / (1.0 + df)) + 1.0
    weighted = tf @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def centrality(sim: np.ndarray, params: NewsParams = DEFAULT_PARAMS) -> np.ndarray:
    """PACSUM's directed degree centrality of each sentence, given the cosine matrix."""
    n = sim.shape[0]
    if n < 2:
        return np.ones(n)
    off = sim[~np.eye(n, dtype=bool)]
    lo, hi = float(off.min()), float(off.max())
    edges = np.clip(sim - (lo + params.threshold * (hi - lo)), 0.0, None)
    np.fill_diagonal(edges, 0.0)
    later = np.triu(edges, 1).sum(axis=1)
    earlier = np.tril(edges, -1).sum(axis=1)
    scores: np.ndarray = params.forward * later + params.backward * earlier
    return scores


def rank_news(parsed: Parsed, pool: Sequence[int], count: int, params: NewsParams = DEFAULT_PARAMS) -> list[int]:
    """The ``count`` best sentences of ``pool`` (indices into ``parsed.sentences``)."""
    if len(pool) <= count:
        return list(pool)
    vectors = term_matrix(parsed, pool)
    sim = (vectors @ vectors.T).toarray()
    central = centrality(sim, params)
    central = central - central.min() + 1e-6  # the priors multiply: keep every score positive
    words = np.array([_word_count(parsed, n) for n in pool], dtype=float)
    scores = central * (1.0 + np.arange(len(pool))) ** -params.lead * np.maximum(words, 1.0) ** -params.brevity
    order = np.argsort(-scores, kind="stable")
    taken: list[int] = []
    for row in order:
        if taken and sim[row, taken].max() > params.redundancy:
            continue
        taken.append(int(row))
        if len(taken) == count:
            break
    if len(taken) < count:  # everything left repeats something taken: fill in article order
        taken += [r for r in range(len(pool)) if r not in taken][: count - len(taken)]
    return [pool[r] for r in taken]


def _word_count(parsed: Parsed, n: int) -> int:
    span = parsed.sentences[n]
    return sum(1 for t in parsed.doc[span.start : span.end] if t.is_alpha)
