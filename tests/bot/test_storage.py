"""The store on both databases (SQLite, PostgreSQL): migrations, subscriptions, schedules, feed state,
brief cache, digest runs. Every test taking ``store`` runs on each: one conformance suite."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

import pytest
from sqlalchemy import text

from bot.model import ChannelRef, FeedItem, Schedule
from bot.storage import MIGRATIONS, InstallationKey, SqlStore, database_url, describe
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
    weekdays = Schedule(CH, dt.time(7, 30), "Europe/Berlin", (0, 1, 2, 3, 4))
    await store.set_schedule(weekdays)
    assert await store.schedules() == [weekdays]
    await store.set_schedule(Schedule(CH, dt.time(7, 30), "Europe/Berlin"))  # back to every day
    assert (await store.schedule_of(CH)).days == ()


async def test_a_version_6_database_keys_channels_by_workspace_and_keeps_its_data(request, tmp_path) -> None:
    for target in (str(tmp_path / "v6.sqlite3"), request.getfixturevalue("postgres_url")):
        old = await SqlStore.open(target, migrate=False)
        await old.migrate(upto=6)
        team = ChannelRef("slack", "C1", "T1")
        day = dt.date(2026, 12, 3)
        async with old.engine.begin() as conn:  # rows as the release before wrote them
            for url, include in (("https://f.example/a", ""), ("https://f.example/b", "x")):
                await conn.execute(
                    text(
                        "INSERT INTO subscriptions (platform, channel, workspace, url, include, exclude, created)"
                        " VALUES ('slack', 'C1', 'T1', :url, :include, '', '2026-12-01')"
                    ),
                    {"url": url, "include": include},
                )
            ids = (await conn.execute(text("SELECT id FROM subscriptions ORDER BY id"))).scalars().all()
            await conn.execute(text("INSERT INTO schedules VALUES ('slack', 'C1', 'T1', '07:30', 'Europe/Berlin')"))
            await conn.execute(
                text(
                    "INSERT INTO digest_runs (platform, channel, day, status, started, finished, posted, owner)"
                    " VALUES ('slack', 'C1', :day, 'done', :now, :now, 3, 'i1')"
                ),
                {"day": day.isoformat(), "now": NOW.isoformat()},
            )
        await old.close()
        first, second = (ids[0], "https://f.example/a"), (ids[1], "https://f.example/b")
        s = await SqlStore.open(target)
        try:
            assert await s.schema_version() == len(MIGRATIONS)
            subs = await s.subscriptions(team)
            assert [(x.id, x.url, x.include) for x in subs] == [(*first, ()), (*second, ("x",))]
            assert (await s.add_subscription(team, "https://f.example/c", (), ())).id > ids[1]
            assert await s.schedule_of(team) == Schedule(team, dt.time(7, 30), "Europe/Berlin")
            # The day's digest stays delivered: not claimed again after the upgrade.
            assert (await s.digest_run(team, day)).status == "done"
            assert await s.claim_digest(team, day, "i2", NOW, NOW + LEASE) is None
            assert await s.integrity_ok()
        finally:
            await s.close()


async def test_one_channel_id_in_two_workspaces_is_two_channels(store) -> None:
    """A Slack Connect channel has one id in both organisations: neither sees the other's rows."""
    a, b = ChannelRef("slack", "C1", "T1"), ChannelRef("slack", "C1", "T2")
    await store.add_subscription(a, "https://f.example/rss", ("ukraine",), ())
    await store.add_subscription(b, "https://f.example/rss", (), ())
    assert [(s.channel, s.include) for s in await store.subscriptions(a)] == [(a, ("ukraine",))]
    assert await store.remove_subscription(b, "https://f.example/rss") is not None
    assert [s.channel for s in await store.subscriptions()] == [a]
    await store.set_schedule(Schedule(a, dt.time(7, 0), "UTC"))
    await store.set_schedule(Schedule(b, dt.time(9, 0), "UTC"))
    assert (await store.schedule_of(a)).time == dt.time(7, 0)
    assert await store.clear_schedule(b)
    assert await store.schedules() == [Schedule(a, dt.time(7, 0), "UTC")]
    day = dt.date(2026, 12, 3)
    assert await store.claim_digest(a, day, "i1", NOW, NOW + LEASE) is not None
    assert await store.claim_digest(b, day, "i1", NOW, NOW + LEASE) is not None  # its own run
    await store.finish_digest(a, day)
    assert (await store.digest_run(b, day)).status != "done"


