"""Abuse limits: per-user and per-channel brief rates, a cap on a channel's feeds, and concurrent
downloads per web host."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from aiohttp import web

from bot.commands import parse_command
from bot.core import Core, CoreLimits
from bot.fetch import Fetcher, FetchLimits
from bot.limits import seconds_text
from bot.model import BriefReply, ChannelRef, Reply, TextReply
from bot.settings import Settings
from bot.storage import SqlStore
from summarizer.model import Brief
from tests.fakes.core import FakeFetcher, FixedClock
from tests.fakes.web import rss, serve

CH = ChannelRef("slack", "C1", "T1")
OTHER_CH = ChannelRef("slack", "C2", "T1")
NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)


def test_waits_are_said_in_whole_seconds_or_minutes() -> None:
    assert [seconds_text(s) for s in (0.2, 12.1, 59.5, 61)] == ["1 s", "13 s", "1 min", "2 min"]


def test_settings_defaults_turn_the_limits_on() -> None:
    s = Settings.from_mapping({})
    assert (s.user_briefs_per_minute, s.channel_briefs_per_minute, s.max_subscriptions, s.fetches_per_host) == (
        10,
        30,
        50,
        4,
    )


@pytest.fixture
async def limited(tmp_path):
    feeds = {f"https://feeds.example/{n}": rss([("t", f"https://a.example/{n}", "")]).encode() for n in range(4)}
    fetcher = FakeFetcher(feeds=feeds)
    store = await SqlStore.open(tmp_path / "b.sqlite3")
    clock = FixedClock(NOW)
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=lambda a: Brief(article=a, summary=(), method="lead"),
        clock=clock,
        limits=CoreLimits(user_briefs_per_minute=3, channel_briefs_per_minute=5, max_subscriptions=2),
    )
    yield core, fetcher, store, clock
    core.close()
    await store.close()


async def ask(core: Core, text: str, *, user: str = "U1", channel: ChannelRef = CH) -> Reply:
    return await core.handle(parse_command(text, channel, user, is_admin=True))


async def test_a_user_is_limited_per_minute_and_others_are_not(limited) -> None:
    core, _fetcher, _store, clock = limited
    text = "brief Officials met on Thursday. They talked for an hour about the weather and the roads."
    served = [await ask(core, text) for _ in range(3)]
    assert all(isinstance(r, BriefReply) for r in served)
    refused = await ask(core, text)
    assert isinstance(refused, TextReply) and refused.error
    assert refused.text == "Slow down: 3 briefs a minute per person. Try again in 1 min."
    assert isinstance(await ask(core, "quotes " + text.removeprefix("brief ")), TextReply)  # quotes count too
    assert isinstance(await ask(core, text, user="U2"), BriefReply)  # another person is served
    helped = await ask(core, "help")
    assert isinstance(helped, TextReply) and not helped.error
    assert core.metrics.rate_limited == 2
    clock.now += dt.timedelta(seconds=61)
    assert isinstance(await ask(core, text), BriefReply)


async def test_a_busy_channel_is_limited_and_refusals_do_not_count_against_users(limited) -> None:
    core, *_ = limited
    text = "brief Officials met on Thursday. They talked for an hour about the weather and the roads."
    served = [await ask(core, text, user=f"U{n}") for n in range(5)]
    assert all(isinstance(r, BriefReply) for r in served)
    refused = await ask(core, text, user="U9")
    assert isinstance(refused, TextReply) and refused.text.startswith("This channel asked for 5 briefs in a minute.")
    assert isinstance(await ask(core, text, user="U9", channel=OTHER_CH), BriefReply)
    assert isinstance(await ask(core, text, user="U9", channel=OTHER_CH), BriefReply)  # the refusal was refunded
    assert isinstance(await ask(core, text, user="U9", channel=OTHER_CH), BriefReply)
    assert isinstance(await ask(core, text, user="U9", channel=OTHER_CH), TextReply)


async def test_a_channel_has_a_cap_on_feeds(limited) -> None:
    core, fetcher, store, _clock = limited
    for n in range(2):
        assert not getattr(await ask(core, f"subscribe https://feeds.example/{n}"), "error", False)
    refused = await ask(core, "subscribe https://feeds.example/2")
    assert isinstance(refused, TextReply) and refused.error
    assert refused.text == "This channel already follows 2 feeds, the most allowed. Unsubscribe one first."
    assert "https://feeds.example/2" not in fetcher.calls  # refused before any download
    # Changing the filters of a feed already followed is not a new subscription.
    changed = await ask(core, "subscribe https://feeds.example/1 --include ukraine")
    assert isinstance(changed, TextReply) and not changed.error
    assert len(await store.subscriptions(CH)) == 2
    assert not getattr(await ask(core, "subscribe https://feeds.example/2", channel=OTHER_CH), "error", False)
    await ask(core, "unsubscribe https://feeds.example/0")
    assert not getattr(await ask(core, "subscribe https://feeds.example/2"), "error", False)


async def test_downloads_from_one_host_are_capped() -> None:
    running = peak = 0

    async def slow(request: web.Request) -> web.Response:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.1)
        running -= 1
        return web.Response(body=rss([("t", "https://a.example/x", "")]).encode(), content_type="application/rss+xml")

    async with serve() as fake:
        fake.under["/slow-feed/"] = slow
        fetcher = Fetcher(FetchLimits(allow_private=True, per_host=2))
        try:
            got = await asyncio.gather(*(fetcher.download(f"{fake.base}/slow-feed/{n}", "feed") for n in range(8)))
        finally:
            await fetcher.close()
    assert all(g.status == 200 for g in got)
    assert peak == 2


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_the_limits_hold_across_instances_sharing_a_database(request, tmp_path, database) -> None:
    target = str(tmp_path / "shared.sqlite3") if database == "sqlite" else request.getfixturevalue("postgres_url")
    stores = [await SqlStore.open(target) for _ in range(2)]
    cores = [
        Core(
            fetcher=FakeFetcher(),
            store=store,
            brief=lambda a: Brief(article=a, summary=(), method="lead"),
            clock=FixedClock(NOW),
            limits=CoreLimits(user_briefs_per_minute=3, channel_briefs_per_minute=5, instance=f"i{n}"),
        )
        for n, store in enumerate(stores)
    ]
    try:
        text = "brief Officials met on Thursday. They talked for an hour about the weather and the roads."
        served = [await ask(cores[n % 2], text) for n in range(3)]  # the load balancer alternates
        assert all(isinstance(r, BriefReply) for r in served)
        refused = await ask(cores[1], text)
        assert isinstance(refused, TextReply) and refused.text.startswith("Slow down: 3 briefs a minute")
    finally:
        for core, store in zip(cores, stores, strict=True):
            core.close()
            await store.close()
