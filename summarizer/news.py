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

from summarizer.features import Features


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


def term_matrix(features: Features, pool: Sequence[int]) -> sparse.csr_matrix:
    """Rows: the pool's sentences; columns: content lemmas; values: L2-normalised TF-IDF."""
    row_of = np.full(len(features.words), -1, dtype=np.int64)
    row_of[np.asarray(pool, dtype=np.int64)] = np.arange(len(pool))
    rows = row_of[features.content_sentence]
    keep = rows >= 0
    keys, cols = np.unique(features.content_key[keep], return_inverse=True)
    shape = (len(pool), max(1, len(keys)))
    counts = sparse.csr_matrix((np.ones(int(keep.sum())), (rows[keep], cols)), shape=shape)
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


def rank_news(features: Features, pool: Sequence[int], count: int, params: NewsParams = DEFAULT_PARAMS) -> list[int]:
    """The ``count`` best sentences of ``pool`` (indices into the parse's sentences)."""
    if len(pool) <= count:
        return list(pool)
    return news_order(features, pool, params)[:count]


def news_order(features: Features, pool: Sequence[int], params: NewsParams = DEFAULT_PARAMS) -> list[int]:
    """Every sentence of ``pool``, best first; one that repeats a better one comes after all that do not."""
    if len(pool) < 2:
        return list(pool)
    vectors = term_matrix(features, pool)
    sim = (vectors @ vectors.T).toarray()
    central = centrality(sim, params)
    central = central - central.min() + 1e-6  # the priors multiply: keep every score positive
    words = features.words[np.asarray(pool, dtype=np.int64)].astype(float)
    scores = central * (1.0 + np.arange(len(pool))) ** -params.lead * np.maximum(words, 1.0) ** -params.brevity
    order = np.argsort(-scores, kind="stable")
    taken: list[int] = []
    repeats: list[int] = []
    for row in order:
        if taken and sim[row, taken].max() > params.redundancy:
            repeats.append(int(row))
        else:
            taken.append(int(row))
    return [pool[r] for r in taken + repeats]