async def test_installations_are_kept_replaced_and_deleted_by_team_or_organisation(store) -> None:
    bot = InstallationKey("slack", "", "T1", "", "bot")
    await store.put_installation(bot, "sealed-1")
    await store.put_installation(bot, "sealed-2")
    assert await store.get_installation(bot) == "sealed-2"
    org = [InstallationKey("slack", "E1", team, "", "bot") for team in ("T2", "T3", "")]
    for key in org:
        await store.put_installation(key, "x")
    await store.put_installation(InstallationKey("slack", "E1", "T2", "U1", "installation"), "y")
    assert len(await store.installations("slack")) == 5
    assert await store.delete_installations("slack", "E1", "T2", kind="bot") == 1
    assert await store.delete_installations("slack", "E1", None) == 3  # the organisation's rest
    assert [k for k, _data in await store.installations("slack")] == [bot]
    assert await store.get_installation(org[0]) is None


async def test_a_workspace_is_forgotten_with_its_feeds_schedule_and_digests(store) -> None:
    day = dt.date(2026, 12, 3)
    chans = [ChannelRef("slack", "C1", "T1"), ChannelRef("slack", "C2", "E1/T2"), ChannelRef("slack", "C3", "E1/T3")]
    keep = ChannelRef("slack", "C4", "T9")
    for ch in [*chans, keep]:
        await store.add_subscription(ch, "https://f.example/rss", (), ())
        await store.set_schedule(Schedule(ch, dt.time(7, 0), "UTC"))
        await store.claim_digest(ch, day, "i1", NOW, NOW + LEASE)
        await store.add_watch("slack", ch.workspace, "U1", "Lavrov")
    assert await store.forget_workspace("slack", "T1") == 4
    assert await store.forget_workspace("slack", "E1/", prefix=True) == 8
    assert [s.channel for s in await store.subscriptions()] == [keep]
    assert [w.workspace for w in await store.watches()] == ["T9"]
    assert [s.channel for s in await store.schedules()] == [keep]
    assert await store.digest_run(keep, day) is not None
    assert await store.forget_workspace("discord", "T9") == 0


async def test_a_remembered_key_is_consumed_once_and_not_after_it_ran_out(store) -> None:
    assert await store.once("state:a", NOW, NOW + dt.timedelta(minutes=10))
    assert await store.once("state:b", NOW, NOW + dt.timedelta(minutes=10))
    assert await store.consume("state:a", NOW + dt.timedelta(minutes=1))
    assert not await store.consume("state:a", NOW + dt.timedelta(minutes=1))  # replayed
    assert not await store.consume("state:b", NOW + dt.timedelta(minutes=11))  # ran out
    assert not await store.consume("state:never", NOW)


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


NOW = dt.datetime(2026, 11, 26, 6, 30, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=2)


