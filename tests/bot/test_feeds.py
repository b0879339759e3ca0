"""Feed parsing over every real feed file in ../shared/eval/feeds, plus the edge cases."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.feeds import FeedError, dedupe, lenient_date, parse_feed
from bot.model import FeedItem
from tests.conftest import SHARED

FEEDS = SHARED / "eval" / "feeds"
FILES = sorted(p for p in FEEDS.glob("*") if p.suffix not in (".md", ".py")) if FEEDS.is_dir() else []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_feed_parses(path) -> None:
    items = parse_feed(path.read_bytes(), feed_url=f"https://feeds.example/{path.name}")
    if path.name.startswith(("incomplete", "missing")):
        return  # entries without links: nothing to brief, no error
    assert items, path.name
    assert all(i.url.startswith(("http://", "https://")) for i in items)
    assert all("\ufffd" not in i.title for i in items)
    dated = [i.published for i in items if i.published]
    assert dated == sorted(dated, reverse=True)


def test_real_feeds_are_present_or_skipped() -> None:
    if not FILES:
        pytest.skip("../shared/eval/feeds is not present")
    assert len(FILES) >= 20


def test_portuguese_dates_and_whitespace_before_the_declaration() -> None:
    assert lenient_date("Seg, 24 Set 2018 19:42:40 -0300") == dt.datetime(2018, 9, 24, 22, 42, 40, tzinfo=dt.UTC)
    feed = b"\n\n  <?xml version='1.0'?><rss version='2.0'><channel><item><title>A</title>"
    feed += b"<link>https://e.example/a</link><pubDate>Ter, 02 Out 2018 10:00:00 -0300</pubDate></item></channel></rss>"
    items = parse_feed(feed)
    assert items[0].published == dt.datetime(2018, 10, 2, 13, 0, tzinfo=dt.UTC)


def test_json_feed_and_undated_items_come_last() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "url": "https://e.example/old", "title": "Old", "date_published": "2024-01-01T00:00:00Z"},
            {"id": "2", "url": "https://e.example/undated", "title": "Undated"},
            {"id": "3", "url": "https://e.example/new", "title": "New", "date_published": "2024-02-01T00:00:00+01:00"},
        ],
    }
    items = parse_feed(json.dumps(doc).encode(), content_type="application/feed+json")
    assert [i.title for i in items] == ["New", "Old", "Undated"]


def test_not_a_feed_is_an_error_and_huge_feeds_are_capped() -> None:
    with pytest.raises(FeedError):
        parse_feed(b"<html><body>hello</body></html>")
    with pytest.raises(FeedError):
        parse_feed(b"{not json")
    many = "".join(f"<item><title>t{n}</title><link>https://e.example/{n}</link></item>" for n in range(5_000))
    items = parse_feed(f"<rss version='2.0'><channel>{many}</channel></rss>".encode(), limit=50)
    assert len(items) == 50


def test_billion_laughs_is_not_expanded() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
        + ']><rss version="2.0"><channel><item><title>&lol9;</title><link>https://e.example/a</link></item></channel></rss>'
    )
    items = parse_feed(laughs.encode())
    assert all(len(i.title) < 10_000 for i in items)


def test_dedupe_by_canonical_url_guid_and_title() -> None:
    items = [
        FeedItem(url="https://news.example/a?utm_source=rss", title="Ministers meet in Stockholm over Ukraine"),
        FeedItem(url="https://www.news.example/a", title="Different title"),
        FeedItem(url="https://other.example/b", title="Ministers meet in Stockholm over Ukraine!"),
        FeedItem(url="https://other.example/c", title="Something else entirely happened", guid="g1"),
        FeedItem(url="https://other.example/d", title="Yet another story", guid="g1"),
    ]
    assert [i.url for i in dedupe(items)] == ["https://news.example/a?utm_source=rss", "https://other.example/c"]


def test_a_huge_feed_is_cut_after_its_first_entries_and_stays_well_formed() -> None:
    from bot.feeds import _first_entries

    doc = (
        b"<rss><channel><title>t</title>"
        + b"".join(b"<item><link>u%d</link></item>" % n for n in range(5))
        + b"</channel></rss>"
    )
    assert (
        _first_entries(doc, 2)
        == b"<rss><channel><title>t</title><item><link>u0</link></item><item><link>u1</link></item></channel></rss>"
    )
    assert _first_entries(doc, 5) == doc and _first_entries(doc, 9) == doc
    atom = b"<a:feed>" + b"<a:entry><a:id>1</a:id></a:entry>" * 3 + b"</a:feed>"
    assert _first_entries(atom, 1) == b"<a:feed><a:entry><a:id>1</a:id></a:entry></a:feed>"
    items = "".join(f"<item><title>t{n}</title><link>https://e.example/{n}</link></item>" for n in range(3000))
    parsed = parse_feed(f"<rss version='2.0'><channel>{items}</channel></rss>".encode(), limit=2000)
    assert len(parsed) == 2000 and parsed[-1].url == "https://e.example/1999"  # a larger limit is read whole
