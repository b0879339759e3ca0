"""The data that crosses boundaries: articles in, briefs out.

Every class is a frozen, slotted dataclass with no I/O, so a brief can be cached, pickled to a worker
process and rendered by any adapter without surprises.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

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
