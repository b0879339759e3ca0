"""Stories for digests: the briefs of many articles clustered into the news they tell (pure).

**Clustering** (:func:`cluster`), measured on ../shared/eval/digest (README, "Digests"):

- each article becomes a TF-IDF vector of its headline (counted :data:`TITLE_WEIGHT` times) and its
  whole text, with the IDF of the day's articles, proper names counted :data:`NAME_WEIGHT` times;
- two articles are linked by the stronger of two tests, each scaled so that 1 passes: their cosine
  against :data:`COSINE`, and how far that cosine stands above what each of them shares with the day's
  other articles (a z-score, against :data:`Z_SCORE`). Outlets that tell one event in other words
  ("emoluments" and "foreign payments") share little, but far more than with anything else that day;
  two earthquakes in one region share much, and the cosine test keeps them apart;
- stories are built by average-link clustering on those links (a missing link weighs 0) while the
  average link between two groups reaches :data:`THRESHOLD`, so one strong pair does not chain two
  stories together; an article then still alone joins the story it links to most when its links
  average :data:`ATTACH` (an outlet's odd angle on an event is still that event).

Only pairs that share :data:`MIN_SHARED` of their :data:`TOP_TERMS` heaviest terms are compared, and a
term carried by more than :data:`MAX_POSTING` articles proposes none; each article's background is
measured against at most :data:`SAMPLE` others. The work grows about linearly with the number of
articles (bench/scale.py), where comparing every pair would grow with its square.

**A story** (:func:`make_story`): its headline and summary come from the brief whose summary covers
the group's texts most (:func:`_lead`; the longest summary on a tie), the quote is the
best key quote of the group by named speaker and length, and the actors are merged across briefs by
name, most mentioned first.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse

from summarizer.keyquotes import key_quotes
from summarizer.model import Actor, ActorKind, Article, Brief, Quote, Source, Story

#: Two articles tell one story when their cosine reaches this, or ...
COSINE = 0.15
#: ... when their cosine stands this many standard deviations above what each article shares with the
#: day's others (what the z-score of the pair averages to). News told in other words by another outlet
#: shares little with its twin, but far more than with anything else that day.
Z_SCORE = 3.0
#: A z-score counts only above this cosine: a lone shared rare word in two short leads is no story.
MIN_COSINE = 0.05
#: Stories are joined while the average link between them reaches 1 on the scale where either test
#: above is 1 (average-link clustering): one strong pair does not chain two stories together.
THRESHOLD = 1.0
#: An article left alone then joins the story it links to most, where its links to that story's
#: articles average half of :data:`THRESHOLD`: an outlet's odd angle on an event is still that event.
ATTACH = 0.5
#: Proper names (capitalised inside a sentence) count this much more than other words: events differ
#: by their names (two earthquakes, two rehab check-ins), outlets' wordings differ everywhere else.
NAME_WEIGHT = 2.0
#: The headline counts this much more than a word of the text.
TITLE_WEIGHT = 2.0
#: A term carried by more briefs than this proposes no pairs (its weight is small, the pairs many).
MAX_POSTING = 40
#: Pairs are proposed by each brief's heaviest terms only (the cosine is then taken on all of them).
TOP_TERMS = 50
#: Pairs sharing fewer of those terms are not compared: one shared word is no story.
MIN_SHARED = 2
#: A link weaker than this is left out of the graph: it could not lift an average to the threshold.
MIN_LINK = 0.25
#: How many briefs the background of each brief (its mean and spread of similarity) is measured on.
SAMPLE = 400
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]+")
#: A capitalised word inside a sentence (after a space, not after the end of a sentence): a name.
_NAME = re.compile(r"(?<=[ \t])(?<![.!?] )(?<![.!?][\"”’] )[A-Z][A-Za-z0-9'’-]+")
#: The text read of each article: its opening, where news tells what happened (a longer cut clusters
#: the dev days no better), and a bound on the work a very long page costs.
TEXT_CHARS = 6000
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this
    that these those he she they we you i his her their our your them him us me my not no so do does did
    have has had will would can could should may might must said says say also than then there here what
    which who whom whose when where why how all any each more most other some such only own same too very
    just about after before over into up down out off again further once""".split()
)


