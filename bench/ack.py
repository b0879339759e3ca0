"""Slack ack and Discord defer latency through the real adapters, with 50 ``/brief`` in flight.

    python -m bench.ack [--briefs 50]

For each platform, against its local fake (``tests/fakes``; nothing leaves 127.0.0.1): the real
adapter (slack-bolt in HTTP mode, signed requests; discord.py over the fake gateway) over one core
whose fetcher serves a distinct copy of the seed article per URL, so every brief is computed. It fires
``--briefs`` ``/brief <url>`` commands at once, then one more every 50 ms while those are computed
(for one of the same URLs: it waits on the brief in flight instead of adding work that would keep
the queue from ever draining).
Latency: Slack, from sending the signed request to its HTTP answer (the ack); Discord, from the
gateway event to the fake receiving the defer. Reported as p50/p99 against the 3 s platform limit.
Target: p99 < 100 ms. Writes bench/results/ack.json.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bench.core import SeedFetcher
from bench.summary import RESULTS
from bot.core import Core
from bot.storage import SqlStore
from summarizer.brief import Briefer
from summarizer.nlp import Pipeline, load_model

SECRET = "bench-signing-secret"  # noqa: S105 - signs requests to a local fake
LIMIT_MS = 3000.0
PROBE_EVERY = 0.05


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "samples": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p99_ms": p99,
        "max_ms": ordered[-1],
        "p99_over_3s_limit": p99 / LIMIT_MS,
    }


async def load(fire: Callable[[int], Awaitable[float]], done: Callable[[], bool], n: int) -> list[float]:
    """``n`` commands at once, then one every 50 ms until the core has answered them all."""
    first = await asyncio.gather(*(fire(i) for i in range(n)))
    probes: list[asyncio.Task[float]] = []
    k = n
    while not done():
        await asyncio.sleep(PROBE_EVERY)
        probes.append(asyncio.create_task(fire(k)))
        k += 1
    return [*first, *await asyncio.gather(*probes)]


async def settle(count: Callable[[], int]) -> None:
    """Wait until no more messages arrive: a brief may send a follow-up after its first answer, and
    closing the platform client under it made that fail."""
    seen = -1
    while (now := count()) != seen:
        seen = now
        await asyncio.sleep(0.5)


async def slack_phase(core: Core, n: int) -> list[float]:
    from adapters.slack.app import SlackAdapter, make_client
    from tests.fakes.fake_slack import FakeSlack

    fake = FakeSlack()
    await fake.start()
    adapter = SlackAdapter(core, make_client("xoxb-bench", fake.base + "/api/"), signing_secret=SECRET)
    runner = web.AppRunner(adapter.web_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    sent = 0
    try:
        async with aiohttp.ClientSession() as http:

            async def fire(i: int) -> float:
                nonlocal sent
                sent += 1
                body = urlencode(
                    {
                        "command": "/brief",
                        "text": f"https://slack.bench.example/{i % n}",
                        "channel_id": f"C{i % 5}",
                        "team_id": "T1",
                        "user_id": f"U{i}",
                        "response_url": fake.issue_response_url(),
                    }
                )
                ts = str(int(time.time()))
                sig = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
                headers = {
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": f"v0={sig}",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                start = time.perf_counter()
                async with http.post(url, data=body.encode(), headers=headers) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"Slack ack answered {resp.status}")
                return (time.perf_counter() - start) * 1000

            latencies = await load(fire, lambda: len({c.path for c in fake.responses()}) >= sent, n)
            await settle(lambda: len(fake.responses()))
            return latencies
    finally:
        await runner.cleanup()
        await fake.stop()


async def discord_phase(core: Core, n: int) -> list[float]:
    from adapters.discord.app import DEFAULT_API_BASE, DEFAULT_GATEWAY, DiscordAdapter, point_at
    from tests.fakes.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    point_at(fake.base + "/api/v10", fake.base.replace("http", "ws") + "/gateway")
    adapter = DiscordAdapter(core, guild_ready_timeout=0.1)
    ready = asyncio.Event()
    task = asyncio.create_task(adapter.run("bench-token", ready))
    records = []
    sent = 0
    try:
        await asyncio.wait_for(ready.wait(), 30)

        async def fire(i: int) -> float:
            nonlocal sent
            sent += 1
            option = {"type": 3, "name": "url_or_text", "value": f"https://discord.bench.example/{i % n}"}
            record = await fake.send_interaction("brief", [option])
            records.append(record)
            await fake.wait(lambda: record.response_at is not None, 30)
            return ((record.response_at or 0.0) - record.sent_at) * 1000

        # Counted when fired, not when recorded: a probe still on its way is not yet in ``records``.
        latencies = await load(fire, lambda: len(records) == sent and all(len(r.responded) >= 2 for r in records), n)
        await settle(lambda: sum(len(r.responded) for r in records))
        return latencies
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await adapter.client.close()
        point_at(DEFAULT_API_BASE, DEFAULT_GATEWAY)
        await fake.stop()


async def run(n: int) -> dict[str, dict[str, float]]:
    briefer = Briefer(Pipeline(load_model()))
    briefer.brief(SeedFetcher().article)  # warm
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as tmp:
        return await _phases(briefer, n, Path(tmp))


async def _phases(briefer: Briefer, n: int, tmp: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, phase in (("slack_ack", slack_phase), ("discord_defer", discord_phase)):
        # A database file, as the bot keeps (an in-memory one serves one statement sequence at a time).
        store = await SqlStore.open(tmp / f"{name}.sqlite3")
        core = Core(fetcher=SeedFetcher(), store=store, brief=lambda a: briefer.brief(a, quotes=None))
        start = time.perf_counter()
        try:
            latencies = await phase(core, n)
        finally:
            core.close()
            await store.close()
        out[name] = {"briefs_in_flight": n, "wall_s": time.perf_counter() - start, **percentiles(latencies)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="Slack ack and Discord defer latency under load")
    ap.add_argument("--briefs", type=int, default=50)
    args = ap.parse_args()
    figures = asyncio.run(run(args.briefs))
    result = {"date": time.strftime("%Y-%m-%d"), **figures, "target_p99_ms": 100}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ack.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, r in figures.items():
        print(
            f"{name}: {r['samples']} commands while {args.briefs}+ briefs were computed ({r['wall_s']:.1f} s): "
            f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms ({r['p99_over_3s_limit']:.1%} of the 3 s limit; "
            f"target < 100 ms), max {r['max_ms']:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
