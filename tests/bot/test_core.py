"""The core driven with commands, over fake fetching, a real SQLite store and the real summarizer."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from bot.commands import parse_command
from bot.core import Core, CoreLimits
from bot.errors import UserError
from bot.model import BriefReply, ChannelRef, DigestReply, FeedsReply, Reply, Schedule, TextReply
from bot.storage import SqlStore
from summarizer.model import Article
from tests.conftest import SEED
from tests.fakes.core import FakeFetcher, FakePoster, FixedClock, Killed
from tests.fakes.web import rss

pytestmark = pytest.mark.slow

CH = ChannelRef("slack", "C1", "T1")
NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
SEED_TEXT = SEED.read_text(encoding="utf-8")
OTHER = """ date 2026-11-26 Storm closes schools across the north as floods rise

Heavy rain closed hundreds of schools across the north on Wednesday as rivers burst their banks.

“We have never seen water this high,” said Maria Lopez, the mayor of Riverton, as crews built barriers.

Forecasters expect more rain on Thursday, and officials urged residents to stay away from the river.
"""
SAME_STORY = """ date 2026-11-26 Blinken warns Russia over Ukraine as ministers meet in Stockholm

US Secretary of State Antony Blinken warned Russia on Thursday against invading Ukraine, as he met his \
Russian counterpart Sergei Lavrov in Stockholm.

“We are deeply concerned about Russia's aggressive approach against Ukraine,” Blinken said after \
meeting Ukrainian Foreign Minister Dmytro Kuleba.

