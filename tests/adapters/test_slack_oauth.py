"""OAuth mode through the real slack-bolt app: "Add to Slack" in two workspaces, each served with its own
token, CSRF refused, rotation, uninstall; on SQLite and on PostgreSQL, tokens sealed at rest."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text

from adapters.cli.run import _slack_oauth
from adapters.slack.app import OAuthConfig, SlackAdapter, make_client
from adapters.slack.oauth import InstallationStore, StateStore, workspace_key
from bot.core import Core
from bot.model import ChannelRef
from bot.sealing import SEALED, Sealer, SecretKeyError, new_key
from bot.settings import Settings
from bot.storage import SqlStore
from tests.adapters.conftest import ARTICLE
from tests.conftest import SEED
from tests.fakes.core import FakeFetcher
from tests.fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.slow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FEED = "https://news.example/rss"
RSS = (
    "<rss version='2.0'><channel><title>News</title>"
    f"<item><title>Blinken meets Lavrov</title><link>{ARTICLE}</link></item></channel></rss>"
).encode()
DAY = dt.date(2026, 12, 3)


@dataclass
class Bot:
    """briefbot in OAuth mode, served on 127.0.0.1 against the fake Slack."""

    url: str
    adapter: SlackAdapter
    store: SqlStore
    target: str
    key: str


@pytest.fixture(params=["sqlite", "postgresql"])
async def bot(request, tmp_path, fake_slack, briefer) -> AsyncIterator[Bot]:
    target = str(tmp_path / "oauth.sqlite3") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = await SqlStore.open(target)
    fetcher = FakeFetcher(articles={ARTICLE: SEED.read_text(encoding="utf-8")}, feeds={FEED: RSS})
    core = Core(fetcher=fetcher, store=store, brief=lambda a: briefer.brief(a, quotes=None))
    key = new_key()
    fake_slack.check_tokens = True
    fake_slack.admins.update({"UADMIN1", "UADMIN2"})
    oauth = OAuthConfig(
        client_id=fake_slack.client_id,
        client_secret=fake_slack.client_secret,
        installations=InstallationStore(store, Sealer((key,))),
        states=StateStore(store, core.clock),
    )
    adapter = SlackAdapter(
        core, make_client(None, fake_slack.base + "/api/"), signing_secret=SECRET, oauth=oauth, pace=0
    )
    runner = web.AppRunner(adapter.web_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield Bot(f"http://127.0.0.1:{runner.addresses[0][1]}", adapter, store, target, key)
    await runner.cleanup()
    core.close()
    await store.close()


async def start_install(bot: Bot) -> tuple[str, str, str]:
    """Open the install page: (the "Add to Slack" link, the state in it, the browser's state cookie)."""
    async with aiohttp.ClientSession() as http, http.get(bot.url + "/slack/install") as resp:
        assert resp.status == 200
        page = await resp.text()
        cookie = resp.headers["Set-Cookie"].split(";")[0]
    link = re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page)
    assert link is not None and "Add to Slack" in page
    href = link.group(1).replace("&amp;", "&")
    state = parse_qs(urlparse(href).query)["state"][0]
    return href, state, cookie


async def redirect(bot: Bot, code: str, state: str, cookie: str | None) -> tuple[int, str]:
    headers = {"Cookie": cookie} if cookie else {}
    query = urlencode({"code": code, "state": state})
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{bot.url}/slack/oauth_redirect?{query}", headers=headers) as resp,
    ):
        return resp.status, await resp.text()


async def install(bot: Bot, fake: FakeSlack, team: str | None, **kw: Any) -> None:
    _href, state, cookie = await start_install(bot)
    status, page = await redirect(bot, fake.authorize(team, **kw), state, cookie)
    assert status == 200, page


