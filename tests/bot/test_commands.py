"""The command language: a table of good and bad inputs, and a fuzz of the parser."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import MAX_COMMAND_CHARS, canonical_url, check_url, help_text, parse_command
from bot.errors import BadCommand, BadUrl, UserError
from bot.model import ChannelRef

CH = ChannelRef("slack", "C1", "T1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://news.example/a", {"name": "brief", "url": "https://news.example/a"}),
        ("<https://news.example/a|news.example/a>", {"name": "brief", "url": "https://news.example/a"}),
        ("brief https://news.example/a", {"name": "brief", "url": "https://news.example/a"}),
        ("quotes https://news.example/a Antony Blinken", {"name": "quotes", "speaker": "Antony Blinken"}),
        ("actors https://news.example/a", {"name": "actors", "url": "https://news.example/a"}),
        ("quotes “We are ready,” he said.", {"name": "quotes", "text": "“We are ready,” he said."}),
        ("digest", {"name": "digest", "since": None}),
        ("digest 12h", {"name": "digest", "since": dt.timedelta(hours=12)}),
        ("digest 2d", {"name": "digest", "since": dt.timedelta(days=2)}),
        ("subscribe https://f.example/rss.xml", {"name": "subscribe", "url": "https://f.example/rss.xml"}),
        (
            "subscribe https://f.example/rss.xml --include Ukraine, Russia --exclude sport",
            {"include": ("ukraine", "russia"), "exclude": ("sport",)},
        ),
        ("unsubscribe 4", {"name": "unsubscribe", "target": "4"}),
        ("unsubscribe https://f.example/rss.xml", {"target": "https://f.example/rss.xml"}),
        ("feeds", {"name": "feeds"}),
        ("schedule 07:30 Europe/Berlin", {"time": dt.time(7, 30), "tz": "Europe/Berlin"}),
        ("schedule 7:05", {"time": dt.time(7, 5), "tz": "UTC"}),
        ("schedule off", {"target": "off"}),
        ("help", {"name": "help", "topic": ""}),
        ("HELP quotes", {"name": "help", "topic": "quotes"}),
    ],
)
def test_good_commands(text: str, expected: dict[str, object]) -> None:
    cmd = parse_command(text, CH, "U1", is_admin=True)
    for key, value in expected.items():
        assert getattr(cmd, key) == value, key
    assert cmd.channel == CH and cmd.user == "U1" and cmd.is_admin


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("", BadCommand, "briefbot commands"),
        ("frobnicate", BadCommand, "Unknown command"),
        ("brief", BadCommand, "Usage: brief"),
        ("actors https://a.example/x extra words", BadCommand, "Usage: actors"),
        ("quotes file:///etc/passwd", BadUrl, "http"),
        ("brief javascript:alert(1)", BadUrl, "http"),
        ("subscribe", BadCommand, "Usage: subscribe"),
        ("subscribe not-a-url", BadUrl, "Not a web address"),
        ("subscribe https://f.example/x --include", BadCommand, "Usage: subscribe"),
        ("unsubscribe", BadCommand, "Usage: unsubscribe"),
        ("schedule", BadCommand, "Usage: schedule"),
        ("schedule 25:00", BadCommand, "HH:MM"),
        ("schedule 07:30 Mars/Olympus", BadCommand, "time zone"),
        ("digest soon", BadCommand, "Usage: digest"),
        ("digest 900d", BadCommand, "14 days"),
        ("brief https://user:pw@a.example/", BadUrl, "password"),
    ],
)
def test_bad_commands_say_why(text: str, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        parse_command(text, CH)


def test_a_malformed_link_is_a_user_error() -> None:
    for text in ("brief http://[", "brief https://[::1", "subscribe http://]x"):
        with pytest.raises(UserError):
            parse_command(text, CH)


def test_oversized_command_is_refused() -> None:
    with pytest.raises(BadCommand, match="too long"):
        parse_command("brief " + "word " * MAX_COMMAND_CHARS, CH)


def test_help_lists_every_command() -> None:
    text = help_text()
    for name in ("brief", "quotes", "actors", "digest", "subscribe", "unsubscribe", "feeds", "schedule", "help"):
        assert f"`{name}" in text
    assert "admins" in help_text("subscribe")
    with pytest.raises(BadCommand, match="No command"):
        help_text(parse_command("help nothing", CH).topic)


def test_canonical_url_drops_tracking_and_fragments() -> None:
    assert canonical_url("http://WWW.News.example/a/?utm_source=x&id=3&fbclid=y#top") == "https://news.example/a?id=3"
    assert check_url(" <https://a.example/x|label> ") == "https://a.example/x"


@settings(max_examples=2_000, deadline=None)
@given(st.text(max_size=300))
def test_parser_never_raises_anything_but_a_user_error(text: str) -> None:
    try:
        cmd = parse_command(text, CH)
    except UserError as err:
        assert str(err) and len(str(err)) < 2_000
    else:
        assert cmd.name


def test_subscribe_mentions_a_role_or_a_user_group() -> None:
    url = "https://news.example/rss"
    assert parse_command(f"subscribe {url} --mention <@&123>", CH).mention == "<@&123>"
    assert parse_command(f"subscribe {url} --mention <!subteam^S0DESK|@desk>", CH).mention == "<!subteam^S0DESK>"
    cmd = parse_command(f"subscribe {url} --include ukraine --mention @news-desk --exclude sport", CH)
    assert (cmd.mention, cmd.include, cmd.exclude) == ("@news-desk", ("ukraine",), ("sport",))
    for bad in ("", "everyone", "@everyone now", "<@123>", "<!channel>", "<@&12><@&13>"):
        with pytest.raises(BadCommand):
            parse_command(f"subscribe {url} --mention {bad}", CH)
