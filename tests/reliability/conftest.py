"""Fixtures of the reliability tests."""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.storage import SqlStore


@pytest.fixture
async def core(briefer):
    from tests.adapters.conftest import ARTICLE
    from tests.conftest import SEED
    from tests.fakes.core import FakeFetcher

    store = await SqlStore.open(":memory:")
    c = Core(
        fetcher=FakeFetcher(articles={ARTICLE: SEED.read_text(encoding="utf-8")}),
        store=store,
        brief=lambda a: briefer.brief(a, quotes=None),
    )
    yield c
    c.close()
    await store.close()