def _terms(article: Article) -> dict[str, float]:
    # Counted by regular expressions, not word by word in Python: a digest reads hundreds of articles.
    counts: dict[str, float] = defaultdict(float)
    for text, weight in ((article.title, TITLE_WEIGHT), (article.text[:TEXT_CHARS], 1.0)):
        for word, n in Counter(_WORD.findall(text.lower())).items():
            if word not in _STOP:
                counts[word] += weight * n
        for name, n in Counter(_NAME.findall(text)).items():
            word = name.lower()
            if word not in _STOP:
                counts[word] += weight * (NAME_WEIGHT - 1) * n
    return counts


def matrix(articles: Sequence[Article]) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows of the articles' headlines and texts (IDF over these articles)."""
    index: dict[str, int] = {}
    indptr, indices, counts = [0], [], []
    for article in articles:
        for w, c in _terms(article).items():
            indices.append(index.setdefault(w, len(index)))
            counts.append(c)
        indptr.append(len(indices))
    n = len(articles)
    cols = np.asarray(indices, dtype=np.int64)
    tf = np.asarray(counts, dtype=np.float64)
    df = np.bincount(cols, minlength=len(index))
    idf = np.log((1 + n) / (1 + df))  # 0 for a term every article has: it tells nothing apart
    data = np.where(tf >= 1, 1 + np.log(np.maximum(tf, 1)), tf) * idf[cols]
    m = sparse.csr_matrix((data, cols, np.asarray(indptr)), shape=(n, max(1, len(index))))
    m.eliminate_zeros()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def _background(m: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Each row's mean and spread of cosine to the others (to an even sample of them on big days)."""
    n = m.shape[0]
    sample = np.arange(n) if n <= SAMPLE else np.linspace(0, n - 1, SAMPLE).astype(np.int64)
    sims = (m @ m[sample].T).toarray()
    sims[sample, np.arange(len(sample))] = np.nan  # a row is not its own background
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(sims, axis=1) if len(sample) > 1 else np.zeros(n)
        spread = np.nanstd(sims, axis=1) if len(sample) > 1 else np.ones(n)
    return np.nan_to_num(mean), np.maximum(np.nan_to_num(spread, nan=1.0), 1e-3)


def _candidate_pairs(m: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a < b) that share :data:`MIN_SHARED` of their heaviest terms.

    Each brief offers its :data:`TOP_TERMS` heaviest terms carried by at most :data:`MAX_POSTING` briefs.
    The work grows with the number of briefs times those two bounds, not with its square; the cosine
    of each pair is then taken on every term.
    """
    n = m.shape[0]
    df = np.bincount(m.indices, minlength=m.shape[1])
    rows, cols = [], []
    for i in range(n):
        lo, hi = m.indptr[i], m.indptr[i + 1]
        terms, weights = m.indices[lo:hi], m.data[lo:hi]
        keep = terms[df[terms] <= MAX_POSTING]
        if len(keep) > TOP_TERMS:
            order = np.argsort(-weights[df[terms] <= MAX_POSTING], kind="stable")[:TOP_TERMS]
            keep = keep[order]
        rows.append(np.full(len(keep), i))
        cols.append(keep)
    r, c = np.concatenate(rows), np.concatenate(cols)
    top = sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=m.shape)
    shared = sparse.triu(top @ top.T, k=1).tocoo()
    enough = shared.data >= MIN_SHARED
    return shared.row[enough].astype(np.int64), shared.col[enough].astype(np.int64)


def _pair_cosines(m: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if not len(left):
        return np.zeros(0)
    return np.asarray(m[left].multiply(m[right]).sum(axis=1)).ravel()


def _average_link(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray, threshold: float) -> list[int]:
    """Average-link clustering on a sparse graph (a missing edge weighs 0): each brief's group root."""
    parent = list(range(n))
    size = [1] * n
    links: list[dict[int, float]] = [{} for _ in range(n)]  # root -> neighbour root -> summed weight
    for a, b, w in zip(left.tolist(), right.tolist(), weight.tolist(), strict=True):
        links[a][b] = links[a].get(b, 0.0) + w
        links[b][a] = links[b].get(a, 0.0) + w
    heap = [(-w, a, b) for a in range(n) for b, w in links[a].items() if a < b and w >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue  # a stale entry: one side was merged since
        if abs(links[a][b] / (size[a] * size[b]) + neg) > 1e-12:
            continue  # its average changed since it was pushed; the fresh entry is in the heap
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        del links[a][b]
        for k, w in links[b].items():
            if k == a:
                continue
            del links[k][b]
            links[a][k] = links[k][a] = links[a].get(k, 0.0) + w
        links[b] = {}
        for k, w in links[a].items():
            avg = w / (size[a] * size[k])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(a, k), max(a, k)))
    return parent


