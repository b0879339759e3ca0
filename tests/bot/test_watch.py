"""Watches: a person follows someone or something and gets one direct message per new story about it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import parse_command
from bot.core import Core, CoreLimits
from bot.errors import BadCommand
from bot.model import ChannelRef, Reply, TextReply, WatchAlert
from bot.storage import SqlStore
from bot.watch import about, words
from summarizer.model import Actor, Article, Brief, Sentence
from tests.bot.test_core import NOW, OTHER, SAME_STORY, SEED_TEXT
from tests.fakes.core import FakeFetcher, FixedClock
from tests.fakes.web import rss

pytestmark = pytest.mark.slow

CH = ChannelRef("slack", "C1", "T1")
ELSEWHERE = ChannelRef("slack", "C9", "T2")
THIRD = """ date 2026-11-26 Lavrov and Blinken trade warnings over Ukraine in Stockholm

Russian Foreign Minister Sergei Lavrov and US Secretary of State Antony Blinken traded warnings over \
Ukraine on Thursday when they met in Stockholm on the sidelines of an OSCE meeting.

Blinken said Russia would face severe consequences if it invaded Ukraine, while Lavrov accused NATO of \
pushing its military infrastructure towards Russia's borders.

“We are ready to defend our interests,” Lavrov told reporters in Stockholm after the talks with Blinken.
"""
LATER = """ date 2026-11-26 Blinken and Lavrov agree to keep talking after Stockholm meeting on Ukraine

Antony Blinken and Sergei Lavrov agreed in Stockholm on Thursday to keep talking about Ukraine, after a \
meeting in which the US Secretary of State warned Russia against invading its neighbour.

Lavrov said Russia did not want a conflict over Ukraine, and Blinken said the United States and its \
allies would respond to any Russian attack on Ukraine.
"""
FEEDS = ("https://news.example/rss", "https://other.example/feed", "https://third.example/feed")


@dataclasses.dataclass
class Inbox:
    """A platform's direct messages: every alert sent, by person; ``broken`` people cannot be messaged."""

    got: list[WatchAlert] = dataclasses.field(default_factory=list)
    broken: set[str] = dataclasses.field(default_factory=set)

    async def direct(self, alert: WatchAlert) -> None:
        if alert.watch.user in self.broken:
            raise ConnectionError("this person closed their direct messages")
        self.got.append(alert)

    def of(self, user: str) -> list[WatchAlert]:
        return [a for a in self.got if a.watch.user == user]


def _third_feed(items: list[tuple[str, str]]) -> bytes:
    return rss([(title, url, "Thu, 26 Nov 2026 07:40:00 GMT") for title, url in items]).encode()


@pytest.fixture
async def world(briefer, tmp_path):
    fetcher = FakeFetcher(
        articles={
            "https://news.example/blinken": SEED_TEXT,
            "https://other.example/stockholm": SAME_STORY,
            "https://third.example/lavrov": THIRD,
            "https://third.example/later": LATER,
            "https://news.example/floods": OTHER,
        },
        feeds={
            FEEDS[0]: rss(
                [
                    ("Ministers meet over Ukraine", "https://news.example/blinken", "Thu, 26 Nov 2026 07:00:00 GMT"),
                    ("Floods close schools", "https://news.example/floods", "Thu, 26 Nov 2026 06:00:00 GMT"),
                ]
            ).encode(),
            FEEDS[1]: rss(
                [("Blinken warns Russia", "https://other.example/stockholm", "Thu, 26 Nov 2026 07:30:00 GMT")]
            ).encode(),
            FEEDS[2]: _third_feed([("Lavrov and Blinken trade warnings", "https://third.example/lavrov")]),
        },
    )
    store = await SqlStore.open(tmp_path / "w.sqlite3")
    clock = FixedClock(NOW)
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=lambda a: briefer.brief(a, quotes=None),
        clock=clock,
        limits=CoreLimits(admins=frozenset({"U-ADMIN"}), watch_messages_per_day=3, max_watches=3),
    )
    yield core, fetcher, store, clock
    core.close()
    await store.close()


async def ask(core: Core, text: str, user: str, channel: ChannelRef = CH) -> Reply:
    return await core.handle(parse_command(text, channel, user, is_admin=user == "U-ADMIN"))


