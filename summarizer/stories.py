"""Stories for digests: the briefs of many articles clustered into the news they tell (pure).

**Clustering** (:func:`cluster`): each brief becomes a TF-IDF vector of its headline (counted twice),
summary sentences and actor names (an actor is one term: "Antony Blinken" does not match "Antony
Gormley"). Two briefs are the same story when their cosine similarity reaches :data:`THRESHOLD`; stories
are the connected groups. Only pairs that share one of their :data:`TOP_TERMS` heaviest terms are
compared, each brief with at most :data:`WINDOW` earlier briefs per term, and a term carried by half of
the briefs (and more than :data:`MAX_POSTING`) proposes none, so the work grows about linearly with the
number of briefs (a few thousand a day stay fast) instead of quadratically.

**A story** (:func:`make_story`): its headline and summary come from the brief most central to the
group (the highest total similarity to the others; the longest summary on a tie), the quote is the
best key quote of the group by named speaker and length, and the actors are merged across briefs by
name, most mentioned first.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from summarizer.keyquotes import key_quotes
from summarizer.model import Actor, Brief, Quote, Source, Story

THRESHOLD = 0.3
TOP_TERMS = 8
#: A term carried by more than this many briefs (and by half of them) is too common to propose pairs.
MAX_POSTING = 60
#: Briefs sharing a term are compared with at most this many earlier ones.
WINDOW = 8
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
_STOP = frozenset(
    """the and for that with from this have has had was were are will would could should said says say
    about after before over into than then they them their there what when which while who whom whose
    its it's his her hers our your you yours been being also just more most some such only other not
    but all any can may might new one two three year years time week day today yesterday monday tuesday
    wednesday thursday friday saturday sunday told per cent percent""".split()
)

Vector = dict[str, float]


def _terms(brief: Brief) -> Counter[str]:
    counts: Counter[str] = Counter()
    title = brief.article.title.lower()
    for w in _WORD.findall(title):
        if w not in _STOP:
            counts[w] += 2
    for s in brief.summary:
        for w in _WORD.findall(s.text.lower()):
            if w not in _STOP:
                counts[w] += 1
    for a in brief.actors[:10]:
        counts["@" + a.name.lower()] += 2
    return counts


def vectors(briefs: Sequence[Brief]) -> list[Vector]:
    """Unit-length TF-IDF vectors of the briefs (log-scaled term counts)."""
    terms = [_terms(b) for b in briefs]
    df: Counter[str] = Counter()
    for t in terms:
        df.update(t.keys())
    n = len(briefs)
    out: list[Vector] = []
    for t in terms:
        v = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w]) + 1) for w, c in t.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _candidate_pairs(postings: Sequence[list[int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (a < b) of briefs within :data:`WINDOW` places of each other in a posting list.

    Each brief is compared with the WINDOW briefs before it that share the term: a big story still
    joins up as a chain (groups are connected components), and the work stays linear. Computed on
    arrays, not pair by pair: the number of pairs per brief rises as more briefs share terms.
    """
    lengths = [len(d) for d in postings]
    if not lengths:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    flat = np.fromiter(itertools.chain.from_iterable(postings), dtype=np.int64, count=sum(lengths))
    which = np.repeat(np.arange(len(lengths)), lengths)
    firsts, seconds = [], []
    for k in range(1, WINDOW + 1):
        same = which[k:] == which[:-k]
        firsts.append(flat[:-k][same])
        seconds.append(flat[k:][same])
    keys = np.unique(np.concatenate(firsts) * n + np.concatenate(seconds))
    return keys // n, keys % n


def _pair_cosines(vecs: Sequence[Vector], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The cosine of each pair (``left[k]``, ``right[k]``) of unit vectors."""
    if not len(left):
        return np.zeros(0)
    index: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for v in vecs:
        for w, x in v.items():
            indices.append(index.setdefault(w, len(index)))
            data.append(x)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(vecs), max(1, len(index))))
    return np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()


def cluster(briefs: Sequence[Brief], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of brief indices that tell the same story; biggest first, then by first index."""
    vecs = vectors(briefs)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vecs):
        for w, _x in sorted(v.items(), key=lambda p: -p[1])[:TOP_TERMS]:
            postings[w].append(i)
    parent = list(range(len(briefs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    n = len(briefs)
    too_common = max(MAX_POSTING, n // 2)
    left, right = _candidate_pairs([d for d in postings.values() if 2 <= len(d) <= too_common], n)
    similar = _pair_cosines(vecs, left, right) >= threshold
    for x, y in zip(left[similar].tolist(), right[similar].tolist(), strict=True):
        parent[find(x)] = find(y)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(briefs)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _central(briefs: Sequence[Brief], vecs: Sequence[Vector]) -> int:
    best, best_key = 0, (-1.0, -1)
    for i in range(len(briefs)):
        total = sum(_cosine(vecs[i], vecs[j]) for j in range(len(briefs)) if j != i)
        key = (round(total, 6), sum(len(s.text) for s in briefs[i].summary))
        if key > best_key:
            best, best_key = i, key
    return best


def _quote_score(q: Quote) -> float:
    words = len(q.text.split())
    return (2.0 if q.named else 1.0 if q.speaker else 0.2) * min(words, 30) / 30


def merge_actors(briefs: Sequence[Brief], limit: int = 6) -> tuple[Actor, ...]:
    """Actors across briefs, merged by name, most mentioned first (the first role and affiliation found)."""
    merged: dict[str, Actor] = {}
    for b in briefs:
        for a in b.actors:
            old = merged.get(a.name)
            if old is None:
                merged[a.name] = a
            else:
                merged[a.name] = Actor(
                    name=a.name,
                    kind=old.kind,
                    role=old.role or a.role,
                    affiliation=old.affiliation or a.affiliation,
                    mentions=old.mentions + a.mentions,
                    aliases=tuple(dict.fromkeys((*old.aliases, *a.aliases))),
                    quoted=old.quoted or a.quoted,
                )
    ranked = sorted(merged.values(), key=lambda a: (-a.mentions, a.name))
    return tuple(ranked[:limit])


def make_story(briefs: Sequence[Brief], sources: Sequence[Source], summary_sentences: int = 3) -> Story:
    """One story from the briefs of its articles (``sources`` in the same order)."""
    vecs = vectors(briefs)
    lead = briefs[_central(briefs, vecs)]
    # The lead article's key quote, else the best quote of the others.
    lead_key = key_quotes(lead.quotes, lead.summary, 1)
    others = [q for b in briefs if b is not lead for q in b.quotes]
    quote = lead_key[0] if lead_key else (max(others, key=_quote_score) if others else None)
    return Story(
        headline=lead.article.title or (lead.summary[0].text if lead.summary else ""),
        summary=tuple(s.text for s in lead.summary[:summary_sentences]),
        quote=quote,
        actors=merge_actors(briefs),
        sources=tuple(sources),
    )
