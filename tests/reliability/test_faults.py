"""Platform faults while replying and while posting digests: 5xx answers, dropped connections and
timeouts from the Slack and Discord fakes. Replies are retried with backoff; a digest message whose
fate is unknown (taken by the platform, answer lost) is looked for before it is sent again, so each
digest arrives once, whole."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from urllib.parse import urlencode

import pytest

from adapters.discord.app import DiscordAdapter
from adapters.slack.app import SlackPublisher, make_client
from bot.core import Core
from bot.model import ChannelRef, DigestReply, Schedule
from summarizer.model import Digest
from tests.adapters.test_discord import running
from tests.adapters.test_slack import payload, post, signed, story, wait_for
from tests.fakes.fake_discord import BOT_ID, CHANNEL_ID
from tests.fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 26)


async def no_sleep(_seconds: float) -> None:
    return None


async def scheduled(core: Core, channel: ChannelRef, stories: int = 3) -> Schedule:
    """A channel with a schedule whose digest (``stories`` stories) is built without fetching."""
    digest = DigestReply(Digest(day=DAY, stories=tuple(story(n) for n in range(stories)), title="Morning digest"))
    await core.store.add_subscription(channel, "https://news.example/rss", (), ())

    async def build(_channel: ChannelRef, _since: dt.timedelta, *, scheduled: bool = False) -> DigestReply:
        return digest

    core.digest = build  # type: ignore[method-assign]
    core._sleep = no_sleep
    return Schedule(channel, dt.time(7, 0), "UTC")


async def test_slack_web_api_5xx_are_retried(fake_slack) -> None:
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    fake_slack.fail_next(2, status=503)
    response = await client.chat_postMessage(channel="C1", text="hello")
    assert response["ok"] and len(fake_slack.api_calls("chat.postMessage")) == 3


async def test_slack_digest_through_a_5xx_a_drop_and_a_timeout_is_posted_once(core, fake_slack) -> None:
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    client.timeout = 1
    publisher = SlackPublisher(client, pace=0, sleep=no_sleep)
    schedule = await scheduled(core, ChannelRef("slack", "C9"))
    fake_slack.fail_next(1, status=500)  # the headline refused: not posted
    fake_slack.faults.drop_next(1)  # its retry posted, the answer lost
    fake_slack.faults.pass_next(1)
    fake_slack.faults.stall_next(1, 3.0)  # a story posted, answered after the client gave up
    assert await core.deliver_digest(schedule, DAY, publisher)
    assert not await core.deliver_digest(schedule, DAY, publisher)
    posted = [m for m in fake_slack.posted if m["channel"] == "C9"]
    parts = Counter(m["metadata"]["event_payload"]["part"] for m in posted)
    assert sorted(parts) == [f"{DAY}/{n}" for n in range(len(parts))] and set(parts.values()) == {1}
    heads = [m for m in posted if "thread_ts" not in m]
    assert len(heads) == 1 and all(m["thread_ts"] == heads[0]["ts"] for m in posted[1:])
    assert len(fake_slack.api_calls("chat.postMessage")) == len(posted) + 1  # + the refused one
    assert fake_slack.api_calls("conversations.history") and fake_slack.api_calls("conversations.replies")


async def test_discord_digest_through_5xx_and_drops_is_posted_once(core, fake_discord) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    schedule = await scheduled(core, ChannelRef("discord", CHANNEL_ID), stories=4)
    async with running(adapter):
        fake_discord.fail_next(2, status=502)  # discord.py retries these itself
        fake_discord.faults.drop_next(1)  # the headline posted, the answer lost: no thread yet
        fake_discord.faults.pass_next(1)
        fake_discord.faults.drop_next(1)  # the second story posted, the answer lost
        assert await core.deliver_digest(schedule, DAY, adapter)
        assert not await core.deliver_digest(schedule, DAY, adapter)
    heads = [m for m in fake_discord.channel_messages(CHANNEL_ID) if m["author"]["id"] == BOT_ID]
    assert len(heads) == 1 and list(fake_discord.threads) == [heads[0]["id"]]
    in_thread = fake_discord.channel_messages(heads[0]["id"])
    titles = [e["title"].split(".")[0] for m in in_thread for e in m["embeds"] if e.get("title")]
    assert titles == ["1", "2", "3", "4"]  # every story once, in order


async def test_a_slack_reply_survives_a_dropped_response_url_connection(core) -> None:
    from aiohttp import web

    from adapters.slack.app import SlackAdapter
    from tests.adapters.test_slack import SECRET

    fake = FakeSlack()
    await fake.start()
    adapter = SlackAdapter(core, make_client("xoxb-test", fake.base + "/api/"), signing_secret=SECRET, sleep=no_sleep)
    runner = web.AppRunner(adapter.web_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        fake.faults.drop_next(1)
        body = urlencode(payload(fake, "/brief", "Officials met on Thursday. They talked for an hour about roads."))
        status, _text, _seconds = await post(
            f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", body, signed(body)
        )
        assert status == 200
        await wait_for(lambda: len(fake.answered) == 2)
        assert fake.answered[0] == fake.answered[1] and "talked for an hour" in json.dumps(fake.answered[1])
    finally:
        await runner.cleanup()
        await fake.stop()


async def test_a_discord_reply_survives_a_dropped_connection(core, fake_discord) -> None:
    from tests.adapters.conftest import ARTICLE
    from tests.adapters.test_discord import option

    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0, sleep=no_sleep)
    async with running(adapter):
        fake_discord.faults.drop_next(1)
        record = await fake_discord.send_interaction("brief", [option("url_or_text", ARTICLE)])
        await fake_discord.wait(lambda: len(record.responded) >= 3)
    edits = [r for r in record.responded[1:] if r.get("method") == "PATCH"]
    assert len(edits) == 2 and edits[0]["embeds"] == edits[1]["embeds"] and not adapter.errors