Moscow denies planning an attack and blames NATO for the tensions over Ukraine and Crimea.
"""


@pytest.fixture
async def world(briefer, tmp_path):
    fetcher = FakeFetcher(
        articles={
            "https://news.example/blinken": SEED_TEXT,
            "https://other.example/stockholm": SAME_STORY,
            "https://news.example/floods": OTHER,
        },
        feeds={
            "https://news.example/rss": rss(
                [
                    ("Ministers meet over Ukraine", "https://news.example/blinken", "Thu, 26 Nov 2026 07:00:00 GMT"),
                    ("Floods close schools", "https://news.example/floods", "Thu, 26 Nov 2026 06:00:00 GMT"),
                    ("Old news", "https://news.example/old", "Mon, 02 Nov 2026 06:00:00 GMT"),
                ]
            ).encode(),
            "https://other.example/feed": rss(
                [("Blinken warns Russia", "https://other.example/stockholm", "Thu, 26 Nov 2026 07:30:00 GMT")]
            ).encode(),
        },
    )
    store = await SqlStore.open(tmp_path / "b.sqlite3")
    clock = FixedClock(NOW)
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=lambda a: briefer.brief(a, quotes=None),
        clock=clock,
        limits=CoreLimits(admins=frozenset({"U-ADMIN"})),
    )
    yield core, fetcher, store, clock
    core.close()
    await store.close()


async def ask(core: Core, text: str, *, admin: bool = False, user: str = "U1") -> Reply:
    return await core.handle(parse_command(text, CH, user, is_admin=admin))


async def test_brief_of_a_url_is_cached_and_computed_once(world) -> None:
    core, fetcher, _store, _clock = world
    replies = await asyncio.gather(*(ask(core, "https://news.example/blinken") for _ in range(5)))
    assert all(isinstance(r, BriefReply) for r in replies)
    assert fetcher.calls["https://news.example/blinken"] == 1
    first = replies[0]
    assert isinstance(first, BriefReply) and len(first.brief.quotes) == 2 and first.brief.actors
    again = await ask(core, "brief https://news.example/blinken?utm_source=twitter")
    assert isinstance(again, BriefReply) and again.cached
    assert fetcher.calls["https://news.example/blinken"] == 1


async def test_quotes_and_actors_views(world) -> None:
    core, *_ = world
    quotes = await ask(core, "quotes https://news.example/blinken Kuleba")
    assert isinstance(quotes, BriefReply) and quotes.view == "quotes" and quotes.speaker == "Kuleba"
    assert len(quotes.brief.quotes) == 8  # every quote; the renderer filters by speaker
    actors = await ask(core, "actors https://news.example/blinken")
    assert isinstance(actors, BriefReply) and actors.brief.actors[0].name == "Russia"
    text = await ask(core, "brief " + SEED_TEXT.split("\n", 1)[1].replace("\n", " "))
    assert isinstance(text, BriefReply) and text.brief.summary


async def test_errors_are_short_replies(world) -> None:
    core, fetcher, store, _clock = world
    fetcher.failing.add("https://news.example/down")
    down = await ask(core, "https://news.example/down")
    assert isinstance(down, TextReply) and down.error and "did not answer" in down.text
    assert down.ref and f"(ref {down.ref})" in down.text
    missing = await ask(core, "https://news.example/nothing")
    assert isinstance(missing, TextReply) and "404" in missing.text
    fetcher.articles["https://news.example/empty"] = "   "
    empty = await ask(core, "https://news.example/empty")
    assert isinstance(empty, TextReply) and empty.error

    async def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("database on fire")

    store.feed_health = broken
    crash = await ask(core, "feeds")
    assert isinstance(crash, TextReply) and crash.error and crash.ref and crash.ref in crash.text
    assert "database on fire" not in crash.text and "Traceback" not in crash.text


async def test_configuration_needs_an_admin(world) -> None:
    core, *_ = world
    refused = await ask(core, "subscribe https://news.example/rss")
    assert isinstance(refused, TextReply) and "Only an admin" in refused.text
    ok = await ask(core, "subscribe https://news.example/rss --exclude sport", user="U-ADMIN")
    assert isinstance(ok, TextReply) and not ok.error and "none about sport" in ok.text
    bad_feed = await ask(core, "subscribe https://news.example/blinken", admin=True)
    assert isinstance(bad_feed, TextReply) and bad_feed.error
    assert isinstance(await ask(core, "schedule 07:30 Europe/Berlin", admin=True), TextReply)
    feeds = await ask(core, "feeds")
    assert isinstance(feeds, FeedsReply) and len(feeds.feeds) == 1
    assert feeds.schedule == Schedule(CH, dt.time(7, 30), "Europe/Berlin")
    gone = await ask(core, f"unsubscribe {feeds.feeds[0].subscription.id}", admin=True)
    assert isinstance(gone, TextReply) and "Unsubscribed" in gone.text
    off = await ask(core, "schedule off", admin=True)
    assert isinstance(off, TextReply) and "off" in off.text


async def test_digest_clusters_stories_across_feeds(world) -> None:
    core, *_ = world
    await ask(core, "subscribe https://news.example/rss", admin=True)
    await ask(core, "subscribe https://other.example/feed", admin=True)
    reply = await ask(core, "digest 24h")
    assert isinstance(reply, DigestReply), reply
    stories = reply.digest.stories
    assert len(stories) == 2  # the Ukraine story from two feeds, the floods; old news left out
    top = stories[0]
    assert len(top.sources) == 2 and {s.feed for s in top.sources} == {
        "https://news.example/rss",
        "https://other.example/feed",
    }
    assert top.quote is not None and top.quote.speaker == "Antony Blinken"
    assert any(a.name == "Antony Blinken" for a in reply.digest.actors)
    data = reply.digest.to_json()
    assert set(data) == {"date", "title", "stories", "actors"} and data["stories"][0]["sources"]


async def test_an_item_too_short_to_brief_still_reaches_the_digest_under_its_headline(world) -> None:
    core, fetcher, _store, _clock = world
    fetcher.articles["https://short.example/lead"] = (
        " date 2026-11-26 Ports shut as storm nears\n\nEvery port along the coast closed on Thursday as the storm"
    )
    fetcher.feeds["https://short.example/feed"] = rss(
        [("Ports shut as storm nears", "https://short.example/lead", "Thu, 26 Nov 2026 07:10:00 GMT")]
    ).encode()
    await ask(core, "subscribe https://short.example/feed", admin=True)
    reply = await ask(core, "digest 24h")
    assert isinstance(reply, DigestReply), reply
    short = [s for s in reply.digest.stories if s.sources[0].url == "https://short.example/lead"]
    assert len(short) == 1 and short[0].headline == "Ports shut as storm nears" and short[0].summary == ()
    assert short[0].sources[0].id == "https://short.example/lead"
    alone = await ask(core, "https://short.example/lead")
    assert isinstance(alone, TextReply) and alone.error and "punctuation" in alone.text  # a brief still says why


async def test_a_feed_item_that_cannot_be_read_is_left_out_and_feeds_says_why(world) -> None:
    core, fetcher, _store, _clock = world
    fetcher.failing.add("https://news.example/floods")
    await ask(core, "subscribe https://news.example/rss", admin=True)
    reply = await ask(core, "digest 24h")
    assert isinstance(reply, DigestReply) and len(reply.digest.stories) == 1  # the floods page did not answer
    feeds = await ask(core, "feeds")
    assert isinstance(feeds, FeedsReply)
    health = feeds.feeds[0]
    assert health.item_error == "https://news.example/floods: That page did not answer within 15 s."
    assert health.item_error_at is not None and health.last_error is None
    from adapters.slack.render import render

    text = json.dumps(render(feeds)[0]["blocks"])
    assert "an item was left out of the digest" in text and "did not answer" in text


async def test_digest_filters_and_failing_feed_notice(world) -> None:
    core, fetcher, _store, clock = world
    await ask(core, "subscribe https://news.example/rss --include floods", admin=True)
    fetcher.feeds["https://broken.example/rss"] = rss([]).encode()
    await ask(core, "subscribe https://broken.example/rss", admin=True)
    fetcher.failing.add("https://broken.example/rss")
    notices = []
    for n in range(5):
        if n == 1:
            backing_off = await ask(core, "digest 24h")  # right after a failure: not polled again
            assert isinstance(backing_off, DigestReply) and backing_off.failed_feeds == ()
            assert fetcher.calls["https://broken.example/rss"] == 2
        clock.now = NOW + dt.timedelta(minutes=20 * n)  # past each back-off (2, 4, 8 ... minutes)
        reply = await ask(core, "digest 24h")
        assert isinstance(reply, DigestReply)
        assert [s.headline for s in reply.digest.stories] == ["Storm closes schools across the north as floods rise"]
        notices.append(reply.failed_feeds)
    # Told once, on the third failure in a row, not again on the fourth and fifth.
    assert notices[:2] == [(), ()] and len(notices[2]) == 1 and notices[3:] == [(), ()]


@pytest.mark.parametrize(
    ("crash", "why"),
    [
        ({0: "before"}, "died before the headline reached the platform"),
        ({0: "after"}, "died after the headline was posted, before noting it"),
        ({2: "before"}, "died between two stories"),
        ({2: "after"}, "died after a story was posted, before noting it"),
        ({1: "after", 2: "before"}, "died twice"),
    ],
)
async def test_scheduled_digest_is_delivered_exactly_once_through_crashes(world, briefer, crash, why) -> None:
    core, fetcher, store, clock = world
    await ask(core, "subscribe https://news.example/rss", admin=True)
    schedule = Schedule(CH, dt.time(7, 30), "Europe/Berlin")
    day = dt.date(2026, 11, 26)
    poster = FakePoster(crash=dict(crash))
    current = core
    for _start in range(len(crash) + 1):
        try:
            assert await current.deliver_digest(schedule, day, poster), why
            break
        except Killed:
            current.close()
            fetcher.articles.clear()  # a restart must post what was planned, not fetch and rebuild
            current = Core(fetcher=fetcher, store=store, brief=lambda a: briefer.brief(a, quotes=None), clock=clock)
    try:
        assert not await current.deliver_digest(schedule, day, poster)
    finally:
        current.close()
    keys = [key for _ident, _anchor, key, _message in poster.sent]
    assert keys == [f"{day}/{n}" for n in range(3)], why  # headline + 2 stories, each once, in order
    head = poster.sent[0][0]
    assert all(anchor == head for _ident, anchor, _key, _message in poster.sent[1:])
    run = await store.digest_run(CH, day)
    assert run is not None and run.status == "done" and run.attempts == len(crash) + 1
    assert await store.integrity_ok()


async def test_a_digest_message_lost_in_transit_is_looked_for_before_it_is_sent_again(world) -> None:
    core, *_ = world
    naps: list[float] = []

    async def nap(seconds: float) -> None:
        naps.append(seconds)

    core._sleep = nap
    await ask(core, "subscribe https://news.example/rss", admin=True)
    day = dt.date(2026, 11, 26)
    poster = FakePoster(fail={0: "after", 1: "before", 2: "after", 3: "after"})
    assert await core.deliver_digest(Schedule(CH, dt.time(7, 30), "UTC"), day, poster)
    assert [key for _i, _a, key, _m in poster.sent] == [f"{day}/{n}" for n in range(3)]
    assert naps == [0.5, 0.5, 1.0, 0.5]  # the second message failed twice: refused, then lost

    stubborn = FakePoster(fail=dict.fromkeys(range(4), "before"))
    other = Schedule(ChannelRef("slack", "C2", "T1"), dt.time(7, 30), "UTC")
    await core.store.add_subscription(other.channel, "https://news.example/rss", (), ())
    with pytest.raises(ConnectionError):
        await core.deliver_digest(other, day, stubborn)
    assert naps[4:] == [0.5, 1.0, 2.0] and stubborn.sent == []
    assert await core.deliver_digest(other, day, stubborn)  # the next wake-up resumes it
    assert len(stubborn.sent) == 3


async def test_channels_due_together_poll_their_shared_feed_once(world) -> None:
    core, fetcher, *_ = world
    channels = [ChannelRef("slack", f"C{n}", "T1") for n in range(1, 6)]
    for channel in channels:
        await core.store.add_subscription(channel, "https://news.example/rss", (), ())
    day = dt.date(2026, 11, 26)
    for channel in channels:
        assert await core.deliver_digest(Schedule(channel, dt.time(7, 30), "UTC"), day, FakePoster())
    assert fetcher.calls["https://news.example/rss"] == 1
    # Asked for in chat, a digest polls its feeds whatever scheduled digests did.
    await ask(core, "digest 24h")
    assert fetcher.calls["https://news.example/rss"] == 2


async def test_refresh_briefs_ahead_and_the_digest_still_sees_the_items(world) -> None:
    core, fetcher, *_ = world
    await ask(core, "subscribe https://news.example/rss", admin=True)
    assert await core.refresh() == 2  # the two recent items; the old one is out of the window
    calls = dict(fetcher.calls)
    reply = await ask(core, "digest 24h")  # the feed answers 304 now: the items come from the store
    assert isinstance(reply, DigestReply) and len(reply.digest.stories) == 2
    assert fetcher.calls["https://news.example/blinken"] == calls["https://news.example/blinken"]  # cached


async def test_briefs_waiting_together_are_parsed_as_one_batch(briefer, tmp_path) -> None:
    batches: list[int] = []
    broken = {"on": False}

    def brief_many(articles):
        batches.append(len(articles))
        if broken["on"]:
            raise RuntimeError("a batch-wide failure")
        return list(briefer.brief_many(articles, quotes=None))

    store = await SqlStore.open(tmp_path / "b.sqlite3")
    core = Core(
        fetcher=FakeFetcher(),
        store=store,
        brief=lambda a: briefer.brief(a, quotes=None),
        brief_many=brief_many,
    )
    texts = [f"Officials in town {n} met on Thursday. They talked for an hour about the roads." for n in range(10)]
    try:
        replies = await asyncio.gather(
            *(ask(core, f"brief {t}") for t in [*texts, "Привет, как дела? Это новости дня из Москвы."])
        )
        assert all(isinstance(r, BriefReply) for r in replies[:10])
        assert [r.brief.summary[0].text for r in replies[:10]] == [t.split(". ")[0] + "." for t in texts]  # type: ignore[union-attr]
        assert all(isinstance(r, TextReply) and r.error for r in replies[10:])  # errors stay with their article
        assert max(batches) > 1 and sum(batches) == 11
        broken["on"] = True  # a failure of the whole batch: each article is briefed alone instead
        again = await asyncio.gather(*(ask(core, f"brief {t} Again.") for t in texts[:3]))
        assert all(isinstance(r, BriefReply) for r in again)
    finally:
        core.close()
        await store.close()


def test_a_batch_is_cut_by_count_and_by_length() -> None:
    from bot.core import NLP_BATCH, NLP_BATCH_CHARS, batch_length

    short = Article(text="x" * 100)
    long = Article(text="y" * (NLP_BATCH_CHARS // 2 + 1))
    assert batch_length([]) == 0
    assert batch_length([short] * 3) == 3
    assert batch_length([short] * (NLP_BATCH + 5)) == NLP_BATCH
    assert batch_length([long, long, short]) == 1  # two long ones pass the cap together
    assert batch_length([short, long, short]) == 3
    huge = Article(text="z" * (NLP_BATCH_CHARS * 3))
    assert batch_length([huge, short]) == 1  # one article over the cap is still parsed


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_instances_sharing_a_database_post_each_digest_once_and_take_over_a_dead_one(
    world, briefer, request, tmp_path, database
) -> None:
    _core, fetcher, _store, clock = world
    target = str(tmp_path / "shared.sqlite3") if database == "sqlite" else request.getfixturevalue("postgres_url")
    stores = [await SqlStore.open(target) for _ in range(2)]
    a, b = (
        Core(
            fetcher=fetcher,
            store=store,
            brief=lambda art: briefer.brief(art, quotes=None),
            clock=clock,
            limits=CoreLimits(instance=name, digest_lease=120),
        )
        for name, store in zip("ab", stores, strict=True)
    )
    try:
        day = dt.date(2026, 11, 26)
        # Two instances wake for the same digest at once: one of them posts it, once.
        await ask(a, "subscribe https://news.example/rss", admin=True)
        platform = FakePoster()
        schedule = Schedule(CH, dt.time(7, 30), "Europe/Berlin")
        assert sorted(await asyncio.gather(*(c.deliver_digest(schedule, day, platform) for c in (a, b)))) == [
            False,
            True,
        ]
        assert [key for _i, _a, key, _m in platform.sent] == [f"{day}/{n}" for n in range(3)]
        # Another channel: "a" dies after posting the headline. "b" leaves the digest alone while
        # a's hold lasts, then takes it over and posts the rest, nothing twice.
        other = Schedule(ChannelRef("slack", "C2", "T1"), dt.time(7, 30), "UTC")
        await stores[1].add_subscription(other.channel, "https://news.example/rss", (), ())
        platform = FakePoster(crash={1: "before"})
        with pytest.raises(Killed):
            await a.deliver_digest(other, day, platform)
        assert not await b.deliver_digest(other, day, platform)
        clock.now += dt.timedelta(seconds=121)
        assert await b.deliver_digest(other, day, platform)
        assert [key for _i, _a, key, _m in platform.sent] == [f"{day}/{n}" for n in range(3)]
        assert not await a.deliver_digest(other, day, platform)  # back from the dead: it is done
        # The scheduled feed polls: one instance polls the feed per interval, not each of them.
        clock.now += dt.timedelta(minutes=30)
        polls = fetcher.calls["https://news.example/rss"]
        await asyncio.gather(a.refresh(dt.timedelta(minutes=15)), b.refresh(dt.timedelta(minutes=15)))
        assert fetcher.calls["https://news.example/rss"] == polls + 1
    finally:
        for core, store in ((a, stores[0]), (b, stores[1])):
            core.close()
            await store.close()


async def test_a_page_asked_for_on_two_instances_at_once_is_briefed_once(briefer, postgres_url) -> None:
    target = postgres_url  # the database instances share (a SQLite file is one instance's)
    fetcher = FakeFetcher(articles={"https://news.example/blinken": SEED_TEXT}, delay=0.5)
    stores = [await SqlStore.open(target) for _ in range(2)]
    cores = [
        Core(fetcher=fetcher, store=store, brief=briefer.brief, limits=CoreLimits(instance=f"i{n}"))
        for n, store in enumerate(stores)
    ]
    try:
        url = "https://news.example/blinken"
        (one, fresh_one), (two, fresh_two) = await asyncio.gather(*(c.brief_url(url) for c in cores))
        assert fetcher.calls[url] == 1 and one == two and sorted([fresh_one, fresh_two]) == [False, True]
        # A page whose briefing failed is tried again at once, wherever it is asked for.
        fetcher.failing.add("https://news.example/gone")
        for core in cores:
            with pytest.raises(UserError):
                await core.brief_url("https://news.example/gone")
        assert fetcher.calls["https://news.example/gone"] == 2
    finally:
        for core, store in zip(cores, stores, strict=True):
            core.close()
            await store.close()
