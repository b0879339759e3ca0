"""Fakes for driving the core: a fetcher serving articles and feeds from memory, and a clock."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.errors import FetchFailed
from bot.fetch import Download, Kind
from bot.model import ChannelRef, DigestReply
from summarizer.article import parse_article
from summarizer.model import Article


@dataclass
class FakeFetcher:
    """Articles (seeds format) and feeds (bytes) by URL; ``failing`` URLs raise; ``calls`` counts fetches."""

    articles: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, bytes] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0  # seconds each article download takes

    def _count(self, url: str) -> None:
        self.calls[url] = self.calls.get(url, 0) + 1
        if url in self.failing:
            raise FetchFailed("That page did not answer within 15 s.")

    async def download(self, url: str, kind: Kind, *, etag: str = "", last_modified: str = "") -> Download:
        self._count(url)
        if url not in self.feeds:
            raise FetchFailed("That page answered 404 Not Found.")
        version = f'"{hash(self.feeds[url]) & 0xFFFF:x}"'
        if etag == version:
            return Download(url, 304, "", None, b"", etag=version)
        return Download(url, 200, "application/rss+xml", "utf-8", self.feeds[url], etag=version)

    async def fetch_article(self, url: str) -> Article:
        self._count(url)
        await asyncio.sleep(self.delay)
        if url not in self.articles:
            raise FetchFailed("That page answered 404 Not Found.")
        article = parse_article(self.articles[url])
        return Article(text=article.text, title=article.title, date=article.date, url=url)


@dataclass
class FixedClock:
    """A clock that moves only when told."""

    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


class Killed(BaseException):
    """The process died (raised past every ``except Exception``, as a kill would stop everything)."""


@dataclass
class FakePoster:
    """A platform for scheduled digests that records each message and can fail around a send.

    ``crash`` maps a send's number (0, 1, ...) to ``"before"`` (the platform never got the message)
    or ``"after"`` (it did, and the poster died before hearing so): both raise :class:`Killed`.
    ``fail`` does the same with ``ConnectionError``: a lost connection, which the core retries.
    """

    crash: dict[int, str] = field(default_factory=dict)
    fail: dict[int, str] = field(default_factory=dict)
    sent: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)  # id, anchor, key, message
    sends: int = 0

    def plan(self, reply: DigestReply) -> list[dict[str, Any]]:
        digest = reply.digest
        return [{"text": digest.title}, *({"text": s.headline} for s in digest.stories)]

    async def send(self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str) -> str:
        crash, fail = self.crash.pop(self.sends, None), self.fail.pop(self.sends, None)
        self.sends += 1
        if crash == "before":
            raise Killed
        if fail == "before":
            raise ConnectionError("connection refused")
        ident = f"{channel.id}-{len(self.sent)}"
        self.sent.append((ident, anchor, key, message))
        if crash == "after":
            raise Killed
        if fail == "after":
            raise ConnectionError("connection lost before the answer")
        return ident

    async def find(
        self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str, since: dt.datetime
    ) -> str | None:
        for ident, at, k, _message in self.sent:
            if ident.startswith(f"{channel.id}-") and at == anchor and k == key:
                return ident
        return None