async def said(core: Core, text: str, user: str, channel: ChannelRef = CH) -> str:
    reply = await ask(core, text, user, channel)
    assert isinstance(reply, TextReply), reply
    return reply.text


async def next_round(core: Core, clock: FixedClock, inbox: Inbox) -> int:
    clock.now += dt.timedelta(minutes=15)
    await core.refresh()
    return await core.alert_watchers({"slack": inbox})


async def test_a_story_from_three_feeds_is_sent_once_and_only_to_its_watchers(world) -> None:
    core, fetcher, _store, clock = world
    inbox = Inbox()
    assert "Watching “Lavrov”" in await said(core, "watch Lavrov", "U2")
    assert "Watching" in await said(core, "watch “Maria Lopez”", "U3")
    await said(core, "watch Olaf Scholz", "U4")  # in no story
    await said(core, "watch Lavrov", "U5", ELSEWHERE)  # another workspace: its feeds are not these
    for feed in FEEDS:
        await said(core, f"subscribe {feed}", "U-ADMIN")
    assert await next_round(core, clock, inbox) == 2
    (alert,) = inbox.of("U2")
    assert alert.articles == 3 and about("Lavrov", alert.brief) == "Sergei Lavrov"
    assert alert.url in (
        "https://news.example/blinken",
        "https://other.example/stockholm",
        "https://third.example/lavrov",
    )
    assert all(q.text in alert.brief.article.text for q in alert.brief.quotes)  # key quotes, verbatim
    (floods,) = inbox.of("U3")
    assert floods.url == "https://news.example/floods" and floods.articles == 1
    assert not inbox.of("U4") and not inbox.of("U5")

    # An hour later the third feed brings one more article of the same story: nothing new to say.
    fetcher.feeds[FEEDS[2]] = _third_feed(
        [
            ("Lavrov and Blinken trade warnings", "https://third.example/lavrov"),
            ("Keep talking", "https://third.example/later"),
        ]
    )
    assert await next_round(core, clock, inbox) == 0
    assert len(inbox.of("U2")) == 1
    # A pass run again within the interval (another instance's, or this one's) sends nothing either.
    assert await core.alert_watchers({"slack": inbox}) == 0


async def test_a_new_watch_looks_at_new_articles_only_and_the_day_has_a_cap(world) -> None:
    core, _fetcher, _store, clock = world
    inbox = Inbox()
    for feed in FEEDS:
        await said(core, f"subscribe {feed}", "U-ADMIN")
    assert await next_round(core, clock, inbox) == 0  # no watches yet
    await said(core, "watch Blinken", "U2")
    assert await next_round(core, clock, inbox) == 0  # the articles were there before the watch

    capped = Core(
        fetcher=core.fetcher,
        store=core.store,
        brief=core._brief,
        clock=clock,
        limits=CoreLimits(watch_messages_per_day=1),
    )
    try:
        for terms in ("Ukraine", "schools"):
            await said(capped, f"watch {terms}", "U7")
        fetcher = core.fetcher
        assert isinstance(fetcher, FakeFetcher)
        fetcher.feeds[FEEDS[0]] = rss(
            [
                (
                    "Blinken meets Lavrov: update",
                    "https://news.example/blinken?edition=2",
                    "Thu, 26 Nov 2026 08:00:00 GMT",
                ),
                (
                    "Schools shut as rivers rise",
                    "https://news.example/floods?edition=2",
                    "Thu, 26 Nov 2026 08:00:00 GMT",
                ),
            ]
        ).encode()
        fetcher.articles["https://news.example/blinken?edition=2"] = SEED_TEXT
        fetcher.articles["https://news.example/floods?edition=2"] = OTHER
        # Two stories for U7, with a cap of one a day; U2's watch began after the first Blinken
        # articles were seen, and this one is new.
        assert await next_round(capped, clock, inbox) == 2
        assert len(inbox.of("U7")) == 1
        (update,) = inbox.of("U2")
        assert update.url == "https://news.example/blinken?edition=2"
    finally:
        capped.close()


