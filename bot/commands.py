"""One command language for every platform: parsing, usage lines, help, URL checks (pure).

A platform adapter passes the text the user typed after its slash command (``/brief quotes https://…``)
to :func:`parse_command`; a bare URL or text is a ``brief``. Bad input raises :class:`BadCommand` whose
message is the usage line of the command the user meant.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import BadCommand, BadUrl
from bot.model import DAY_SETS, WEEKDAYS, ChannelRef, Command, CommandName

_Make = Callable[..., Command]

#: The longest command text we read; chat platforms send at most a few thousand characters anyway.
MAX_COMMAND_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Usage:
    """A command's usage line and one-line description."""

    usage: str
    about: str
    admin: bool = False


COMMANDS: dict[CommandName, Usage] = {
    "brief": Usage("brief <url|text>", "summary, key quotes and actors of an article"),
    "quotes": Usage("quotes <url|text> [speaker]", "every quote of an article with its speaker, or one speaker's"),
    "actors": Usage("actors <url|text>", "the people, organisations, places and groups of an article, with roles"),
    "digest": Usage("digest [since]", "this channel's digest now, e.g. `digest 12h` (default: since the last one)"),
    "subscribe": Usage(
        "subscribe <feed-url> [--include words] [--exclude words] [--mention @group]",
        "add an RSS/Atom/JSON feed to this channel's digest (--mention: a Slack user group or Discord role"
        " told when a story from it makes the digest)",
        admin=True,
    ),
    "unsubscribe": Usage("unsubscribe <feed-url|id>", "remove a feed from this channel", admin=True),
    "feeds": Usage("feeds", "this channel's feeds with their health"),
    "schedule": Usage(
        "schedule <HH:MM> [time zone] [days] | schedule off",
        "when the digest is posted, e.g. `schedule 07:30 Europe/Berlin`, `schedule 07:30 Europe/Berlin weekdays`"
        " or `schedule 08:00 UTC mon,wed,fri` (days: daily, weekdays, weekends, or days such as mon-fri,sun)",
        admin=True,
    ),
    "watch": Usage(
        "watch [person, organisation or words]",
        "a direct message when this workspace's feeds bring a story about them, e.g. `watch Lavrov`;"
        " `watch` alone lists yours",
    ),
    "unwatch": Usage("unwatch <words|id|all>", "stop a watch"),
    "help": Usage("help [command]", "this help, or one command's"),
}
#: The words of one watch: a name or a short phrase.
MAX_WATCH_CHARS = 80
MAX_WATCH_WORDS = 6

_URL = re.compile(r"^<?(https?://[^\s<>|]+)(?:\|[^>]*)?>?$", re.IGNORECASE)  # Slack wraps links: <url|label>
_SINCE = re.compile(r"^(\d{1,3})\s*(h|hours?|d|days?)$", re.IGNORECASE)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref_src|cmpid|ocid|_ga)$", re.IGNORECASE)


def usage(name: CommandName) -> str:
    """``Usage: /brief <usage>`` for one command (adapters replace ``/brief`` with their own prefix)."""
    return f"Usage: {COMMANDS[name].usage}"


def help_text(name: str = "") -> str:
    """The help of one command, or of all."""
    if name:
        found = COMMANDS.get(name.lower())  # type: ignore[call-overload]
        if found is None:
            raise BadCommand(f"No command {name!r}. {usage('help')}")
        admin = " (channel admins only)" if found.admin else ""
        return f"`{found.usage}`: {found.about}{admin}."
    lines = ["briefbot commands:"]
    for u in COMMANDS.values():
        admin = " (admins)" if u.admin else ""
        lines.append(f"• `{u.usage}`: {u.about}{admin}")
    lines.append("A link or text alone is a `brief`.")
    return "\n".join(lines)


