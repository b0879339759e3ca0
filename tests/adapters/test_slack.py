"""The Slack adapter through the real slack-bolt app, against the recording fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import replace
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import WORKING, SlackAdapter, make_client
from adapters.slack.render import pack, render, sections, split_text
from bot.model import BriefReply, ChannelRef, DigestReply
from summarizer.model import Actor, Article, Brief, Digest, Quote, Sentence, Source, Story
from tests.adapters.conftest import ARTICLE
from tests.fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.slow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
async def slack_http(fake_slack, core):
    adapter = SlackAdapter(
        core, make_client("xoxb-test", fake_slack.base + "/api/"), signing_secret=SECRET, admins=frozenset({"UALLOWED"})
    )
    runner = web.AppRunner(adapter.web_app(), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", adapter
    await runner.cleanup()


def payload(fake: FakeSlack, command: str, text: str, user: str = "U1") -> dict[str, str]:
    return {
        "token": "deprecated",
        "team_id": "T1",
        "team_domain": "example",
        "channel_id": "C1",
        "channel_name": "news",
        "user_id": user,
        "user_name": "someone",
        "command": command,
        "text": text,
        "response_url": fake.issue_response_url(),
        "trigger_id": "1.2.3",
        "api_app_id": "A1",
    }


def signed(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
    start = time.perf_counter()
    async with aiohttp.ClientSession() as s, s.post(url, data=body.encode(), headers=headers) as resp:
        return resp.status, await resp.text(), time.perf_counter() - start


async def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)


async def test_brief_is_acked_at_once_then_posted_in_channel(fake_slack, slack_http) -> None:
    url, _adapter = slack_http
    body = urlencode(payload(fake_slack, "/brief", ARTICLE))
    status, text, elapsed = await post(url, body, signed(body))
    assert status == 200 and elapsed < 3.0
    assert json.loads(text)["text"] == WORKING and not fake_slack.responses()  # acked before the brief was done
    await wait_for(lambda: len(fake_slack.responses()) >= 1)
    reply = fake_slack.responses()[0].body
    assert reply["response_type"] == "in_channel"
    blocks = reply["blocks"]
    assert blocks[0]["type"] == "header" and "Ukraine" in blocks[0]["text"]["text"]
    texts = json.dumps(blocks, ensure_ascii=False)
    assert "Antony Blinken" in texts and "America’s top diplomat" in texts


@pytest.mark.parametrize("case", ["wrong secret", "stale", "future", "missing headers", "changed body", "no signature"])
async def test_bad_signatures_are_refused_with_no_side_effect(fake_slack, slack_http, case: str) -> None:
    url, _adapter = slack_http
    body = urlencode(payload(fake_slack, "/brief", ARTICLE))
    headers = signed(body)
    if case == "wrong secret":
        headers = signed(body, secret="not-the-secret")
    elif case == "stale":
        headers = signed(body, timestamp=int(time.time()) - 301)
    elif case == "future":
        headers = signed(body, timestamp=int(time.time()) + 301)
    elif case == "missing headers":
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    elif case == "changed body":
        body = body.replace("blinken", "evil")
    else:
        del headers["X-Slack-Signature"]
    status, _text, _elapsed = await post(url, body, headers)
    assert status == 401
    await asyncio.sleep(0.2)
    assert fake_slack.calls == []


async def test_help_and_usage_errors_come_in_the_ack(fake_slack, slack_http) -> None:
    url, _adapter = slack_http
    for text, expected in (("help", "briefbot commands"), ("schedule 25:99", "Usage: schedule")):
        body = urlencode(payload(fake_slack, "/brief", text))
        status, ack, _elapsed = await post(url, body, signed(body))
        data = json.loads(ack)
        assert (
            status == 200 and expected in json.dumps(data, ensure_ascii=False) and data["response_type"] == "ephemeral"
        )
    assert fake_slack.responses() == []


async def test_config_commands_need_an_admin(fake_slack, slack_http) -> None:
    url, _adapter = slack_http
    body = urlencode(payload(fake_slack, "/brief", "subscribe https://news.example/rss", user="U1"))
    await post(url, body, signed(body))
    await wait_for(lambda: len(fake_slack.responses()) == 1)
    refused = fake_slack.responses()[0].body
    assert refused["response_type"] == "ephemeral" and "Only an admin" in refused["text"]
    fake_slack.admins.add("UADMIN")
    body = urlencode(payload(fake_slack, "/brief", "subscribe https://news.example/rss", user="UADMIN"))
    await post(url, body, signed(body))
    await wait_for(lambda: len(fake_slack.responses()) == 2)
    assert "Subscribed" in fake_slack.responses()[1].body["text"]
    body = urlencode(payload(fake_slack, "/brief", "schedule 07:30 Europe/Berlin", user="UALLOWED"))
    await post(url, body, signed(body))
    await wait_for(lambda: len(fake_slack.responses()) == 3)
    assert "07:30 Europe/Berlin" in fake_slack.responses()[2].body["text"]


async def test_shortcut_commands(fake_slack, slack_http) -> None:
    url, _adapter = slack_http
    body = urlencode(payload(fake_slack, "/quotes", f"{ARTICLE} Kuleba"))
    await post(url, body, signed(body))
    await wait_for(lambda: len(fake_slack.responses()) == 1)
    text = json.dumps(fake_slack.responses()[0].body["blocks"], ensure_ascii=False)
    assert "exercise moderation" in text and "deeply concerned" not in text


async def test_socket_mode_acks_the_envelope_and_replies(fake_slack, core) -> None:
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    adapter = SlackAdapter(core, client, socket_mode=True)
    handler = AsyncSocketModeHandler(adapter.app, "xapp-test", web_client=client)
    await handler.connect_async()
    try:
        await asyncio.wait_for(fake_slack.connected.wait(), 10)
        opened = fake_slack.api_calls("apps.connections.open")
        assert opened and opened[0].headers["Authorization"] == "Bearer xapp-test"
        envelope = await fake_slack.push_envelope(payload(fake_slack, "/actors", ARTICLE))
        await asyncio.wait_for(fake_slack.acked.wait(), 3)
        assert fake_slack.acks[0]["envelope_id"] == envelope
        await wait_for(lambda: len(fake_slack.responses()) == 1)
        assert "Sergei Lavrov" in json.dumps(fake_slack.responses()[0].body["blocks"])
    finally:
        await handler.close_async()


async def test_socket_mode_with_several_instances_connected_answers_each_command_once(fake_slack, core) -> None:
    """Three instances hold a Socket Mode connection each; Slack gives each command to one of them."""
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    handlers = [
        AsyncSocketModeHandler(SlackAdapter(core, client, socket_mode=True).app, "xapp-test", web_client=client)
        for _ in range(3)
    ]
    for handler in handlers:
        await handler.connect_async()
    try:
        await wait_for(lambda: len(fake_slack.api_calls("apps.connections.open")) == 3)
        await wait_for(lambda: len(fake_slack._sockets) == 3)
        texts = ["help", "help brief", "help quotes", "help actors", "help digest", "help feeds"]
        envelopes = [await fake_slack.push_envelope(payload(fake_slack, "/brief", t)) for t in texts]
        await wait_for(lambda: len(fake_slack.acks) == len(texts), 10)
        # An instance goes away: the next commands reach the two left.
        await handlers[0].close_async()
        await wait_for(lambda: fake_slack._sockets[0].closed)
        envelopes += [await fake_slack.push_envelope(payload(fake_slack, "/brief", t)) for t in texts[:4]]
        await wait_for(lambda: len(fake_slack.acks) == len(envelopes), 10)
    finally:
        for handler in handlers[1:]:
            await handler.close_async()
    assert sorted(a["envelope_id"] for a in fake_slack.acks) == sorted(envelopes)
    assert all(a["payload"]["text"] and a["payload"]["response_type"] == "ephemeral" for a in fake_slack.acks)
    went = [index for _envelope, index in fake_slack.delivered]
    assert went[:6] == [0, 1, 2, 0, 1, 2] and set(went[6:]) == {1, 2}


def story(n: int) -> Story:
    quote = Quote(
        "We will keep talking until there is a solution" + " and more" * 40,
        0,
        10,
        0,
        "Jane Minister",
        "Foreign Minister",
        True,
    )
    return Story(
        headline=f"Story {n}: " + "a very long headline " * 12,
        summary=tuple(f"Sentence {k} of story {n}, " + "with many words " * 60 for k in range(3)),
        quote=quote,
        actors=tuple(Actor(f"Person {k}", "person", role="Minister") for k in range(6)),
        sources=tuple(Source(f"https://n{k}.example/{n}", f"Title {k}", f"feed{k}") for k in range(8)),
    )


async def test_forty_story_digest_is_posted_as_a_thread_without_rejection(fake_slack) -> None:
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    from adapters.slack.app import SlackPublisher

    digest = Digest(day=dt.date(2026, 11, 26), stories=tuple(story(n) for n in range(40)), title="Morning digest")
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    publisher = SlackPublisher(client, pace=1.0, sleep=sleep)
    await publisher.post(ChannelRef("slack", "C1"), DigestReply(digest))
    posts = fake_slack.api_calls("chat.postMessage")
    assert len(posts) >= 41
    assert all(not FakeSlack.invalid_blocks(p.body.get("blocks")) for p in posts)
    head_ts = fake_slack.posted[0]["ts"]
    assert "thread_ts" not in posts[0].body and all(p.body["thread_ts"] == head_ts for p in posts[1:])
    assert len(sleeps) == len(posts) - 1 and all(0 < s <= 1.0 for s in sleeps)  # one message a second


async def test_rate_limited_post_is_retried_after_retry_after(fake_slack) -> None:
    client = make_client("xoxb-test", fake_slack.base + "/api/")
    fake_slack.ratelimit_next(1, retry_after=1)
    start = time.monotonic()
    response = await client.chat_postMessage(channel="C1", text="hello")
    assert response["ok"] and time.monotonic() - start >= 1.0
    assert len(fake_slack.api_calls("chat.postMessage")) == 2


def test_every_reply_fits_slack_limits(longest_dev_brief) -> None:
    brief = longest_dev_brief
    for view in ("brief", "quotes", "actors"):
        messages = render(BriefReply(brief, view=view))  # type: ignore[arg-type]
        assert messages and all(not FakeSlack.invalid_blocks(m["blocks"]) for m in messages)
        assert all(len(m["text"]) <= 3000 for m in messages)
    digest = Digest(day=dt.date(2026, 11, 26), stories=tuple(story(n) for n in range(40)))
    messages = render(DigestReply(digest))
    assert len(messages) > 1 and all(not FakeSlack.invalid_blocks(m["blocks"]) for m in messages)


def test_a_story_told_by_ten_outlets_says_so_and_fits() -> None:
    many = [
        replace(
            story(n),
            sources=tuple(
                Source(f"https://outlet{k}.example/{'path/' * 40}{n}", "A long headline " * 12, f"feed{k}")
                for k in range(10)
            ),
        )
        for n in range(12)
    ]
    messages = render(DigestReply(Digest(day=dt.date(2026, 11, 26), stories=tuple(many))))
    assert all(not FakeSlack.invalid_blocks(m["blocks"]) for m in messages)
    text = json.dumps([m["blocks"] for m in messages])
    assert text.count("10 sources") == 12 and text.count("and 5 more") == 12
    assert "https://outlet4.example/" in text


def test_text_splitting_keeps_every_word_and_respects_the_limit() -> None:
    text = "\n\n".join(" ".join(f"word{n}-{k}" for k in range(400)) for n in range(5))
    parts = split_text(text, 3000)
    assert all(len(p) <= 3000 for p in parts)
    assert " ".join(parts).split() == text.split()
    assert len(pack(sections(text) * 30, "x")) >= 2
    huge = Brief(
        article=Article(text="x", title="T" * 400),
        summary=(Sentence("s" * 9000, 0, 1, 0),),
        method="news",
    )
    assert all(not FakeSlack.invalid_blocks(m["blocks"]) for m in render(BriefReply(huge)))


def test_manifest_declares_every_slash_command_and_scope() -> None:
    import yaml

    from adapters.slack.app import SLASH_COMMANDS
    from tests.conftest import ROOT

    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == set(SLASH_COMMANDS)
    assert {"commands", "chat:write", "im:write", "users:read", "channels:history"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert manifest["settings"]["socket_mode_enabled"] is True
    from adapters.slack.app import BRIEF_SHORTCUT

    assert [(c["type"], c["callback_id"]) for c in manifest["features"]["shortcuts"]] == [("message", BRIEF_SHORTCUT)]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_the_oauth_manifest_matches_the_other_and_asks_for_what_oauth_mode_needs() -> None:
    import yaml

    from adapters.slack.oauth import SCOPES
    from tests.conftest import ROOT

    token_mode = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    oauth = yaml.safe_load((ROOT / "slack-manifest.oauth.yml").read_text(encoding="utf-8"))
    bot_scopes = oauth["oauth_config"]["scopes"]["bot"]
    assert bot_scopes == token_mode["oauth_config"]["scopes"]["bot"] and tuple(bot_scopes) == SCOPES
    commands = oauth["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [c["command"] for c in token_mode["features"]["slash_commands"]]
    assert {c["url"] for c in commands} == {"https://YOUR-HOST/slack/events"}
    assert oauth["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]
    events = oauth["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://YOUR-HOST/slack/events"
    assert set(events["bot_events"]) == {"app_uninstalled", "tokens_revoked", "app_home_opened"}
    assert oauth["features"]["app_home"] == token_mode["features"]["app_home"]
    assert token_mode["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert oauth["settings"]["socket_mode_enabled"] is False
    assert oauth["features"]["shortcuts"] == token_mode["features"]["shortcuts"]
    assert oauth["settings"]["interactivity"] == {"is_enabled": True, "request_url": "https://YOUR-HOST/slack/events"}


LONG_TEXT = (
    "Foreign Minister Sergei Lavrov said on Thursday that Russia would not accept the deployment of new "
    "missiles near its borders. Secretary of State Antony Blinken told reporters in Stockholm that the "
    "United States was ready to answer any aggression with severe economic measures. The two ministers "
    "met for thirty minutes on the sidelines of a security conference and agreed to keep talking."
)


def interactive(payload: dict) -> tuple[str, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)})
    return body, signed(body)


def shortcut_payload(fake: FakeSlack, message: dict) -> dict:
    return {
        "type": "message_action",
        "callback_id": "brief_message",
        "trigger_id": "1.2.3",
        "response_url": fake.issue_response_url(),
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": "C1", "name": "news"},
        "user": {"id": "U1", "name": "someone"},
        "message": message,
        "message_ts": message.get("ts", ""),
        "api_app_id": "A1",
        "token": "deprecated",
    }


def share_payload(fake: FakeSlack, value: str) -> dict:
    return {
        "type": "block_actions",
        "trigger_id": "1.2.4",
        "response_url": fake.issue_response_url(),
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": "C1", "name": "news"},
        "user": {"id": "U2", "name": "other"},
        "container": {"type": "message", "message_ts": "1", "channel_id": "C1", "is_ephemeral": True},
        "actions": [{"type": "button", "action_id": "briefbot_share", "block_id": "b", "value": value,
                     "action_ts": "1"}],
        "api_app_id": "A1",
        "token": "deprecated",
    }  # fmt: skip


async def shortcut(fake: FakeSlack, url: str, message: dict) -> dict:
    before = len(fake.answered)
    body, headers = interactive(shortcut_payload(fake, message))
    status, _text, elapsed = await post(url, body, headers)
    assert status == 200 and elapsed < 3.0
    await wait_for(lambda: len(fake.answered) > before)
    return fake.answered[-1]


def share_value(answer: dict) -> str:
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["briefbot_share"]
    return buttons[0]["value"]


async def test_a_message_shortcut_briefs_its_link_for_the_asker_and_shares_it_in_the_thread(
    fake_slack, slack_http
) -> None:
    url, _adapter = slack_http
    ts = fake_slack.add_message("C1", f"Worth a read: <{ARTICLE}|the story> (via a colleague)")
    answer = await shortcut(
        fake_slack, url, {"type": "message", "user": "U9", "ts": ts, "text": fake_slack.posted[-1]["text"]}
    )
    assert answer["response_type"] == "ephemeral"  # the asker's only
    assert "Antony Blinken" in json.dumps(answer["blocks"], ensure_ascii=False)
    assert not fake_slack.api_calls("chat.postMessage")
    body, headers = interactive(share_payload(fake_slack, share_value(answer)))
    status, _text, _elapsed = await post(url, body, headers)
    assert status == 200
    await wait_for(lambda: len(fake_slack.api_calls("chat.postMessage")) >= 1)
    posted = fake_slack.api_calls("chat.postMessage")
    assert {c.body["thread_ts"] for c in posted} == {ts} and {c.body["channel"] for c in posted} == {"C1"}
    assert "Antony Blinken" in json.dumps([c.body for c in posted], ensure_ascii=False)
    await wait_for(lambda: fake_slack.answered[-1].get("text") == "Shared in the thread.")
    assert fake_slack.answered[-1].get("replace_original") in (True, "true")


async def test_a_message_without_a_link_is_briefed_from_its_text_and_shared_by_reading_it_again(
    fake_slack, slack_http
) -> None:
    url, _adapter = slack_http
    parent = fake_slack.add_message("C1", "Morning all")
    ts = fake_slack.add_message("C1", LONG_TEXT, thread_ts=parent)
    answer = await shortcut(fake_slack, url, {"type": "message", "user": "U9", "ts": ts, "thread_ts": parent,
                                              "text": LONG_TEXT})  # fmt: skip
    assert "Lavrov" in json.dumps(answer["blocks"], ensure_ascii=False)
    value = json.loads(share_value(answer))
    assert value == {"ts": ts, "thread": parent, "url": ""}
    body, headers = interactive(share_payload(fake_slack, share_value(answer)))
    await post(url, body, headers)
    await wait_for(lambda: len(fake_slack.api_calls("chat.postMessage")) >= 1)
    assert fake_slack.api_calls("conversations.replies")  # the text was read again, not carried in the button
    assert {c.body["thread_ts"] for c in fake_slack.api_calls("chat.postMessage")} == {parent}


@pytest.mark.parametrize(
    "message",
    [
        {"type": "message", "user": "U9", "ts": "1.0", "text": "",
         "files": [{"id": "F1", "mimetype": "image/png", "name": "chart.png"}]},
        {"type": "message", "user": "U9", "ts": "1.0", "text": "lol, agreed"},
        {"type": "message", "user": "U9", "ts": "1.0", "text": "see <https://news.example/gone>"},
    ],
    ids=["only an image", "little text", "a page that is not there"],
)  # fmt: skip
async def test_a_message_with_nothing_to_brief_gets_one_clear_line(fake_slack, slack_http, message) -> None:
    url, _adapter = slack_http
    answer = await shortcut(fake_slack, url, message)
    assert answer["response_type"] == "ephemeral"
    assert len(answer["text"].splitlines()) == 1 and "Traceback" not in answer["text"]
    assert "no link, and too little text" in answer["text"] or "404" in answer["text"]
    assert "blocks" not in answer or not [b for b in answer["blocks"] if b["type"] == "actions"]


@pytest.mark.parametrize(
    "value", ["", "not json", '{"ts": 1}', '["a"]', '{"ts": "1", "thread": "1", "url": "javascript:x"}']
)
async def test_a_forged_share_button_value_gets_one_line(fake_slack, slack_http, value: str) -> None:
    url, _adapter = slack_http
    body, headers = interactive(share_payload(fake_slack, value))
    status, _text, _elapsed = await post(url, body, headers)
    assert status == 200
    await wait_for(lambda: len(fake_slack.answered) >= 1)
    assert len(fake_slack.answered[-1]["text"].splitlines()) == 1
    assert not fake_slack.api_calls("chat.postMessage")


FEED = "https://news.example/rss"
RSS = (
    "<rss version='2.0'><channel><title>News</title>"
    f"<item><title>Blinken meets Lavrov</title><link>{ARTICLE}</link></item></channel></rss>"
).encode()


def story_click(fake: FakeSlack, action: str, value: str, channel: str = "C1") -> dict:
    return {
        "type": "block_actions",
        "trigger_id": "1.2.5",
        "response_url": fake.issue_response_url(),
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": channel, "name": "news"},
        "user": {"id": "U3", "name": "reader"},
        "container": {"type": "message", "message_ts": "1", "channel_id": channel, "is_ephemeral": False},
        "message": {"type": "message", "ts": "1", "text": "story"},
        "actions": [{"type": "button", "action_id": f"briefbot_story_{action}", "block_id": "story-1", "value": value,
                     "action_ts": "1"}],
        "api_app_id": "A1",
        "token": "deprecated",
    }  # fmt: skip


async def test_digest_story_buttons_answer_the_reader_from_the_stored_digest_days_later_and_after_a_restart(
    fake_slack, core
) -> None:
    from bot.model import Schedule

    core.fetcher.feeds[FEED] = RSS
    channel = ChannelRef("slack", "C1", "T1")
    await core.store.add_subscription(channel, FEED, (), ())
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)  # posted days ago
    first = SlackAdapter(core, make_client("xoxb-test", fake_slack.base + "/api/"), signing_secret=SECRET, pace=0)
    assert await core.deliver_digest(Schedule(channel, dt.time(7, 0), "UTC"), day, first.publisher)
    stories = [c.body for c in fake_slack.api_calls("chat.postMessage") if "story-1" in json.dumps(c.body)]
    [posted] = stories
    assert "story" not in posted  # the plan's reference stays in the plan
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (f"briefbot_story_{a}", f"{day.isoformat()}:1") for a in ("brief", "quotes", "sources")
    ]
    core.fetcher.failing.add(ARTICLE)  # the page is gone since: the cached brief answers
    # A new adapter (a restart): the buttons are routed by action_id, the story found in the stored plan.
    again = SlackAdapter(core, make_client("xoxb-test", fake_slack.base + "/api/"), signing_secret=SECRET, pace=0)
    runner = web.AppRunner(again.web_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        answers = {}
        for action in ("brief", "quotes", "sources"):
            before = len(fake_slack.answered)
            body, headers = interactive(story_click(fake_slack, action, f"{day.isoformat()}:1"))
            status, _text, elapsed = await post(url, body, headers)
            assert status == 200 and elapsed < 3.0
            await wait_for(lambda before=before: len(fake_slack.answered) > before)
            answers[action] = fake_slack.answered[-1]
        for action, answer in answers.items():
            assert answer["response_type"] == "ephemeral" and answer.get("replace_original") in (False, "false")
            assert not FakeSlack.invalid_blocks(answer["blocks"]), action
        assert "Antony Blinken" in json.dumps(answers["brief"]["blocks"], ensure_ascii=False)
        assert "“exercise moderation”" in json.dumps(answers["quotes"]["blocks"], ensure_ascii=False)
        assert ARTICLE in json.dumps(answers["sources"]["blocks"]) and "Blinken meets Lavrov" in json.dumps(
            answers["sources"]["blocks"]
        )
        # A story the digest did not have, a day with no digest, a forged value: one line each.
        for value in (f"{day.isoformat()}:9", "2001-01-01:1", "not-a-day:x", ""):
            before = len(fake_slack.answered)
            body, headers = interactive(story_click(fake_slack, "brief", value))
            await post(url, body, headers)
            await wait_for(lambda before=before: len(fake_slack.answered) > before)
            assert len(fake_slack.answered[-1]["text"].splitlines()) == 1
        # Another channel's click on this digest's story finds nothing: stories are the channel's own.
        before = len(fake_slack.answered)
        body, headers = interactive(story_click(fake_slack, "brief", f"{day.isoformat()}:1", channel="C2"))
        await post(url, body, headers)
        await wait_for(lambda: len(fake_slack.answered) > before)
        assert "no longer kept" in fake_slack.answered[-1]["text"]
    finally:
        await runner.cleanup()


async def test_watch_is_answered_to_the_person_and_its_alert_comes_as_a_direct_message(fake_slack, slack_http) -> None:
    from tests.fakes.core import FakeFetcher
    from tests.fakes.web import rss

    url, adapter = slack_http
    core = adapter.core
    assert isinstance(core.fetcher, FakeFetcher)
    from email.utils import format_datetime

    published = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), usegmt=True)
    core.fetcher.feeds["https://news.example/rss"] = rss([("Ministers meet over Ukraine", ARTICLE, published)]).encode()

    async def command(name: str, text: str, user: str) -> dict:
        before = len(fake_slack.responses())
        body = urlencode(payload(fake_slack, name, text, user))
        status, _acked, _elapsed = await post(url, body, signed(body))
        assert status == 200
        await wait_for(lambda: len(fake_slack.responses()) > before)
        return fake_slack.responses()[-1].body

    watched = await command("/watch", "Blinken", "U2")
    assert watched["response_type"] == "ephemeral" and "Watching “Blinken”" in json.dumps(watched, ensure_ascii=False)
    listed = await command("/watch", "", "U2")
    assert "“Blinken”" in json.dumps(listed, ensure_ascii=False) and listed["response_type"] == "ephemeral"
    await command("/brief", "subscribe https://news.example/rss", "UALLOWED")
    await core.refresh()
    assert await core.alert_watchers({"slack": adapter}) == 1
    (dm,) = [m for m in fake_slack.posted if m["channel"] == "DU2"]
    opened = [c for c in fake_slack.calls if c.path.endswith("conversations.open")]
    assert [c.body.get("users") for c in opened] == ["U2"]
    sent = next(c.body for c in fake_slack.calls if c.path.endswith("chat.postMessage"))
    blocks = json.loads(sent["blocks"]) if isinstance(sent["blocks"], str) else sent["blocks"]
    assert "Your watch “Blinken” found a new story" in blocks[0]["elements"][0]["text"]
    assert blocks[1]["type"] == "header" and "Blinken" in json.dumps(blocks, ensure_ascii=False)
    assert "Your watch" in dm["text"]


async def test_the_home_tab_shows_fifty_channels_with_their_feeds_and_next_digest_within_block_kit(
    fake_slack, slack_http
) -> None:
    from bot.model import Schedule

    url, adapter = slack_http
    store = adapter.core.store
    for n in range(50):
        channel = ChannelRef("slack", f"C{n:03d}", "T1")
        for k in range(3 if n else 12):  # the first channel has more feeds than one section lists
            await store.add_subscription(channel, f"https://feeds{k}.example/{n}/rss", (), ())
        if n % 2:
            await store.set_schedule(Schedule(channel, dt.time(7, 30), "Europe/Berlin", (0, 1, 2, 3, 4)))
    await store.record_fetch("https://feeds1.example/7/rss", error="That page answered 404 Not Found.")
    await store.add_subscription(ChannelRef("slack", "C-ELSEWHERE", "T2"), "https://other.example/rss", (), ())
    await store.add_watch("slack", "T1", "U2", "Lavrov")
    raw = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": "Ev1",
            "event": {"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home", "event_ts": "1.2"},
        }
    )
    headers = {**signed(raw), "Content-Type": "application/json"}
    status, _text, elapsed = await post(url, raw, headers)
    assert status == 200 and elapsed < 3.0
    await wait_for(lambda: "U2" in fake_slack.views)
    blocks = fake_slack.views["U2"]["blocks"]
    assert len(blocks) <= 100 and not FakeSlack.invalid_blocks(blocks, limit=100)
    text = json.dumps(blocks, ensure_ascii=False)
    assert all(f"<#C{n:03d}>" in text for n in range(50)) and "C-ELSEWHERE" not in text
    assert "*Your briefs*: no limit" in text and "“Lavrov” (1)" in text and "10 of 10 messages left today" in text
    assert "failing: That page answered 404" in text and "… and 4 more feeds" in text
    assert text.count("digest at 07:30 Europe/Berlin on weekdays, next <!date^") == 25
    assert text.count("no daily digest") == 25
    # The Messages tab (where watch alerts arrive) publishes nothing.
    raw = raw.replace('"tab": "home"', '"tab": "messages"').replace("Ev1", "Ev2")
    fake_slack.views.clear()
    status, _text, _elapsed = await post(url, raw, {**signed(raw), "Content-Type": "application/json"})
    await asyncio.sleep(0.3)
    assert status == 200 and not fake_slack.views


def test_a_home_tab_of_many_channels_is_cut_within_its_hundred_blocks() -> None:
    from adapters.slack.render import render_home
    from bot.model import ChannelHome, HomeReply

    now = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
    channels = tuple(ChannelHome(ChannelRef("slack", f"C{n}", "T1"), (), None, None) for n in range(500))
    view = render_home(HomeReply(channels, (), 3, 10, 0, 10, now))
    assert len(view["blocks"]) == 100 and not FakeSlack.invalid_blocks(view["blocks"], limit=100)
    text = json.dumps(view["blocks"], ensure_ascii=False)
    shown = text.count("<#C")
    assert shown == 95 and f"… and {500 - shown} more channels." in text


async def test_a_feed_can_mention_a_user_group_typed_by_its_handle(fake_slack, slack_http) -> None:
    from adapters.slack.app import SlackPublisher
    from bot.model import Schedule

    url, adapter = slack_http
    core = adapter.core
    core.fetcher.feeds[FEED] = RSS
    fake_slack.usergroups = [
        {"id": "S0OLD", "handle": "news-desk", "date_delete": 1700000000},
        {"id": "S0DESK", "handle": "news-desk", "date_delete": 0},
    ]

    async def command(text: str) -> str:
        before = len(fake_slack.responses())
        body = urlencode(payload(fake_slack, "/brief", text, "UALLOWED"))
        status, _acked, _elapsed = await post(url, body, signed(body))
        assert status == 200
        await wait_for(lambda: len(fake_slack.responses()) > before)
        return json.dumps(fake_slack.responses()[-1].body, ensure_ascii=False)

    assert "no user group @sports" in await command(f"subscribe {FEED} --mention @sports")
    assert "takes a user group" in await command(f"subscribe {FEED} --mention <@&123>")
    said = await command(f"subscribe {FEED} --mention @News-Desk")
    assert "mention the group you named" in said and "subteam" not in said  # told, not notified
    channel = ChannelRef("slack", "C1", "T1")
    assert [s.mention for s in await core.store.subscriptions(channel)] == ["<!subteam^S0DESK>"]
    publisher = SlackPublisher(make_client("xoxb-test", fake_slack.base + "/api/"), pace=0)
    day = dt.datetime.now(dt.UTC).date()
    assert await core.deliver_digest(Schedule(channel, dt.time(7, 0), "UTC"), day, publisher)
    story = fake_slack.posted[-1]
    sent = [c.body for c in fake_slack.calls if c.path.endswith("chat.postMessage")][-1]
    blocks = json.loads(sent["blocks"]) if isinstance(sent["blocks"], str) else sent["blocks"]
    assert blocks[0]["text"]["text"] == "<!subteam^S0DESK>" and story["text"].startswith("<!subteam^S0DESK> 1. ")
    assert "subteam" not in fake_slack.posted[0]["text"]  # the headline mentions no one
    # Subscribing again without --mention stops it.
    await command(f"subscribe {FEED}")
    assert [s.mention for s in await core.store.subscriptions(channel)] == [""]
