"""Fixtures of the adapter tests: a core over fake fetching and an in-memory store."""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.storage import SqlStore
from tests.conftest import SEED
from tests.fakes.core import FakeFetcher

ARTICLE = "https://news.example/blinken"


@pytest.fixture
async def core(briefer):
    store = await SqlStore.open(":memory:")
    fetcher = FakeFetcher(
        articles={ARTICLE: SEED.read_text(encoding="utf-8")},
        feeds={"https://news.example/rss": b"<rss version='2.0'><channel><title>t</title></channel></rss>"},
    )
    c = Core(fetcher=fetcher, store=store, brief=lambda a: briefer.brief(a, quotes=None))
    yield c
    c.close()
    await store.close()


@pytest.fixture(scope="session")
def longest_dev_brief(briefer, shared_eval):
    """The brief, every quote kept, of the longest article of the summarize dev set (the renderers' worst case)."""
    import json

    from summarizer.model import Article

    lines = (shared_eval / "summarize" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    longest = max((json.loads(line) for line in lines), key=lambda r: len(r["text"]))
    return briefer.brief(Article(text=longest["text"], title=longest.get("title", "")), quotes=None)
