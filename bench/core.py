"""Event-loop responsiveness of the core while briefs are computed.

    python -m bench.core [--briefs 50]

Fires ``--briefs`` concurrent ``brief <url>`` commands (distinct URLs, the seed article served by an
in-process fetcher, so the NLP dominates) and, while they run, a ``help`` command every 20 ms. The
``help`` latency is what an adapter's ack or defer waits for the loop: reported as p50/p99 against the
3 s platform limit. Target: p99 < 100 ms. Writes bench/results/core.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from bench.summary import RESULTS, ROOT
from bot.commands import parse_command
from bot.core import Core
from bot.errors import FetchFailed
from bot.fetch import Download, Kind
from bot.model import ChannelRef
from bot.storage import SqlStore
from summarizer.article import parse_article
from summarizer.brief import Briefer
from summarizer.model import Article
from summarizer.nlp import Pipeline, load_model


class SeedFetcher:
    """Serves the seed article at every URL (no network)."""

    def __init__(self) -> None:
        self.article = parse_article((ROOT / "seeds" / "2021-12-02-blinken-lavrov-ukraine.txt").read_text("utf-8"))

    async def download(self, url: str, kind: Kind, *, etag: str = "", last_modified: str = "") -> Download:
        raise FetchFailed("no feeds here")

    async def fetch_article(self, url: str) -> Article:
        await asyncio.sleep(0.01)  # a network round trip
        # A distinct text per URL, so that the content-hash cache does not answer.
        return Article(text=self.article.text + f"\n\nReference {url}.", title=self.article.title, url=url)


async def run(n: int) -> dict[str, float]:
    briefer = Briefer(Pipeline(load_model()))
    store = await SqlStore.open(":memory:")
    core = Core(fetcher=SeedFetcher(), store=store, brief=lambda a: briefer.brief(a, quotes=None))
    channel = ChannelRef("cli", "bench")
    await core.handle(parse_command("brief https://warm.example/0", channel))
    latencies: list[float] = []
    t0 = time.perf_counter()
    commands = [parse_command(f"brief https://n.example/{i}", channel) for i in range(n)]
    briefs = [asyncio.create_task(core.handle(c)) for c in commands]
    while not all(t.done() for t in briefs):
        # A command "arrives" 20 ms from now; its latency is how late the loop gets to it plus the
        # time to answer it (what an adapter's ack waits for).
        arrival = time.perf_counter() + 0.02
        await asyncio.sleep(0.02)
        await core.handle(parse_command("help", channel))
        latencies.append((time.perf_counter() - arrival) * 1000)
    wall = time.perf_counter() - t0
    await asyncio.gather(*briefs)
    core.close()
    await store.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "briefs": n,
        "wall_s": wall,
        "samples": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": p99,
        "max_ms": latencies[-1],
        "p99_over_3s_limit": p99 / 3000,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="core responsiveness benchmark")
    ap.add_argument("--briefs", type=int, default=50)
    args = ap.parse_args()
    result = {"date": time.strftime("%Y-%m-%d"), **asyncio.run(run(args.briefs))}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "core.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{args.briefs} briefs in flight for {result['wall_s']:.1f} s; {result['samples']} help commands answered")
    print(
        f"command latency p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (target < 100 ms; "
        f"{result['p99_over_3s_limit']:.1%} of the 3 s platform limit), max {result['max_ms']:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
