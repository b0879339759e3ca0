"""The core's data: commands in, replies out, and what the store keeps (frozen dataclasses, no I/O)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from summarizer.model import Actor, Brief, Digest, Story
from summarizer.standalone import summary_points as points_of

Platform = Literal["slack", "discord", "cli"]
CommandName = Literal[
    "brief", "quotes", "actors", "digest", "subscribe", "unsubscribe", "feeds", "schedule", "watch", "unwatch", "help"
]
View = Literal["brief", "quotes", "actors"]


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A chat channel (or the terminal) on one platform; ``workspace`` is a Slack team or a Discord guild."""

    platform: Platform
    id: str
    workspace: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed command; only the fields of its name are set."""

    name: CommandName
    channel: ChannelRef
    user: str = ""
    is_admin: bool = False
    url: str = ""
    text: str = ""
    speaker: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    target: str = ""
    time: dt.time | None = None
    tz: str = ""
    since: dt.timedelta | None = None
    topic: str = ""
    days: tuple[int, ...] = ()
    mention: str = ""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's feed, with its filters."""

    id: int
    channel: ChannelRef
    url: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Who a scheduled digest mentions when a story from this feed makes it, in the platform's own
    #: markup: a Discord role (``<@&id>``) or a Slack user group (``<!subteam^id>``); '' for nobody.
    mention: str = ""


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a channel gets its digest: a local time of day in an IANA time zone, on some days of the week.

    ``days``: the weekdays it runs on (0 = Monday ... 6 = Sunday, as :meth:`datetime.date.weekday`),
    sorted; empty for every day.
    """

    channel: ChannelRef
    time: dt.time
    tz: str
    days: tuple[int, ...] = ()

    def runs_on(self, day: dt.date) -> bool:
        """Whether a digest is due on the local ``day``."""
        return not self.days or day.weekday() in self.days

    @property
    def when(self) -> str:
        """``07:30 Europe/Berlin``, then the days unless every day: ``on weekdays``, ``on Mon, Wed and Fri``."""
        return f"{self.time.strftime('%H:%M')} {self.tz}{days_text(self.days)}"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Names of day sets, as typed and as shown.
DAY_SETS = {"weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6)}


def days_text(days: tuple[int, ...]) -> str:
    """`` on weekdays`` / `` on Mon, Wed and Fri``; empty for every day."""
    if not days or len(days) == 7:
        return ""
    for name, chosen in DAY_SETS.items():
        if days == chosen:
            return f" on {name}"
    names = [WEEKDAYS[d].capitalize() for d in days]
    return " on " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """What ``feeds`` shows of one subscription."""

    subscription: Subscription
    last_fetch: dt.datetime | None
    last_error: str | None
    items_seen: int
    failures: int
    #: The last item a digest skipped ("<url>: <why>") and when.
    item_error: str | None = None
    item_error_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestRun:
    """A scheduled digest being posted: its messages, rendered once, and how many were posted.

    ``anchor`` is what the platform gave back for the first message (where the others go: a Slack
    thread ``ts``, a Discord thread id); ``attempts`` counts the starts that worked on it.
    """

    status: str
    plan: tuple[dict[str, Any], ...]
    posted: int
    anchor: str
    started: dt.datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class BriefFailure:
    """Why a queued brief could not be made, as the worker that tried recorded it for the asker.

    ``kind`` names the error to raise again on the asking side (``fetch``, ``not_article``, ``bad_url``,
    ``user``, ``no_sentences``, ``article``, ``gave_up``); ``message`` is the user-facing line;
    ``headline`` is, for ``no_sentences``, the page's headline brief (what a digest shows of it).
    """

    kind: str
    message: str
    headline: Brief | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as parsed."""

    url: str
    title: str
    guid: str = ""
    published: dt.datetime | None = None
    summary: str = ""
    feed: str = ""
    #: When briefbot first saw it (stored items only).
    first_seen: dt.datetime | None = None