async def test_digest_runs_keep_their_plan_and_progress(store) -> None:
    day = dt.date(2026, 11, 26)
    plan = [{"text": "head", "blocks": []}, {"text": "story 1 «ü»", "blocks": [{"type": "divider"}]}]
    assert await store.digest_run(CH, day) is None
    claim = await store.claim_digest(CH, day, "a", NOW, NOW + LEASE)
    assert claim is not None and claim.plan == () and claim.attempts == 1
    assert await store.set_digest_plan(CH, day, "a", plan)
    assert await store.digest_progress(CH, day, "a", 1, "1700000000.000100")
    # Interrupted (a crash): what a restart finds is enough to finish without posting twice.
    run = await store.digest_run(CH, day)
    assert run is not None and run.status == "posting" and run.plan == tuple(plan)
    assert (run.posted, run.anchor, run.attempts) == (1, "1700000000.000100", 1)
    again = await store.claim_digest(CH, day, "a", NOW, NOW + LEASE)  # the same instance, restarted
    assert again is not None and again.plan == tuple(plan) and (again.posted, again.attempts) == (1, 2)
    await store.finish_digest(CH, day)
    done = await store.digest_run(CH, day)
    assert done is not None and done.status == "done" and done.attempts == 2
    assert await store.claim_digest(CH, day, "a", NOW, NOW + LEASE) is None
    assert await store.claim_digest(CH, day + dt.timedelta(days=1), "a", NOW, NOW + LEASE) is not None
    assert await store.last_digest(CH) is not None


async def test_a_held_digest_is_taken_over_only_when_its_lease_runs_out(store) -> None:
    day = dt.date(2026, 11, 26)
    assert await store.claim_digest(CH, day, "a", NOW, NOW + LEASE) is not None
    assert await store.set_digest_plan(CH, day, "a", [{"text": "head"}, {"text": "story"}])
    assert await store.digest_progress(CH, day, "a", 1, "m1")
    later = NOW + dt.timedelta(minutes=1)
    assert await store.claim_digest(CH, day, "b", later, later + LEASE) is None  # "a" is alive
    assert await store.renew_digest(CH, day, "a", later + LEASE)
    # "a" stops renewing (it died): once its lease has run out, "b" goes on from its progress.
    gone = later + LEASE + dt.timedelta(seconds=1)
    taken = await store.claim_digest(CH, day, "b", gone, gone + LEASE)
    assert taken is not None and (taken.posted, taken.anchor, taken.attempts) == (1, "m1", 2)
    # "a" wakes up: every write it tries says it no longer holds the run.
    assert not await store.digest_progress(CH, day, "a", 2, "m1")
    assert not await store.renew_digest(CH, day, "a", gone + LEASE)
    assert not await store.set_digest_plan(CH, day, "a", [])
    assert await store.digest_progress(CH, day, "b", 2, "m1")


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
        claims = await asyncio.gather(
            *(s.claim_digest(CH, day, f"instance {n}", NOW, NOW + LEASE) for n, s in enumerate(stores))
        )
        assert sum(c is not None for c in claims) == 1  # one instance holds it, the others leave it
        await stores[0].finish_digest(CH, day)
        # Once delivered, no instance claims that day again.
        again = await asyncio.gather(*(s.claim_digest(CH, day, "x", NOW, NOW + LEASE) for s in stores))
        assert again == [None] * 3
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
    assert database_url("PostgreSQL://u@db.example/b").startswith("postgresql+psycopg://")  # any case
    assert database_url(":memory:") == "sqlite+aiosqlite://"
    assert database_url("data/b.sqlite3").startswith("sqlite+aiosqlite:////")
    assert "secret" not in describe("postgresql://u:secret@db.example:5432/briefbot")
    assert describe("data/b.sqlite3") == "data/b.sqlite3"
    with pytest.raises(ValueError, match="unsupported database"):
        database_url("mysql://u@db.example/briefbot")


async def test_a_feed_poll_is_taken_once_per_interval(store) -> None:
    url, until = "https://f.example/rss", NOW + dt.timedelta(minutes=14)
    await store.record_fetch(url, etag='"v1"', new_items=2)  # a feed with state already: it is kept
    assert await store.claim_feed_poll(url, "a", NOW, until)
    assert not await store.claim_feed_poll(url, "b", NOW + dt.timedelta(minutes=5), until)
    assert not await store.claim_feed_poll(url, "a", NOW + dt.timedelta(minutes=5), until)
    assert await store.claim_feed_poll(url, "b", until, until + dt.timedelta(minutes=14))
    assert await store.claim_feed_poll("https://g.example/new", "b", NOW, until)  # a feed never polled
    assert (await store.feed_state(url))["etag"] == '"v1"'


