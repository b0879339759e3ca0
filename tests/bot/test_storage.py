"""The store on both databases (SQLite, PostgreSQL): migrations, subscriptions, schedules, feed state,
brief cache, digest runs. Every test taking ``store`` runs on each: one conformance suite."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

import pytest

from bot.model import ChannelRef, FeedItem, Schedule
from bot.storage import MIGRATIONS, SqlStore, database_url, describe
from summarizer.model import Article, Brief, Quote, Sentence

CH = ChannelRef("discord", "123", "G9")


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        target = str(tmp_path / "db" / "briefbot.sqlite3")
    else:
        target = request.getfixturevalue("postgres_url")
    s = await SqlStore.open(target)
    yield s
    await s.close()


async def test_migrations_set_the_version_and_wal(tmp_path) -> None:
    path = tmp_path / "b.sqlite3"
    s = await SqlStore.open(path)
    await s.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s = await SqlStore.open(path)  # reopening migrates nothing twice
    assert await s.integrity_ok()
    await s.close()


async def test_an_old_database_is_migrated_with_its_data(tmp_path) -> None:
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute(
            "INSERT INTO items VALUES ('https://a.example/1', 'f1', 'One', '', NULL, '2026-11-26T07:00:00+00:00')"
        )
        db.execute("PRAGMA user_version = 1")
    s = await SqlStore.open(path)
    try:
        items = await s.items_since(["f1"], dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
        assert [(i.url, i.title) for i in items] == [("https://a.example/1", "One")]
        assert await s.integrity_ok()
    finally:
        await s.close()


async def test_subscriptions_round_trip(store) -> None:
    sub = await store.add_subscription(CH, "https://f.example/rss", ("ukraine",), ())
    again = await store.add_subscription(CH, "https://f.example/rss", ("russia",), ("sport",))
    assert again.id == sub.id and again.include == ("russia",) and again.exclude == ("sport",)
    other = ChannelRef("slack", "C1")
    await store.add_subscription(other, "https://f.example/rss", (), ())
    assert len(await store.subscriptions()) == 2
    assert (await store.remove_subscription(CH, str(sub.id))).url == "https://f.example/rss"
    assert await store.remove_subscription(CH, "https://f.example/rss") is None
    assert [s.channel for s in await store.subscriptions()] == [other]


async def test_schedules(store) -> None:
    await store.set_schedule(Schedule(CH, dt.time(7, 30), "Europe/Berlin"))
    await store.set_schedule(Schedule(CH, dt.time(8, 0), "Asia/Tokyo"))
    assert await store.schedule_of(CH) == Schedule(CH, dt.time(8, 0), "Asia/Tokyo")
    assert await store.clear_schedule(CH) and not await store.clear_schedule(CH)
    assert await store.schedules() == []


async def test_feed_state_keeps_validators_across_failures(store) -> None:
    assert await store.record_fetch("https://f.example/rss", etag='"v1"', new_items=5) == 0
    assert await store.record_fetch("https://f.example/rss", error="timed out") == 1
    assert await store.record_fetch("https://f.example/rss", error="timed out") == 2
    state = await store.feed_state("https://f.example/rss")
    assert state["etag"] == '"v1"' and state["items_seen"] == 5 and state["last_error"] == "timed out"
    await store.mark_notified("https://f.example/rss")
    assert (await store.feed_state("https://f.example/rss"))["notified"] == 1
    await store.record_fetch("https://f.example/rss", etag='"v2"', new_items=1)
    state = await store.feed_state("https://f.example/rss")
    assert state["failures"] == 0 and state["notified"] == 0 and state["items_seen"] == 6


async def test_items_per_feed_and_window(store) -> None:
    old = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    new = dt.datetime(2026, 11, 26, 7, tzinfo=dt.UTC)
    await store.add_items(
        [
            FeedItem("http://www.a.example/1?utm_source=rss", "One", published=new, feed="f1"),
            FeedItem("https://a.example/2", "Two", guid="g", published=old, feed="f1"),
            FeedItem("https://a.example/1", "One again", published=new, feed="f2"),
        ]
    )
    assert await store.seen("f1", ["https://a.example/1", "https://a.example/3"]) == {"https://a.example/1"}
    recent = await store.items_since(["f1", "f2"], dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    assert sorted((i.feed, i.url) for i in recent) == [
        ("f1", "http://www.a.example/1?utm_source=rss"),
        ("f2", "https://a.example/1"),
    ]
    assert await store.items_since([], old) == []


async def test_brief_cache_round_trips_a_brief(store) -> None:
    article = Article(
        text="Text “quoted here,” she said.", title="T", date=dt.date(2021, 12, 2), url="https://a.example/x"
    )
    brief = Brief(
        article=article,
        summary=(Sentence(article.text, 0, len(article.text), 0),),
        method="news",
        quotes=(Quote("quoted here,", 6, 18, 0, "Jane Doe", "minister", True),),
    )
    await store.put_brief("https://a.example/x", "hash1", brief)
    assert await store.get_brief("https://a.example/x") == brief
    assert await store.get_brief("hash1") == brief
    assert await store.get_brief("https://a.example/y") is None


async def test_digest_runs_keep_their_plan_and_progress(store) -> None:
    day = dt.date(2026, 11, 26)
    plan = [{"text": "head", "blocks": []}, {"text": "story 1 «ü»", "blocks": [{"type": "divider"}]}]
    assert await store.digest_run(CH, day) is None
    assert await store.begin_digest(CH, day, plan)
    await store.digest_progress(CH, day, 1, "1700000000.000100")
    # Interrupted (a crash): what a restart finds is enough to finish without posting twice.
    run = await store.digest_run(CH, day)
    assert run is not None and run.status == "posting" and run.plan == tuple(plan)
    assert (run.posted, run.anchor, run.attempts) == (1, "1700000000.000100", 1)
    await store.resume_digest(CH, day)
    await store.finish_digest(CH, day)
    done = await store.digest_run(CH, day)
    assert done is not None and done.status == "done" and done.attempts == 2
    assert not await store.begin_digest(CH, day, plan)
    assert await store.begin_digest(CH, day + dt.timedelta(days=1), [])
    assert await store.last_digest(CH) is not None


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    """A database two stores (two processes' worth) can open at once."""
    if request.param == "sqlite":
        return str(tmp_path / "shared.sqlite3")
    return str(request.getfixturevalue("postgres_url"))


async def test_stores_opened_together_migrate_once_and_claim_a_digest_once(target) -> None:
    stores = await asyncio.gather(*(SqlStore.open(target) for _ in range(3)))
    try:
        assert [await s.schema_version() for s in stores] == [len(MIGRATIONS)] * 3
        day = dt.date(2026, 12, 3)
        claims = await asyncio.gather(*(s.begin_digest(CH, day, [{"text": f"from {n}"}]) for n, s in enumerate(stores)))
        assert any(claims)
        await stores[0].finish_digest(CH, day)
        # Once delivered, no instance claims that day again.
        assert not any(await asyncio.gather(*(s.begin_digest(CH, day, []) for s in stores)))
        # What one instance writes, the others read.
        await stores[1].add_subscription(CH, "https://f.example/rss", (), ())
        assert [s.url for s in await stores[2].subscriptions(CH)] == ["https://f.example/rss"]
    finally:
        for s in stores:
            await s.close()


async def test_a_reopened_database_keeps_its_data_and_migrates_nothing_twice(target) -> None:
    s = await SqlStore.open(target)
    await s.set_schedule(Schedule(CH, dt.time(7, 30), "Europe/Berlin"))
    await s.close()
    s = await SqlStore.open(target)
    try:
        assert await s.schema_version() == len(MIGRATIONS)
        assert await s.schedule_of(CH) == Schedule(CH, dt.time(7, 30), "Europe/Berlin")
        assert await s.integrity_ok()
    finally:
        await s.close()


def test_database_targets_and_how_they_are_shown() -> None:
    assert database_url("postgresql://u:secret@db.example:5432/briefbot").startswith("postgresql+psycopg://")
    assert database_url(":memory:") == "sqlite+aiosqlite://"
    assert database_url("data/b.sqlite3").startswith("sqlite+aiosqlite:////")
    assert "secret" not in describe("postgresql://u:secret@db.example:5432/briefbot")
    assert describe("data/b.sqlite3") == "data/b.sqlite3"
    with pytest.raises(ValueError, match="unsupported database"):
        database_url("mysql://u@db.example/briefbot")
