"""A channel's digest from the day's briefs: filter, cluster into stories, rank, and name the people (pure).

Stories come from :func:`summarizer.stories.cluster`. They are ranked by how many distinct feeds
carry them, then by how many articles, then by the newest article; each keeps its summary, top quote,
key actors and sources (:func:`summarizer.stories.make_story`). "People in today's news" are the
persons of the kept stories, counted by the stories they appear in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from summarizer.model import Actor, Brief, Digest, Source
from summarizer.stories import cluster, make_story, with_fuller_names


@dataclass(frozen=True, slots=True)
class Entry:
    """One article for a digest: its brief, where it came from, and when it was published."""

    brief: Brief
    source: Source
    published: dt.datetime


def matches(entry: Entry, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether an entry passes a subscription's filters (whole words, any case, headline or summary)."""
    text = " ".join([entry.brief.article.title, entry.source.title, *(s.text for s in entry.brief.summary)])
    words = set(re.findall(r"\w+", text.lower()))
    if include and not any(_has(words, text, w) for w in include):
        return False
    return not any(_has(words, text, w) for w in exclude)


def _has(words: set[str], text: str, wanted: str) -> bool:
    return wanted in words if " " not in wanted else wanted in text.lower()


def build_digest(entries: Sequence[Entry], day: dt.date, *, max_stories: int = 8, title: str = "") -> Digest:
    """The digest of ``entries`` (already filtered), at most ``max_stories`` stories."""
    briefs = [e.brief for e in entries]
    ranked: list[tuple[tuple[int, int, dt.datetime], list[int]]] = []
    for group in cluster(briefs):
        feeds = {entries[i].source.feed or entries[i].source.url for i in group}
        newest = max(entries[i].published for i in group)
        ranked.append(((len(feeds), len(group), newest), group))
    ranked.sort(key=lambda p: p[0], reverse=True)
    stories = []
    for _key, group in ranked[:max_stories]:
        group = sorted(group, key=lambda i: entries[i].published, reverse=True)
        stories.append(make_story([briefs[i] for i in group], [entries[i].source for i in group]))
    # "Trump" in one story is "Donald Trump" in another: one name for one person across the digest.
    renamed = iter(with_fuller_names([a for story in stories for a in story.actors]))
    stories = [replace(story, actors=tuple(next(renamed) for _a in story.actors)) for story in stories]
    people: dict[str, tuple[int, Actor]] = {}
    for story in stories:
        for actor in story.actors:
            if actor.kind == "person":
                count, first = people.get(actor.name, (0, actor))
                people[actor.name] = (count + 1, first)
    top = sorted(people.values(), key=lambda p: (-p[0], -p[1].mentions, p[1].name))[:10]
    return Digest(day=day, stories=tuple(stories), actors=tuple(a for _n, a in top), title=title)