async def test_a_key_is_new_once_until_it_expires(store) -> None:
    until = NOW + dt.timedelta(minutes=5)
    assert await store.once("slack-signature:v0=abc", NOW, until)
    assert not await store.once("slack-signature:v0=abc", NOW + dt.timedelta(minutes=1), until)
    assert await store.once("slack-signature:v0=def", NOW, until)
    later = until + dt.timedelta(seconds=1)
    assert await store.once("slack-signature:v0=abc", later, later + dt.timedelta(minutes=5))


async def test_calls_are_counted_in_a_sliding_window_against_every_limit_or_none(store) -> None:
    user, channel = ("brief-user:slack:T1:U1", 2), ("brief:slack:T1:C1", 3)
    assert await store.take_call([user, channel], NOW) == (-1, 0.0)
    assert await store.take_call([user, channel], NOW + dt.timedelta(seconds=10)) == (-1, 0.0)
    refused, wait = await store.take_call([user, channel], NOW + dt.timedelta(seconds=30))
    assert refused == 0 and wait == pytest.approx(30.0)  # the first call leaves the window in 30 s
    other = ("brief-user:slack:T1:U2", 2)
    assert await store.take_call([other, channel], NOW + dt.timedelta(seconds=30)) == (-1, 0.0)
    refused, _wait = await store.take_call([("brief-user:slack:T1:U3", 2), channel], NOW + dt.timedelta(seconds=31))
    assert refused == 1  # the channel is full; U3's refused call did not count against U3
    assert await store.take_call([("brief-user:slack:T1:U3", 0)], NOW) == (-1, 0.0)  # 0: no limit
    later = NOW + dt.timedelta(seconds=61)
    assert await store.take_call([user, channel], later) == (-1, 0.0)  # the first call left the window
    refused, _wait = await store.take_call([("brief-user:slack:T1:U3", 1)], later)
    assert refused == -1  # ... and U3 had nothing counted


async def test_watches_belong_to_one_person_in_one_workspace(store) -> None:
    first, new = await store.add_watch("slack", "T1", "U1", "Sergei Lavrov")
    assert new and first.terms == "Sergei Lavrov" and first.created.tzinfo is not None
    again, new = await store.add_watch("slack", "T1", "U1", "Sergei Lavrov")
    assert not new and again == first
    await store.add_watch("slack", "T1", "U2", "Sergei Lavrov")
    await store.add_watch("slack", "T2", "U1", "NATO")
    await store.add_watch("discord", "G1", "U1", "NATO")
    assert [w.terms for w in await store.watches("slack", "T1", "U1")] == ["Sergei Lavrov"]
    assert len(await store.watches("slack")) == 3 and len(await store.watches()) == 4
    assert await store.remove_watch("slack", "T1", "U2", str(first.id)) is None  # not U2's
    assert await store.remove_watch("slack", "T1", "U1", str(first.id)) == first
    assert await store.remove_watch("slack", "T1", "U2", "Sergei Lavrov") is not None
    assert [w.workspace for w in await store.watches()] == ["T2", "G1"]


async def test_a_day_long_limit_is_not_forgotten_by_minute_long_ones(store) -> None:
    day = dt.timedelta(days=1)
    assert await store.take_call([("watch-dm:slack:T1:U1", 2)], NOW, day) == (-1, 0.0)
    assert await store.take_call([("watch-dm:slack:T1:U1", 2)], NOW + dt.timedelta(hours=1), day) == (-1, 0.0)
    # A brief counted hours later clears the minute-long limits' old calls, not the day-long one's.
    assert await store.take_call([("brief:slack:T1:C1", 5)], NOW + dt.timedelta(hours=5)) == (-1, 0.0)
    refused, wait = await store.take_call([("watch-dm:slack:T1:U1", 2)], NOW + dt.timedelta(hours=6), day)
    assert refused == 0 and wait == pytest.approx(18 * 3600)
    assert await store.take_call([("watch-dm:slack:T1:U1", 2)], NOW + day + dt.timedelta(seconds=1), day) == (-1, 0.0)
