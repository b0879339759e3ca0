"""Safe downloads of pages and feeds, and article extraction in a killable worker process.

Every limit here is a promise to self-hosters whose bot fetches links that strangers paste
(../shared/docs/fetching.md):

- **Schemes and ports**: http and https only, ports 80 and 443 (any port when private networks are
  allowed, for tests and local demos).
- **SSRF**: the host's addresses are resolved by :class:`GuardedResolver`, which refuses the whole
  name when any address is not public (loopback, RFC 1918, link-local, CGNAT, multicast, reserved,
  unspecified, IPv6 ULA and their IPv4-mapped forms); aiohttp then connects to exactly the checked
  addresses, so a rebinding DNS server cannot swap them. Address literals (``127.0.0.1``,
  ``[::1]``, ``2130706433``, ``0x7f.1``) are checked before any connection. Link-local and cloud
  metadata addresses (169.254.169.254, fd00:ec2::254) stay refused even when private networks are
  allowed.
- **Redirects** are followed by hand, at most :data:`MAX_REDIRECTS`, each hop checked like the first.
- **Time**: connect, read and total timeouts in seconds (aiohttp's default total is 300 s).
- **Size**: the body is streamed and counted after decompression (a gzip bomb stops at the cap).
- **Types**: HTML, XHTML and plain text for articles; RSS, Atom, XML and JSON Feed for feeds; the
  first bytes are sniffed too, as servers mislabel.
- **Charset**: the HTTP header, then the document's own declaration, then detection.
- **Rate**: once :attr:`FetchLimits.slow_after` seconds have passed, a body must average
  :attr:`FetchLimits.min_rate`: a page or feed that drips is dropped in seconds, not at the total limit.
- **Extraction** (trafilatura) reads a simplified page: where a page holds far more inline elements
  than any real article (:data:`MAX_INLINE`), their tags are stripped first, and a page of more than
  :data:`MAX_ELEMENTS` elements even then is refused, so that a page of 25,000 ``<span>`` s is read
  in about a second instead of minutes. It runs in a worker process that is killed past its time
  limit, the last resort for what the simplification does not foresee: a thread cannot be stopped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import ipaddress
import logging
import multiprocessing
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.errors import BadUrl, FetchFailed, NotAnArticle
from bot.orphans import exit_with_parent
from summarizer.model import Article

if TYPE_CHECKING:
    from lxml.html import HtmlElement

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "briefbot/0.1 (+https://github.com/briefbot; self-hosted news briefs)"
Kind = Literal["article", "feed"]

_ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/html",  # many feeds are served as HTML; the parser decides
        "text/plain",
    }
)
_METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class BlockedAddress(OSError):
    """A host that resolves to an address the fetcher must not reach."""


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool) -> bool:
    """Whether the fetcher may connect to ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            return address_allowed(mapped, allow_private=allow_private)
    if ip in _METADATA or ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return False
    if allow_private and (ip.is_loopback or ip.is_private or (ip.version == 4 and ip in _CGNAT)):
        return True
    return ip.is_global


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells, in any notation the C library accepts (``2130706433``, ``0x7f.1``)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host) and not re.fullmatch(r"[a-fA-F.]+", host):
        try:
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    return None


