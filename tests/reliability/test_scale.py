"""Scale-out, end to end, with real processes on the real PostgreSQL: three ``briefbot run`` instances
and two ``briefbot worker``s, the fake Slack and Discord, a local web of feeds; fifty channels due at
the same minute. One instance and one worker are SIGKILLed while the digests are built and posted,
and PostgreSQL is restarted; every channel still gets exactly one complete digest in one thread,
each feed is fetched once per interval, and a page is briefed once (again only when its worker died
or its database went away mid-job).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import math
import re
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp import web as web_

from bot.model import ChannelRef, Schedule
from bot.queue import RETRIED_WITHIN, WORKER_CONCURRENCY, conninfo
from bot.storage import SqlStore
from tests.adapters.test_run import clean_env, free_port
from tests.conftest import SEED
from tests.fakes.fake_discord import BOT_ID
from tests.fakes.web import FakeWeb, article_html, rss, serve
from tests.reliability.test_crash import STORIES, Bot, bot_env, platforms, until

pytestmark = pytest.mark.slow
__all__ = ["platforms"]  # the fixture, used by name

FEEDS = 6
FIRST, PAGES = 12, 24  # pages briefed ahead, then all the pages once new ones came
CHANNELS = 50
LEASE = 20
REFRESH = 60.0
PLACES = ["Riverton", "Lakeside", "Hillford", "Northgate"]


def publish(web: FakeWeb, pages: int) -> list[str]:
    """``pages`` articles, each in two of six feeds; the feeds' URLs. Called again with more pages, the
    feeds carry the new ones too, each a slow page (2 s to answer) that workers are busy with for a while.
    """
    when = email.utils.format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    seed = [p for p in SEED.read_text(encoding="utf-8").split("\n")[1:] if p.strip()]
    bodies = [("Ministers meet over Ukraine", seed)] + [(t, ps) for t, ps in STORIES.values()]
    items = []
    for n in range(pages):
        title, paragraphs = bodies[n % len(bodies)]
        if n >= len(bodies):  # the same kind of story, another day and place
            place = PLACES[n % len(PLACES)]
            title = f"{title} in {place} ({n})"
            paragraphs = [f"In {place}, {paragraphs[0][0].lower()}{paragraphs[0][1:]}", *paragraphs[1:]]
        web.add(f"/article/{n}", article_html(title, paragraphs))
        items.append((title, f"{web.base}/article/{n}", when))
    return [
        web.add(
            f"/feed/{f}.xml",
            rss([i for n, i in enumerate(items) if n % FEEDS in (f, (f + 1) % FEEDS)]),
            "application/rss+xml",
        )
        for f in range(FEEDS)
    ]


async def slow_pages(web: FakeWeb, after: int) -> None:
    """Articles numbered ``after`` and up answer after 2 s (a worker holds their jobs meanwhile)."""

    async def late(request: web_.Request) -> web_.StreamResponse:
        await asyncio.sleep(2.0)
        status, ctype, data, _headers = web.pages[request.path]
        return web_.Response(status=status, body=data, headers={"Content-Type": ctype})

    for n in range(after, 100):
        web.under[f"/article/{n}"] = late


def channels() -> list[ChannelRef]:
    half = CHANNELS // 2
    slack = [ChannelRef("slack", f"C{n:02d}", "T1") for n in range(half)]
    discord = [ChannelRef("discord", str(900000000000100000 + n), "900000000000000003") for n in range(half)]
    return slack + discord


def runs(url: str) -> list[tuple[str, str, str, int, int]]:
    """Each digest run: channel, status, owner, messages posted, messages planned."""
    with psycopg.connect(conninfo(url)) as db:
        rows = db.execute("SELECT channel, status, owner, posted, plan FROM digest_runs").fetchall()
    return [(c, s, o, p, len(json.loads(plan)) if plan else 0) for c, s, o, p, plan in rows]


def jobs(url: str, *status: str) -> set[int]:
    """The ids of the brief jobs in one of these states."""
    with psycopg.connect(conninfo(url)) as db:
        rows = db.execute("SELECT id FROM procrastinate_jobs WHERE status = ANY(%s)", (list(status),)).fetchall()
    return {int(r[0]) for r in rows}


def jobs_or_none(url: str, *status: str) -> set[int]:
    try:
        return jobs(url, *status)
    except psycopg.OperationalError:
        return {-1}


def done(url: str) -> int:
    return sum(r[1] == "done" for r in runs_or_none(url))


async def restart_postgres() -> float:
    """Restart the machine's PostgreSQL (every connection is cut); the seconds it took."""
    start = time.monotonic()
    version = sorted(p.name for p in await asyncio.to_thread(lambda: list(Path("/etc/postgresql").iterdir())))[-1]
    proc = await asyncio.create_subprocess_exec(
        "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"
    )
    assert await proc.wait() == 0
    return time.monotonic() - start


