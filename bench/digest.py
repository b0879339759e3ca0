"""A cold digest of 500 articles from 20 local feeds: wall time and peak memory.

    python -m bench.digest [--feeds 20] [--per-feed 25]

A local web server (127.0.0.1) serves 20 RSS feeds of 25 items each, every item a dev article as an
HTML page. A channel subscribes to all 20 and asks for its digest with an empty cache: every page is
fetched, extracted in the worker process, briefed and clustered. Targets: < 60 s and < 600 MB peak
RSS (this process plus the extraction worker). Writes bench/results/digest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import resource
import time
from pathlib import Path

from aiohttp import web

RESULTS = Path(__file__).resolve().parent / "results"


async def run(feeds: int, per_feed: int) -> dict[str, float]:
    # Imported here, not at the top: the extraction worker is spawned and imports this module again,
    # as in production it imports the `briefbot` entry script, which imports nothing heavy. spaCy,
    # numpy and scipy imported there made the worker 228 MB instead of the bot's 52.
    from adapters.cli.app import brief_functions
    from bench.summary import load_articles
    from bot.commands import parse_command
    from bot.core import Core, CoreLimits
    from bot.fetch import Fetcher, FetchLimits
    from bot.model import ChannelRef, DigestReply
    from bot.storage import SqlStore
    from summarizer.brief import Briefer
    from summarizer.nlp import Pipeline, load_model

    articles = load_articles(10_000)[: feeds * per_feed]
    pages: dict[str, bytes] = {}
    now = dt.datetime.now(dt.UTC)
    app = web.Application()

    async def handle(request: web.Request) -> web.Response:
        body = pages.get(request.path)
        if body is None:
            return web.Response(status=404)
        ctype = "application/rss+xml" if request.path.endswith(".xml") else "text/html"
        return web.Response(body=body, content_type=ctype, charset="utf-8")

    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    for f in range(feeds):
        items = []
        for k in range(per_feed):
            n = f * per_feed + k
            a = articles[n % len(articles)]
            paragraphs = "".join(f"<p>{p}</p>" for p in a.text.split("\n") if p.strip())
            title = a.title or a.text[:60]
            pages[f"/a/{n}"] = (
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>".encode()
            )
            when = (now - dt.timedelta(minutes=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
            items.append(f"<item><title>{title}</title><link>{base}/a/{n}</link><pubDate>{when}</pubDate></item>")
        pages[f"/feed{f}.xml"] = (
            f"<rss version='2.0'><channel><title>f{f}</title>{''.join(items)}</channel></rss>".encode()
        )

    briefer = Briefer(Pipeline(load_model()))
    store = await SqlStore.open(":memory:")
    fetcher = Fetcher(FetchLimits(allow_private=True))
    brief, brief_many = brief_functions(briefer, 3, "news")  # as `briefbot run` wires it
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=brief,
        brief_many=brief_many,
        limits=CoreLimits(feed_items=per_feed),
    )
    channel = ChannelRef("cli", "bench")
    for f in range(feeds):
        await core.handle(parse_command(f"subscribe {base}/feed{f}.xml", channel, is_admin=True))
    t = time.perf_counter()
    reply = await core.handle(parse_command("digest 2d", channel))
    wall = time.perf_counter() - t
    if not isinstance(reply, DigestReply):
        raise SystemExit(f"digest failed: {reply}")
    stories = len(reply.digest.stories)
    # Read before closing: the extraction worker is killed on close and never waited for, so
    # RUSAGE_CHILDREN would not count it.
    child_mb, child_cpu = children_usage()
    core.close()
    await fetcher.close()
    await store.close()
    await runner.cleanup()
    usage_self = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "articles": feeds * per_feed,
        "wall_s": wall,
        "stories": stories,
        "peak_rss_mb": usage_self.ru_maxrss / 1024 + child_mb,
        "peak_rss_mb_main": usage_self.ru_maxrss / 1024,
        "peak_rss_mb_extraction": child_mb,
        "briefs_computed": core.metrics.briefs_computed,
        "cpu_s_main": usage_self.ru_utime + usage_self.ru_stime,
        "cpu_s_extraction": child_cpu,
    }


def children_usage() -> tuple[float, float]:
    """Peak RSS (MB, summed) and CPU seconds of this process's live children, from /proc (Linux)."""
    peak_mb = cpu_s = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid():
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while we looked
        cpu_s += (int(fields[11]) + int(fields[12])) / ticks
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak_mb += int(line.split()[1]) / 1024
    return peak_mb, cpu_s


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ap = argparse.ArgumentParser(description="cold digest of many articles")
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--per-feed", type=int, default=25)
    args = ap.parse_args()
    result = {
        "date": time.strftime("%Y-%m-%d"),
        **asyncio.run(run(args.feeds, args.per_feed)),
        "targets": {"wall_s": 60, "peak_rss_mb": 600},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "digest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"digest of {result['articles']} articles from {args.feeds} local feeds (cold cache): "
        f"{result['wall_s']:.1f} s wall (target < 60), peak RSS {result['peak_rss_mb']:.0f} MB (target < 600), "
        f"({result['peak_rss_mb_main']:.0f} main + {result['peak_rss_mb_extraction']:.0f} extraction), "
        f"{result['briefs_computed']} briefs, {result['stories']} stories kept; CPU: main process "
        f"{result['cpu_s_main']:.0f} s, extraction worker {result['cpu_s_extraction']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
