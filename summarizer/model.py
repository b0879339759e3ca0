"""The data that crosses boundaries: articles in, briefs out.

Every class is a frozen, slotted dataclass with no I/O, so a brief can be cached, pickled to a worker
process and rendered by any adapter without surprises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from summarizer.methods import DEFAULT_METHOD

ActorKind = Literal["person", "organization", "place", "group"]


@dataclass(frozen=True, slots=True)
class Article:
    """A plain-text article: the body is the text every offset refers to."""

    text: str
    title: str = ""
    date: dt.date | None = None
    url: str = ""
    source: str = ""
    author: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article body; ``article.text[start:end] == text`` always."""

    text: str
    start: int
    end: int
    index: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote; ``article.text[start:end] == text`` always."""

    text: str
    start: int
    end: int
    sentence: int
    speaker: str | None = None
    speaker_role: str | None = None
    named: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of an actor in the article body."""

    text: str
    kind: ActorKind
    start: int
    end: int
    actor: str


@dataclass(frozen=True, slots=True)
class Actor:
    """A real-world entity of the story, merged over its mentions."""

    name: str
    kind: ActorKind
    role: str | None = None
    affiliation: str | None = None
    mentions: int = 1
    aliases: tuple[str, ...] = ()
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Brief:
    """What briefbot says about one article."""

    article: Article
    summary: tuple[Sentence, ...]
    method: str
    quotes: tuple[Quote, ...] = ()
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The stable JSON schema documented in README.md ("The brief as JSON")."""
        out: dict[str, Any] = {}
        if self.article.id:
            out["id"] = self.article.id
        out.update(
            {
                "title": self.article.title,
                "date": self.article.date.isoformat() if self.article.date else None,
                "url": self.article.url or None,
                "summary": [s.text for s in self.summary],
                "quotes": [
                    {
                        "quote": q.text,
                        "speaker": q.speaker,
                        "speaker_role": q.speaker_role,
                        "named": q.named,
                        "start": q.start,
                        "end": q.end,
                        "sentence": q.sentence,
                    }
                    for q in self.quotes
                ],
                "actors": [
                    {
                        "name": a.name,
                        "kind": a.kind,
                        "role": a.role,
                        "affiliation": a.affiliation,
                        "mentions": a.mentions,
                        "aliases": list(a.aliases),
                        "quoted": a.quoted,
                    }
                    for a in self.actors
                ],
                "mentions": [
                    {"text": m.text, "kind": m.kind, "start": m.start, "end": m.end, "actor": m.actor}
                    for m in self.mentions
                ],
            }
        )
        return out

    def to_cache(self) -> dict[str, Any]:
        """Everything needed to rebuild this brief with :meth:`from_cache` (the JSON plus the article)."""
        a = self.article
        return {
            "article": {
                "text": a.text,
                "title": a.title,
                "date": a.date.isoformat() if a.date else None,
                "url": a.url,
                "source": a.source,
                "author": a.author,
                "id": a.id,
            },
            "method": self.method,
            "summary": [[s.text, s.start, s.end, s.index] for s in self.summary],
            "brief": self.to_json(),
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Brief:
        """The brief :meth:`to_cache` saved."""
        a = data["article"]
        article = Article(
            text=a["text"],
            title=a["title"],
            date=dt.date.fromisoformat(a["date"]) if a["date"] else None,
            url=a["url"],
            source=a["source"],
            author=a["author"],
            id=a["id"],
        )
        b = data["brief"]
        return cls(
            article=article,
            summary=tuple(Sentence(t, s, e, i) for t, s, e, i in data["summary"]),
            method=data["method"],
            quotes=tuple(
                Quote(
                    text=q["quote"],
                    start=q["start"],
                    end=q["end"],
                    sentence=q["sentence"],
                    speaker=q["speaker"],
                    speaker_role=q["speaker_role"],
                    named=q["named"],
                )
                for q in b["quotes"]
            ),
            actors=tuple(
                Actor(
                    name=x["name"],
                    kind=x["kind"],
                    role=x["role"],
                    affiliation=x["affiliation"],
                    mentions=x["mentions"],
                    aliases=tuple(x["aliases"]),
                    quoted=x["quoted"],
                )
                for x in b["actors"]
            ),
            mentions=tuple(Mention(m["text"], m["kind"], m["start"], m["end"], m["actor"]) for m in b["mentions"]),
        )


@dataclass(frozen=True, slots=True)
class Source:
    """Where a story's article came from."""

    url: str
    title: str
    feed: str = ""
    #: The article's identifier where it has one: the item's GUID in a feed, the file stem in a folder.
    id: str = ""


@dataclass(frozen=True, slots=True)
class Story:
    """One story of a digest: the same news from one or more sources."""

    headline: str
    summary: tuple[str, ...]
    quote: Quote | None
    actors: tuple[Actor, ...]
    sources: tuple[Source, ...]

    @property
    def below_headline(self) -> tuple[str, ...]:
        """The summary as shown under the headline: a first sentence that heads the story is not said twice."""
        if self.summary and self.summary[0] == self.headline:
            return self.summary[1:]
        return self.summary


@dataclass(frozen=True, slots=True)
class Digest:
    """A day's news for one channel: stories, most important first, and who was in them."""

    day: dt.date
    stories: tuple[Story, ...]
    actors: tuple[Actor, ...] = ()
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        """The digest JSON documented in README.md ("Daily digests")."""

        def actor(a: Actor) -> dict[str, Any]:
            return {"name": a.name, "kind": a.kind, "role": a.role, "mentions": a.mentions}

        return {
            "date": self.day.isoformat(),
            "title": self.title,
            "stories": [
                {
                    "headline": s.headline,
                    "summary": list(s.summary),
                    "quote": (
                        {"quote": s.quote.text, "speaker": s.quote.speaker, "speaker_role": s.quote.speaker_role}
                        if s.quote
                        else None
                    ),
                    "actors": [actor(a) for a in s.actors],
                    "sources": [{"url": x.url, "title": x.title, "feed": x.feed, "id": x.id} for x in s.sources],
                }
                for s in self.stories
            ],
            "actors": [actor(a) for a in self.actors],
        }


#: How much of the text names an article that has no headline and no sentence to summarize.
_OPENING_CHARS = 120


def headline_brief(article: Article, method: str = DEFAULT_METHOD) -> Brief:
    """The brief of an article too short to brief: its headline and nothing else.

    A feed's headline and lead with no full stop still belongs in a digest, under its source. Without
    a headline, the article's opening words stand in for one.
    """
    title = article.title.strip()
    if not title:
        words = " ".join(article.text.split())
        title = words if len(words) <= _OPENING_CHARS else words[:_OPENING_CHARS].rsplit(" ", 1)[0] + " …"
    return Brief(article=replace(article, title=title), summary=(), method=method)
