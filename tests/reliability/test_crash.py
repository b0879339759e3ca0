"""Crash safety: ``briefbot run`` killed with SIGKILL at several points of a scheduled digest, then
restarted, against the Slack and Discord fakes; each channel ends with exactly one digest, every
message of it once, the subscriptions and schedules intact and the database passing its integrity
check.

The kills are the worst places there are: while the digest is being built, inside the platform's
handler right after it stored a message and before it answered (the bot cannot know the message was
posted), and at random moments of the posting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import random
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.model import ChannelRef, Schedule
from bot.storage import SqlStore
from tests.adapters.test_run import clean_env
from tests.conftest import SEED
from tests.fakes.fake_discord import BOT_ID, CHANNEL_ID, FakeDiscord
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.web import FakeWeb, article_html, rss, serve

pytestmark = pytest.mark.slow

HAS_PROC = Path("/proc/self/environ").exists()
SLACK_CH = ChannelRef("slack", "C1", "T1")
DISCORD_CH = ChannelRef("discord", CHANNEL_ID, "900000000000000003")
STORIES = {
    "floods": (
        "Floods close schools across the north",
        [
            "Heavy rain closed hundreds of schools across the north on Wednesday as rivers burst their banks.",
            "\u201cWe have never seen water this high,\u201d said Maria Lopez, the mayor of Riverton.",
            "Forecasters expect more rain on Thursday, and officials urged residents to stay away from rivers.",
            "Emergency crews built barriers of sandbags overnight along the main roads into the town centre.",
        ],
    ),
    "chips": (
        "Chipmaker opens a plant in Ohio",
        [
            "The chipmaker Intel opened a new factory near Columbus, Ohio, on Tuesday after two years of work.",
            "\u201cThis plant brings three thousand jobs to the state,\u201d said Governor Mike DeWine at the opening.",
            "The factory will make processors for data centres and cars, the company said in a statement.",
            "Analysts said the plant would help the United States depend less on factories in Asia.",
        ],
    ),
    "football": (
        "Cup final ends in a penalty shoot-out",
        [
            "The cup final in London ended in a penalty shoot-out on Saturday after a goalless two hours.",
            "\u201cMy players gave everything they had,\u201d said the coach Pep Guardiola after the match.",
            "The winning penalty was scored by the captain in front of ninety thousand fans at Wembley.",
            "The club will parade the trophy through the city on Monday, the mayor's office announced.",
        ],
    ),
    "rates": (
        "Central bank holds interest rates",
        [
            "The European Central Bank kept its interest rates unchanged on Thursday as inflation eased.",
            "\u201cWe are not yet at the end of the road,\u201d said Christine Lagarde, the bank's president.",
            "Economists had expected the pause after ten rises in a row over the past two years.",
            "Markets in Frankfurt and Paris rose slightly after the decision was announced at noon.",
        ],
    ),
}


def publish_world(web: FakeWeb) -> str:
    """Articles and a feed of them on the fake web; the feed's URL."""
    today = email.utils.format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    seed = [p for p in SEED.read_text(encoding="utf-8").split("\n")[1:] if p.strip()]
    items = [
        ("Ministers meet over Ukraine", web.add("/ukraine", article_html("Ministers meet over Ukraine", seed)), today)
    ]
    for slug, (title, paragraphs) in STORIES.items():
        items.append((title, web.add(f"/{slug}", article_html(title, paragraphs)), today))
    return web.add("/feed.xml", rss(items), "application/rss+xml")


async def seed_database(path: Path, feed: str, at: dt.time = dt.time(0, 0)) -> None:
    """Both channels subscribed to ``feed``, their digest at ``at`` UTC (by default due since midnight)."""
    store = await SqlStore.open(path)
    try:
        for channel in (SLACK_CH, DISCORD_CH):
            await store.add_subscription(channel, feed, (), ())
            await store.set_schedule(Schedule(channel, at, "UTC"))
    finally:
        await store.close()


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (this test's database path): ours and their children."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (
                marker.encode() in (proc / "environ").read_bytes()
                and b"State:\tZ" not in (proc / "status").read_bytes()
            ):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def runs_done(path: Path) -> int:
    with sqlite3.connect(path, timeout=5) as db:
        return int(db.execute("SELECT COUNT(*) FROM digest_runs WHERE status = 'done'").fetchone()[0])


