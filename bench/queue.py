"""Scale-out on PostgreSQL, three ratios measured in one run on this machine:

    python -m bench.queue [--articles 80] [--briefs 30]

1. Digest throughput with 2 ``briefbot worker`` processes against 1 (target >= 1.7x on 2 cores): a
   channel subscribed to a local feed of ``--articles`` dev articles asks for its digest with an empty
   cache; the workers fetch, extract and brief every page. Workers are up before the clock starts.
2. ``/brief`` latency through the queue (one worker) against in-process (``BRIEFBOT_QUEUE=off``):
   ``--briefs`` commands one after another, each a new page; p50 and p99 of both, and meanwhile a
   ``help`` command every 20 ms whose p99 is what an adapter's ack waits for (target < 100 ms).
3. One process on PostgreSQL against one on a SQLite file, the same cold digest in-process (target:
   no more than 15 % slower).

PostgreSQL: ``BRIEFBOT_BENCH_POSTGRES`` (default the test database on 127.0.0.1); every phase runs in
a schema of its own, dropped after. Writes bench/results/queue.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bench.summary import RESULTS, ROOT

#: Rounds of the digest comparisons, interleaved; the median of each side is reported.
ROUNDS = 3
POSTGRES = os.environ.get("BRIEFBOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.asynccontextmanager
async def schema() -> AsyncIterator[str]:
    """A database URL whose tables live in a fresh schema, dropped afterwards."""
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    async with await psycopg.AsyncConnection.connect(POSTGRES, autocommit=True) as db:
        await db.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{name}"
    finally:
        async with await psycopg.AsyncConnection.connect(POSTGRES, autocommit=True) as db:
            await db.execute(f"DROP SCHEMA {name} CASCADE")


@contextlib.asynccontextmanager
async def site(count: int) -> AsyncIterator[tuple[str, Callable[[str], str]]]:
    """A local web of ``count`` dev articles and a feed of them; the feed's URL, and a page URL maker."""
    from bench.summary import load_articles

    articles = load_articles(10_000)
    pages: dict[str, bytes] = {}

    async def handle(request: web.Request) -> web.Response:
        path = request.path
        if path.startswith("/a/"):  # any number: a distinct page of the dev set
            a = articles[int(path.rsplit("/", 1)[1].split("-")[-1]) % len(articles)]
            paragraphs = "".join(f"<p>{p}</p>" for p in a.text.split("\n") if p.strip())
            title = a.title or a.text[:60]
            body = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
            return web.Response(body=f"{body}<p>Page {path}.</p></article></body></html>", content_type="text/html")
        if path in pages:
            return web.Response(body=pages[path], content_type="application/rss+xml")
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    now = dt.datetime.now(dt.UTC)
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/a/{n}</link>"
        f"<pubDate>{(now - dt.timedelta(minutes=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for n in range(count)
    )
    pages["/feed.xml"] = f"<rss version='2.0'><channel><title>bench</title>{items}</channel></rss>".encode()
    try:
        yield f"{base}/feed.xml", lambda name: f"{base}/a/{name}"
    finally:
        await runner.cleanup()