def signed(body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


async def command(
    bot: Bot, fake: FakeSlack, team: str, text_: str, user: str, channel: str = "C1", **extra: str
) -> dict[str, Any]:
    """A signed ``/brief`` from ``team``; the final reply sent to its response_url."""
    before = len(fake.answered)
    form = {
        **extra,
        "team_id": team,
        "channel_id": channel,
        "user_id": user,
        "command": "/brief",
        "text": text_,
        "response_url": fake.issue_response_url(),
        "api_app_id": "A1",
    }
    body = urlencode(form)
    headers = signed(body, "application/x-www-form-urlencoded")
    async with aiohttp.ClientSession() as http, http.post(bot.url + "/slack/events", data=body, headers=headers) as r:
        assert r.status == 200
    deadline = time.monotonic() + 30
    while len(fake.answered) <= before:
        assert time.monotonic() < deadline, "no reply"
        await asyncio.sleep(0.02)
    return fake.answered[-1]


async def event(bot: Bot, team: str, body: dict[str, Any]) -> int:
    raw = json.dumps(
        {"type": "event_callback", "team_id": team, "api_app_id": "A1", "event_id": f"Ev{time.time_ns()}", **body}
    )
    headers = signed(raw, "application/json")
    async with aiohttp.ClientSession() as http, http.post(bot.url + "/slack/events", data=raw, headers=headers) as r:
        return r.status


async def dump(bot: Bot) -> str:
    """Every row of every table, as text: what a stolen backup shows."""
    if not bot.target.startswith("postgresql"):
        with sqlite3.connect(bot.target) as db:
            return "\n".join(db.iterdump())
    async with bot.store.engine.connect() as conn:
        tables = (
            await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        ).scalars()
        rows = []
        for table in list(tables):
            rows += [repr(tuple(r)) for r in await conn.execute(text(f'SELECT * FROM "{table}"'))]  # noqa: S608
        return "\n".join(rows)


def posted_by(fake: FakeSlack) -> dict[str, list[str]]:
    """The workspace of the token each chat.postMessage carried, with the message texts."""
    out: dict[str, list[str]] = {}
    for call in fake.api_calls("chat.postMessage"):
        owner = fake.tokens.get(fake.token_of(call))
        out.setdefault(owner.key if owner else "?", []).append(call.body.get("text", ""))
    return out


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(bot: Bot, fake_slack: FakeSlack) -> None:
    href, _state, _cookie = await start_install(bot)
    assert href.startswith(fake_slack.base + "/oauth/v2/authorize?")
    assert "scope=commands,chat:write," in href and f"client_id={fake_slack.client_id}" in href
    await install(bot, fake_slack, "T1")
    await install(bot, fake_slack, "T2")
    # The same channel id in both (a Slack Connect channel): two channels to briefbot.
    for team, admin in (("T1", "UADMIN1"), ("T2", "UADMIN2")):
        reply = await command(bot, fake_slack, team, f"subscribe {FEED}", admin)
        assert "Subscribed this channel" in reply["text"], reply
        asked = [c for c in fake_slack.api_calls("users.info") if c.body.get("user") == admin]
        assert fake_slack.tokens[fake_slack.token_of(asked[-1])].key == team  # asked with its own token
    reply = await command(bot, fake_slack, "T1", "schedule 07:30 Europe/Berlin", "UADMIN1")
    assert "07:30" in reply["text"]
    brief = await command(bot, fake_slack, "T2", ARTICLE, "U2")
    assert "Blinken" in json.dumps(brief)
    # Neither sees or changes the other's feeds or schedule.
    await command(bot, fake_slack, "T2", f"unsubscribe {FEED}", "UADMIN2")
    feeds_t1 = await command(bot, fake_slack, "T1", "feeds", "U1")
    feeds_t2 = await command(bot, fake_slack, "T2", "feeds", "U2")
    assert FEED in json.dumps(feeds_t1) and FEED not in json.dumps(feeds_t2)
    await command(bot, fake_slack, "T2", f"subscribe {FEED}", "UADMIN2")
    await command(bot, fake_slack, "T2", "schedule 08:00 UTC", "UADMIN2")
    schedules = await bot.store.schedules()
    assert sorted(s.channel.workspace for s in schedules) == ["T1", "T2"]
    # Each workspace's digest, posted with its own workspace's token.
    core = bot.adapter.core
    for schedule in schedules:
        assert await core.deliver_digest(schedule, DAY, bot.adapter.publisher)
    by_team = posted_by(fake_slack)
    assert set(by_team) == {"T1", "T2"} and len(by_team["T1"]) == len(by_team["T2"]) >= 2
    # Sealed at rest: no token issued by Slack appears anywhere in the database.
    stored = await dump(bot)
    assert fake_slack.issued and not [t for t in fake_slack.issued if t in stored]
    assert SEALED in stored


async def test_a_forged_or_replayed_state_installs_nothing(bot: Bot, fake_slack: FakeSlack) -> None:
    _href, state, cookie = await start_install(bot)
    # A state this app never issued, with a cookie to match (an attacker's own link): refused.
    status, _page = await redirect(bot, fake_slack.authorize("T6"), "forged", "slack-app-oauth-state=forged")
    assert status == 401
    # The victim's state without the victim's browser cookie: refused.
    status, _page = await redirect(bot, fake_slack.authorize("T6"), state, None)
    assert status == 400
    assert await bot.store.installations("slack") == []
    status, _page = await redirect(bot, fake_slack.authorize("T6"), state, cookie)
    assert status == 200
    # The same state again (a replayed redirect): refused, nothing more written.
    before = await bot.store.installations("slack")
    status, _page = await redirect(bot, fake_slack.authorize("T7"), state, cookie)
    assert status == 401
    assert await bot.store.installations("slack") == before
    assert [k.team for k, _d in before if k.kind == "bot"] == ["T6"]


async def test_an_uninstalled_workspace_is_forgotten_and_its_digest_not_attempted(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    await install(bot, fake_slack, "T1")
    await install(bot, fake_slack, "T2")
    for team, admin in (("T1", "UADMIN1"), ("T2", "UADMIN2")):
        await command(bot, fake_slack, team, f"subscribe {FEED}", admin)
        await command(bot, fake_slack, team, "schedule 07:30 UTC", admin)
    t1 = ChannelRef("slack", "C1", "T1")
    assert await bot.adapter.installed(t1)
    fake_slack.revoke("T1")
    assert await event(bot, "T1", {"event": {"type": "app_uninstalled"}}) == 200
    deadline = time.monotonic() + 10
    while await bot.adapter.installed(t1):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert {k.team for k, _d in await bot.store.installations("slack")} == {"T2"}
    assert [s.channel.workspace for s in await bot.store.subscriptions()] == ["T2"]
    assert [s.channel.workspace for s in await bot.store.schedules()] == ["T2"]
    # A revoked bot token (tokens_revoked) forgets the workspace too.
    await event(bot, "T2", {"event": {"type": "tokens_revoked", "tokens": {"bot": ["BBOT-T2"]}}})
    deadline = time.monotonic() + 10
    while await bot.store.schedules():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert await bot.store.installations("slack") == []
    assert fake_slack.api_calls("chat.postMessage") == []


async def test_rotating_tokens_are_refreshed_and_the_new_one_used(bot: Bot, fake_slack: FakeSlack) -> None:
    await install(bot, fake_slack, "T3", rotation=True, expires_in=60)  # due at once (refreshed 2 h ahead)
    first = next(t for t, w in fake_slack.tokens.items() if w.key == "T3")
    reply = await command(bot, fake_slack, "T3", f"subscribe {FEED}", "UADMIN1")
    assert "Subscribed" in reply["text"]
    refreshes = [c for c in fake_slack.api_calls("oauth.v2.access") if c.body.get("grant_type") == "refresh_token"]
    assert refreshes, "the request's token was not refreshed"
    stored = await bot.adapter.oauth.installations.async_find_bot(enterprise_id=None, team_id="T3")
    assert stored is not None and stored.bot_token != first and stored.bot_token in fake_slack.tokens
    fake_slack.tokens.pop(first)  # the old token stops working
    await command(bot, fake_slack, "T3", "schedule 07:30 UTC", "UADMIN1")
    [schedule] = await bot.store.schedules()
    assert await bot.adapter.core.deliver_digest(schedule, DAY, bot.adapter.publisher)
    assert set(posted_by(fake_slack)) == {"T3"}


async def test_an_organisation_wide_install_serves_its_workspaces_and_leaves_as_one(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    await install(bot, fake_slack, None, enterprise_id="E1", org=True)
    form_team = "T8"
    grid = {"enterprise_id": "E1", "is_enterprise_install": "true"}
    reply = await command(bot, fake_slack, form_team, f"subscribe {FEED}", "UADMIN1", **grid)
    assert "Subscribed" in reply["text"], reply
    channel = ChannelRef("slack", "C1", workspace_key("E1", form_team))
    assert [s.channel for s in await bot.store.subscriptions()] == [channel]
    assert await bot.adapter.installed(channel)
    await command(bot, fake_slack, form_team, "schedule 07:30 UTC", "UADMIN1", **grid)
    [schedule] = await bot.store.schedules()
    assert await bot.adapter.core.deliver_digest(schedule, DAY, bot.adapter.publisher)
    assert set(posted_by(fake_slack)) == {"E1"}
    assert await event(bot, form_team, {"enterprise_id": "E1", "is_enterprise_install": True,
                                        "event": {"type": "app_uninstalled"}}) == 200  # fmt: skip
    deadline = time.monotonic() + 10
    while await bot.store.subscriptions():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert await bot.store.installations("slack") == []


async def test_a_wrong_key_stops_the_start_with_one_line_and_no_token(bot: Bot, fake_slack: FakeSlack, caplog) -> None:
    await install(bot, fake_slack, "T1")
    settings = Settings.from_mapping({**_env(fake_slack), "BRIEFBOT_SECRET_KEY": new_key()})
    with caplog.at_level(logging.INFO):
        assert await _slack_oauth(settings, bot.adapter.core) is None
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "BRIEFBOT_SECRET_KEY does not open" in errors[0]
    assert not [t for t in fake_slack.issued if t in caplog.text] and "Traceback" not in caplog.text
    # The old key after a new one: opened, and sealed again with the new one.
    rotated = Settings.from_mapping({**_env(fake_slack), "BRIEFBOT_SECRET_KEY": f"{new_key()},{bot.key}"})
    assert await _slack_oauth(rotated, bot.adapter.core) is not None
    with pytest.raises(SecretKeyError):
        Sealer((bot.key,)).open((await bot.store.installations("slack"))[0][1])


def _env(fake: FakeSlack) -> dict[str, str]:
    return {
        "SLACK_MODE": "http",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_CLIENT_ID": fake.client_id,
        "SLACK_CLIENT_SECRET": fake.client_secret,
    }