class Bot:
    """Starts and kills ``briefbot run`` processes over one database; each start logs to its own file."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.env, self.cwd, self.args = env, cwd, args or ("run",)
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        self.starts += 1
        self.cwd.mkdir(parents=True, exist_ok=True)
        with (self.cwd / f"run{self.starts}.log").open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "adapters.cli.app",
                *self.args,
                cwd=str(self.cwd),
                env=self.env,
                stdout=log,
                stderr=log,
            )

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def ready(self) -> None:
        log = self.cwd / f"run{self.starts}.log"
        await until(lambda: "running: " in log.read_text(), 120)

    def logs(self) -> str:
        return "".join((self.cwd / f"run{n}.log").read_text() for n in range(1, self.starts + 1))


async def until(condition: Any, timeout: float = 120.0) -> None:
    for _ in range(int(timeout * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
async def platforms() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    slack, discord_fake = FakeSlack(), FakeDiscord()
    await slack.start()
    await discord_fake.start()
    yield slack, discord_fake
    await slack.stop()
    await discord_fake.stop()


def bot_env(slack: FakeSlack, discord_fake: FakeDiscord, db: Path | str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-crash-test",
        SLACK_APP_TOKEN="xapp-crash-test",
        SLACK_API_URL=slack.base + "/api/",
        DISCORD_TOKEN="crash-test-token",
        DISCORD_API_BASE=discord_fake.base + "/api/v10",
        DISCORD_GATEWAY_URL=discord_fake.base.replace("http", "ws") + "/gateway",
        BRIEFBOT_DB=str(db),
        BRIEFBOT_ALLOW_PRIVATE_NETWORKS="true",
    )


def check_one_digest_each(slack: FakeSlack, discord_fake: FakeDiscord, detail: str) -> None:
    """Each platform holds one digest: a headline, one thread on it, every message once, every page once."""
    # Slack: one headline in the channel, every part once, all in its thread.
    in_channel = [m for m in slack.posted if m["channel"] == "C1"]
    parts = Counter(m["metadata"]["event_payload"]["part"] for m in in_channel)
    assert parts and max(parts.values()) == 1, detail
    numbers = sorted(int(p.rsplit("/", 1)[1]) for p in parts)
    assert numbers == list(range(len(numbers))) and len(numbers) >= 5, detail
    heads = [m for m in in_channel if "thread_ts" not in m]
    assert len(heads) == 1 and all(m["thread_ts"] == heads[0]["ts"] for m in in_channel if m is not heads[0]), detail
    # Discord: one headline in the channel, one thread on it, every message in the thread once.
    heads = [m for m in discord_fake.channel_messages(CHANNEL_ID) if m["author"]["id"] == BOT_ID]
    assert len(heads) == 1 and list(discord_fake.threads) == [heads[0]["id"]], detail
    in_thread = discord_fake.channel_messages(heads[0]["id"])
    bodies = [json.dumps(m["embeds"], sort_keys=True) for m in in_thread]
    assert bodies and len(set(bodies)) == len(bodies), detail
    # Each page is one story: no article is the lead of two stories of the digest.
    leads = [e["url"] for m in in_thread for e in m["embeds"] if e.get("url")]
    assert len(leads) >= len(STORIES) and len(set(leads)) == len(leads), detail


async def test_sigkill_at_any_point_of_a_digest_loses_nothing_and_posts_nothing_twice(tmp_path, platforms) -> None:
    rng = random.Random(20261126)
    slack, discord_fake = platforms
    db = tmp_path / "briefbot.sqlite3"
    async with serve() as web:
        feed = publish_world(web)
        await seed_database(db, feed)
        bot = Bot(bot_env(slack, discord_fake, db), tmp_path)

        def posted() -> int:
            return len(slack.posted) + len(discord_fake.messages)

        kills: list[str] = []
        try:
            # 1. Killed while the digests are being built (articles fetched and briefed).
            await bot.start()
            await until(lambda: web.hits.get("/ukraine", 0) > 0)
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            await bot.kill()
            kills.append(f"building, {posted()} messages out")

            # 2-4. Killed inside a platform's handler: the message is stored, the bot never hears back.
            for _round in range(3):
                if runs_done(db) == 2:
                    break
                target = posted() + rng.randint(1, 2)
                armed = asyncio.Event()

                async def maybe_kill(
                    _message: dict[str, Any], target: int = target, armed: asyncio.Event = armed
                ) -> None:
                    if posted() >= target and not armed.is_set():
                        armed.set()
                        await bot.kill()

                slack.after_post = maybe_kill
                discord_fake.after_message = maybe_kill
                await bot.start()
                await until(lambda armed=armed: armed.is_set() or runs_done(db) == 2, 180)  # type: ignore[misc]
                kills.append(f"in a handler at message {posted()}" if armed.is_set() else "none: finished")
                slack.after_post = discord_fake.after_message = None
                await bot.kill()

            # 5. Killed at a random moment while posting, then left to finish.
            if runs_done(db) < 2:
                await bot.start()
                start = posted()
                await until(lambda: posted() > start or runs_done(db) == 2, 180)
                await asyncio.sleep(rng.uniform(0.0, 1.0))
                await bot.kill()
                kills.append(f"random, {posted()} messages out")
            await bot.start()
            await bot.ready()
            await until(lambda: runs_done(db) == 2, 180)
            assert await bot.stop() == 0
        finally:
            await bot.kill()

    detail = f"kills: {kills}"
    check_one_digest_each(slack, discord_fake, detail)
    # Nothing stored was lost, and the file is sound.
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM schedules").fetchone()[0] == 2
        attempts = conn.execute("SELECT SUM(attempts) FROM digest_runs").fetchone()[0]
    assert sum(k.startswith("in a handler") for k in kills) >= 3 and attempts >= 3, detail
    assert "resumed at message" in bot.logs()
    # No orphans: the page extraction workers of a killed bot exit with it.
    if HAS_PROC:
        await until(lambda: not processes_with(f"BRIEFBOT_DB={db}"), 10)


async def test_killed_a_second_after_the_scheduled_minute_the_restart_posts_one_digest(tmp_path, platforms) -> None:
    """The bot dies one second into a channel's scheduled minute (building, or posting its first
    message) and is restarted: each channel gets its digest, once, soon after the restart."""
    slack, discord_fake = platforms
    db = tmp_path / "briefbot.sqlite3"
    async with serve() as web:
        feed = publish_world(web)
        # A minute far enough ahead for the bot to start, load and see the schedule first.
        minute = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)).replace(second=0, microsecond=0)
        await seed_database(db, feed, minute.time().replace(tzinfo=None))
        bot = Bot(bot_env(slack, discord_fake, db), tmp_path)
        try:
            await bot.start()
            await bot.ready()
            wait = (minute + dt.timedelta(seconds=1) - dt.datetime.now(dt.UTC)).total_seconds()
            assert wait > 0, "the bot took too long to start for this test's minute"
            await asyncio.sleep(wait)
            await bot.kill()
            at_kill = len(slack.posted) + len(discord_fake.messages)
            restarted = asyncio.get_running_loop().time()
            await bot.start()
            # The restart loads its model and connects (well under a minute), then finds both runs due.
            await until(lambda: runs_done(db) == 2, 120)
            took = asyncio.get_running_loop().time() - restarted
            assert await bot.stop() == 0
        finally:
            await bot.kill()
    check_one_digest_each(slack, discord_fake, f"{at_kill} messages out at the kill; done {took:.0f} s after restart")
