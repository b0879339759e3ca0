"""The platform-free heart of briefbot: a :class:`Command` in, a :class:`Reply` out.

Every adapter (CLI, Slack, Discord) parses the user's text with :func:`bot.commands.parse_command` and
renders what :meth:`Core.handle` returns. ``handle`` is the single error boundary: a user's mistake or
a page that cannot be read becomes a short :class:`TextReply`; anything else is logged in full with a
reference id that the reply shows, never a traceback in chat. Nothing stored is lost on either path.

NLP runs on one worker thread, off the event loop, so acks and heartbeats stay prompt while briefs
queue; identical concurrent requests for one URL share one computation; briefs are cached by
canonical URL and by the hash of their text.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import logging
import re
import secrets
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.commands import canonical_url, help_text, text_key
from bot.digest import Entry, build_digest, matches
from bot.errors import FetchFailed, NotAllowed, NotAnArticle, UserError
from bot.feeds import FeedError, dedupe, parse_feed
from bot.fetch import Download, Kind
from bot.limits import seconds_text
from bot.metrics import Metrics
from bot.model import (
    STORY_ACTIONS,
    BriefReply,
    ChannelHome,
    ChannelRef,
    Command,
    DigestReply,
    FeedItem,
    FeedsReply,
    HomeReply,
    Platform,
    Reply,
    Schedule,
    SourcesReply,
    Subscription,
    TextReply,
    Watch,
    WatchAlert,
)
from bot.retry import with_retries
from bot.schedule import next_run
from bot.storage import Store
from bot.tasks import in_background
from bot.watch import about, words
from summarizer.errors import ArticleError, NoSentences
from summarizer.keyquotes import key_quotes
from summarizer.model import Article, Brief, Source, headline_brief
from summarizer.stories import cluster

log = logging.getLogger(__name__)

#: A feed failing this many polls in a row earns the channel one notice.
NOTICE_AFTER_FAILURES = 3
#: Articles fetched and briefed at once while building a digest (enough to fill an NLP batch while
#: others download and extract).
DIGEST_CONCURRENCY = 12
#: The same when workers brief: every worker's job slots kept full (the queue holds the rest, and a
#: waiting ask costs the asker next to nothing).
DIGEST_QUEUED_CONCURRENCY = 64
#: Seconds a feed polled for one channel's scheduled digest counts as fresh for the others'.
DIGEST_POLL_FRESH = 60.0
#: Tries to post one digest message (0.5, 1, 2 s apart) before the run is left for the next wake-up.
SEND_ATTEMPTS = 4
#: At most this many new articles go into one digest.
MAX_DIGEST_ARTICLES = 500
#: Seconds a page stays held by the instance briefing it, should that instance die (a download, 15 s,
#: and its extraction, 20 s, at most, and the NLP queue), and how often another instance asking for
#: the same page looks for the brief meanwhile.
BRIEFING_HOLD = 60.0
BRIEFING_POLL = 0.25

#: How far back a watch looks for new stories: the articles of the last day.
WATCH_LOOKBACK = dt.timedelta(hours=24)

BriefFn = Callable[[Article], Brief]
#: Briefs of several articles parsed together, in order; an article that cannot be briefed gives its error.
BriefManyFn = Callable[[Sequence[Article]], list[Brief | ArticleError]]
#: Articles parsed together when several wait for the NLP thread (``nlp.pipe``: about 1.2x the
#: throughput of one at a time on news articles) ...
NLP_BATCH = 8
#: ... and their characters together, beyond the first article: a batch's working memory grows with
#: its articles' length. Over 500 dev articles, batches of 8 held 130 MB more at peak than one at a
#: time; under this cap 30 MB more, for the same speed (news articles run about 2,500 characters).
NLP_BATCH_CHARS = 20_000


def batch_length(articles: Sequence[Article]) -> int:
    """How many of the first ``articles`` (at most :data:`NLP_BATCH`) to parse as one batch."""
    total = 0
    for i, article in enumerate(articles[:NLP_BATCH]):
        total += len(article.text)
        if i and total > NLP_BATCH_CHARS:
            return i
    return min(len(articles), NLP_BATCH)


class DigestPoster(Protocol):
    """How a platform posts a scheduled digest: rendered once, then sent one message at a time.

    The first message goes in the channel and its ``send`` returns the anchor the others are sent
    under (a Slack thread ``ts``, a Discord thread id); ``key`` names a message uniquely within the
    channel's day, for ``find``, which returns the anchor (first message) or id of a message this bot
    already posted under ``anchor`` since ``since``, or ``None``.
    """

    def plan(self, reply: DigestReply) -> list[dict[str, Any]]: ...  # noqa: D102
    async def send(self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str) -> str: ...  # noqa: D102
    async def find(  # noqa: D102
        self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str, since: dt.datetime
    ) -> str | None: ...


class DirectMessenger(Protocol):
    """How a platform sends one person a direct message (a watch's alert)."""

    async def direct(self, alert: WatchAlert) -> None: ...  # noqa: D102


class QueuePort(Protocol):
    """What the core needs from :class:`bot.queue.BriefQueue`: briefs made by workers elsewhere."""

    async def available(self) -> bool: ...  # noqa: D102
    async def brief(self, key: str, *, url: str = "", text: str = "") -> Brief | None: ...  # noqa: D102


class FetcherPort(Protocol):
    """What the core needs from :class:`bot.fetch.Fetcher`."""

    async def download(self, url: str, kind: Kind, *, etag: str = "", last_modified: str = "") -> Download: ...  # noqa: D102
    async def fetch_article(self, url: str) -> Article: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class CoreLimits:
    """Settings the core reads."""

    feed_items: int = 50
    digest_stories: int = 8
    admins: frozenset[str] = frozenset()
    #: Briefs (``brief``, ``quotes``, ``actors``) a minute per user and per channel; 0: no limit.
    user_briefs_per_minute: int = 0
    channel_briefs_per_minute: int = 0
    #: Feeds one channel may subscribe to; 0: no limit.
    max_subscriptions: int = 0
    #: Direct messages one person's watches bring in a day, and the watches one person keeps.
    watch_messages_per_day: int = 10
    max_watches: int = 25
    #: This instance's name among those sharing one database (it holds the digests it posts), and
    #: how long a hold lasts unless renewed: an instance that died is taken over after that.
    instance: str = "local"
    digest_lease: float = 120.0


class Core:
    """Commands, briefs, feeds and digests over a fetcher, a store and a brief function."""

    def __init__(
        self,
        *,
        fetcher: FetcherPort,
        store: Store,
        brief: BriefFn,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        limits: CoreLimits | None = None,
        metrics: Metrics | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        brief_many: BriefManyFn | None = None,
        queue: QueuePort | None = None,
    ) -> None:
        """Wire the core; ``brief`` is CPU-bound and runs on the core's NLP thread.

        With ``brief_many``, articles that wait for the NLP thread together are briefed as one batch.
        With ``queue``, pages and texts are briefed by the queue's workers while any is alive, and on
        the NLP thread otherwise.
        """
        self.metrics = metrics or Metrics()
        self.fetcher = fetcher
        self.store = store
        self._brief = brief
        self.clock = clock
        self._sleep = sleep
        self.limits = limits or CoreLimits()
        self._nlp = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefbot-nlp")
        self._inflight: dict[str, asyncio.Future[Brief]] = {}
        self._brief_many = brief_many
        self.queue = queue
        self._waiting: list[tuple[Article, asyncio.Future[Brief]]] = []
        self._drainer: asyncio.Task[None] | None = None

    def close(self) -> None:
        """Stop the NLP thread (queued work is dropped)."""
        self._nlp.shutdown(wait=False, cancel_futures=True)

    # --- the error boundary ----------------------------------------------------------------------

    async def handle(self, cmd: Command) -> Reply:
        """Answer one command; never raises for anything a user or a web page can cause.

        Logs one line per command: platform, command, outcome, latency, cache hit, reference.
        """
        start = time.perf_counter()
        reply = await self._answer(cmd)
        seconds = time.perf_counter() - start
        outcome = "error" if isinstance(reply, TextReply) and reply.error else "ok"
        cached = isinstance(reply, BriefReply) and reply.cached
        self.metrics.command(cmd.channel.platform, cmd.name, outcome, seconds)
        log.info(
            "command platform=%s command=%s outcome=%s latency_ms=%.0f cache_hit=%s ref=%s",
            cmd.channel.platform,
            cmd.name,
            outcome,
            seconds * 1000,
            str(cached).lower(),
            reply.ref if isinstance(reply, TextReply) and reply.ref else "-",
        )
        return reply

    async def _answer(self, cmd: Command) -> Reply:
        try:
            return await self._dispatch(cmd)
        except (FetchFailed, NotAnArticle) as err:
            # A page's fault, but one a user may ask about: the reply and the log share a reference.
            ref = secrets.token_hex(3)
            log.info("command %s: %s (ref %s, %s)", cmd.name, err, ref, cmd.url or "text")
            return TextReply(f"{err} (ref {ref})", error=True, ref=ref)
        except (UserError, ArticleError) as err:
            return TextReply(str(err), error=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            ref = secrets.token_hex(3)
            log.exception("command %s in %s:%s failed (ref %s)", cmd.name, cmd.channel.platform, cmd.channel.id, ref)
            return TextReply(
                f"Something went wrong on our side (ref {ref}). Please try again later.", error=True, ref=ref
            )

    async def _dispatch(self, cmd: Command) -> Reply:
        if cmd.name in ("brief", "quotes", "actors"):
            await self._check_rate(cmd)
            if cmd.url:
                brief, cached = await self.brief_url(cmd.url)
            else:
                brief, cached = await self._brief_text(cmd.text), False
            if cmd.name == "brief":
                brief = replace(brief, quotes=key_quotes(brief.quotes, brief.summary))
            return BriefReply(brief, view=cmd.name, speaker=cmd.speaker, cached=cached)
        if cmd.name == "help":
            return TextReply(help_text(cmd.topic))
        if cmd.name == "feeds":
            return FeedsReply(
                tuple(await self.store.feed_health(cmd.channel)), await self.store.schedule_of(cmd.channel)
            )
        if cmd.name == "digest":
            since = cmd.since or await self._since_last(cmd.channel)
            return await self.digest(cmd.channel, since)
        if cmd.name in ("watch", "unwatch"):
            return await self._watch(cmd)
        self._require_admin(cmd)
        if cmd.name == "subscribe":
            _check_mention(cmd.channel, cmd.mention)
            await self._check_room(cmd.channel, cmd.url)
            await self._check_feed(cmd.url)
            sub = await self.store.add_subscription(cmd.channel, cmd.url, cmd.include, cmd.exclude, cmd.mention)
            filters = _filters(sub)
            # The mention itself is not repeated: in a channel message it would notify the whole group.
            told = " Its stories in the scheduled digest mention the group you named." if sub.mention else ""
            return TextReply(f"Subscribed this channel to {sub.url} (id {sub.id}){filters}.{told}", ephemeral=False)
        if cmd.name == "unsubscribe":
            removed = await self.store.remove_subscription(cmd.channel, cmd.target)
            if removed is None:
                return TextReply(f"This channel has no feed {cmd.target!r}; see `feeds`.", error=True)
            return TextReply(f"Unsubscribed this channel from {removed.url}.", ephemeral=False)
        # schedule
        if cmd.target == "off":
            had = await self.store.clear_schedule(cmd.channel)
            return TextReply(
                "Daily digest turned off." if had else "This channel had no daily digest.", ephemeral=False
            )
        if cmd.time is None:
            raise UserError("Usage: schedule <HH:MM> [time zone] [days] | schedule off")
        schedule = Schedule(cmd.channel, cmd.time, cmd.tz, cmd.days)
        await self.store.set_schedule(schedule)
        return TextReply(f"Digest set for {schedule.when}.", ephemeral=False)

    async def _watch(self, cmd: Command) -> TextReply:
        """``watch`` (list or add) and ``unwatch``: one person's watches in the workspace asked from."""
        if not cmd.user:
            raise UserError("Watches belong to a person: ask in Slack or Discord.")
        where = (cmd.channel.platform, cmd.channel.workspace, cmd.user)
        mine = await self.store.watches(*where)
        if cmd.name == "unwatch":
            if cmd.target.lower() == "all":
                for watch in mine:
                    await self.store.remove_watch(*where, str(watch.id))
                return TextReply(f"Stopped your {len(mine)} watches." if mine else "You have no watches.")
            same = next((w for w in mine if words(w.terms) == words(cmd.target)), None)
            removed = await self.store.remove_watch(*where, same.terms if same else cmd.target)
            if removed is None:
                return TextReply(f"You have no watch {cmd.target!r}; `watch` lists yours.", error=True)
            return TextReply(f"Stopped watching “{removed.terms}”.")
        if not cmd.target:
            if not mine:
                return TextReply(
                    "You watch nothing yet. `watch <name or words>` sends you a direct message when this "
                    "workspace's feeds bring a story about them."
                )
            lines = [f"Your watches ({len(mine)}), at most {self.limits.watch_messages_per_day} messages a day:"]
            lines += [f"• {w.id}: “{w.terms}”" for w in mine]
            lines.append("`unwatch <id>` stops one.")
            return TextReply("\n".join(lines))
        if any(words(w.terms) == words(cmd.target) for w in mine):
            return TextReply(f"You already watch “{cmd.target}”.")
        if len(mine) >= self.limits.max_watches:
            raise UserError(f"You keep {len(mine)} watches, the most allowed. `unwatch` one first.")
        watch, _new = await self.store.add_watch(*where, cmd.target)
        return TextReply(
            f"Watching “{watch.terms}”: you get a direct message when a story from this workspace's feeds "
            f"names it (in its actors or headline), once a story, at most {self.limits.watch_messages_per_day} a day."
        )

    async def home(self, platform: Platform, workspace: str, user: str) -> HomeReply:
        """What one person sees of briefbot in a workspace.

        Each channel served (its feeds' health, its schedule and next digest), their watches, and what
        they may still ask for now.
        """
        now = self.clock()
        subs = await self.store.subscriptions()
        schedules = {s.channel: s for s in await self.store.schedules()}
        served = dict.fromkeys([*(s.channel for s in subs), *schedules])
        channels = []
        for channel in sorted((c for c in served if (c.platform, c.workspace) == (platform, workspace)), key=str):
            schedule = schedules.get(channel)
            channels.append(
                ChannelHome(
                    channel,
                    tuple(await self.store.feed_health(channel)),
                    schedule,
                    next_run(now, schedule) if schedule is not None else None,
                )
            )
        per_minute, per_day = self.limits.user_briefs_per_minute, self.limits.watch_messages_per_day
        where = f"{platform}:{workspace}"
        briefs = await self.store.calls_in(f"brief-user:{where}:{user}", now, dt.timedelta(minutes=1))
        sent = await self.store.calls_in(f"watch-dm:{where}:{user}", now, dt.timedelta(days=1))
        return HomeReply(
            channels=tuple(channels),
            watches=tuple(await self.store.watches(platform, workspace, user)),
            briefs_left=max(0, per_minute - briefs),
            briefs_per_minute=per_minute,
            watch_messages_left=max(0, per_day - sent),
            watch_messages_per_day=per_day,
            now=now,
        )

    async def _check_rate(self, cmd: Command) -> None:
        """Count a brief against its user's and its channel's limits, or refuse it saying when to retry.

        Counted in the store, so the limits hold across instances sharing it; a brief one limit refuses
        does not count against the other.
        """
        where = f"{cmd.channel.platform}:{cmd.channel.workspace}"
        limits = [(f"brief:{where}:{cmd.channel.id}", self.limits.channel_briefs_per_minute)]
        if cmd.user:
            limits.insert(0, (f"brief-user:{where}:{cmd.user}", self.limits.user_briefs_per_minute))
        refused, wait = await self.store.take_call(limits, self.clock())
        if refused < 0:
            return
        if refused == 0 and cmd.user:
            message = f"Slow down: {self.limits.user_briefs_per_minute} briefs a minute per person."
        else:
            message = f"This channel asked for {self.limits.channel_briefs_per_minute} briefs in a minute."
        self.metrics.rate_limited += 1
        raise UserError(f"{message} Try again in {seconds_text(wait)}.")

    async def _check_room(self, channel: ChannelRef, url: str) -> None:
        cap = self.limits.max_subscriptions
        if not cap:
            return
        subs = await self.store.subscriptions(channel)
        if len(subs) >= cap and all(s.url != url for s in subs):
            raise UserError(f"This channel already follows {len(subs)} feeds, the most allowed. Unsubscribe one first.")

    def _require_admin(self, cmd: Command) -> None:
        if not (cmd.is_admin or (cmd.user and cmd.user in self.limits.admins)):
            raise NotAllowed("Only an admin of this channel can change its feeds and schedule.")

    async def _since_last(self, channel: ChannelRef) -> dt.timedelta:
        last = await self.store.last_digest(channel)
        if last is None:
            return dt.timedelta(hours=24)
        return max(dt.timedelta(hours=1), min(dt.timedelta(days=7), self.clock() - last))

    # --- briefs ----------------------------------------------------------------------------------

    async def brief_article(self, article: Article) -> Brief:
        """Brief an article on the NLP thread (every quote kept; the brief view picks the key ones)."""
        loop = asyncio.get_running_loop()
        if self._brief_many is None:
            return await loop.run_in_executor(self._nlp, self._brief, article)
        future: asyncio.Future[Brief] = loop.create_future()
        self._waiting.append((article, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(self._brief_many))
        return await future

    async def _drain(self, brief_many: BriefManyFn) -> None:
        """Brief the waiting articles, a :func:`batch_length` at a time, until none wait."""
        loop = asyncio.get_running_loop()
        while self._waiting:
            size = batch_length([a for a, _f in self._waiting[:NLP_BATCH]])
            batch = [(a, f) for a, f in self._waiting[:size] if not f.done()]  # a done one was cancelled
            del self._waiting[:size]
            if not batch:
                continue
            articles = [a for a, _f in batch]
            results: list[Brief | BaseException]
            try:
                results = list(await loop.run_in_executor(self._nlp, brief_many, articles))
            except Exception:
                # Something broke the whole batch: each article alone, so the others still get theirs.
                results = [await self._alone(a) for a in articles]
            for (_article, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    async def _alone(self, article: Article) -> Brief | BaseException:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._nlp, self._brief, article)
        except Exception as err:
            return err

    async def _brief_text(self, text: str) -> Brief:
        if self.queue is not None and await self.queue.available():
            queued = await self.queue.brief(text_key(text), text=text)
            if queued is not None:
                self.metrics.briefs_queued += 1
                return queued
        return await self.brief_article(Article(text=text))

    async def brief_url(self, url: str, *, headline_if_short: bool = False) -> tuple[Brief, bool]:
        """The brief of a web page (cached, and computed once for concurrent asks); and whether cached.

        ``headline_if_short``: a page with no sentence to summarize gives its headline alone (for a
        digest, which lists every article), not cached, instead of raising :class:`NoSentences`.
        """
        try:
            return await self._brief_url(url)
        except NoSentences as err:
            if not headline_if_short or err.article is None:
                raise
            return headline_brief(err.article), False

    async def _brief_url(self, url: str) -> tuple[Brief, bool]:
        key = canonical_url(url)
        cached = await self.store.get_brief(key)
        if cached is not None:
            self.metrics.cache_hits += 1
            return cached, True
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending), False
        future: asyncio.Future[Brief] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        hold = f"briefing:{key}"
        held = False  # whether this instance may hold the page (a brief from the queue takes no hold)
        try:
            if self.queue is not None and await self.queue.available():
                queued = await self.queue.brief(key, url=url)
                if queued is not None:
                    self.metrics.briefs_queued += 1
                    future.set_result(queued)
                    return queued, False
            # Only a database several instances share can have another instance briefing the page.
            held = self.store.shared
            shared = await self._wait_for_other_instance(hold, key) if held else None
            if shared is not None:
                future.set_result(shared)
                return shared, True
            article = await self.fetcher.fetch_article(url)
            article = replace(article, url=article.url or url)
            digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            brief = await self.store.get_brief(digest)
            if brief is None:
                try:
                    brief = await self.brief_article(article)
                except NoSentences as err:
                    err.article = article  # what a digest shows of it: its headline
                    raise
                self.metrics.briefs_computed += 1
            else:
                self.metrics.cache_hits += 1
            await self.store.put_brief(key, digest, brief)
            future.set_result(brief)
            return brief, False
        except BaseException as err:
            future.set_exception(err)
            future.exception()  # retrieved: a failure with no other waiter is not an "unhandled" one
            raise
        finally:
            del self._inflight[key]
            if held:
                with contextlib.suppress(Exception):  # never hide the brief's own outcome
                    await asyncio.shield(self.store.forget(hold))

    async def _wait_for_other_instance(self, hold: str, key: str) -> Brief | None:
        """Take the page ``key`` for this instance to brief, or wait for another instance's brief of it.

        ``None``: this instance briefs it. While another instance holds the page, its brief is looked
        for in the shared cache; that instance lets go when it is done, brief or error (if it died, its
        hold runs out).
        """
        deadline = time.monotonic() + BRIEFING_HOLD
        while True:
            now = self.clock()
            taken = await self.store.once(hold, now, now + dt.timedelta(seconds=BRIEFING_HOLD))
            # Looked for even when taken: the other instance may have cached it just before letting go.
            cached = await self.store.get_brief(key)
            if cached is not None:
                self.metrics.cache_hits += 1
                return cached
            if taken or time.monotonic() >= deadline:
                return None
            await asyncio.sleep(BRIEFING_POLL)

    # --- feeds and digests -----------------------------------------------------------------------

    async def _check_feed(self, url: str) -> None:
        got = await self.fetcher.download(url, "feed")
        try:
            await self._parse_feed(got, url)
        except FeedError as err:
            raise FetchFailed(str(err)) from None

    async def _parse_feed(self, got: Download, url: str) -> list[FeedItem]:
        # Off the event loop: feedparser is pure Python, and a big feed would stall every ack.
        return await asyncio.to_thread(
            parse_feed, got.body, content_type=got.content_type, feed_url=url, limit=self.limits.feed_items
        )

    async def poll(self, sub: Subscription) -> str | None:
        """Fetch a feed (conditional GET) and store its new items; a notice to show the channel, or ``None``.

        A feed failing :data:`NOTICE_AFTER_FAILURES` polls in a row earns one notice, until it recovers.
        """
        state = await self.store.feed_state(sub.url)
        now = self.clock()
        if state["retry_after"] and dt.datetime.fromisoformat(state["retry_after"]) > now:
            return None  # backing off a failing feed; its stored items still count
        try:
            got = await self.fetcher.download(sub.url, "feed", etag=state["etag"], last_modified=state["last_modified"])
            items = [] if got.not_modified else await self._parse_feed(got, sub.url)
        except (UserError, FeedError) as err:
            # Back off 2, 4, 8 ... minutes, at most 6 hours, so a dead feed is not hammered.
            self.metrics.feed_errors += 1
            wait = dt.timedelta(minutes=min(2 ** (state["failures"] + 1), 360))
            failures = await self.store.record_fetch(sub.url, error=str(err), retry_after=now + wait)
            if failures >= NOTICE_AFTER_FAILURES and not state["notified"]:
                await self.store.mark_notified(sub.url)
                return f"{sub.url} has failed {failures} times in a row: {err}"
            return None
        known = await self.store.seen(sub.url, [canonical_url(i.url) for i in items])
        fresh = [i for i in items if canonical_url(i.url) not in known]
        await self.store.add_items(fresh)
        await self.store.record_fetch(sub.url, etag=got.etag, last_modified=got.last_modified, new_items=len(fresh))
        return None

    async def refresh(self, every: dt.timedelta = dt.timedelta(minutes=15)) -> int:
        """Poll the subscribed feeds and brief the new items ahead of the digests; how many were briefed.

        Called every ``every``; of several instances sharing the database, one polls each feed per
        interval (a little less, so that the next round finds it free), and the briefs it makes are
        cached for all.
        """
        now = self.clock()
        until = now + every * 0.9
        every_feed = {s.url: s for s in await self.store.subscriptions()}
        subs = {
            url: s
            for url, s in every_feed.items()
            if await self.store.claim_feed_poll(url, self.limits.instance, now, until)
        }
        await asyncio.gather(*(self.poll(s) for s in subs.values()))
        since = self.clock() - dt.timedelta(hours=24)
        items = dedupe(await self.store.items_since(list(subs), since))[:MAX_DIGEST_ARTICLES]
        entries = await self._entries([(i, subs[i.feed]) for i in items if i.feed in subs], self.clock())
        return len(entries)

    async def alert_watchers(
        self, messengers: Mapping[str, DirectMessenger], every: dt.timedelta = dt.timedelta(minutes=15)
    ) -> int:
        """Send each person one direct message per new story their watches find; how many were sent.

        Run after :meth:`refresh`, over the last day's items of every subscribed feed whose brief is
        cached, one instance per interval. A story (the articles :func:`cluster` groups, per workspace)
        is sent to a watch once: each of its articles is remembered for that watch when it is first
        looked at, so the same story from a third feed, or an hour later, brings nothing new. Only
        articles first seen after the watch began count; at most
        :attr:`CoreLimits.watch_messages_per_day` messages a person a day (the rest are skipped, not
        kept for tomorrow).
        """
        now = self.clock()
        watches = [w for w in await self.store.watches() if w.platform in messengers]
        if not watches or not await self.store.once("watch-pass", now, now + every * 0.9):
            return 0
        scopes: dict[tuple[str, str], set[str]] = defaultdict(set)
        for sub in await self.store.subscriptions():
            scopes[(sub.channel.platform, sub.channel.workspace)].add(sub.url)
        sent = 0
        for (platform, workspace), feeds in scopes.items():
            mine = [w for w in watches if (w.platform, w.workspace) == (platform, workspace)]
            if not mine:
                continue
            items = dedupe(await self.store.items_since(sorted(feeds), now - WATCH_LOOKBACK))[:MAX_DIGEST_ARTICLES]
            found = [(i, b) for i in items if (b := await self.store.get_brief(canonical_url(i.url))) is not None]
            if not found:
                continue
            groups = await asyncio.to_thread(cluster, [b for _i, b in found])
            for watch in mine:
                for group in groups:
                    alert = await self._story_alert(watch, [found[k] for k in group], now)
                    if alert is not None and await self._send_alert(messengers[platform], alert, now):
                        sent += 1
        return sent

    async def _story_alert(
        self, watch: Watch, story: Sequence[tuple[FeedItem, Brief]], now: dt.datetime
    ) -> WatchAlert | None:
        """The alert one story brings ``watch``, if it is about it and new to it."""
        hits = [
            (item, brief)
            for item, brief in story
            if item.first_seen is not None
            and item.first_seen >= watch.created
            and about(watch.terms, brief, item.title) is not None
        ]
        if not hits:
            return None
        until = now + WATCH_LOOKBACK * 2
        # Every article marked (not only until one was seen before): a later pass sees the story as sent.
        fresh = [await self.store.once(f"watch:{watch.id}:{canonical_url(i.url)}", now, until) for i, _b in story]
        if not all(fresh):
            return None
        item, brief = hits[0]
        brief = replace(brief, quotes=key_quotes(brief.quotes, brief.summary))
        if not brief.article.title and item.title:  # a page without a headline: the feed's
            brief = replace(brief, article=replace(brief.article, title=item.title))
        return WatchAlert(watch, brief, item.url, item.title or brief.article.title, articles=len(story))

    async def _send_alert(self, messenger: DirectMessenger, alert: WatchAlert, now: dt.datetime) -> bool:
        watch = alert.watch
        cap = [(f"watch-dm:{watch.platform}:{watch.workspace}:{watch.user}", self.limits.watch_messages_per_day)]
        refused, _wait = await self.store.take_call(cap, now, window=dt.timedelta(days=1))
        if refused >= 0:
            log.info("watch %d of %s: today's %d messages sent; %s skipped", watch.id, watch.user, cap[0][1], alert.url)
            return False
        try:
            await messenger.direct(alert)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A person who left or closed their direct messages: the others still get theirs.
            log.warning("watch %d: the direct message to %s failed", watch.id, watch.user, exc_info=True)
            return False
        self.metrics.watch_messages += 1
        return True

    async def digest(self, channel: ChannelRef, since: dt.timedelta, *, scheduled: bool = False) -> DigestReply:
        """The digest of a channel's feeds over the last ``since``, their feeds polled first.

        ``scheduled``: a feed that another channel's scheduled digest (on any instance) polled in the
        last :data:`DIGEST_POLL_FRESH` seconds is not polled again: fifty channels due at 07:30 on one
        feed fetch it once.
        """
        subs = await self.store.subscriptions(channel)
        if not subs:
            raise UserError("This channel has no feeds yet: `subscribe <feed-url>` adds one.")
        now = self.clock()
        fresh = now + dt.timedelta(seconds=DIGEST_POLL_FRESH)
        due = [s for s in subs if not scheduled or await self.store.once(f"digest-poll:{s.url}", now, fresh)]
        notices = tuple(n for n in await asyncio.gather(*(self.poll(s) for s in due)) if n)
        by_feed = {s.url: s for s in subs}
        items = dedupe(await self.store.items_since(list(by_feed), now - since))
        chosen = [(i, by_feed[i.feed]) for i in items[:MAX_DIGEST_ARTICLES]]
        entries = await self._entries(chosen, now)
        kept = [e for e, sub in entries if matches(e, sub.include, sub.exclude)]
        day = now.date()
        title = f"Your news digest, {day:%A} {day.day} {day:%B}"
        digest = build_digest(kept, day, max_stories=self.limits.digest_stories, title=title)
        mentions: tuple[str, ...] = ()
        if scheduled and any(s.mention for s in subs):
            said = {url: sub.mention for url, sub in by_feed.items() if sub.mention}
            mentions = tuple(
                " ".join(dict.fromkeys(said[s.feed] for s in story.sources if s.feed in said))
                for story in digest.stories
            )
        return DigestReply(digest, failed_feeds=notices, mentions=mentions)

    async def _entries(
        self, chosen: Sequence[tuple[FeedItem, Subscription]], now: dt.datetime
    ) -> list[tuple[Entry, Subscription]]:
        queued = self.queue is not None and await self.queue.available()
        gate = asyncio.Semaphore(DIGEST_QUEUED_CONCURRENCY if queued else DIGEST_CONCURRENCY)

        async def one(item: FeedItem, sub: Subscription) -> tuple[Entry, Subscription] | None:
            async with gate:
                try:
                    brief, _cached = await self.brief_url(item.url, headline_if_short=True)
                except (UserError, ArticleError) as err:
                    log.info("digest item %s skipped: %s", item.url, err)
                    await self.store.record_item_error(sub.url, item.url, str(err))
                    return None
            if not brief.article.title and item.title:
                brief = replace(brief, article=replace(brief.article, title=item.title))
            title = item.title or brief.article.title
            source = Source(url=item.url, title=title, feed=sub.url, id=item.guid or item.url)
            return Entry(brief, source, item.published or now), sub

        results = await asyncio.gather(*(one(i, s) for i, s in chosen))
        return [r for r in results if r is not None]

    async def story_action(self, channel: ChannelRef, day: dt.date, n: int, action: str, user: str = "") -> Reply:
        """A digest story's button: ``brief`` (its lead article), ``quotes`` or ``sources`` of story ``n``.

        The story is found in the stored plan of ``channel``'s digest of ``day`` (days later, on any
        instance, after restarts); the brief comes from the cache first, so a story whose page is gone
        is still answered. Never raises for anything a user or a page can cause (as :meth:`handle`).
        """
        if action not in STORY_ACTIONS:
            return TextReply("That button is not one of briefbot's.", error=True)
        run = await self.store.digest_run(channel, day)
        found = [m["story"] for m in (run.plan if run else ()) if isinstance(m.get("story"), dict)]
        story = next((s for s in found if s.get("n") == n), None)
        if story is None:
            return TextReply("That digest is no longer kept, so its story cannot be found.", error=True)
        sources = tuple((str(t), str(u)) for t, u in story.get("sources") or [])
        if action == "sources" or not sources:
            return SourcesReply(str(story.get("headline") or ""), sources)
        cmd = Command("quotes" if action == "quotes" else "brief", channel=channel, user=user, url=sources[0][1])
        return await self.handle(cmd)

    async def deliver_digest(self, schedule: Schedule, day: dt.date, poster: DigestPoster) -> bool:
        """Post a channel's scheduled digest for ``day`` unless it was delivered; whether it posted.

        Exactly once, through crashes: the digest is rendered once and stored with the claim, then
        each message's posting is committed before the next is sent. A run cut short resumes at the
        next message; that message -- which the platform may have taken just before the crash --
        is first looked for in the channel (:meth:`DigestPoster.find`) and only sent if absent.
        """
        channel = schedule.channel
        run = await self.store.digest_run(channel, day)
        if run is not None and run.status == "done":
            return False
        if not await self.store.subscriptions(channel):
            return False
        me, lease = self.limits.instance, dt.timedelta(seconds=self.limits.digest_lease)
        now = self.clock()
        claim = await self.store.claim_digest(channel, day, me, now, now + lease)
        if claim is None:
            return False  # delivered meanwhile, or another instance holds it
        async with self._holding(channel, day, lease):
            if not claim.plan:
                reply = await self.digest(channel, await self._since_last(channel), scheduled=True)
                plan = tuple(poster.plan(replace(reply, run_day=day)))
                if not await self.store.set_digest_plan(channel, day, me, plan):
                    return False
                posted, anchor, resumed, started = 0, "", False, self.clock()
            else:
                plan, posted, anchor, resumed, started = claim.plan, claim.posted, claim.anchor, True, claim.started
                log.info(
                    "digest of %s:%s for %s resumed at message %d of %d (start %d)",
                    channel.platform,
                    channel.id,
                    day,
                    posted + 1,
                    len(plan),
                    claim.attempts,
                )
            for index in range(posted, len(plan)):
                key = f"{day.isoformat()}/{index}"
                ident = await self._post(poster, channel, plan[index], anchor, key, started, look_first=resumed)
                resumed = False  # only the first message after a crash can be on the platform unrecorded
                if index == 0:
                    anchor = ident
                if not await self.store.digest_progress(channel, day, me, index + 1, anchor):
                    # Its lease ran out (this instance stalled) and another took the run over: it goes on
                    # from the progress stored, so this one stops.
                    log.warning("digest of %s:%s for %s taken over; stopping", channel.platform, channel.id, day)
                    return False
        await self.store.finish_digest(channel, day)
        self.metrics.digests_sent += 1
        return True

    @contextlib.asynccontextmanager
    async def _holding(self, channel: ChannelRef, day: dt.date, lease: dt.timedelta) -> AsyncIterator[None]:
        """Renew this instance's hold of a digest run every third of its lease while it works."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(lease.total_seconds() / 3)  # wall time, whatever clock the core reads
                try:
                    if not await self.store.renew_digest(channel, day, self.limits.instance, self.clock() + lease):
                        return
                except Exception:
                    log.exception("renewing the digest hold of %s:%s failed", channel.platform, channel.id)

        async with in_background(beat()):
            yield

    async def _post(
        self,
        poster: DigestPoster,
        channel: ChannelRef,
        message: dict[str, Any],
        anchor: str,
        key: str,
        since: dt.datetime,
        *,
        look_first: bool,
    ) -> str:
        """Send one digest message, retrying failures, and return its id.

        Before each retry (and first, after a crash) the message is looked for: a send that timed out
        or lost its connection may have been posted all the same.
        """
        look = look_first

        async def attempt() -> str:
            nonlocal look
            found = None
            if look:
                try:
                    found = await poster.find(channel, message, anchor, key, since)
                except Exception:
                    # No look-back (a missing history scope, an outage): posting may repeat one
                    # message, which beats losing it.
                    log.warning(
                        "could not look for digest message %s in %s:%s",
                        key,
                        channel.platform,
                        channel.id,
                        exc_info=True,
                    )
            look = True
            return found if found is not None else await poster.send(channel, message, anchor, key)

        return await with_retries(
            attempt, lambda _err: True, what=f"digest message {key}", attempts=SEND_ATTEMPTS, sleep=self._sleep
        )


async def post_digest(poster: DigestPoster, channel: ChannelRef, reply: DigestReply) -> None:
    """Post a digest at once, with no run record or look-back (a one-off post, e.g. in tests)."""
    anchor = ""
    for n, message in enumerate(poster.plan(reply)):
        sent = await poster.send(channel, message, anchor, f"post/{n}")
        anchor = anchor or sent


#: A mention each platform can deliver: a Discord role, a Slack user group (by id).
_MENTIONS = {"discord": re.compile(r"^<@&\d+>$"), "slack": re.compile(r"^<!subteam\^[A-Z0-9]+>$")}


def _check_mention(channel: ChannelRef, mention: str) -> None:
    if not mention:
        return
    form = _MENTIONS.get(channel.platform)
    if form is None:
        raise UserError("Mentions are for Slack user groups and Discord roles.")
    if not form.match(mention):
        kind = "a role, e.g. @news" if channel.platform == "discord" else "a user group, e.g. @news-desk"
        raise UserError(f"--mention takes {kind}; {mention[:60]!r} is not one here.")


def _filters(sub: Subscription) -> str:
    parts = []
    if sub.include:
        parts.append("only items about " + ", ".join(sub.include))
    if sub.exclude:
        parts.append("none about " + ", ".join(sub.exclude))
    return (": " + "; ".join(parts)) if parts else ""