def check_url(text: str) -> str:
    """The URL in ``text`` (Slack's ``<url|label>`` unwrapped) if it is a web address; else BadUrl."""
    m = _URL.match(text.strip())
    if not m:
        raise BadUrl(f"Not a web address: {text.strip()[:80]!r}. Links start with http:// or https://.")
    url = m.group(1)
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[": an unclosed IPv6 bracket
        raise BadUrl("That link is malformed.") from None
    if not parts.hostname:
        raise BadUrl("That link has no host name.")
    if parts.username or parts.password:
        raise BadUrl("Links with a user name or password are not fetched.")
    try:
        _ = parts.port  # the fetcher decides which ports it reaches; here only a malformed one is refused
    except ValueError:
        raise BadUrl("That link has a bad port number.") from None
    return url


def text_key(text: str) -> str:
    """The cache key of a pasted text's brief (its URL stands in for a page's)."""
    return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """The URL that identifies an article across feeds: no fragment, no tracking parameters, lower-case host."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    host = (parts.hostname or "").lower().removeprefix("www.")
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https" if parts.scheme in ("http", "https") else parts.scheme, netloc, path, query, ""))


def parse_command(text: str, channel: ChannelRef, user: str = "", *, is_admin: bool = False) -> Command:
    """Parse the text of a command; raises :class:`BadCommand` (its usage line) on bad input."""
    text = (text or "").strip()
    if len(text) > MAX_COMMAND_CHARS:
        raise BadCommand(f"That is too long for a command ({len(text):,} characters; at most {MAX_COMMAND_CHARS:,}).")
    if not text:
        raise BadCommand(help_text())
    head, _, rest = text.partition(" ")
    name = head.lower().lstrip("/")
    rest = rest.strip()

    def base(cmd: CommandName, **fields: Any) -> Command:  # noqa: ANN401 - the fields of Command, by name
        return Command(cmd, channel=channel, user=user, is_admin=is_admin, **fields)

    if name not in COMMANDS:
        if _URL.match(head) or len(text.split()) >= 8:
            return _article_command("brief", text, base)
        raise BadCommand(f"Unknown command {head[:40]!r}. Try `help`.")
    if name in ("brief", "quotes", "actors"):
        if not rest:
            raise BadCommand(usage(name))
        return _article_command(name, rest, base)
    if name == "help":
        return base("help", topic=rest.split()[0] if rest else "")
    if name == "feeds":
        return base("feeds")
    if name == "digest":
        return base("digest", since=_since(rest) if rest else None)
    if name == "subscribe":
        return _subscribe(rest, base)
    if name == "watch":
        return base("watch", target=watch_terms(rest) if rest else "")
    if name == "unwatch":
        if not rest:
            raise BadCommand(usage("unwatch"))
        return base("unwatch", target=rest if rest.isdigit() or rest.lower() == "all" else watch_terms(rest))
    if name == "unsubscribe":
        if not rest or len(rest.split()) != 1:
            raise BadCommand(usage("unsubscribe"))
        target = rest if rest.isdigit() else check_url(rest)
        return base("unsubscribe", target=target)
    return _schedule(rest, base)


#: A web link in a chat message: Slack's ``<https://…|label>`` or ``<https://…>``, or a bare URL.
_LINK = re.compile(r"<(https?://[^\s<>|]+)(?:\|[^>]*)?>|(?<![\w<])(https?://[^\s<>|\)\]\}\"']+)", re.IGNORECASE)
#: Characters a message without a link needs to be briefed as a text (a few sentences of news).
MIN_MESSAGE_CHARS = 280


def first_link(text: str) -> str | None:
    """The first web link in a chat message, as written (trailing punctuation dropped)."""
    for m in _LINK.finditer(text or ""):
        link = (m.group(1) or m.group(2)).rstrip(".,;:!?")
        if link:
            return link
    return None


def message_command(text: str, channel: ChannelRef, user: str = "") -> Command:
    """The brief of a chat message (a shortcut or a context menu on it): its first link, or its text.

    Raises :class:`BadCommand` with one line for a message with no link and too little text (an image,
    a reaction-sized reply).
    """
    text = (text or "").strip()
    link = first_link(text)
    if link is not None:
        try:
            url = check_url(link)
        except BadUrl as err:
            raise BadCommand(str(err)) from None
        return Command("brief", channel=channel, user=user, url=url)
    if len(text) < MIN_MESSAGE_CHARS:
        raise BadCommand("That message has no link, and too little text to brief.")
    if len(text) > MAX_COMMAND_CHARS:
        raise BadCommand(
            f"That message is too long to brief ({len(text):,} characters; at most {MAX_COMMAND_CHARS:,})."
        )
    return Command("brief", channel=channel, user=user, text=text)


def _article_command(name: CommandName, rest: str, base: _Make) -> Command:
    first, _, after = rest.partition(" ")
    if _URL.match(first):
        url = check_url(first)
        speaker = after.strip() if name == "quotes" else ""
        if after.strip() and name != "quotes":
            raise BadCommand(usage(name))
        return base(name, url=url, speaker=speaker)
    if rest.lower().startswith(("http:", "https:", "ftp:", "file:", "javascript:", "data:")):
        raise BadUrl("Only http:// and https:// links are fetched.")
    return base(name, text=rest)


def watch_terms(text: str) -> str:
    """The words of a watch as the person wrote them, tidied (quotes and extra spaces dropped)."""
    terms = " ".join(text.strip().strip("\"'“”‘’«»").split())
    if not any(c.isalpha() for c in terms) or len(terms) < 2:
        raise BadCommand(f"{usage('watch')} (a name or a few words, e.g. `watch Sergei Lavrov`)")
    if len(terms) > MAX_WATCH_CHARS or len(terms.split()) > MAX_WATCH_WORDS:
        raise BadCommand(f"A watch is a name or a few words: at most {MAX_WATCH_WORDS} words.")
    return terms


def _since(text: str) -> dt.timedelta:
    m = _SINCE.match(text.strip())
    if not m:
        raise BadCommand(usage("digest") + " (since: a number of hours or days, e.g. 12h or 2d)")
    n = int(m.group(1))
    hours = n * 24 if m.group(2).lower().startswith("d") else n
    if not 1 <= hours <= 24 * 14:
        raise BadCommand("A digest covers 1 hour to 14 days.")
    return dt.timedelta(hours=hours)


def _words(value: str) -> tuple[str, ...]:
    return tuple(w.strip().lower() for w in re.split(r"[,\s]+", value) if w.strip())


#: A mention as the platforms send it: a Discord role, a Slack user group (escaped), or "@handle" as typed.
_MENTION = re.compile(r"^(?:<@&\d{1,20}>|<!subteam\^[A-Z0-9]{1,20}(?:\|[^<>]{0,80})?>|@[\w.\-]{1,80})$")


def _subscribe(rest: str, base: _Make) -> Command:
    parts = re.split(r"\s+(?=--(?:include|exclude|mention)\b)", rest)
    if not parts or not parts[0].strip() or len(parts[0].split()) != 1:
        raise BadCommand(usage("subscribe"))
    url = check_url(parts[0])
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mention = ""
    for part in parts[1:]:
        flag, _, value = part.partition(" ")
        if flag == "--mention":
            mention = value.strip()
            if not _MENTION.match(mention):
                raise BadCommand(f"{usage('subscribe')} (--mention: one Slack user group or Discord role, e.g. @news)")
            mention = re.sub(r"\|[^>]*>$", ">", mention)  # Slack's <!subteam^ID|@handle>: the id is enough
            continue
        words = _words(value)
        if not words:
            raise BadCommand(usage("subscribe"))
        if flag == "--include":
            include = words
        else:
            exclude = words
    return base("subscribe", url=url, include=include, exclude=exclude, mention=mention)


def _schedule(rest: str, base: _Make) -> Command:
    words = rest.split()
    if words == ["off"]:
        return base("schedule", target="off")
    if not 1 <= len(words) <= 3:
        raise BadCommand(usage("schedule"))
    m = _TIME.match(words[0])
    if not m:
        raise BadCommand(usage("schedule") + " (time: 24-hour HH:MM)")
    tz: str | None = None
    days: tuple[int, ...] | None = None
    for word in words[1:]:
        found = parse_days(word)
        if found is not None and days is None:
            days = found
        elif found is None and tz is None:
            tz = word
        else:  # two time zones, or days twice
            raise BadCommand(usage("schedule"))
    tz = tz or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadCommand(
            f"Unknown time zone or days {tz[:60]!r}: a time zone is an IANA name such as Europe/Berlin; "
            "days are daily, weekdays, weekends, or such as mon,wed,fri or mon-fri."
        ) from None
    time = dt.time(int(m.group(1)), int(m.group(2)))
    return base("schedule", time=time, tz=tz, days=days or ())


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {
    **{name: n for n, name in enumerate(WEEKDAYS)},
    **{name: n for n, name in enumerate(_FULL_DAYS)},
    **{name: n for n, name in enumerate(("mo", "tu", "we", "th", "fr", "sa", "su"))},
    "tues": 1, "thur": 3, "thurs": 3,
}  # fmt: skip


def parse_days(word: str) -> tuple[int, ...] | None:
    """The weekdays ``word`` names (``weekdays``, ``mon,wed,fri``, ``mon-fri``, ``daily``), or ``None``.

    Every day is ``()``, as a schedule without days.
    """
    word = word.lower().strip(",")
    if word in ("daily", "everyday", "every-day", "all"):
        return ()
    if word in DAY_SETS:
        return DAY_SETS[word]
    chosen: set[int] = set()
    for part in word.split(","):
        first, dash, last = part.partition("-")
        if first not in _DAY_NAMES or (dash and last not in _DAY_NAMES):
            return None
        start, end = _DAY_NAMES[first], _DAY_NAMES[last] if dash else _DAY_NAMES[first]
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]  # fri-mon wraps
        chosen.update(span)
    return () if len(chosen) == 7 else tuple(sorted(chosen))