def cpu_s(chosen: Callable[[int, int, str], bool]) -> float:
    """CPU seconds used so far by the live processes ``chosen(pid, parent pid, name)`` picks (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            fields = tail.split()
        except (OSError, ValueError):
            continue  # a process that ended while we looked
        if chosen(int(stat.parent.name), int(fields[1]), head.split("(", 1)[1]):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def postgres_cpu_s() -> float:
    return cpu_s(lambda _pid, _parent, name: name.startswith("postgres"))


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Workers:
    """``briefbot worker --processes 1`` processes on one database."""

    def __init__(self, url: str, count: int) -> None:
        self.url, self.count = url, count
        self.procs: list[asyncio.subprocess.Process] = []

    async def __aenter__(self) -> Workers:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
        env.update(BRIEFBOT_DB=self.url, BRIEFBOT_ALLOW_PRIVATE_NETWORKS="true", PYTHONPATH=str(ROOT))
        for n in range(self.count):
            env["BRIEFBOT_INSTANCE"] = f"bench-w{n}"
            self.procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "adapters.cli.app",
                    "worker",
                    "--processes",
                    "1",
                    env=dict(env),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
            )
        return self

    def cpu_s(self) -> float:
        """CPU seconds used so far by the workers and their children (the page extraction processes)."""
        mine = {proc.pid for proc in self.procs}
        return cpu_s(lambda pid, parent, _name: pid in mine or parent in mine)

    async def __aexit__(self, *exc: object) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            await proc.wait()


async def instance(url: str, *, queued: bool) -> Any:
    """A core as ``briefbot run`` wires it on ``url``: with the queue, or briefing itself."""
    from adapters.cli.app import brief_functions
    from bot.core import Core, CoreLimits
    from bot.fetch import Fetcher, FetchLimits
    from bot.queue import BriefQueue, prepare
    from bot.storage import SqlStore
    from summarizer.brief import Briefer
    from summarizer.nlp import Pipeline, load_model

    store = await SqlStore.open(url)
    queue = None
    if queued:
        await prepare(url)
        queue = BriefQueue(url, store, wait=600)
    brief, brief_many = brief_functions(Briefer(Pipeline(load_model())), 3, "news")
    fetcher = Fetcher(FetchLimits(allow_private=True))
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=brief,
        brief_many=brief_many,
        limits=CoreLimits(feed_items=1000, digest_stories=8),
        queue=queue,
    )

    async def close() -> None:
        core.close()
        if queue is not None:
            await queue.close()
        await fetcher.close()
        await store.close()

    return core, close


async def until_workers(core: Any, count: int) -> None:
    for _ in range(1200):
        core.queue._workers = (0.0, 0)
        if await core.queue.live_workers() >= count:
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the workers did not start")


async def cold_digest(url: str, feed: str, *, workers: int) -> dict[str, float]:
    """Seconds for one cold digest of the feed: with ``workers`` worker processes, or in-process (0).

    The workers are warm first (long-lived in production): each has loaded its model and started its
    page extraction process, by briefing a few other pages.
    """
    from bot.commands import parse_command
    from bot.model import ChannelRef, DigestReply

    core, close = await instance(url, queued=workers > 0)
    channel = ChannelRef("cli", "bench")
    try:
        await core.handle(parse_command(f"subscribe {feed}", channel, is_admin=True))
        async with contextlib.AsyncExitStack() as stack:
            pool = await start(stack, url, workers, core) if workers else None
            if pool is not None:
                warm = [feed.replace("/feed.xml", f"/a/warm-{n}") for n in range(4 * workers)]
                await asyncio.gather(*(core.brief_url(page) for page in warm))
            before = (pool.cpu_s() if pool else 0.0, own_cpu_s(), postgres_cpu_s())
            t = time.perf_counter()
            reply = await core.handle(parse_command("digest 2d", channel))
            wall = time.perf_counter() - t
            after = (pool.cpu_s() if pool else 0.0, own_cpu_s(), postgres_cpu_s())
        if not isinstance(reply, DigestReply):
            raise SystemExit(f"digest failed: {reply}")
        workers_cpu, own, postgres = ((b - a) / wall for a, b in zip(before, after, strict=True))
        return {
            "wall_s": wall,
            "worker_cores": workers_cpu,
            "instance_cores": own,
            "postgres_cores": postgres,
            "queued": core.metrics.briefs_queued,
        }
    finally:
        await close()


async def start(stack: contextlib.AsyncExitStack, url: str, workers: int, core: Any) -> Workers:
    """``workers`` worker processes, running until ``stack`` closes, and seen alive by ``core``."""
    pool = await stack.enter_async_context(Workers(url, workers))
    await until_workers(core, workers)
    return pool


async def brief_latency(url: str, page: Callable[[str], str], n: int, *, queued: bool) -> dict[str, float]:
    """``n`` brief commands one after another (new pages), with a ``help`` every 20 ms meanwhile."""
    from bot.commands import parse_command
    from bot.model import BriefReply, ChannelRef

    core, close = await instance(url, queued=queued)
    channel = ChannelRef("cli", "bench")
    tag = "q" if queued else "p"
    try:
        async with contextlib.AsyncExitStack() as stack:
            if queued:
                await start(stack, url, 1, core)
            await core.handle(parse_command(f"brief {page(f'warm-{tag}-0')}", channel))
            briefs: list[float] = []
            acks: list[float] = []
            done = asyncio.Event()

            async def ticks() -> None:
                while not done.is_set():
                    arrival = time.perf_counter() + 0.02
                    await asyncio.sleep(0.02)
                    await core.handle(parse_command("help", channel))
                    acks.append((time.perf_counter() - arrival) * 1000)

            ticker = asyncio.create_task(ticks())
            for k in range(1, n + 1):
                t = time.perf_counter()
                reply = await core.handle(parse_command(f"brief {page(f'{tag}-{k}')}", channel))
                if not isinstance(reply, BriefReply):
                    raise SystemExit(f"brief failed: {reply}")
                briefs.append((time.perf_counter() - t) * 1000)
            done.set()
            await ticker
        return {**pct("brief", briefs), **pct("ack", acks)}
    finally:
        await close()


def pct(name: str, samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        f"{name}_p50_ms": statistics.median(ordered),
        f"{name}_p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


async def run(articles: int, briefs: int, *, only: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with site(articles) as (feed, page):
        if only in ("", "throughput"):
            out.update(await throughput(feed))
        if only in ("", "latency"):
            # 2. /brief latency: through the queue, and in-process.
            for tag, queued in (("queue", True), ("inproc", False)):
                async with schema() as url:
                    got = await brief_latency(url, page, briefs, queued=queued)
                out.update({f"{tag}_{k}": v for k, v in got.items()})
        if only in ("", "backends"):
            out.update(await backends(feed))
    return out


async def throughput(feed: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # 1. Throughput: 1 worker, then 2, each on an empty database; rounds interleaved, medians kept
    # (a shared machine's noise moves one run by a quarter).
    walls: dict[int, list[float]] = {1: [], 2: []}
    cores: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    for _round in range(ROUNDS):
        for count in (1, 2):
            async with schema() as url:
                got = await cold_digest(url, feed, workers=count)
            walls[count].append(got["wall_s"])
            cores[count].append(got)
    for count in (1, 2):
        out[f"digest_{count}_worker_s"] = statistics.median(walls[count])
        for part in ("worker", "instance", "postgres"):
            out[f"digest_{count}_{part}_cores_busy"] = statistics.median(c[f"{part}_cores"] for c in cores[count])
    out["throughput_2_vs_1"] = out["digest_1_worker_s"] / out["digest_2_worker_s"]
    return out


async def backends(feed: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # 3. One process: PostgreSQL against a SQLite file, the same cold digest, rounds interleaved.
    pg: list[float] = []
    lite: list[float] = []
    for _round in range(ROUNDS):
        async with schema() as url:
            pg.append((await cold_digest(url, feed, workers=0))["wall_s"])
        with tempfile.TemporaryDirectory() as tmp:
            lite.append((await cold_digest(str(Path(tmp) / "bench.sqlite3"), feed, workers=0))["wall_s"])
    out["postgres_digest_s"], out["sqlite_digest_s"] = statistics.median(pg), statistics.median(lite)
    out["postgres_vs_sqlite"] = out["postgres_digest_s"] / out["sqlite_digest_s"]
    return out


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ap = argparse.ArgumentParser(description="scale-out benchmark on PostgreSQL")
    ap.add_argument("--articles", type=int, default=80)
    ap.add_argument("--briefs", type=int, default=30)
    ap.add_argument(
        "--only",
        choices=("throughput", "latency", "backends"),
        help="one of the three comparisons (printed, not written to the results)",
    )
    args = ap.parse_args()
    r = {
        "date": time.strftime("%Y-%m-%d"),
        "articles": args.articles,
        "briefs": args.briefs,
        **asyncio.run(run(args.articles, args.briefs, only=args.only or "")),
        "targets": {"throughput_2_vs_1": 1.7, "ack_p99_ms": 100, "postgres_vs_sqlite": 1.15},
    }
    if not args.only:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "queue.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    if "throughput_2_vs_1" in r:
        print(
            f"cold digest of {args.articles} articles: 1 worker {r['digest_1_worker_s']:.1f} s, 2 workers "
            f"{r['digest_2_worker_s']:.1f} s: {r['throughput_2_vs_1']:.2f}x the throughput (target >= 1.7); "
            f"cores the workers kept busy: {r['digest_1_worker_cores_busy']:.2f} with 1, "
            f"{r['digest_2_worker_cores_busy']:.2f} with 2 (and the asking instance "
            f"{r['digest_2_instance_cores_busy']:.2f}, PostgreSQL {r['digest_2_postgres_cores_busy']:.2f})"
        )
    if "queue_brief_p50_ms" in r:
        print(
            f"/brief, {args.briefs} one after another: through the queue p50 {r['queue_brief_p50_ms']:.0f} ms, "
            f"p99 {r['queue_brief_p99_ms']:.0f} ms; in-process p50 {r['inproc_brief_p50_ms']:.0f} ms, p99 "
            f"{r['inproc_brief_p99_ms']:.0f} ms. Ack (help every 20 ms) p99: queue {r['queue_ack_p99_ms']:.1f} "
            f"ms, in-process {r['inproc_ack_p99_ms']:.1f} ms (target < 100)"
        )
    if "postgres_vs_sqlite" in r:
        print(
            f"one process, cold digest: PostgreSQL {r['postgres_digest_s']:.1f} s, SQLite file "
            f"{r['sqlite_digest_s']:.1f} s: {r['postgres_vs_sqlite']:.2f}x (target <= 1.15)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