@pytest.mark.skipif(shutil.which("pg_ctlcluster") is None, reason="needs pg_ctlcluster to restart PostgreSQL")
async def test_three_instances_two_workers_kills_and_a_database_restart(tmp_path, postgres_url, platforms) -> None:
    slack, discord_fake = platforms
    async with serve() as web:
        feeds = publish(web, FIRST)
        store = await SqlStore.open(postgres_url)
        try:
            for n, channel in enumerate(channels()):
                for f in (n % FEEDS, (n + 3) % FEEDS):
                    await store.add_subscription(channel, feeds[f], (), ())
        finally:
            await store.close()
        common = {
            "BRIEFBOT_DB": postgres_url,
            "BRIEFBOT_ALLOW_PRIVATE_NETWORKS": "true",
            "BRIEFBOT_DIGEST_LEASE": str(LEASE),
            "BRIEFBOT_REFRESH_MINUTES": str(int(REFRESH / 60)),
            "BRIEFBOT_USER_BRIEFS_PER_MINUTE": "0",
        }
        health = [free_port(), free_port()]
        workers = [
            Bot(
                clean_env(**common, BRIEFBOT_INSTANCE=f"w{n}", BRIEFBOT_HEALTH_PORT=str(health[n - 1])),
                tmp_path / f"w{n}",
                "worker",
                "--processes",
                "1",
            )
            for n in (1, 2)
        ]
        instances = [
            Bot(
                {
                    **bot_env(slack, discord_fake, postgres_url),
                    **common,
                    "BRIEFBOT_INSTANCE": f"i{n}",
                    "DISCORD_SHARD_COUNT": "3",
                    "DISCORD_SHARD_IDS": str(n),
                },
                tmp_path / f"i{n}",
            )
            for n in (0, 1, 2)
        ]
        figures: dict[str, Any] = {}
        try:
            for w in workers:  # workers first: the instances' first feed poll already goes to them
                await w.start()
            await until(lambda: all("running: worker" in w.logs() for w in workers), 180)
            for bot in instances:
                await bot.start()
            for bot in instances:
                await bot.ready()
            started = time.monotonic()
            # The feeds bring new pages, slow ones; fifty channels are due at the same minute (midnight
            # UTC has passed: due now).
            await slow_pages(web, FIRST)
            publish(web, PAGES)
            store = await SqlStore.open(postgres_url)
            try:
                for channel in channels():
                    await store.set_schedule(Schedule(channel, dt.time(0, 0), "UTC"))
            finally:
                await store.close()

            # A worker dies with pages in hand ...
            await until(lambda: bool(jobs(postgres_url, "doing")), 180)
            in_hand = jobs(postgres_url, "doing")
            await workers[0].kill()
            worker_killed = time.monotonic()

            async def briefed_again() -> float:
                await until(lambda: not in_hand & jobs_or_none(postgres_url, "doing", "todo"), 180)
                return round(time.monotonic() - worker_killed, 1)

            recovered = asyncio.create_task(briefed_again())

            # ... then, mid-way, the instance holding the most digests.
            def posting() -> Counter[str]:
                return Counter(o for _c, status, o, _p, _n in runs_or_none(postgres_url) if status == "posting")

            await until(lambda: done(postgres_url) >= 5 and bool(posting()), 180)
            victim = posting().most_common(1)[0][0]
            held = {c for c, status, owner, _p, _n in runs(postgres_url) if owner == victim and status != "done"}
            await instances[int(victim[1:])].kill()
            killed = time.monotonic()
            figures["done at the kill"] = done(postgres_url)
            figures["runs the dead instance held"] = len(held)
            # Then PostgreSQL restarts under everyone.
            await asyncio.sleep(2)
            figures["postgres restart s"] = round(await restart_postgres(), 1)

            def taken_over() -> bool:
                return all(s == "done" for c, s, *_ in runs_or_none(postgres_url) if c in held)

            await until(taken_over, LEASE + 120)
            figures["takeover s"] = round(time.monotonic() - killed, 1)
            figures["jobs running at the worker kill"] = len(in_hand)
            figures["those done s after the kill"] = await recovered
            await until(lambda: done(postgres_url) == CHANNELS, 300)
            figures["all done s"] = round(time.monotonic() - started, 1)
            elapsed = time.monotonic() - started
            for bot in instances:
                if bot.proc is not None and bot.proc.returncode is None:
                    assert await bot.stop() == 0
            # The surviving worker says it is up, and counts what it briefed.
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{health[1]}/healthz") as resp:
                    assert await resp.json() == {"status": "ok", "adapters": ["worker"]}
                async with http.get(f"http://127.0.0.1:{health[1]}/metrics") as resp:
                    computed = re.search(r"^briefbot_briefs_computed_total (\d+)$", await resp.text(), re.MULTILINE)
            assert computed is not None and int(computed[1]) > 0
            figures["briefs computed by the surviving worker"] = int(computed[1])
            assert await workers[1].stop() == 0
        finally:
            for proc in [*instances, *workers]:
                await proc.kill()

    detail = json.dumps(figures)
    # Every channel: exactly one digest, complete, in one thread.
    planned = {c: (p, n) for c, _s, _o, p, n in runs(postgres_url)}
    assert len(planned) == CHANNELS and all(p == n > 0 for p, n in planned.values()), detail
    for channel in channels():
        if channel.platform == "slack":
            mine = [m for m in slack.posted if m["channel"] == channel.id]
            parts = Counter(m["metadata"]["event_payload"]["part"] for m in mine)
            assert len(parts) == planned[channel.id][0] and max(parts.values()) == 1, (channel.id, detail)
            heads = [m for m in mine if "thread_ts" not in m]
            assert len(heads) == 1 and all(m["thread_ts"] == heads[0]["ts"] for m in mine if m is not heads[0])
        else:
            heads = [m for m in discord_fake.channel_messages(channel.id) if m["author"]["id"] == BOT_ID]
            assert len(heads) == 1 and heads[0]["id"] in discord_fake.threads, (channel.id, detail)
            bodies = [json.dumps(m["embeds"], sort_keys=True) for m in discord_fake.channel_messages(heads[0]["id"])]
            assert len(bodies) == len(set(bodies)) == planned[channel.id][0] - 1, (channel.id, detail)
    # No traceback reached a chat.
    said = json.dumps([slack.posted, slack.answered, discord_fake.messages])
    assert "Traceback" not in said and "went wrong" not in said
    # Each feed fetched once per poll interval (by one instance), plus once for the due digests.
    per_feed = [web.hits.get(f"/feed/{f}.xml", 0) for f in range(FEEDS)]
    intervals = math.ceil(elapsed / (REFRESH * 0.9)) + 1
    figures["GETs per feed"] = per_feed
    assert max(per_feed) <= intervals + math.ceil(elapsed / 60) + 1, json.dumps(figures)
    # Each page briefed once: a second fetch only for a job cut short by the kill or the restart.
    per_page = [web.hits.get(f"/article/{n}", 0) for n in range(PAGES)]
    figures["GETs per article"] = per_page
    assert min(per_page) >= 1 and sum(n - 1 for n in per_page) <= 2 * WORKER_CONCURRENCY, json.dumps(figures)
    assert figures["takeover s"] <= LEASE + 60 + RETRIED_WITHIN, json.dumps(figures)
    print("scale figures:", json.dumps(figures))


def runs_or_none(url: str) -> list[tuple[str, str, str, int, int]]:
    """:func:`runs`, or nothing while the database is restarting."""
    try:
        return runs(url)
    except psycopg.OperationalError:
        return [("", "restarting", "", 0, 0)]
