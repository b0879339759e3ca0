"""Fakes for driving the core: a fetcher serving articles and feeds from memory, and a clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.errors import FetchFailed
from bot.fetch import Download, Kind
from summarizer.article import parse_article
from summarizer.model import Article


@dataclass
class FakeFetcher:
    """Articles (seeds format) and feeds (bytes) by URL; ``failing`` URLs raise; ``calls`` counts fetches."""

    articles: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, bytes] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)

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