class GuardedResolver(AbstractResolver):
    """A resolver that refuses names with any non-public address (see the module docstring)."""

    def __init__(self, *, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        """Wrap ``inner`` (the threaded system resolver by default)."""
        self._inner = inner or ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; raises :class:`BlockedAddress` when an address is not allowed."""
        results = await self._inner.resolve(host, port, family)
        for r in results:
            ip = ipaddress.ip_address(r["host"].split("%")[0])
            if not address_allowed(ip, allow_private=self._allow_private):
                raise BlockedAddress(f"{host} resolves to a private or reserved address")
        return results

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The limits of one fetcher (from settings)."""

    total_timeout: float = 15.0
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_bytes: int = 5_000_000
    allow_private: bool = False
    extract_timeout: float = 20.0
    #: Connections to one host at a time: pasted links cannot turn the bot against one site.
    per_host: int = 4
    #: Bytes per second a body must average once :attr:`slow_after` seconds have passed (0: no floor).
    min_rate: int = 20_000
    slow_after: float = 3.0


@dataclass(frozen=True, slots=True)
class Download:
    """A body that passed every check."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        """A conditional GET that found nothing new."""
        return self.status == 304


class Fetcher:
    """Downloads with the limits above over one shared aiohttp session, and extracts articles."""

    def __init__(self, limits: FetchLimits, *, resolver: AbstractResolver | None = None, workers: int = 1) -> None:
        """Build the fetcher; the session opens on first use (importing or building it does no I/O)."""
        self.limits = limits
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._extractor = Extractor(workers=workers, timeout=limits.extract_timeout)

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            resolver = GuardedResolver(allow_private=self.limits.allow_private, inner=self._resolver)
            connector = aiohttp.TCPConnector(
                resolver=resolver, limit=32, limit_per_host=self.limits.per_host, use_dns_cache=False
            )
            timeout = aiohttp.ClientTimeout(
                total=self.limits.total_timeout,
                sock_connect=self.limits.connect_timeout,
                sock_read=self.limits.read_timeout,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
                max_line_size=8190,
                max_field_size=8190,
                max_headers=100,
            )
        return self._session

    async def close(self) -> None:
        """Close the session and stop the extraction workers."""
        if self._session is not None:
            await self._session.close()
        self._extractor.close()

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise BadUrl("Only http:// and https:// links are fetched.")
        host = parts.hostname or ""
        if not host:
            raise BadUrl("That link has no host name.")
        try:
            port = parts.port
        except ValueError:
            raise BadUrl("That link has a bad port number.") from None
        literal = literal_address(host)
        if literal is not None and not address_allowed(literal, allow_private=self.limits.allow_private):
            raise BadUrl("That link points into a private network; only public web pages are fetched.")
        if port not in (None, 80, 443) and not self.limits.allow_private:
            raise BadUrl(f"Only the standard web ports are fetched, not {port}.")

    async def download(self, url: str, kind: Kind, *, etag: str = "", last_modified: str = "") -> Download:
        """Fetch ``url`` within every limit; raises :class:`BadUrl` or :class:`FetchFailed`."""
        session = await self._client()
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        try:
            async with asyncio.timeout(self.limits.total_timeout + 1):
                for _hop in range(MAX_REDIRECTS + 1):
                    self._check(current)
                    async with session.get(current, headers=headers, allow_redirects=False) as resp:
                        if resp.status in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                            current = urljoin(current, resp.headers["Location"])
                            continue
                        return await self._read(current, resp, kind)
                raise FetchFailed(f"That link redirects more than {MAX_REDIRECTS} times.")
        except (BadUrl, FetchFailed):
            raise
        except TimeoutError:
            raise FetchFailed(f"That page did not answer within {self.limits.total_timeout:.0f} s.") from None
        except aiohttp.ClientConnectorError as err:
            if isinstance(err.os_error, BlockedAddress):
                raise BadUrl("That link points into a private network; only public web pages are fetched.") from None
            raise FetchFailed(f"Could not connect to {urlsplit(current).hostname}.") from None
        except BlockedAddress:
            raise BadUrl("That link points into a private network; only public web pages are fetched.") from None
        except aiohttp.InvalidURL:
            raise BadUrl("That link is not a valid web address.") from None
        except (aiohttp.ClientError, OSError) as err:
            log.info("download of %s failed: %r", current, err)
            raise FetchFailed(f"Could not download {urlsplit(current).hostname}: the connection failed.") from None

    async def _read(self, url: str, resp: aiohttp.ClientResponse, kind: Kind) -> Download:
        etag = resp.headers.get("ETag", "")
        modified = resp.headers.get("Last-Modified", "")
        if resp.status == 304:
            return Download(url, 304, "", None, b"", etag, modified)
        if resp.status >= 400:
            raise FetchFailed(f"That page answered {resp.status} {resp.reason or ''}".rstrip() + ".")
        ctype = (resp.content_type or "").lower()
        allowed = _ARTICLE_TYPES if kind == "article" else _FEED_TYPES
        if ctype and ctype not in allowed and ctype != "application/octet-stream":
            what = "a web page" if kind == "article" else "a feed"
            raise FetchFailed(f"That link is {ctype}, not {what}.")
        length = resp.content_length
        if length is not None and length > self.limits.max_bytes:
            raise FetchFailed(f"That page is larger than {self.limits.max_bytes // 1_000_000} MB.")
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        started = loop.time()
        rate, grace = self.limits.min_rate, self.limits.slow_after
        try:
            # The deadline moves on with every byte: the body must average `rate` once `grace` is over,
            # so a page that drips is dropped in seconds while a slow but steady one is read.
            async with asyncio.timeout(started + grace if rate else None) as deadline:
                async for chunk in resp.content.iter_chunked(65_536):
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        raise FetchFailed(f"That page is larger than {self.limits.max_bytes // 1_000_000} MB.")
                    chunks.append(chunk)
                    if rate:
                        deadline.reschedule(started + max(grace, size / rate))
        except TimeoutError:
            what = "page" if kind == "article" else "feed"
            raise FetchFailed(f"That site is sending the {what} too slowly.") from None
        body = b"".join(chunks)
        if not _sniff_ok(body, kind):
            raise NotAnArticle("That link does not hold a web page or text (it looks like binary data).")
        return Download(url, resp.status, ctype, resp.charset, body, etag, modified)

    async def fetch_article(self, url: str) -> Article:
        """Download a page and extract its article; raises a :class:`bot.errors.UserError`."""
        got = await self.download(url, "article")
        text = decode(got.body, got.charset)
        if got.content_type == "text/plain":
            return Article(text=text.strip(), url=got.url, source=urlsplit(got.url).hostname or "")
        return await self._extractor.extract(text, got.url)


_ACCEPT = {
    "article": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.5",
}


def _sniff_ok(body: bytes, kind: Kind) -> bool:
    head = body[:2048]
    if not head.strip():
        return kind == "feed"
    if head.startswith((b"\x1f\x8b", b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff")):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 50 or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(body: bytes, charset: str | None) -> str:
    """Text of a body: the HTTP charset, then the document's declaration, then detection, then UTF-8."""
    for name in (charset, *_declared(body)):
        if not name:
            continue
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only for undeclared, non-UTF-8 pages

    # Detection tells scripts apart well but confuses the Latin code pages (it reads cp1252 French
    # as ISO-8859-2 mojibake), so a Latin guess becomes windows-1252, the HTML standard's default.
    best = from_bytes(body[:200_000]).best()
    encoding = best.encoding if best is not None and best.encoding else "cp1252"
    if encoding.lower().replace("-", "").replace("_", "") in _LATIN:
        encoding = "cp1252"
    return body.decode(encoding, errors="replace")


_LATIN = frozenset(
    {"latin1", "iso88591", "iso88592", "iso88593", "iso88594", "iso88599", "iso885910", "iso885913", "iso885914",
     "iso885915", "iso885916", "cp1250", "cp1252", "cp1254", "cp1257", "windows1250", "windows1252", "maclatin2",
     "macroman", "cp850", "cp437"}
)  # fmt: skip


def _declared(body: bytes) -> Sequence[str]:
    head = body[:4096]
    out = [m.group(1).decode("ascii", "ignore") for m in (_META_CHARSET.search(head), _XML_ENCODING.search(head)) if m]
    return out


# --- extraction in a worker process -------------------------------------------------------------


#: Inline elements, whose tags an article's text does not need.
_INLINE = (
    "span font b i em strong small big sup sub u s strike mark abbr cite code q time a tt label wbr ins del".split()
)
#: The real news pages of ../shared/eval/extract (397) hold at most 1,200 inline elements and 10,106
#: elements in all. Above these bounds a page is built to hurt: 25,000 ``<span>`` s in one paragraph
#: hold trafilatura for minutes, and 5,000 paragraphs of 10 spans each for half a minute.
MAX_INLINE = 5_000
MAX_ELEMENTS = 25_000
_TOO_COMPLEX = "too complex"


def _simplified(html: str) -> HtmlElement | None:
    """The page's lxml tree, its inline tags stripped where there are far too many; ``None`` if empty.

    Raises ``ValueError`` for a page of more than :data:`MAX_ELEMENTS` elements even then.
    """
    from lxml import etree  # noqa: PLC0415 - imported in the worker only
    from trafilatura.utils import load_html  # noqa: PLC0415

    tree = load_html(html)
    if tree is None:
        return None
    if sum(1 for _ in tree.iter(*_INLINE)) > MAX_INLINE:
        etree.strip_tags(tree, *_INLINE)
        # Stripping leaves each paragraph's text in thousands of pieces, which trafilatura reads as
        # slowly as the tags; read once more, each paragraph is one piece of text.
        tree = load_html(etree.tostring(tree, encoding="unicode"))
    if tree is None or sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        raise ValueError(_TOO_COMPLEX)
    return tree


def _extract_in_worker(html: str, url: str) -> dict[str, Any] | None:
    """Run trafilatura (in the worker process) and return plain data."""
    import trafilatura  # noqa: PLC0415 - imported in the worker only

    try:
        tree = _simplified(html)
    except ValueError:
        return {"refused": _TOO_COMPLEX}
    if tree is None:
        return None
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True)
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {k: data.get(k) for k in ("title", "date", "author", "text", "sitename")}