#: Actors a brief shows: the ones a reader needs. The actors view and the JSON have the others.
BRIEF_ACTORS = 8
#: Actors the actors view shows before saying how many more there are (the JSON lists all).
VIEW_ACTORS = 25


def summary_points(brief: Brief) -> list[str]:
    """A brief's summary as numbered points: a sentence that leans on the one before it continues it."""
    return points_of(brief.summary)


def actors_shown(actors: tuple[Actor, ...], limit: int) -> tuple[tuple[Actor, ...], int]:
    """The first ``limit`` actors (most salient first) and how many are left out."""
    return actors[:limit], max(0, len(actors) - limit)


@dataclass(frozen=True, slots=True)
class Watch:
    """What one person follows in one workspace (``watch Lavrov``), matched against stories' actors and headlines."""

    id: int
    platform: Platform
    workspace: str
    user: str
    terms: str
    created: dt.datetime


@dataclass(frozen=True, slots=True)
class WatchAlert:
    """The direct message a watch brings: the brief of the matching article of a new story.

    ``articles``: how many articles (of the person's workspace's feeds) tell that story so far.
    """

    watch: Watch
    brief: Brief
    url: str
    title: str
    articles: int = 1


@dataclass(frozen=True, slots=True)
class BriefReply:
    """A brief, shown as a whole, as its quotes, or as its actors."""

    brief: Brief
    view: View = "brief"
    speaker: str = ""
    cached: bool = False


@dataclass(frozen=True, slots=True)
class DigestReply:
    """A digest of the channel's feeds.

    ``run_day``: the local day of the scheduled run that posts it (its stored plan answers the story
    buttons); ``None`` for a digest asked for with the ``digest`` command, which has no buttons.
    """

    digest: Digest
    failed_feeds: tuple[str, ...] = ()
    run_day: dt.date | None = None
    #: Per story (in order), whom to mention: the ``mention`` of each subscription whose feed carried
    #: it, space-separated (scheduled digests only).
    mentions: tuple[str, ...] = ()


#: What a digest story's buttons ask for: its lead article's brief, that brief's quotes, its sources.
STORY_ACTIONS = ("brief", "quotes", "sources")


def story_ref(story: Story, n: int) -> dict[str, Any]:
    """What a stored digest plan keeps of story ``n`` for its buttons (JSON)."""
    return {
        "n": n,
        "headline": story.headline,
        "sources": [[s.title, s.url] for s in story.sources],
    }


@dataclass(frozen=True, slots=True)
class SourcesReply:
    """The sources of one digest story (its "Sources" button)."""

    headline: str
    sources: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FeedsReply:
    """The channel's subscriptions with their health."""

    feeds: tuple[FeedHealth, ...]
    schedule: Schedule | None = None


@dataclass(frozen=True, slots=True)
class ChannelHome:
    """One channel briefbot serves, as a workspace's home page shows it."""

    channel: ChannelRef
    feeds: tuple[FeedHealth, ...]
    schedule: Schedule | None
    next_digest: dt.datetime | None


@dataclass(frozen=True, slots=True)
class HomeReply:
    """A person's view of briefbot in one workspace (Slack's App Home tab).

    ``briefs_left``/``watch_messages_left``: what the person may still ask for now, of
    ``briefs_per_minute`` and ``watch_messages_per_day`` (0: no limit).
    """

    channels: tuple[ChannelHome, ...]
    watches: tuple[Watch, ...]
    briefs_left: int
    briefs_per_minute: int
    watch_messages_left: int
    watch_messages_per_day: int
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class TextReply:
    """Help, confirmations and errors: one short text (``ref`` is the log reference of an internal error)."""

    text: str
    ephemeral: bool = True
    error: bool = False
    ref: str = ""


Reply = BriefReply | DigestReply | FeedsReply | SourcesReply | TextReply