async def test_one_person_who_cannot_be_messaged_does_not_stop_the_others(world) -> None:
    core, _fetcher, _store, clock = world
    inbox = Inbox(broken={"U2"})
    await said(core, "watch Lavrov", "U2")
    await said(core, "watch Blinken", "U3")
    await said(core, f"subscribe {FEEDS[0]}", "U-ADMIN")
    assert await next_round(core, clock, inbox) == 1
    assert [a.watch.user for a in inbox.got] == ["U3"]
    assert core.metrics.watch_messages == 1


async def test_watch_lists_refuses_twins_and_unwatch_removes(world) -> None:
    core, *_ = world
    assert "You watch nothing yet" in await said(core, "watch", "U2")
    await said(core, "watch Sergei Lavrov", "U2")
    assert "already watch" in await said(core, "watch sergei  LAVROV", "U2")
    await said(core, "watch Kuleba", "U2")
    listed = await said(core, "watch", "U2")
    assert "“Sergei Lavrov”" in listed and "“Kuleba”" in listed and "at most 3 messages a day" in listed
    assert "You watch nothing yet" in await said(core, "watch", "U3")  # one person's are theirs alone
    await said(core, "watch OSCE", "U2")
    refused = await ask(core, "watch NATO", "U2")
    assert isinstance(refused, TextReply) and refused.error and "3 watches, the most allowed" in refused.text
    assert "Stopped watching “Sergei Lavrov”" in await said(core, "unwatch sergei lavrov", "U2")
    missing = await ask(core, "unwatch Lavrov", "U2")
    assert isinstance(missing, TextReply) and missing.error and "no watch" in missing.text
    assert "Stopped your 2 watches" in await said(core, "unwatch all", "U2")
    assert "You watch nothing yet" in await said(core, "watch", "U2")


async def test_a_watch_needs_a_person() -> None:
    with pytest.raises(BadCommand):
        parse_command("watch !!", CH, "U1")
    with pytest.raises(BadCommand):
        parse_command("watch " + "word " * 7, CH, "U1")
    with pytest.raises(BadCommand):
        parse_command("unwatch", CH, "U1")
    assert parse_command("watch 'Olaf Scholz'", CH, "U1").target == "Olaf Scholz"
    assert parse_command("unwatch 4", CH, "U1").target == "4"


def test_what_a_watch_finds() -> None:
    brief = Brief(
        article=Article(text="…", title="Sánchez meets Macron in Madrid"),
        summary=(),
        method="test",
        actors=(
            Actor("Sergei Lavrov", "person", aliases=("Lavrov",)),
            Actor("Rugby Football Union", "organization", aliases=("RFU",)),
        ),
    )
    assert about("Lavrov", brief) == "Sergei Lavrov"
    assert about("sergei lavrov", brief) == "Sergei Lavrov"
    assert about("rfu", brief) == "Rugby Football Union"
    assert about("Football Union", brief) == "Rugby Football Union"
    assert about("Sanchez", brief) == "Sánchez meets Macron in Madrid"  # accents do not count
    assert about("Lav", brief) is None  # whole words only
    assert about("Lavrov Sergei", brief) is None  # in order
    assert about("Paris", brief, "Macron flies to Paris") == "Macron flies to Paris"  # the feed's own headline
    assert words("Zürich's MAYOR") == ("zurich", "s", "mayor")
    # The tenth actor of an article, named once in passing, is not what the story is about ...
    crowd = (*(Actor(f"Person {n}", "person") for n in range(9)), Actor("Barack Obama", "person"))
    passing = dataclasses.replace(brief, actors=crowd)
    assert about("Obama", passing) is None
    # ... unless the summary names them.
    summary = (Sentence("Barack Obama called the attack cowardly.", 0, 40, 0),)
    assert about("Obama", dataclasses.replace(passing, summary=summary)) == summary[0].text


@settings(max_examples=2_000, deadline=None)
@given(st.text(max_size=120), st.text(max_size=200))
def test_any_watch_against_any_headline_is_an_answer_not_an_error(terms: str, headline: str) -> None:
    brief = Brief(article=Article(text="…", title=headline), summary=(), method="test")
    found = about(terms, brief, headline)
    assert found is None or found == headline
    if words(terms) and words(terms) == words(headline):
        assert found == headline
