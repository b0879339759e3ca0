"""Feed entries from downloaded bytes: RSS 0.9x/1.0/2.0, Atom and JSON Feed (pure).

feedparser only ever gets bytes that :mod:`bot.fetch` downloaded within its limits: given a string it
would read local files and fetch URLs with no timeout (../shared/docs/fetching.md). ``bozo`` is a
warning, not a failure: the loose parser still returns the entries of most broken feeds.
Whitespace before ``<?xml`` is removed first (it makes feedparser's strict parser give up). JSON Feed
is parsed with :mod:`json`. Dates fall back from ``published`` to ``updated`` to a lenient parse of the
raw text (Portuguese day and month names included); an entry without any stays undated, never epoch 0.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.commands import canonical_url
from bot.model import FeedItem

#: Entries taken from one feed at most.
MAX_ITEMS = 200
#: Entries read from an XML feed at most: the rest of a huge feed is cut before feedparser (pure
#: Python, about 90 µs an entry) sees it, so 100,000 items cost what 1,000 do.
MAX_READ = 1_000
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)
_MONTHS = {
    # Portuguese and Spanish abbreviations that RFC 822 parsers do not know.
    "jan": "Jan", "fev": "Feb", "feb": "Feb", "mar": "Mar", "abr": "Apr", "apr": "Apr", "mai": "May",
    "may": "May", "jun": "Jun", "jul": "Jul", "ago": "Aug", "aug": "Aug", "set": "Sep", "sep": "Sep",
    "out": "Oct", "oct": "Oct", "nov": "Nov", "dez": "Dec", "dic": "Dec", "dec": "Dec", "ene": "Jan",
}  # fmt: skip
_RFC822 = re.compile(
    r"(\d{1,2})\s+([A-Za-zçÇ]{3})[a-zç]*\.?\s+(\d{2,4})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s*([+-]\d{4}|[A-Z]{1,4})?"
)
_TAGS = re.compile(r"<[^>]+>")


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class FeedError(ValueError):
    """Bytes that hold no feed at all."""


def parse_feed(data: bytes, *, content_type: str = "", feed_url: str = "", limit: int = MAX_ITEMS) -> list[FeedItem]:
    """The entries of a feed, newest first where dated; raises :class:`FeedError` when it is not a feed."""
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:1] == b"{" or "json" in content_type:
        return _json_feed(data, feed_url, limit)
    data = _first_entries(data, max(limit, MAX_READ))
    headers = {"content-type": content_type} if content_type else {}
    parsed: Any = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and not parsed.get("version"):
        raise FeedError("That link is not an RSS, Atom or JSON feed.")
    base = feed_url or str(dict.get(parsed.feed, "link") or "")
    items = [_item(e, base, feed_url) for e in parsed.entries[:limit]]
    return _newest_first([i for i in items if i is not None])


def _first_entries(data: bytes, n: int) -> bytes:
    """``data`` without the entries after the ``n``-th, the closing tags after the last one kept."""
    ends = _ENTRY_END.finditer(data)
    cut = None
    for count, match in enumerate(ends, 1):
        if count == n:
            cut = match.end()
            break
    if cut is None:
        return data
    last = None
    for last in ends:  # noqa: B007 - only the last match is wanted
        pass
    if last is None:
        return data
    return data[:cut] + data[last.end() :]


def _item(entry: dict[str, Any], base: str, feed_url: str) -> FeedItem | None:
    link = entry.get("link") or ""
    if not link:
        links = [x.get("href") for x in entry.get("links", []) if x.get("href")]
        link = links[0] if links else ""
    guid = entry.get("id") or entry.get("guid") or ""
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    link = urljoin(base, link.strip()) if base else link.strip()
    if not link.startswith(("http://", "https://")):
        return None
    title = _TAGS.sub("", entry.get("title") or "").strip()
    summary = _TAGS.sub(" ", entry.get("summary") or "").strip()
    return FeedItem(
        url=link,
        title=title,
        guid=guid,
        published=_date(entry),
        summary=" ".join(summary.split())[:2000],
        feed=feed_url,
    )


def _date(entry: dict[str, Any]) -> dt.datetime | None:
    # dict.get: feedparser's own get() maps missing keys to others with a deprecation warning.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    for key in ("published", "updated", "pubDate", "date"):
        raw = dict.get(entry, key)
        if raw:
            parsed = lenient_date(str(raw))
            if parsed is not None:
                return parsed
    return None


def lenient_date(raw: str) -> dt.datetime | None:
    """A date from RFC 822 with non-English names (``Seg, 24 Set 2018 19:42:40 -0300``) or ISO 8601."""
    raw = raw.strip()
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    m = _RFC822.search(raw)
    if not m:
        return None
    day, month, year, clock, zone = m.groups()
    month_en = _MONTHS.get(month.lower()[:3])
    if month_en is None:
        return None
    if len(year) == 2:
        year = ("19" if int(year) > 50 else "20") + year
    try:
        parsed = parsedate_to_datetime(f"{int(day):02d} {month_en} {year} {clock} {zone or '+0000'}")
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _json_feed(data: bytes, feed_url: str, limit: int) -> list[FeedItem]:
    try:
        doc = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        raise FeedError("That link is not an RSS, Atom or JSON feed.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("That link is not an RSS, Atom or JSON feed.")
    items: list[FeedItem] = []
    for raw in doc["items"][:limit]:
        if not isinstance(raw, dict):
            continue
        url = raw.get("url") or raw.get("external_url") or ""
        if not isinstance(url, str) or not url:
            continue
        published = lenient_date(str(raw.get("date_published") or raw.get("date_modified") or ""))
        summary = raw.get("summary") or raw.get("content_text") or ""
        items.append(
            FeedItem(
                url=url,
                title=str(raw.get("title") or ""),
                guid=str(raw.get("id") or ""),
                published=published,
                summary=str(summary)[:2000],
                feed=feed_url,
            )
        )
    return _newest_first(items)


def _newest_first(items: list[FeedItem]) -> list[FeedItem]:
    # Undated entries keep their feed order after the dated ones (never sorted as 1970).
    dated = sorted((i for i in items if i.published), key=lambda i: i.published or _EPOCH, reverse=True)
    return dated + [i for i in items if not i.published]


def dedupe(items: Iterable[FeedItem], seen: set[str] | None = None) -> list[FeedItem]:
    """Items once each across feeds: by canonical URL, GUID, or near-identical title."""
    seen = set() if seen is None else seen
    out: list[FeedItem] = []
    for item in items:
        keys = {"u:" + canonical_url(item.url)}
        if item.guid:
            keys.add("g:" + item.guid)
        title = " ".join(re.findall(r"\w+", item.title.lower()))
        if len(title) >= 20:
            keys.add("t:" + title)
        if keys & seen:
            continue
        seen |= keys
        out.append(item)
    return out


def item_time(item: FeedItem, fallback: dt.datetime) -> dt.datetime:
    """When an item was published, or ``fallback`` (first seen) for undated ones."""
    return item.published or fallback
