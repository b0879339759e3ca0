"""Everything briefbot keeps, in one SQLite file (aiosqlite): the embedded default store.

The schema is versioned by :data:`MIGRATIONS` (``PRAGMA user_version``); each migration runs in one
transaction at start. WAL mode lets the digest scheduler read while a command writes. Every write
that must not be half-done (a subscription, a digest run) is one transaction.

The core sees the :class:`Store` protocol only, so another database can stand in (a PostgreSQL
store, or :class:`MemoryStore`-like fakes in tests) without touching it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite

from bot.commands import canonical_url
from bot.model import ChannelRef, DigestRun, FeedHealth, FeedItem, Schedule, Subscription
from summarizer.model import Brief

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, channel TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL, include TEXT NOT NULL DEFAULT '', exclude TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        UNIQUE (platform, channel, url)
    );
    CREATE TABLE schedules (
        platform TEXT NOT NULL, channel TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '',
        time TEXT NOT NULL, tz TEXT NOT NULL,
        PRIMARY KEY (platform, channel)
    );
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
        last_fetch TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0, retry_after TEXT, notified INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        url TEXT PRIMARY KEY, feed TEXT NOT NULL, title TEXT NOT NULL, guid TEXT NOT NULL DEFAULT '',
        published TEXT, first_seen TEXT NOT NULL
    );
    CREATE INDEX items_by_time ON items (first_seen);
    CREATE TABLE briefs (
        url TEXT PRIMARY KEY, content_hash TEXT NOT NULL, data TEXT NOT NULL, created TEXT NOT NULL
    );
    CREATE INDEX briefs_by_hash ON briefs (content_hash);
    CREATE TABLE digest_runs (
        platform TEXT NOT NULL, channel TEXT NOT NULL, day TEXT NOT NULL,
        status TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
        PRIMARY KEY (platform, channel, day)
    );
    """,
    # 2: items keyed per feed (two channels' feeds may carry one article), with the link as the feed
    # gave it (the canonical URL in the key may not be fetchable as is).
    """
    CREATE TABLE items_v2 (
        url TEXT NOT NULL, feed TEXT NOT NULL, title TEXT NOT NULL, guid TEXT NOT NULL DEFAULT '',
        published TEXT, first_seen TEXT NOT NULL, link TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (url, feed)
    );
    INSERT INTO items_v2 (url, feed, title, guid, published, first_seen, link)
        SELECT url, feed, title, guid, published, first_seen, url FROM items;
    DROP TABLE items;
    ALTER TABLE items_v2 RENAME TO items;
    CREATE INDEX items_by_feed ON items (feed, published);
    """,
    # 3: a digest run keeps its rendered messages and how many were posted, so that a run cut short
    # (a crash, a kill) resumes at the next message instead of posting the digest twice.
    """
    ALTER TABLE digest_runs ADD COLUMN plan TEXT;
    ALTER TABLE digest_runs ADD COLUMN posted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE digest_runs ADD COLUMN anchor TEXT NOT NULL DEFAULT '';
    ALTER TABLE digest_runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: the last item of a feed a digest had to skip (its page unreachable, too slow, too complex), so
    # that `feeds` says why a story is missing.
    """
    ALTER TABLE feeds ADD COLUMN item_error TEXT;
    ALTER TABLE feeds ADD COLUMN item_error_at TEXT;
    """,
)


_M = TypeVar("_M", bound=Callable[..., Coroutine[Any, Any, Any]])


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class Store(Protocol):
    """What the core needs from storage (each method is documented on :class:`SqliteStore`)."""

    async def add_subscription(  # noqa: D102
        self, channel: ChannelRef, url: str, include: Sequence[str], exclude: Sequence[str]
    ) -> Subscription: ...
    async def remove_subscription(self, channel: ChannelRef, target: str) -> Subscription | None: ...  # noqa: D102
    async def subscriptions(self, channel: ChannelRef | None = None) -> list[Subscription]: ...  # noqa: D102
    async def set_schedule(self, schedule: Schedule) -> None: ...  # noqa: D102
    async def clear_schedule(self, channel: ChannelRef) -> bool: ...  # noqa: D102
    async def schedules(self) -> list[Schedule]: ...  # noqa: D102
    async def schedule_of(self, channel: ChannelRef) -> Schedule | None: ...  # noqa: D102
    async def feed_state(self, url: str) -> dict[str, Any]: ...  # noqa: D102
    async def record_fetch(  # noqa: D102
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        error: str | None = None,
        new_items: int = 0,
        retry_after: dt.datetime | None = None,
    ) -> int: ...
    async def mark_notified(self, url: str) -> None: ...  # noqa: D102
    async def record_item_error(self, feed: str, item: str, error: str) -> None: ...  # noqa: D102
    async def feed_health(self, channel: ChannelRef) -> list[FeedHealth]: ...  # noqa: D102
    async def seen(self, feed: str, urls: Sequence[str]) -> set[str]: ...  # noqa: D102
    async def add_items(self, items: Sequence[FeedItem]) -> None: ...  # noqa: D102
    async def items_since(self, feeds: Sequence[str], since: dt.datetime) -> list[FeedItem]: ...  # noqa: D102
    async def get_brief(self, url: str) -> Brief | None: ...  # noqa: D102
    async def put_brief(self, url: str, content_hash: str, brief: Brief) -> None: ...  # noqa: D102
    async def digest_run(self, channel: ChannelRef, day: dt.date) -> DigestRun | None: ...  # noqa: D102
    async def begin_digest(  # noqa: D102
        self, channel: ChannelRef, day: dt.date, plan: Sequence[dict[str, Any]]
    ) -> bool: ...
    async def resume_digest(self, channel: ChannelRef, day: dt.date) -> None: ...  # noqa: D102
    async def digest_progress(self, channel: ChannelRef, day: dt.date, posted: int, anchor: str) -> None: ...  # noqa: D102
    async def finish_digest(self, channel: ChannelRef, day: dt.date) -> None: ...  # noqa: D102
    async def last_digest(self, channel: ChannelRef) -> dt.datetime | None: ...  # noqa: D102
    async def close(self) -> None: ...  # noqa: D102


def _serial(method: _M) -> _M:
    """Run a store method alone: one statement sequence (and transaction) at a time on the connection."""

    @functools.wraps(method)
    async def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        task = asyncio.current_task()
        if self._owner is task:  # a store method calling another: already holding the lock
            return await method(self, *args, **kwargs)
        async with self._lock:
            self._owner = task
            try:
                return await method(self, *args, **kwargs)
            finally:
                self._owner = None

    return wrapper  # type: ignore[return-value]


class SqliteStore:
    """The SQLite store. ``await SqliteStore.open(path)`` migrates and returns it.

    Every public method holds the store's lock: concurrent tasks (20 feeds polled at once) never
    interleave their statements or step into each other's transactions on the one connection.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        """Use an open connection (see :meth:`open`)."""
        self.db = db
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        """Open (creating if needed) and migrate the database at ``path`` (``:memory:`` for tests)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=5000")
        store = cls(db)
        await store._migrate()
        return store

    async def _migrate(self) -> None:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
            statements = [s.strip() for s in script.split(";") if s.strip()]
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    await self.db.execute(statement)
                await self.db.execute(f"PRAGMA user_version = {n}")
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()

    @_serial
    async def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` passes."""
        async with self.db.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return row is not None and row[0] == "ok"

    # --- subscriptions and schedules -------------------------------------------------------------

    @_serial
    async def add_subscription(
        self, channel: ChannelRef, url: str, include: Sequence[str], exclude: Sequence[str]
    ) -> Subscription:
        """Subscribe ``channel`` to ``url`` (updating the filters when it already is)."""
        await self.db.execute(
            """INSERT INTO subscriptions (platform, channel, workspace, url, include, exclude, created)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (platform, channel, url) DO UPDATE SET include = excluded.include,
               exclude = excluded.exclude""",
            (channel.platform, channel.id, channel.workspace, url, ",".join(include), ",".join(exclude), _now()),
        )
        subs = [s for s in await self.subscriptions(channel) if s.url == url]
        return subs[0]

    @_serial
    async def remove_subscription(self, channel: ChannelRef, target: str) -> Subscription | None:
        """Remove the subscription ``target`` (its id or URL) of ``channel``; the removed one, if any."""
        for sub in await self.subscriptions(channel):
            if str(sub.id) == target or sub.url == target:
                await self.db.execute("DELETE FROM subscriptions WHERE id = ?", (sub.id,))
                return sub
        return None

    @_serial
    async def subscriptions(self, channel: ChannelRef | None = None) -> list[Subscription]:
        """Every subscription, or those of one channel, oldest first."""
        sql = "SELECT * FROM subscriptions"
        args: tuple[Any, ...] = ()
        if channel is not None:
            sql += " WHERE platform = ? AND channel = ?"
            args = (channel.platform, channel.id)
        async with self.db.execute(sql + " ORDER BY id", args) as cur:
            rows = await cur.fetchall()
        return [
            Subscription(
                id=r["id"],
                channel=ChannelRef(r["platform"], r["channel"], r["workspace"]),
                url=r["url"],
                include=tuple(w for w in r["include"].split(",") if w),
                exclude=tuple(w for w in r["exclude"].split(",") if w),
            )
            for r in rows
        ]

    @_serial
    async def set_schedule(self, schedule: Schedule) -> None:
        """Set (or replace) a channel's digest time."""
        c = schedule.channel
        await self.db.execute(
            """INSERT INTO schedules (platform, channel, workspace, time, tz) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (platform, channel) DO UPDATE SET time = excluded.time, tz = excluded.tz""",
            (c.platform, c.id, c.workspace, schedule.time.strftime("%H:%M"), schedule.tz),
        )

    @_serial
    async def clear_schedule(self, channel: ChannelRef) -> bool:
        """Stop a channel's daily digest; whether it had one."""
        cur = await self.db.execute(
            "DELETE FROM schedules WHERE platform = ? AND channel = ?", (channel.platform, channel.id)
        )
        return cur.rowcount > 0

    @_serial
    async def schedules(self) -> list[Schedule]:
        """Every channel's digest time."""
        async with self.db.execute("SELECT * FROM schedules ORDER BY platform, channel") as cur:
            rows = await cur.fetchall()
        return [
            Schedule(ChannelRef(r["platform"], r["channel"], r["workspace"]), dt.time.fromisoformat(r["time"]), r["tz"])
            for r in rows
        ]

    @_serial
    async def schedule_of(self, channel: ChannelRef) -> Schedule | None:
        """One channel's digest time."""
        for s in await self.schedules():
            if (s.channel.platform, s.channel.id) == (channel.platform, channel.id):
                return s
        return None

    # --- feeds and items -------------------------------------------------------------------------

    @_serial
    async def feed_state(self, url: str) -> dict[str, Any]:
        """The conditional-GET and error state of a feed (empty values for a new one)."""
        async with self.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return {"etag": "", "last_modified": "", "failures": 0, "retry_after": None, "notified": 0}
        return dict(row)

    @_serial
    async def record_fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        error: str | None = None,
        new_items: int = 0,
        retry_after: dt.datetime | None = None,
    ) -> int:
        """Record a poll of a feed; returns its consecutive failures after this one."""
        state = await self.feed_state(url)
        failures = state["failures"] + 1 if error else 0
        if error:  # a failed poll keeps the validators of the last good one
            etag, last_modified = state["etag"], state["last_modified"]
        await self.db.execute(
            """INSERT INTO feeds (url, etag, last_modified, last_fetch, last_error, failures, items_seen,
                                  retry_after, notified)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                 last_fetch = excluded.last_fetch, last_error = excluded.last_error,
                 failures = excluded.failures, items_seen = feeds.items_seen + excluded.items_seen,
                 retry_after = excluded.retry_after, notified = excluded.notified""",
            (
                url,
                etag,
                last_modified,
                _now(),
                error,
                failures,
                new_items,
                retry_after.isoformat() if retry_after else None,
                state["notified"] if error else 0,
            ),
        )
        return int(failures)

    @_serial
    async def mark_notified(self, url: str) -> None:
        """The channel has been told this feed keeps failing (told once, until it recovers)."""
        await self.db.execute("UPDATE feeds SET notified = 1 WHERE url = ?", (url,))

    @_serial
    async def record_item_error(self, feed: str, item: str, error: str) -> None:
        """Remember the last item of ``feed`` a digest skipped, and why."""
        await self.db.execute(
            """INSERT INTO feeds (url, item_error, item_error_at) VALUES (?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET item_error = excluded.item_error,
                 item_error_at = excluded.item_error_at""",
            (feed, f"{item}: {error}", _now()),
        )

    @_serial
    async def feed_health(self, channel: ChannelRef) -> list[FeedHealth]:
        """The channel's subscriptions with their last fetch, last error and items seen."""
        out: list[FeedHealth] = []
        for sub in await self.subscriptions(channel):
            state = await self.feed_state(sub.url)
            last = state.get("last_fetch")
            out.append(
                FeedHealth(
                    subscription=sub,
                    last_fetch=dt.datetime.fromisoformat(last) if last else None,
                    last_error=state.get("last_error"),
                    items_seen=int(state.get("items_seen", 0) or 0),
                    failures=int(state.get("failures", 0) or 0),
                    item_error=state.get("item_error"),
                    item_error_at=dt.datetime.fromisoformat(at) if (at := state.get("item_error_at")) else None,
                )
            )
        return out

    @_serial
    async def seen(self, feed: str, urls: Sequence[str]) -> set[str]:
        """Which of these canonical item URLs ``feed`` already carried."""
        found: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = list(urls[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT url FROM items WHERE feed = ? AND url IN ({marks})"  # noqa: S608 - placeholders only
            async with self.db.execute(sql, (feed, *chunk)) as cur:
                found.update(r[0] for r in await cur.fetchall())
        return found

    @_serial
    async def add_items(self, items: Sequence[FeedItem]) -> None:
        """Remember feed items (once per canonical URL and feed)."""
        now = _now()
        await self.db.executemany(
            """INSERT OR IGNORE INTO items (url, feed, title, guid, published, first_seen, link)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(canonical_url(i.url), i.feed, i.title, i.guid, _iso(i.published), now, i.url) for i in items],
        )

    @_serial
    async def items_since(self, feeds: Sequence[str], since: dt.datetime) -> list[FeedItem]:
        """Items of these feeds published (or, undated, first seen) at or after ``since``, newest first."""
        if not feeds:
            return []
        marks = ",".join("?" * len(feeds))
        async with self.db.execute(
            f"""SELECT * FROM items WHERE feed IN ({marks}) AND COALESCE(published, first_seen) >= ?
                ORDER BY COALESCE(published, first_seen) DESC""",  # noqa: S608 - placeholders only
            (*feeds, since.isoformat()),
        ) as cur:
            rows = await cur.fetchall()
        return [
            FeedItem(
                url=r["link"] or r["url"],
                title=r["title"],
                guid=r["guid"],
                published=dt.datetime.fromisoformat(r["published"]) if r["published"] else None,
                feed=r["feed"],
            )
            for r in rows
        ]

    # --- brief cache -----------------------------------------------------------------------------

    @_serial
    async def get_brief(self, url: str) -> Brief | None:
        """A cached brief by canonical URL or content hash."""
        async with self.db.execute(
            "SELECT data FROM briefs WHERE url = ? OR content_hash = ? LIMIT 1", (url, url)
        ) as cur:
            row = await cur.fetchone()
        return Brief.from_cache(json.loads(row[0])) if row else None

    @_serial
    async def put_brief(self, url: str, content_hash: str, brief: Brief) -> None:
        """Cache a brief under its canonical URL and the hash of its text."""
        await self.db.execute(
            "INSERT OR REPLACE INTO briefs (url, content_hash, data, created) VALUES (?, ?, ?, ?)",
            (url, content_hash, json.dumps(brief.to_cache(), ensure_ascii=False), _now()),
        )

    # --- digest runs: exactly once per channel and local day -------------------------------------

    @_serial
    async def digest_run(self, channel: ChannelRef, day: dt.date) -> DigestRun | None:
        """The digest run of ``channel`` for ``day``, or ``None`` when none was started."""
        async with self.db.execute(
            """SELECT status, plan, posted, anchor, started, attempts FROM digest_runs
               WHERE platform = ? AND channel = ? AND day = ?""",
            (channel.platform, channel.id, day.isoformat()),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        plan = tuple(json.loads(row["plan"])) if row["plan"] else ()
        return DigestRun(
            status=str(row["status"]),
            plan=plan,
            posted=int(row["posted"]),
            anchor=str(row["anchor"]),
            started=dt.datetime.fromisoformat(row["started"]),
            attempts=int(row["attempts"]),
        )

    @_serial
    async def begin_digest(self, channel: ChannelRef, day: dt.date, plan: Sequence[dict[str, Any]]) -> bool:
        """Claim the digest of ``channel`` for ``day`` with its rendered messages; False when it was sent.

        The plan is stored in the same transaction as the claim, so a run is either not started or
        started with everything needed to finish it after a crash (:meth:`digest_progress`).
        """
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            async with self.db.execute(
                "SELECT status FROM digest_runs WHERE platform = ? AND channel = ? AND day = ?",
                (channel.platform, channel.id, day.isoformat()),
            ) as cur:
                row = await cur.fetchone()
            if row is not None and row[0] == "done":
                await self.db.execute("COMMIT")
                return False
            await self.db.execute(
                """INSERT INTO digest_runs (platform, channel, day, status, started, plan, posted, anchor, attempts)
                   VALUES (?, ?, ?, 'posting', ?, ?, 0, '', 1)
                   ON CONFLICT (platform, channel, day) DO UPDATE SET status = 'posting',
                   started = excluded.started, plan = excluded.plan, posted = 0, anchor = '', attempts = 1""",
                (channel.platform, channel.id, day.isoformat(), _now(), json.dumps(list(plan), ensure_ascii=False)),
            )
            await self.db.execute("COMMIT")
            return True
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise

    @_serial
    async def resume_digest(self, channel: ChannelRef, day: dt.date) -> None:
        """Count one more start working on an interrupted run."""
        await self.db.execute(
            "UPDATE digest_runs SET attempts = attempts + 1 WHERE platform = ? AND channel = ? AND day = ?",
            (channel.platform, channel.id, day.isoformat()),
        )

    @_serial
    async def digest_progress(self, channel: ChannelRef, day: dt.date, posted: int, anchor: str) -> None:
        """Note that the first ``posted`` messages of the run are on the platform (one commit each)."""
        await self.db.execute(
            "UPDATE digest_runs SET posted = ?, anchor = ? WHERE platform = ? AND channel = ? AND day = ?",
            (posted, anchor, channel.platform, channel.id, day.isoformat()),
        )

    @_serial
    async def finish_digest(self, channel: ChannelRef, day: dt.date) -> None:
        """Mark the digest of ``channel`` for ``day`` as delivered."""
        await self.db.execute(
            "UPDATE digest_runs SET status = 'done', finished = ? WHERE platform = ? AND channel = ? AND day = ?",
            (_now(), channel.platform, channel.id, day.isoformat()),
        )

    @_serial
    async def last_digest(self, channel: ChannelRef) -> dt.datetime | None:
        """When the channel's last delivered digest finished."""
        async with self.db.execute(
            "SELECT MAX(finished) FROM digest_runs WHERE platform = ? AND channel = ? AND status = 'done'",
            (channel.platform, channel.id),
        ) as cur:
            row = await cur.fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None