def _warm() -> bool:
    """Load the extraction libraries in a new worker (what its first page would otherwise pay for)."""
    import trafilatura  # noqa: F401, PLC0415

    return True


#: Seconds a new extraction worker may take to start and load its libraries (a busy machine).
WORKER_START_TIMEOUT = 60.0


class Extractor:
    """A small pool of extraction processes; a task past its time limit kills the pool, which restarts."""

    def __init__(self, *, workers: int = 1, timeout: float = 20.0) -> None:
        """Nothing starts until the first extraction."""
        self.workers = max(1, workers)
        self.timeout = timeout
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        # As many pages in flight as workers, so the time limit counts a page's own run, not its wait.
        self._gate: asyncio.Semaphore | None = None
        # The start of the current pool's workers: a page's time limit does not count it either.
        self._started: asyncio.Future[list[bool]] | None = None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # spawn: forking a process that runs an event loop and threads is unsafe.
            ctx = multiprocessing.get_context("spawn")
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=ctx, initializer=exit_with_parent, initargs=(os.getpid(),)
            )
        return self._pool

    def _kill(self, pool: concurrent.futures.ProcessPoolExecutor | None = None) -> None:
        """Kill the worker processes of ``pool`` (the current one by default); the next task starts anew."""
        target = pool or self._pool
        if target is None:
            return
        if target is self._pool:
            self._pool = None
            self._started = None
        for proc in list(getattr(target, "_processes", {}).values()):
            proc.kill()
        target.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers."""
        self._kill()

    async def extract(self, html: str, url: str) -> Article:
        """The article of a page; raises :class:`NotAnArticle` or :class:`FetchFailed` (time limit).

        A page past its time limit has its pool killed; other pages that were being read in that
        pool are read again once in the new one, so a hostile page costs only its own answer.
        """
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.workers)
        async with self._gate:
            data = await self._run(html, url)
        if data and data.get("refused") == _TOO_COMPLEX:
            raise NotAnArticle(f"That page is built of more than {MAX_ELEMENTS:,} parts; it is too complex to read.")
        if not data or not (data.get("text") or "").strip():
            raise NotAnArticle("No article text found on that page.")
        return _article(data, url)

    async def _run(self, html: str, url: str) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        data: dict[str, Any] | None = None
        for attempt in range(2):
            pool = self._executor()
            if self._started is None:
                self._started = asyncio.gather(*(loop.run_in_executor(pool, _warm) for _ in range(self.workers)))
            try:
                await asyncio.wait_for(asyncio.shield(self._started), WORKER_START_TIMEOUT)
            except (TimeoutError, concurrent.futures.process.BrokenProcessPool):
                self._kill(pool)
                raise FetchFailed("Reading that page failed; please try again.") from None
            future = loop.run_in_executor(pool, _extract_in_worker, html, url)
            try:
                data = await asyncio.wait_for(future, self.timeout)
                break
            except TimeoutError:
                log.warning("extraction of %s passed %.0f s; restarting the extraction worker", url, self.timeout)
                self._kill(pool)
                raise FetchFailed(
                    f"Reading that page took longer than {self.timeout:.0f} s; it is too complex."
                ) from None
            except concurrent.futures.process.BrokenProcessPool:
                self._kill(pool)
                if attempt == 1:
                    raise FetchFailed("Reading that page failed; please try again.") from None
        return data


def _article(data: dict[str, Any], url: str) -> Article:
    """An :class:`Article` from what the worker extracted."""
    date = None
    if data.get("date"):
        try:
            date = dt.date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            date = None
    return Article(
        text=str(data["text"]).strip(),
        title=str(data.get("title") or ""),
        date=date,
        url=url,
        source=str(data.get("sitename") or urlsplit(url).hostname or ""),
        author=str(data.get("author") or ""),
    )
