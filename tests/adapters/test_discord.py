"""The Discord adapter through the real discord.py client, against the recording fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import asynccontextmanager

import discord
import pytest

from adapters.discord.app import DiscordAdapter, invite_url
from adapters.discord.render import render
from bot.model import BriefReply, ChannelRef, DigestReply
from summarizer.model import Digest, Source, Story
from tests.adapters.conftest import ARTICLE
from tests.adapters.test_slack import story
from tests.fakes.fake_discord import APP_ID, CHANNEL_ID, FakeDiscord

pytestmark = pytest.mark.slow


@asynccontextmanager
async def running(adapter: DiscordAdapter):
    ready = asyncio.Event()
    task = asyncio.create_task(adapter.run("fake-token", ready))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield adapter
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await adapter.client.close()


def option(name: str, value: str) -> dict[str, object]:
    return {"type": 3, "name": name, "value": value}


async def test_brief_defers_then_edits_with_embeds(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        assert fake_discord.identify[0]["intents"] == 1  # GUILDS only, nothing privileged
        record = await fake_discord.send_interaction("brief", [option("url_or_text", ARTICLE)])
        await fake_discord.wait(lambda: len(record.responded) >= 2)
        defer, edit = record.responded[0], record.responded[1]
        assert defer["type"] == 5 and record.response_at is not None and record.response_at - record.sent_at < 3
        assert edit["method"] == "PATCH" and edit["path"].endswith("/messages/@original")
        embed = edit["embeds"][0]
        assert "Ukraine" in embed["title"] and embed["url"] == ARTICLE
        names = [f["name"] for f in embed["fields"]]
        assert any("Antony Blinken" in n for n in names) and "People" in names
    assert adapter.errors == []


async def test_quotes_actors_and_digest_commands(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        quotes = await fake_discord.send_interaction(
            "quotes", [option("url_or_text", ARTICLE), option("speaker", "Kuleba")]
        )
        actors = await fake_discord.send_interaction("actors", [option("url_or_text", ARTICLE)])
        await fake_discord.wait(lambda: len(quotes.responded) >= 2 and len(actors.responded) >= 2)
        assert {f["value"] for f in quotes.responded[1]["embeds"][0]["fields"]} == {
            "“exercise moderation”",
            "“craft a deterrence package”",
        }
        assert any(
            f["name"] == "People" and "Sergei Lavrov" in f["value"] for f in actors.responded[1]["embeds"][0]["fields"]
        )
        digest = await fake_discord.send_interaction("digest")
        await fake_discord.wait(lambda: len(digest.responded) >= 3)
        # No feeds yet: the thinking message is removed and the error sent ephemeral (flags 64).
        assert digest.responded[1]["method"] == "DELETE" and digest.responded[2]["flags"] == 64
    assert adapter.errors == []


async def test_config_commands_check_manage_server(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        refused = await fake_discord.send_interaction(
            "feeds", [option("url", "https://news.example/rss")], sub="subscribe"
        )
        await fake_discord.wait(lambda: len(refused.responded) >= 3)
        assert "Only an admin" in refused.responded[2]["content"]
        ok = await fake_discord.send_interaction(
            "feeds", [option("url", "https://news.example/rss")], sub="subscribe", admin=True
        )
        await fake_discord.wait(lambda: len(ok.responded) >= 2)
        assert "Subscribed" in ok.responded[1]["content"]
        listed = await fake_discord.send_interaction("feeds", sub="list", admin=True)
        await fake_discord.wait(lambda: len(listed.responded) >= 2)
        assert "news.example/rss" in listed.responded[1]["embeds"][0]["description"]
        scheduled = await fake_discord.send_interaction(
            "schedule",
            [option("time", "07:30"), option("timezone", "Europe/Berlin"), option("days", "weekdays")],
            admin=True,
        )
        await fake_discord.wait(lambda: len(scheduled.responded) >= 2)
        assert "07:30 Europe/Berlin on weekdays" in scheduled.responded[1]["content"]


async def test_help_answers_at_once_ephemeral(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        record = await fake_discord.send_interaction("help")
        await fake_discord.wait(lambda: len(record.responded) >= 1)
        first = record.responded[0]
        assert first["type"] == 4 and first["data"]["flags"] == 64 and "briefbot commands" in first["data"]["content"]


async def test_synced_command_json(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1)
    await adapter.client.login("fake-token")
    try:
        await adapter.sync(guild=int("900000000000000003"))
    finally:
        await adapter.client.close()
    by_name = {c["name"]: c for c in fake_discord.synced}
    assert set(by_name) == {
        "brief",
        "quotes",
        "actors",
        "digest",
        "help",
        "feeds",
        "schedule",
        "watch",
        "unwatch",
        "Brief",
    }
    assert by_name["Brief"]["type"] == 3 and by_name["brief"]["type"] == 1  # the message context menu
    assert by_name["brief"]["options"][0]["type"] == 3 and by_name["brief"]["options"][0]["required"]
    assert str(by_name["feeds"]["default_member_permissions"]) == "32"
    assert str(by_name["schedule"]["default_member_permissions"]) == "32"
    assert by_name["schedule"]["options"][1]["autocomplete"] is True
    assert by_name["brief"]["default_member_permissions"] is None
    assert {o["name"] for o in by_name["feeds"]["options"]} == {"subscribe", "unsubscribe", "list"}
    assert "scope=bot+applications.commands" in invite_url(APP_ID)


async def test_forty_story_digest_is_posted_in_a_thread(fake_discord, core) -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0.5, sleep=sleep)
    digest = DigestReply(
        __import__("summarizer.model", fromlist=["Digest"]).Digest(
            day=dt.date(2026, 11, 26), stories=tuple(story(n) for n in range(40)), title="Morning digest"
        )
    )
    fake_discord.ratelimit_next(1, retry_after=0.2)  # discord.py waits it out
    async with running(adapter):
        await adapter.post(ChannelRef("discord", CHANNEL_ID), digest)
    posted = [c for c in fake_discord.calls if c[0] == "POST" and c[1].endswith("/messages")]
    assert len(posted) >= 15 and all(FakeDiscord.violations(body) is None for _m, _p, body in posted)
    assert any(c[1].endswith("/threads") for c in fake_discord.calls)
    assert sum(len(body.get("embeds", [])) for _m, _p, body in posted) >= 41
    assert sleeps and all(s == 0.5 for s in sleeps)


def test_every_reply_fits_discord_limits(longest_dev_brief) -> None:
    brief = longest_dev_brief
    for view in ("brief", "quotes", "actors"):
        for message in render(BriefReply(brief, view=view)):  # type: ignore[arg-type]
            assert FakeDiscord.violations({"content": message["content"], "embeds": message["embeds"]}) is None
            discord.Embed.from_dict(message["embeds"][0]) if message["embeds"] else None


def test_a_story_told_by_ten_outlets_says_so_and_fits() -> None:
    sources = tuple(
        Source(f"https://outlet{k}.example/{'path/' * 40}", "A long headline " * 12, f"feed{k}") for k in range(10)
    )
    stories = tuple(
        Story(f"Story {n} " + "word " * 80, ("Sentence. " * 60,) * 3, quote=None, actors=(), sources=sources)
        for n in range(12)
    )
    messages = render(DigestReply(Digest(day=dt.date(2026, 11, 26), stories=stories)))
    for message in messages:
        assert FakeDiscord.violations({"content": message["content"], "embeds": message["embeds"]}) is None
    fields = [f for m in messages for e in m["embeds"] for f in e.get("fields", [])]
    assert sum(f["name"] == "10 sources" for f in fields) == 12
    listed = [f["value"] for f in fields if f["name"] == "10 sources"]
    assert all(v.count("](https://outlet") + int(v.rsplit("and ", 1)[1].split()[0]) == 10 for v in listed)


async def test_sharded_client_connects_and_answers(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, shard_count=1, guild_ready_timeout=0.1, pace=0)
    assert isinstance(adapter.client, discord.AutoShardedClient)
    async with running(adapter):
        assert fake_discord.identify[0]["shard"] == [0, 1]
        record = await fake_discord.send_interaction("actors", [option("url_or_text", ARTICLE)])
        await fake_discord.wait(lambda: len(record.responded) >= 2)
        assert record.responded[0]["type"] == 5


async def test_two_processes_split_the_shards_and_each_answers_its_own_servers(fake_discord, core) -> None:
    # Four servers, one on each of four shards by Discord's rule (guild id >> 22) % 4.
    guilds = [str(((1_000_000 + k) << 22) + 99) for k in range(4)]
    fake_discord.guilds = guilds
    assert [FakeDiscord.shard_of(g, 4) for g in guilds] == [0, 1, 2, 3]
    low = DiscordAdapter(core, shard_count=4, shard_ids=(0, 1), guild_ready_timeout=0.1, pace=0)
    high = DiscordAdapter(core, shard_count=4, shard_ids=(2, 3), guild_ready_timeout=0.1, pace=0)
    async with running(low), running(high):
        assert sorted(tuple(i["shard"]) for i in fake_discord.identify) == [(0, 4), (1, 4), (2, 4), (3, 4)]
        assert sorted(str(g.id) for g in low.client.guilds) == guilds[:2]
        assert sorted(str(g.id) for g in high.client.guilds) == guilds[2:]
        records = [
            await fake_discord.send_interaction("actors", [option("url_or_text", ARTICLE)], guild_id=g) for g in guilds
        ]
        await fake_discord.wait(lambda: all(len(r.responded) >= 2 for r in records))
    routed = [(guild, shard) for event, guild, shard in fake_discord.delivered if event == "INTERACTION_CREATE"]
    assert routed == [(g, (k, 4)) for k, g in enumerate(guilds)]
    assert all(r.responded[0]["type"] == 5 and "Antony Blinken" in str(r.responded[1]) for r in records)


async def test_history_pages_as_discord_does_before_after_and_around(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        channel = await adapter.client.fetch_channel(int(CHANNEL_ID))
        assert isinstance(channel, discord.TextChannel)
        sent = [await channel.send(f"message {n}") for n in range(7)]
        newest = [m.content async for m in channel.history(limit=3)]
        before = [m.content async for m in channel.history(before=sent[4], limit=2)]
        after = [m.content async for m in channel.history(after=sent[1], limit=3)]
        around = [m.content async for m in channel.history(around=sent[3], limit=3)]
        every = [m.content async for m in channel.history(limit=None, oldest_first=True)]
    assert newest == ["message 6", "message 5", "message 4"]
    assert before == ["message 3", "message 2"]
    assert after == ["message 2", "message 3", "message 4"]
    assert sorted(around) == ["message 2", "message 3", "message 4"]
    assert every == [f"message {n}" for n in range(7)]


async def test_the_brief_context_menu_answers_the_asker_and_shares_in_the_thread_after_a_restart(
    fake_discord, core
) -> None:
    from tests.adapters.test_slack import LONG_TEXT

    target = fake_discord.add_user_message(f"Worth a read: {ARTICLE}")
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        asked = await fake_discord.send_message_command("Brief", target)
        await fake_discord.wait(lambda: len(asked.responded) >= 2)
        defer, answer = asked.responded[0], asked.responded[1]
        assert defer["type"] == 5 and defer["data"]["flags"] == 64  # thinking, for the asker only
        assert "Ukraine" in answer["embeds"][0]["title"]
        [button] = [c for row in answer["components"] for c in row["components"]]
        assert button["custom_id"] == f"briefbot:share:{target['id']}" and button["label"] == "Share in thread"
        shown = dict(fake_discord.add_user_message(""))  # the ephemeral answer the button sits on
        shown.update(embeds=answer["embeds"], components=answer["components"], flags=64)
        clicked = await fake_discord.click(button["custom_id"], shown)
        await fake_discord.wait(lambda: len(clicked.responded) >= 2)
        in_thread = fake_discord.channel_messages(target["id"])  # a thread takes its message's id
        assert len(in_thread) == 1 and "Ukraine" in in_thread[0]["embeds"][0]["title"]
        assert clicked.responded[-1]["content"] == "Shared in the thread."
        # Context menus on a message without a link: its text, or one clear line.
        text_message = fake_discord.add_user_message(LONG_TEXT)
        image = {"id": "7", "filename": "chart.png", "size": 1, "url": "https://cdn.example/c.png",
                 "proxy_url": "https://cdn.example/c.png"}  # fmt: skip
        image_only = fake_discord.add_user_message("", attachments=[image])
        short = fake_discord.add_user_message("lol, agreed")
        by_text = await fake_discord.send_message_command("Brief", text_message)
        refused = [await fake_discord.send_message_command("Brief", m) for m in (image_only, short)]
        await fake_discord.wait(lambda: all(len(r.responded) >= 2 for r in [by_text, *refused]))
        assert "Lavrov" in str(by_text.responded[1]["embeds"])
        for record in refused:
            assert record.responded[1]["content"] == "That message has no link, and too little text to brief."
            assert not record.responded[1].get("components")
    assert adapter.errors == []
    # After a restart, the button of the first answer still works: the thread it made is used again.
    again = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(again):
        clicked = await fake_discord.click(button["custom_id"], shown)
        await fake_discord.wait(lambda: len(clicked.responded) >= 2)
        assert clicked.responded[-1]["content"] == "Shared in the thread."
        assert len(fake_discord.channel_messages(target["id"])) == 2
    assert again.errors == []


async def test_the_context_menu_is_synced_as_a_message_command(fake_discord, core) -> None:
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    payload = [c.to_dict(adapter.tree) for c in adapter.tree.get_commands(type=discord.AppCommandType.message)]
    assert [(c["name"], c["type"]) for c in payload] == [("Brief", 3)]


async def test_digest_story_buttons_answer_the_reader_and_keep_working_after_a_restart(fake_discord, core) -> None:
    from bot.model import Schedule
    from tests.adapters.test_slack import FEED, RSS

    core.fetcher.feeds[FEED] = RSS
    channel = ChannelRef("discord", CHANNEL_ID, "900000000000000003")
    await core.store.add_subscription(channel, FEED, (), ())
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=2)
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        assert await core.deliver_digest(Schedule(channel, dt.time(7, 0), "UTC"), day, adapter)
    posted = [m for m in fake_discord.messages if m["components"]]
    [story] = posted
    ids = [c["custom_id"] for row in story["components"] for c in row["components"]]
    assert ids == [f"briefbot:story:{a}:{day.isoformat()}:1" for a in ("brief", "quotes", "sources")]
    core.fetcher.failing.add(ARTICLE)  # gone since: answered from the cached brief
    again = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)  # a restart
    async with running(again):
        clicks = [await fake_discord.click(custom_id, story) for custom_id in ids]
        await fake_discord.wait(lambda: all(len(c.responded) >= 2 for c in clicks))
        brief, quotes, sources = (c.responded[1] for c in clicks)
        assert all(c.responded[0]["type"] == 5 and c.responded[0]["data"]["flags"] == 64 for c in clicks)
        assert "Ukraine" in brief["embeds"][0]["title"] and brief["flags"] == 64
        assert "exercise moderation" in str(quotes["embeds"])
        assert ARTICLE in sources["embeds"][0]["description"]
        # A story button the stored digest does not know (Discord sends only ids of the message's buttons).
        unknown = f"briefbot:story:brief:{day.isoformat()}:7"
        button = {**story["components"][0]["components"][0], "custom_id": unknown}
        odd = {**story, "components": [{"type": 1, "components": [button]}]}
        forged = await fake_discord.click(unknown, odd)
        await fake_discord.wait(lambda: len(forged.responded) >= 2)
        assert "cannot be found" in forged.responded[1]["content"]
    assert again.errors == []


async def test_watch_is_private_and_its_alert_comes_as_a_direct_message(fake_discord, core) -> None:
    from email.utils import format_datetime

    from tests.fakes.core import FakeFetcher
    from tests.fakes.fake_discord import GUILD_ID, USER_ID
    from tests.fakes.web import rss

    assert isinstance(core.fetcher, FakeFetcher)
    published = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), usegmt=True)
    core.fetcher.feeds["https://news.example/rss"] = rss([("Ministers meet over Ukraine", ARTICLE, published)]).encode()
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        watched = await fake_discord.send_interaction("watch", [option("about", "Kuleba")])
        await fake_discord.wait(lambda: len(watched.responded) >= 2)
        assert watched.responded[0]["type"] == 5 and watched.responded[0]["data"]["flags"] == 64  # ephemeral
        assert "Watching “Kuleba”" in watched.responded[1]["content"]
        # Someone else who does not take direct messages from bots: their alert fails, alone.
        fake_discord.closed_dms.add("123456789012345678")
        await core.store.add_watch("discord", GUILD_ID, "123456789012345678", "Blinken")
        subscribed = await fake_discord.send_interaction(
            "feeds", [option("url", "https://news.example/rss")], sub="subscribe", admin=True
        )
        await fake_discord.wait(lambda: len(subscribed.responded) >= 2)
        await core.refresh()
        assert await core.alert_watchers({"discord": adapter}) == 1
        dm = fake_discord.dms[USER_ID]
        (alert,) = [m for m in fake_discord.messages if m["channel_id"] == dm]
        assert alert["content"].startswith("Your watch “Kuleba” found a new story")
        assert "Ukraine" in alert["embeds"][0]["title"] and alert["embeds"][0]["url"] == ARTICLE
        listed = await fake_discord.send_interaction("watch")
        await fake_discord.wait(lambda: len(listed.responded) >= 2)
        assert "“Kuleba”" in listed.responded[1]["content"]
        stopped = await fake_discord.send_interaction("unwatch", [option("watch", "kuleba")])
        await fake_discord.wait(lambda: len(stopped.responded) >= 2)
        assert "Stopped watching “Kuleba”" in stopped.responded[1]["content"]
    assert adapter.errors == []


async def test_a_feed_can_mention_a_role_when_its_story_makes_the_scheduled_digest(fake_discord, core) -> None:
    from bot.model import Schedule
    from tests.adapters.test_slack import FEED, RSS
    from tests.fakes.fake_discord import GUILD_ID

    core.fetcher.feeds[FEED] = RSS
    role = "900000000000000077"
    channel = ChannelRef("discord", CHANNEL_ID, GUILD_ID)
    day = dt.datetime.now(dt.UTC).date()
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1, pace=0)
    async with running(adapter):
        subscribed = await fake_discord.send_interaction(
            "feeds",
            [{"type": 3, "name": "url", "value": FEED}, {"type": 8, "name": "mention", "value": role}],
            sub="subscribe",
            admin=True,
            roles={role: "news"},
        )
        await fake_discord.wait(lambda: len(subscribed.responded) >= 2)
        confirmed = subscribed.responded[1]["content"]
        assert "mention the group you named" in confirmed and f"<@&{role}>" not in confirmed
        assert [s.mention for s in await core.store.subscriptions(channel)] == [f"<@&{role}>"]
        assert await core.deliver_digest(Schedule(channel, dt.time(7, 0), "UTC"), day, adapter)
    sends = [body for method, path, body in fake_discord.calls if method == "POST" and path.endswith("/messages")]
    head, story = sends[0], sends[-1]
    allowed = story["allowed_mentions"]
    assert story["content"] == f"<@&{role}>" and allowed["parse"] == [] and list(map(str, allowed["roles"])) == [role]
    assert head["allowed_mentions"] == {"parse": []}  # nothing else briefbot posts pings anyone
    assert adapter.errors == []
