"""The fetcher's limits, each against a local server or a resolver table (no outside traffic)."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from bot.errors import BadUrl, FetchFailed, NotAnArticle
from bot.fetch import Fetcher, FetchLimits, address_allowed, decode, literal_address
from tests.fakes.web import FakeResolver, article_html, serve

PARAGRAPHS = [
    "Foreign ministers met in Stockholm on Thursday for talks on the crisis, officials said.",
    "“We are deeply concerned about the build-up,” the secretary of state told reporters after the meeting.",
    "The talks are expected to continue next week in Geneva, according to a statement from the ministry.",
]


@pytest.mark.parametrize(
    ("address", "public_only", "private_ok"),
    [
        ("8.8.8.8", True, True),
        ("127.0.0.1", False, True),
        ("10.1.2.3", False, True),
        ("172.16.0.1", False, True),
        ("192.168.1.1", False, True),
        ("100.64.0.1", False, True),
        ("169.254.169.254", False, False),
        ("169.254.1.1", False, False),
        ("0.0.0.0", False, False),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", False, False),
        ("::1", False, True),
        ("fc00::1", False, True),
        ("fe80::1", False, False),
        ("::ffff:127.0.0.1", False, True),
        ("::ffff:169.254.169.254", False, False),
        ("fd00:ec2::254", False, False),
        ("2606:4700:4700::1111", True, True),
    ],
)
def test_address_policy(address: str, public_only: bool, private_ok: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert address_allowed(ip, allow_private=False) is public_only
    assert address_allowed(ip, allow_private=True) is private_ok


@pytest.mark.parametrize("host", ["2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1", "[::1]", "[::ffff:7f00:1]"])
def test_every_spelling_of_loopback_is_seen(host: str) -> None:
    ip = literal_address(host)
    assert ip is not None and not address_allowed(ip, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
async def test_private_literals_are_refused_before_connecting(url: str) -> None:
    f = Fetcher(FetchLimits(allow_private=False))
    try:
        with pytest.raises(BadUrl, match="private network"):
            await f.download(url, "article")
    finally:
        await f.close()


async def test_a_public_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = FakeResolver({"news.example": ["93.184.216.34", "10.0.0.7"], "metadata.example": ["169.254.169.254"]})
    f = Fetcher(FetchLimits(allow_private=False), resolver=resolver)
    try:
        for url in ("http://news.example/a", "http://metadata.example/"):
            with pytest.raises(BadUrl, match="private network"):
                await f.download(url, "article")
    finally:
        await f.close()


async def test_metadata_stays_refused_with_private_networks_allowed() -> None:
    resolver = FakeResolver({"meta.example": ["169.254.169.254"]})
    f = Fetcher(FetchLimits(allow_private=True), resolver=resolver)
    try:
        with pytest.raises(BadUrl):
            await f.download("http://meta.example/", "article")
        with pytest.raises(BadUrl):
            await f.download("http://169.254.169.254/", "article")
    finally:
        await f.close()


async def test_redirect_into_a_private_network_is_refused() -> None:
    async with serve() as web:
        web.add("/hop", "", status=302, Location="http://169.254.169.254/latest/")
        f = Fetcher(FetchLimits(allow_private=True))
        try:
            with pytest.raises(BadUrl):
                await f.download(web.base + "/hop", "article")
        finally:
            await f.close()


async def test_redirects_are_followed_and_capped() -> None:
    async with serve() as web:
        web.add("/article", article_html("Talks in Stockholm", PARAGRAPHS))
        web.add("/r1", "", status=301, Location="/article")
        for n in range(8):
            web.add(f"/loop{n}", "", status=302, Location=f"/loop{n + 1}")
        f = Fetcher(FetchLimits(allow_private=True))
        try:
            got = await f.download(web.base + "/r1", "article")
            assert got.url.endswith("/article") and b"Stockholm" in got.body
            with pytest.raises(FetchFailed, match="redirects more than 5"):
                await f.download(web.base + "/loop0", "article")
        finally:
            await f.close()


async def test_non_web_schemes_and_ports_are_refused() -> None:
    f = Fetcher(FetchLimits(allow_private=False))
    try:
        with pytest.raises(BadUrl):
            await f.download("ftp://example.com/file", "article")
        with pytest.raises(BadUrl, match="standard web ports"):
            await f.download("http://example.com:8080/", "article")
    finally:
        await f.close()


async def test_size_cap_counts_decompressed_bytes_and_streams() -> None:
    async with serve() as web:
        web.add("/big", b"<p>" + b"a" * 6_000_000 + b"</p>")
        f = Fetcher(FetchLimits(allow_private=True, max_bytes=1_000_000))
        try:
            for path in ("/big", "/gzipbomb", "/endless"):
                with pytest.raises(FetchFailed, match="larger than"):
                    await f.download(web.base + path, "article")
        finally:
            await f.close()


async def test_slow_server_times_out_in_seconds() -> None:
    async with serve() as web:
        f = Fetcher(FetchLimits(allow_private=True, total_timeout=1.0, read_timeout=1.0))
        try:
            with pytest.raises(FetchFailed, match="did not answer"):
                await f.download(web.base + "/slow", "article")
        finally:
            await f.close()


async def test_content_types_and_binary_are_refused() -> None:
    async with serve() as web:
        web.add("/pdf", b"%PDF-1.7 ...", content_type="application/pdf")
        web.add("/png-as-html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
        web.add("/missing", "gone", status=404)
        f = Fetcher(FetchLimits(allow_private=True))
        try:
            with pytest.raises(FetchFailed, match="application/pdf"):
                await f.download(web.base + "/pdf", "article")
            with pytest.raises(NotAnArticle, match="binary"):
                await f.download(web.base + "/png-as-html", "article")
            with pytest.raises(FetchFailed, match="404"):
                await f.download(web.base + "/missing", "article")
        finally:
            await f.close()


def test_charset_header_then_document_then_detection() -> None:
    text = "Le ministère a déjà répondu « non » à la demande, selon le porte-parole du gouvernement français."
    assert decode(text.encode("cp1252"), "windows-1252") == text
    html = b'<meta charset="iso-8859-2">' + "Zażółć gęślą jaźń".encode("iso-8859-2")
    assert "Zażółć" in decode(html, None)
    assert decode(text.encode("utf-8"), None) == text
    assert "ministère" in decode(text.encode("cp1252"), None)


async def test_article_extraction_in_the_worker() -> None:
    async with serve() as web:
        url = web.add("/article", article_html("Talks in Stockholm", PARAGRAPHS))
        f = Fetcher(FetchLimits(allow_private=True))
        try:
            article = await f.fetch_article(url)
        finally:
            await f.close()
    assert article.title == "Talks in Stockholm"
    assert "deeply concerned" in article.text and "Copyright" not in article.text
    assert article.url == url


async def test_extraction_past_its_time_limit_is_killed_and_the_worker_recovers() -> None:
    # 24,000 paragraphs: under every bound of the simplification, and seconds of trafilatura's time.
    many = "".join(f"<p>Sentence number {n} is here.</p>" for n in range(24_000))
    async with serve() as web:
        hostile = web.add("/many", f"<html><body><article>{many}</article></body></html>")
        good = web.add("/article", article_html("Talks in Stockholm", PARAGRAPHS))
        f = Fetcher(FetchLimits(allow_private=True, extract_timeout=1.0))
        try:
            with pytest.raises(FetchFailed, match="longer than 1 s"):
                await f.fetch_article(hostile)
            article = await f.fetch_article(good)
        finally:
            await f.close()
    assert "Stockholm" in article.text


async def test_a_page_built_to_hurt_is_simplified_or_refused_not_waited_out() -> None:
    spans = "<p>" + "".join(f"<span>w{n}</span> " for n in range(25_000)) + "</p>"
    tens = "".join("<p>" + "".join(f"<span>w{k}</span> " for k in range(10)) + ".</p>" for _ in range(5_000))
    divs = "".join(f"<div>item {n}</div>" for n in range(30_000))
    async with serve() as web:
        one = web.add("/spans", f"<html><body><article><h1>Spans</h1>{spans}</article></body></html>")
        many = web.add("/tens", f"<html><body><article><h1>Tens</h1>{tens}</article></body></html>")
        huge = web.add("/divs", f"<html><body>{divs}</body></html>")
        # Without the simplification the first holds trafilatura for minutes and the second for half a
        # minute: a limit of 20 s would kill both.
        f = Fetcher(FetchLimits(allow_private=True, extract_timeout=20.0))
        try:
            assert "w24999" in (await f.fetch_article(one)).text
            assert "w9" in (await f.fetch_article(many)).text
            with pytest.raises(NotAnArticle, match="too complex"):
                await f.fetch_article(huge)
        finally:
            await f.close()


async def test_a_dripping_page_is_dropped_and_a_slow_steady_one_is_read() -> None:
    from aiohttp import web as aioweb

    async def steady(request: aioweb.Request) -> aioweb.StreamResponse:
        resp = aioweb.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        for _ in range(25):  # 100 KB in 2.5 s: 40 KB/s, twice the floor
            await resp.write(b"<p>" + b"s" * 4_000 + b"</p>")
            await asyncio.sleep(0.1)
        await resp.write_eof()
        return resp

    async with serve() as web:
        web.under["/steady"] = steady
        f = Fetcher(FetchLimits(allow_private=True, min_rate=20_000, slow_after=1.0))
        try:
            got = await f.download(web.base + "/steady", "article")
            assert len(got.body) > 100_000
            with pytest.raises(FetchFailed, match="sending the page too slowly"):
                await f.download(web.base + "/drip", "article")
            with pytest.raises(FetchFailed, match="sending the feed too slowly"):
                await f.download(web.base + "/dripfeed", "feed")
        finally:
            await f.close()


async def test_real_pages_from_the_extraction_set_through_the_fetcher() -> None:
    import gzip
    import json

    from tests.conftest import SHARED

    root = SHARED / "eval" / "extract" / "zyte"
    if not root.is_dir():
        pytest.skip("../shared/eval/extract is not present")
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:4]
    async with serve() as web:
        urls = {
            pid: web.add(f"/{pid}", gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes())) for pid in ids
        }
        f = Fetcher(FetchLimits(allow_private=True))
        try:
            for pid in ids:
                article = await f.fetch_article(urls[pid])
                words = set(truth[pid]["articleBody"].split())
                got = set(article.text.split())
                assert len(words & got) / len(words) > 0.8, pid
        finally:
            await f.close()
