"""A web server on 127.0.0.1 that serves articles, feeds and hostile responses for fetch tests."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

ARTICLE_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2021-12-02T09:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>
<footer>Copyright Example News</footer></body></html>"""


def article_html(title: str, paragraphs: list[str]) -> str:
    """A news page around ``paragraphs``."""
    return ARTICLE_HTML.format(title=title, body="".join(f"<p>{p}</p>" for p in paragraphs))


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, pubDate) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><guid>{u}</guid><pubDate>{d}</pubDate></item>" for t, u, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>{body}</channel></rss>'


@dataclass
class FakeWeb:
    """Routes added per test; ``hits`` counts requests by path."""

    pages: dict[str, tuple[int, str, bytes, dict[str, str]]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    base: str = ""
    #: Handlers for every path under a prefix, for tests that shape the responses themselves.
    under: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] = field(default_factory=dict)

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        **headers: str,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (status, content_type, data, headers)
        return self.base + path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        for prefix, handler in self.under.items():
            if path.startswith(prefix):
                return await handler(request)
        if path == "/endless":
            resp = web.StreamResponse(headers={"Content-Type": "text/html"})
            await resp.prepare(request)
            while True:
                await resp.write(b"<p>" + b"x" * 60_000 + b"</p>")
                await asyncio.sleep(0)
        if path in ("/drip", "/dripfeed"):
            # 10 KB a second, forever: a page (or a feed) that never finishes arriving.
            ctype = "text/html" if path == "/drip" else "application/rss+xml"
            resp = web.StreamResponse(headers={"Content-Type": ctype})
            await resp.prepare(request)
            await resp.write(b"<html><body><p>" if path == "/drip" else b'<?xml version="1.0"?><rss><channel>')
            with contextlib.suppress(ConnectionError):  # the client gives up: the drip ends
                while True:
                    await asyncio.sleep(0.1)
                    await resp.write(b"<!-- drip -->" + b" " * 1011)
        if path == "/slow":
            await asyncio.sleep(30)
        if path == "/gzipbomb":
            bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
            return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        if path not in self.pages:
            return web.Response(status=404, text="not found")
        status, ctype, data, headers = self.pages[path]
        if "If-None-Match" in request.headers and request.headers["If-None-Match"] == headers.get("ETag"):
            return web.Response(status=304)
        return web.Response(status=status, body=data, headers={"Content-Type": ctype, **headers})


@asynccontextmanager
async def serve() -> AsyncIterator[FakeWeb]:
    """Start a :class:`FakeWeb` on a free port of 127.0.0.1."""
    fake = FakeWeb()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.base = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


class FakeResolver(AbstractResolver):
    """DNS answers from a table, so tests resolve public-looking names with no outside traffic."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return [
            {
                "hostname": host,
                "host": addr,
                "port": port,
                "family": socket.AF_INET6 if ":" in addr else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for addr in self.table[host]
        ]

    async def close(self) -> None:
        return None
