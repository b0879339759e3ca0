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
import resource
import time

from aiohttp import web

from adapters.cli.app import brief_functions
from bench.summary import RESULTS, load_articles
from bot.commands import parse_command
from bot.core import Core
from bot.fetch import Fetcher, FetchLimits
from bot.model import ChannelRef, DigestReply
from bot.storage import SqliteStore
from summarizer.brief import Briefer
from summarizer.nlp import Pipeline, load_model


async def run(feeds: int, per_feed: int) -> dict[str, float]:
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
    store = await SqliteStore.open(":memory:")
    fetcher = Fetcher(FetchLimits(allow_private=True))
    from bot.core import CoreLimits

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
    core.close()
    await fetcher.close()
    await store.close()
    await runner.cleanup()
    usage_self, usage_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    self_mb = usage_self.ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "articles": feeds * per_feed,
        "wall_s": wall,
        "stories": stories,
        "peak_rss_mb": self_mb + child_mb,
        "briefs_computed": core.metrics.briefs_computed,
        "cpu_s_main": usage_self.ru_utime + usage_self.ru_stime,
        "cpu_s_extraction": usage_children.ru_utime + usage_children.ru_stime,
    }


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
        f"{result['briefs_computed']} briefs, {result['stories']} stories kept; CPU: main process "
        f"{result['cpu_s_main']:.0f} s, extraction worker {result['cpu_s_extraction']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