def cluster(briefs: Sequence[Brief], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of brief indices that tell the same story; biggest first, then by first index."""
    n = len(briefs)
    if n == 0:
        return []
    m = matrix([b.article for b in briefs])
    left, right = _candidate_pairs(m)
    cos = _pair_cosines(m, left, right)
    mean, spread = _background(m)
    z = ((cos - mean[left]) / spread[left] + (cos - mean[right]) / spread[right]) / 2
    link = np.maximum(cos / COSINE, np.where(cos >= MIN_COSINE, z / Z_SCORE, 0.0))
    strong = link >= MIN_LINK
    parent = _average_link(n, left[strong], right[strong], link[strong], threshold)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        groups[root].append(i)
    return _attach_loners(briefs, groups, left[strong], right[strong], link[strong])


def _attach_loners(
    briefs: Sequence[Brief], groups: dict[int, list[int]], left: np.ndarray, right: np.ndarray, link: np.ndarray
) -> list[list[int]]:
    """The groups, each article left alone moved into the story it links to most (see :data:`ATTACH`).

    Only into a story that names someone or somewhere the article names too: a second earthquake
    shares the word "earthquake" with the first one's story, not its places.
    """
    owner = {i: r for r, g in groups.items() for i in g}
    sums: dict[tuple[int, int], float] = defaultdict(float)  # (lone article, story) -> summed links
    for a, b, w in zip(left.tolist(), right.tolist(), link.tolist(), strict=True):
        for x, y in ((a, b), (b, a)):
            if len(groups[owner[x]]) == 1 and len(groups[owner[y]]) > 1:
                sums[(x, owner[y])] += w
    best: dict[int, tuple[float, int]] = {}
    names: dict[int, set[str]] = {}

    def named(i: int) -> set[str]:
        if i not in names:
            a = briefs[i].article
            names[i] = {w.lower() for w in _NAME.findall(f"{a.title} {a.text[:TEXT_CHARS]}")} - _STOP
        return names[i]

    for (x, story), w in sums.items():
        average = w / len(groups[story])
        better = average >= ATTACH and average > best.get(x, (0.0, -1))[0]
        if better and any(named(x) & named(i) for i in groups[story]):
            best[x] = (average, story)
    for x, (_average, story) in best.items():
        groups[story].append(x)
        del groups[owner[x]]
    for g in groups.values():
        g.sort()
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _bag(text: str) -> dict[str, float]:
    counts = Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP)
    return {w: 1.0 + math.log(n) for w, n in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(b) < len(a):
        a, b = b, a
    dot = sum(v * b.get(w, 0.0) for w, v in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _lead(briefs: Sequence[Brief]) -> int:
    """The brief whose summary best tells what the story's other articles say.

    Its summary is the story's: the outlet whose own few sentences cover the story's texts most, its
    own article's included (not the article most like the others as a whole, which may be the longest,
    with the summary of an aside; and with two sources, not the aside that happens to be what the other
    one says). A brief with a summary leads before a headline alone.
    """
    texts = [_bag(f"{b.article.title} {b.article.text[:TEXT_CHARS]}") for b in briefs]
    best, best_key = 0, (False, -1.0, -1)
    for i, brief in enumerate(briefs):
        told = _bag(" ".join(s.text for s in brief.summary))
        covered = sum(_cosine(told, text) for text in texts)
        key = (bool(brief.summary), round(covered, 6), sum(len(s.text) for s in brief.summary))
        if key > best_key:
            best, best_key = i, key
    return best


def _quote_score(q: Quote) -> float:
    words = len(q.text.split())
    return (2.0 if q.named else 1.0 if q.speaker else 0.2) * min(words, 30) / 30


def with_fuller_names(actors: Sequence[Actor]) -> list[Actor]:
    """The actors, a person named shorter in one brief than in another given the fuller name.

    ``Trump`` -> ``Donald Trump``, ``Collins`` -> ``Chris Collins``, whatever kind a brief gave the short
    name (the model tags a lone surname an organisation as often as a person); a short name that two
    people end with is left alone.
    """
    people = {a.name for a in actors if a.kind == "person"}
    fuller: dict[str, str] = {}
    for name in {a.name for a in actors if a.kind in ("person", "organization")}:
        words = name.split()
        longer = {p for p in people if len(p.split()) > len(words) and p.split()[-len(words) :] == words}
        if len(longer) == 1:
            fuller[name] = longer.pop()
    return [replace(a, name=fuller[a.name], kind="person") if a.name in fuller else a for a in actors]


def _with_fuller_places(actors: Sequence[Actor]) -> list[Actor]:
    """The actors, a place named alone in one brief given the fuller name another brief writes.

    ``Washington`` -> ``Washington, DC`` (its state or district after a comma), when only one such
    fuller name is written.
    """
    places = {a.name for a in actors if a.kind == "place"}
    fuller: dict[str, str] = {}
    for name in places:
        longer = {p for p in places if p.startswith(f"{name}, ")}
        if len(longer) == 1:
            fuller[name] = longer.pop()
    return [replace(a, name=fuller[a.name]) if a.kind == "place" and a.name in fuller else a for a in actors]


def _most(counts: Counter[ActorKind]) -> ActorKind:
    return max(counts, key=lambda k: counts[k])


def merge_actors(briefs: Sequence[Brief], limit: int = 6) -> tuple[Actor, ...]:
    """Actors across briefs, merged by name, most mentioned first, with the role most briefs give.

    A name has the kind the briefs give it most ("Trump" tagged an organisation once), and a person one
    brief names in short (``Trump``) is the one another names in full (``Donald Trump``).
    """
    every = [a for b in briefs for a in b.actors]
    votes: dict[str, Counter[ActorKind]] = defaultdict(Counter)
    for a in every:
        votes[a.name][a.kind] += a.mentions + (1 if a.role else 0)  # a stated role is a person's
    kinds = {name: _most(counts) for name, counts in votes.items()}
    every = _with_fuller_places(with_fuller_names([replace(a, kind=kinds[a.name]) for a in every]))
    # The role most of the briefs give, by mentions: one outlet's aside ("board member") is not it.
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for a in every:
        if a.role:
            roles[a.name][a.role] += a.mentions
    merged: dict[str, Actor] = {}
    for a in every:
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
    return tuple(
        replace(a, role=max(roles[a.name], key=lambda r: roles[a.name][r])) if roles.get(a.name) else a
        for a in ranked[:limit]
    )


#: The longest headline a story takes from its first sentence when its article has none.
HEADLINE_CHARS = 90


def make_story(briefs: Sequence[Brief], sources: Sequence[Source], summary_sentences: int = 3) -> Story:
    """One story from the briefs of its articles (``sources`` in the same order)."""
    lead = briefs[_lead(briefs)]
    # The lead article's key quote, else the best quote of the others.
    lead_key = key_quotes(lead.quotes, lead.summary, 1)
    others = [q for b in briefs if b is not lead for q in key_quotes(b.quotes, b.summary, 1)]  # worth showing
    quote = lead_key[0] if lead_key else (max(others, key=_quote_score) if others else None)
    summary = tuple(s.text for s in lead.summary[:summary_sentences])
    headline = lead.article.title
    if not headline and summary:
        # No headline (a page without one): the first sentence heads the story, cut if long (the
        # renderers do not say it twice: Story.below_headline).
        first = summary[0]
        headline = first
        if len(first) > HEADLINE_CHARS:
            headline = first[:HEADLINE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return Story(
        headline=headline,
        summary=summary,
        quote=quote,
        actors=merge_actors(briefs),
        sources=tuple(sources),
    )
