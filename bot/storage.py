"""Everything briefbot keeps, in one database: an embedded SQLite file by default, or PostgreSQL.

One implementation, :class:`SqlStore`, serves both through SQLAlchemy's async Core (aiosqlite and
psycopg 3). Its SQL is the part both dialects read alike: ``INSERT ... ON CONFLICT``, ``RETURNING``,
times as ISO-8601 text. ``BRIEFBOT_DB`` names the database: a file path (``briefbot.sqlite3``, the
default) or a ``postgresql://`` URL.

The schema is versioned by :data:`MIGRATIONS`, each applied in one transaction when a store opens:
SQLite keeps the version in ``PRAGMA user_version`` (files of earlier releases migrate in place),
PostgreSQL in the ``briefbot_schema`` table, under an advisory lock so that instances starting
together migrate once. SQLite runs in WAL mode and one statement sequence at a time (one
connection, a lock); PostgreSQL takes connections from a pool. Every write that must not be
half-done (a subscription, a digest claim) is one transaction or one statement.

The core sees the :class:`Store` protocol only.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from sqlalchemy import bindparam, event, text
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.commands import canonical_url
from bot.model import BriefFailure, ChannelRef, DigestRun, FeedHealth, FeedItem, Schedule, Subscription, Watch
from bot.settings import POSTGRES_SCHEMES, SQLITE_SCHEMES
from summarizer.model import Brief

#: One script per version, or a pair (SQLite, PostgreSQL) where the dialects part.
MIGRATIONS: tuple[str | tuple[str, str], ...] = (
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
    # 5: a digest run is held by one instance (``owner``) until ``lease_until``, renewed while it works,
    # so that several instances on one database post each digest once and a dead one's is taken over;
    # a feed's scheduled poll is taken by one instance until ``poll_until``; a request (a Slack
    # signature) is accepted once by all of them (``seen_once``); brief limits count every instance's
    # calls (``rate_calls``).
    """
    ALTER TABLE digest_runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE digest_runs ADD COLUMN lease_until TEXT;
    ALTER TABLE feeds ADD COLUMN poll_owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE feeds ADD COLUMN poll_until TEXT;
    CREATE TABLE seen_once (key TEXT PRIMARY KEY, until TEXT NOT NULL);
    CREATE INDEX seen_once_by_until ON seen_once (until);
    CREATE TABLE rate_calls (key TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX rate_calls_by_key ON rate_calls (key, at);
    CREATE INDEX rate_calls_by_time ON rate_calls (at);
    """,
    # 6: why a brief asked of the queue's workers failed (a page that does not answer, or a job that
    # kept failing), kept for the instance waiting for it; a brief that succeeds goes to ``briefs``.
    """
    CREATE TABLE brief_failures (
        key TEXT PRIMARY KEY, kind TEXT NOT NULL, message TEXT NOT NULL, headline TEXT, at TEXT NOT NULL
    );
    """,
    # 7: a channel is known by its workspace too (a Slack Connect channel has one id in two
    # organisations, each with its own install of briefbot: neither may see or change the other's
    # feeds, schedule or digests). SQLite cannot change a key in place: its tables are
    # rebuilt, keeping subscription ids (users type them); PostgreSQL swaps the constraints.
    (
        """
        CREATE TABLE subscriptions_v7 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL, channel TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL, include TEXT NOT NULL DEFAULT '', exclude TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            UNIQUE (platform, workspace, channel, url)
        );
        INSERT INTO subscriptions_v7 (id, platform, channel, workspace, url, include, exclude, created)
            SELECT id, platform, channel, workspace, url, include, exclude, created FROM subscriptions;
        DROP TABLE subscriptions;
        ALTER TABLE subscriptions_v7 RENAME TO subscriptions;
        CREATE TABLE schedules_v7 (
            platform TEXT NOT NULL, channel TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '',
            time TEXT NOT NULL, tz TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel)
        );
        INSERT INTO schedules_v7 SELECT platform, channel, workspace, time, tz FROM schedules;
        DROP TABLE schedules;
        ALTER TABLE schedules_v7 RENAME TO schedules;
        CREATE TABLE digest_runs_v7 (
            platform TEXT NOT NULL, channel TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '', day TEXT NOT NULL,
            status TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
            plan TEXT, posted INTEGER NOT NULL DEFAULT 0, anchor TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '', lease_until TEXT,
            PRIMARY KEY (platform, workspace, channel, day)
        );
        INSERT INTO digest_runs_v7 (platform, channel, workspace, day, status, started, finished, plan, posted,
                                    anchor, attempts, owner, lease_until)
            SELECT r.platform, r.channel,
                   COALESCE((SELECT s.workspace FROM schedules s
                             WHERE s.platform = r.platform AND s.channel = r.channel), ''),
                   r.day, r.status, r.started, r.finished, r.plan, r.posted, r.anchor, r.attempts, r.owner,
                   r.lease_until
            FROM digest_runs r;
        DROP TABLE digest_runs;
        ALTER TABLE digest_runs_v7 RENAME TO digest_runs;
        """,
        """
        ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_platform_channel_url_key;
        ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_scope_url_key
            UNIQUE (platform, workspace, channel, url);
        ALTER TABLE schedules DROP CONSTRAINT schedules_pkey;
        ALTER TABLE schedules ADD PRIMARY KEY (platform, workspace, channel);
        ALTER TABLE digest_runs ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
        UPDATE digest_runs SET workspace = COALESCE((SELECT s.workspace FROM schedules s
            WHERE s.platform = digest_runs.platform AND s.channel = digest_runs.channel), '');
        ALTER TABLE digest_runs DROP CONSTRAINT digest_runs_pkey;
        ALTER TABLE digest_runs ADD PRIMARY KEY (platform, workspace, channel, day);
        """,
    ),
    # 8: an app's installations in one organisation or workspace (Slack's OAuth flow): ``kind`` "bot"
    # (the bot token) or "installation" (with its installer, ``user_id``; '' for the workspace's
    # latest). ``data`` is the installation as JSON, sealed (:mod:`bot.sealing`) when a key is set.
    """
    CREATE TABLE installations (
        platform TEXT NOT NULL, enterprise TEXT NOT NULL, team TEXT NOT NULL, user_id TEXT NOT NULL,
        kind TEXT NOT NULL, data TEXT NOT NULL, saved TEXT NOT NULL,
        PRIMARY KEY (platform, enterprise, team, user_id, kind)
    );
    """,
    # 9: a schedule's days of the week ("0,1,2,3,4": weekdays, Monday = 0); '' for every day.
    """
    ALTER TABLE schedules ADD COLUMN days TEXT NOT NULL DEFAULT '';
    """,
    # 10: what people follow (``watch``), per person and workspace (stories already sent for a watch
    # are remembered in ``seen_once``); whom a subscription's stories mention.
    """
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, workspace TEXT NOT NULL, user_id TEXT NOT NULL, terms TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (platform, workspace, user_id, terms)
    );
    ALTER TABLE subscriptions ADD COLUMN mention TEXT NOT NULL DEFAULT '';
    """,
)


#: PostgreSQL's spelling of SQLite's auto-numbered key, the one difference the migrations have.
_PG_TYPES = {"INTEGER PRIMARY KEY AUTOINCREMENT": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"}
#: What ``briefbot db copy`` moves, table by table: its natural key (a row the target has is kept) and
#: the order to copy in.
_COPIED = (
    ("subscriptions", "platform, workspace, channel, url", "id"),
    ("schedules", "platform, workspace, channel", "platform, workspace, channel"),
    ("feeds", "url", "url"),
    ("items", "url, feed", "first_seen, url, feed"),
    ("briefs", "url", "created, url"),
    ("digest_runs", "platform, workspace, channel, day", "day, platform, workspace, channel"),
    # Sealed as they are: the target opens them with the same BRIEFBOT_SECRET_KEY.
    ("installations", "platform, enterprise, team, user_id, kind", "saved, platform, enterprise, team, user_id, kind"),
    ("watches", "platform, workspace, user_id, terms", "id"),
)
#: The longest window :meth:`SqlStore.take_call` is asked to count over.
LONGEST_WINDOW = dt.timedelta(days=1)
#: The PostgreSQL notification channel on which a stored brief (or failure) is announced by its key.
BRIEFS_CHANNEL = "briefbot_briefs"
#: Any constant: the advisory lock instances take to migrate one at a time.
_MIGRATION_LOCK = 0x62726965


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _utc(when: dt.datetime) -> str:
    # Leases are compared as text: each is written in UTC and in one format, as _now() writes them.
    return when.astimezone(dt.UTC).isoformat()


def database_url(target: str | Path) -> str:
    """The SQLAlchemy URL of a ``BRIEFBOT_DB`` value: a ``postgresql://`` URL, or a SQLite file path."""
    value = str(target)
    scheme, sep, rest = value.partition("://")
    if sep and scheme.lower() in POSTGRES_SCHEMES:
        return f"postgresql+psycopg://{rest}"
    if sep and scheme.lower() in SQLITE_SCHEMES:
        return f"sqlite+aiosqlite://{rest}"
    if sep:
        raise ValueError(f"unsupported database {scheme}://: use a SQLite file path or a postgresql:// URL")
    if value in ("", ":memory:"):
        return "sqlite+aiosqlite://"
    return f"sqlite+aiosqlite:///{Path(value).expanduser().resolve()}"


def describe(target: str | Path) -> str:
    """``BRIEFBOT_DB`` as it may be shown: a URL without its password."""
    value = str(target)
    if "://" not in value:
        return value
    try:
        return make_url(value).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # too broken to parse: not shown at all, it may hold a password
        return value.split("://", 1)[0] + "://…"


def failure(err: BaseException) -> str:
    """One line saying why the database failed: the driver's own first line (it names no password)."""
    text_ = str(getattr(err, "orig", None) or err).strip()
    return text_.splitlines()[0] if text_ else type(err).__name__


def is_postgres(target: str | Path) -> bool:
    """Whether ``BRIEFBOT_DB`` names a PostgreSQL database."""
    return database_url(target).startswith("postgresql")


def _statements(migration: str | tuple[str, str], postgres: bool) -> list[str]:
    script = migration if isinstance(migration, str) else migration[postgres]
    if postgres:
        for sqlite, pg in _PG_TYPES.items():
            script = script.replace(sqlite, pg)
    return [s.strip() for s in script.split(";") if s.strip()]


class InstallationKey(NamedTuple):
    """Which installation record.

    An organisation (``enterprise``, '' outside Enterprise Grid), a workspace (``team``, '' for an
    organisation-wide install), the installer (``user_id``, '' for the workspace's latest) and ``kind``
    ("bot" or "installation").
    """

    platform: str
    enterprise: str
    team: str
    user_id: str
    kind: str


class Store(Protocol):
    """What the core needs from storage (each method is documented on :class:`SqlStore`)."""

    shared: bool

    async def add_subscription(  # noqa: D102
        self, channel: ChannelRef, url: str, include: Sequence[str], exclude: Sequence[str], mention: str = ""
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
    async def claim_feed_poll(self, url: str, owner: str, now: dt.datetime, until: dt.datetime) -> bool: ...  # noqa: D102
    async def once(self, key: str, now: dt.datetime, until: dt.datetime) -> bool: ...  # noqa: D102
    async def forget(self, key: str) -> None: ...  # noqa: D102
    async def consume(self, key: str, now: dt.datetime) -> bool: ...  # noqa: D102
    async def put_installation(self, key: InstallationKey, data: str) -> None: ...  # noqa: D102
    async def get_installation(self, key: InstallationKey) -> str | None: ...  # noqa: D102
    async def installations(self, platform: str) -> list[tuple[InstallationKey, str]]: ...  # noqa: D102
    async def delete_installations(  # noqa: D102
        self, platform: str, enterprise: str, team: str | None, user_id: str | None = None, kind: str | None = None
    ) -> int: ...
    async def forget_workspace(self, platform: str, workspace: str, *, prefix: bool = False) -> int: ...  # noqa: D102
    async def add_watch(self, platform: str, workspace: str, user: str, terms: str) -> tuple[Watch, bool]: ...  # noqa: D102
    async def remove_watch(self, platform: str, workspace: str, user: str, target: str) -> Watch | None: ...  # noqa: D102
    async def watches(  # noqa: D102
        self, platform: str | None = None, workspace: str | None = None, user: str | None = None
    ) -> list[Watch]: ...
    async def calls_in(self, key: str, now: dt.datetime, window: dt.timedelta) -> int: ...  # noqa: D102
    async def take_call(  # noqa: D102
        self, limits: Sequence[tuple[str, int]], now: dt.datetime, window: dt.timedelta = ...
    ) -> tuple[int, float]: ...
    async def record_item_error(self, feed: str, item: str, error: str) -> None: ...  # noqa: D102
    async def feed_health(self, channel: ChannelRef) -> list[FeedHealth]: ...  # noqa: D102
    async def seen(self, feed: str, urls: Sequence[str]) -> set[str]: ...  # noqa: D102
    async def add_items(self, items: Sequence[FeedItem]) -> None: ...  # noqa: D102
    async def items_since(self, feeds: Sequence[str], since: dt.datetime) -> list[FeedItem]: ...  # noqa: D102
    async def get_brief(self, url: str) -> Brief | None: ...  # noqa: D102
    async def put_brief(self, url: str, content_hash: str, brief: Brief) -> None: ...  # noqa: D102
    async def put_failure(self, key: str, failure: BriefFailure) -> None: ...  # noqa: D102
    async def get_failure(self, key: str) -> BriefFailure | None: ...  # noqa: D102
    async def clear_failure(self, key: str) -> None: ...  # noqa: D102
    async def announce(self, key: str) -> None: ...  # noqa: D102
    async def digest_run(self, channel: ChannelRef, day: dt.date) -> DigestRun | None: ...  # noqa: D102
    async def claim_digest(  # noqa: D102
        self, channel: ChannelRef, day: dt.date, owner: str, now: dt.datetime, until: dt.datetime
    ) -> DigestRun | None: ...
    async def set_digest_plan(  # noqa: D102
        self, channel: ChannelRef, day: dt.date, owner: str, plan: Sequence[dict[str, Any]]
    ) -> bool: ...
    async def renew_digest(self, channel: ChannelRef, day: dt.date, owner: str, until: dt.datetime) -> bool: ...  # noqa: D102
    async def digest_progress(  # noqa: D102
        self, channel: ChannelRef, day: dt.date, owner: str, posted: int, anchor: str
    ) -> bool: ...
    async def finish_digest(self, channel: ChannelRef, day: dt.date) -> None: ...  # noqa: D102
    async def last_digest(self, channel: ChannelRef) -> dt.datetime | None: ...  # noqa: D102
    async def close(self) -> None: ...  # noqa: D102


class SqlStore:
    """The store over SQLite or PostgreSQL. ``await SqlStore.open(target)`` migrates and returns it."""

    def __init__(self, engine: AsyncEngine, *, one_connection: bool = False) -> None:
        """Use an engine made by :meth:`open` (its connect hooks set SQLite up).

        ``one_connection``: the engine has a single connection (an in-memory SQLite database, which
        exists only on its connection), used by one statement sequence at a time.
        """
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        # A SQLite file and PostgreSQL: a pool, and the database keeps transactions apart (a SQLite
        # writer waits for the file's lock in its connection's thread, never on the event loop, so a
        # Slack replay check is not queued behind a digest's writes).
        self._lock: asyncio.Lock | None = asyncio.Lock() if one_connection else None
        #: Whether several instances can share this database (PostgreSQL; a SQLite file is one host's).
        self.shared = self.postgres

    @classmethod
    async def open(cls, target: str | Path, *, migrate: bool = True) -> SqlStore:
        """Open (creating if needed) and migrate the database ``target`` (a path, ``:memory:`` or a URL).

        With ``migrate=False`` the schema is left as it is (``briefbot db upgrade`` says what it does).
        """
        url = database_url(target)
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite+aiosqlite:///")
            memory = path == url
            if memory:
                engine = create_async_engine(url, poolclass=StaticPool)
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = create_async_engine(url, pool_size=4, max_overflow=4)
            event.listen(engine.sync_engine, "connect", _sqlite_connect)
            event.listen(engine.sync_engine, "begin", _sqlite_begin)
        else:
            memory = False
            engine = create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)
        store = cls(engine, one_connection=memory)
        try:
            if migrate:
                await store.migrate()
        except BaseException:
            await engine.dispose()
            raise
        return store

    @contextlib.asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection]:
        async with self._lock or contextlib.nullcontext(), self.engine.begin() as conn:
            yield conn

    async def _version(self, conn: AsyncConnection) -> int:
        if not self.postgres:
            return int((await conn.exec_driver_sql("PRAGMA user_version")).scalar_one())
        await conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS briefbot_schema (version INTEGER NOT NULL)")
        found = (await conn.exec_driver_sql("SELECT MAX(version) FROM briefbot_schema")).scalar_one()
        return int(found or 0)

    async def schema_version(self) -> int:
        """The number of migrations applied (``len(MIGRATIONS)`` once open)."""
        async with self._tx() as conn:
            return await self._version(conn)

    async def migrate(self, upto: int = len(MIGRATIONS)) -> None:
        """Apply the migrations this database lacks, each in its own transaction (the first ``upto``)."""
        while True:
            async with self._tx() as conn:
                if self.postgres:
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                version = await self._version(conn)
                if version >= upto:
                    return
                for statement in _statements(MIGRATIONS[version], self.postgres):
                    await conn.exec_driver_sql(statement)
                if self.postgres:
                    await conn.exec_driver_sql("DELETE FROM briefbot_schema")
                    await conn.execute(text("INSERT INTO briefbot_schema (version) VALUES (:v)"), {"v": version + 1})
                else:
                    await conn.exec_driver_sql(f"PRAGMA user_version = {version + 1}")

    async def close(self) -> None:
        """Close the database."""
        await self.engine.dispose()

    async def copy_to(self, other: SqlStore) -> dict[str, int]:
        """Copy everything kept here into ``other`` (both migrated); the rows it gained, per table.

        A row ``other`` already holds (the same subscription, feed, item, digest run ...) is left as it
        is, so copying twice copies nothing twice. Subscriptions keep their order, not their ids.
        """
        gained: dict[str, int] = {}
        for table, key, order in _COPIED:
            # Table and column names are this module's own constants and the schema's: no user text.
            select = text(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608
            count = text(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            async with self._tx() as conn:
                rows = [dict(r) for r in (await conn.execute(select)).mappings()]
            columns = [c for c in rows[0] if c != "id"] if rows else []
            names, values = ", ".join(columns), ", ".join(f":{c}" for c in columns)
            insert = text(f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING")  # noqa: S608
            async with other._tx() as conn:
                before = (await conn.execute(count)).scalar_one()
                if rows:
                    await conn.execute(insert, [{c: r[c] for c in columns} for r in rows])
                after = (await conn.execute(count)).scalar_one()
            gained[table] = int(after) - int(before)
        return gained

    async def integrity_ok(self) -> bool:
        """SQLite's ``PRAGMA integrity_check`` passes (PostgreSQL: the database answers)."""
        async with self._tx() as conn:
            if self.postgres:
                return bool((await conn.exec_driver_sql("SELECT 1")).scalar_one() == 1)
            return bool((await conn.exec_driver_sql("PRAGMA integrity_check")).scalar_one() == "ok")

    # --- subscriptions and schedules -------------------------------------------------------------

    async def add_subscription(
        self, channel: ChannelRef, url: str, include: Sequence[str], exclude: Sequence[str], mention: str = ""
    ) -> Subscription:
        """Subscribe ``channel`` to ``url`` (updating the filters and mention when it already is)."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO subscriptions (platform, channel, workspace, url, include, exclude, mention,
                                                  created)
                       VALUES (:platform, :channel, :workspace, :url, :include, :exclude, :mention, :created)
                       ON CONFLICT (platform, workspace, channel, url) DO UPDATE SET include = excluded.include,
                       exclude = excluded.exclude, mention = excluded.mention"""
                ),
                {
                    **_channel(channel),
                    "url": url,
                    "include": ",".join(include),
                    "exclude": ",".join(exclude),
                    "mention": mention,
                    "created": _now(),
                },
            )
            return next(s for s in await _subscriptions(conn, channel) if s.url == url)

    async def remove_subscription(self, channel: ChannelRef, target: str) -> Subscription | None:
        """Remove the subscription ``target`` (its id or URL) of ``channel``; the removed one, if any."""
        async with self._tx() as conn:
            for sub in await _subscriptions(conn, channel):
                if str(sub.id) == target or sub.url == target:
                    await conn.execute(text("DELETE FROM subscriptions WHERE id = :id"), {"id": sub.id})
                    return sub
        return None

    async def subscriptions(self, channel: ChannelRef | None = None) -> list[Subscription]:
        """Every subscription, or those of one channel, oldest first."""
        async with self._tx() as conn:
            return await _subscriptions(conn, channel)

    async def set_schedule(self, schedule: Schedule) -> None:
        """Set (or replace) a channel's digest time."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO schedules (platform, channel, workspace, time, tz, days)
                       VALUES (:platform, :channel, :workspace, :time, :tz, :days)
                       ON CONFLICT (platform, workspace, channel)
                       DO UPDATE SET time = excluded.time, tz = excluded.tz, days = excluded.days"""
                ),
                {
                    **_channel(schedule.channel),
                    "time": schedule.time.strftime("%H:%M"),
                    "tz": schedule.tz,
                    "days": ",".join(map(str, schedule.days)),
                },
            )

    async def clear_schedule(self, channel: ChannelRef) -> bool:
        """Stop a channel's daily digest; whether it had one."""
        async with self._tx() as conn:
            result = await conn.execute(
                text(
                    """DELETE FROM schedules
                       WHERE platform = :platform AND workspace = :workspace AND channel = :channel"""
                ),
                _channel(channel),
            )
            return result.rowcount > 0

    async def schedules(self) -> list[Schedule]:
        """Every channel's digest time."""
        async with self._tx() as conn:
            rows = (
                (await conn.execute(text("SELECT * FROM schedules ORDER BY platform, workspace, channel")))
                .mappings()
                .all()
            )
        return [_schedule(r) for r in rows]

    async def schedule_of(self, channel: ChannelRef) -> Schedule | None:
        """One channel's digest time."""
        async with self._tx() as conn:
            r = (
                (
                    await conn.execute(
                        text(
                            """SELECT * FROM schedules
                               WHERE platform = :platform AND workspace = :workspace AND channel = :channel"""
                        ),
                        _channel(channel),
                    )
                )
                .mappings()
                .first()
            )
        return _schedule(r) if r is not None else None

    # --- feeds and items -------------------------------------------------------------------------

    async def feed_state(self, url: str) -> dict[str, Any]:
        """The conditional-GET and error state of a feed (empty values for a new one)."""
        async with self._tx() as conn:
            return await _feed_state(conn, url)

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
        async with self._tx() as conn:
            state = await _feed_state(conn, url)
            failures = state["failures"] + 1 if error else 0
            if error:  # a failed poll keeps the validators of the last good one
                etag, last_modified = state["etag"], state["last_modified"]
            await conn.execute(
                text(
                    """INSERT INTO feeds (url, etag, last_modified, last_fetch, last_error, failures, items_seen,
                                          retry_after, notified)
                       VALUES (:url, :etag, :last_modified, :last_fetch, :last_error, :failures, :items_seen,
                               :retry_after, :notified)
                       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                         last_fetch = excluded.last_fetch, last_error = excluded.last_error,
                         failures = excluded.failures, items_seen = feeds.items_seen + excluded.items_seen,
                         retry_after = excluded.retry_after, notified = excluded.notified"""
                ),
                {
                    "url": url,
                    "etag": etag,
                    "last_modified": last_modified,
                    "last_fetch": _now(),
                    "last_error": error,
                    "failures": failures,
                    "items_seen": new_items,
                    "retry_after": _iso(retry_after),
                    "notified": state["notified"] if error else 0,
                },
            )
        return int(failures)

    async def claim_feed_poll(self, url: str, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take the scheduled poll of ``url`` for ``owner`` until ``until``; False when another took it.

        Instances sharing a database poll each feed once per interval between them: the first to ask
        takes it (one statement), the others skip it until ``until``.
        """
        async with self._tx() as conn:
            taken = await conn.execute(
                text(
                    """INSERT INTO feeds (url, poll_owner, poll_until) VALUES (:url, :owner, :until)
                       ON CONFLICT (url) DO UPDATE SET poll_owner = excluded.poll_owner,
                         poll_until = excluded.poll_until
                       WHERE feeds.poll_until IS NULL OR feeds.poll_until <= :now
                       RETURNING url"""
                ),
                {"url": url, "owner": owner, "now": _utc(now), "until": _utc(until)},
            )
            return taken.first() is not None

    async def once(self, key: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Whether ``key`` is new (it is then remembered until ``until``), across every instance.

        A request signed by Slack is accepted once, whichever instance it reaches first.
        """
        async with self._tx() as conn:
            await conn.execute(text("DELETE FROM seen_once WHERE until < :now"), {"now": _utc(now)})
            fresh = await conn.execute(
                text(
                    """INSERT INTO seen_once (key, until) VALUES (:key, :until)
                       ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE seen_once.until < :now
                       RETURNING key"""
                ),
                {"key": key, "now": _utc(now), "until": _utc(until)},
            )
            return fresh.first() is not None

    async def forget(self, key: str) -> None:
        """Make ``key`` new again (:meth:`once`): the work it guarded is over."""
        async with self._tx() as conn:
            await conn.execute(text("DELETE FROM seen_once WHERE key = :key"), {"key": key})

    async def consume(self, key: str, now: dt.datetime) -> bool:
        """Whether ``key`` was remembered (:meth:`once`) and had not run out; it is forgotten either way.

        An OAuth ``state`` is good for one install, whichever instance the browser comes back to.
        """
        async with self._tx() as conn:
            taken = await conn.execute(text("DELETE FROM seen_once WHERE key = :key RETURNING until"), {"key": key})
            row = taken.first()
        return row is not None and str(row[0]) >= _utc(now)

    # --- app installations (Slack's OAuth flow) --------------------------------------------------

    async def put_installation(self, key: InstallationKey, data: str) -> None:
        """Store (or replace) one installation record; ``data`` as the caller sealed it."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO installations (platform, enterprise, team, user_id, kind, data, saved)
                       VALUES (:platform, :enterprise, :team, :user_id, :kind, :data, :saved)
                       ON CONFLICT (platform, enterprise, team, user_id, kind)
                       DO UPDATE SET data = excluded.data, saved = excluded.saved"""
                ),
                {**key._asdict(), "data": data, "saved": _now()},
            )

    async def get_installation(self, key: InstallationKey) -> str | None:
        """One installation record, as stored."""
        async with self._tx() as conn:
            found = await conn.execute(
                text(
                    """SELECT data FROM installations WHERE platform = :platform AND enterprise = :enterprise
                       AND team = :team AND user_id = :user_id AND kind = :kind"""
                ),
                key._asdict(),
            )
            return found.scalar()

    async def installations(self, platform: str) -> list[tuple[InstallationKey, str]]:
        """Every installation record of ``platform`` (``briefbot doctor`` checks that the key opens them)."""
        async with self._tx() as conn:
            rows = (
                await conn.execute(
                    text("SELECT * FROM installations WHERE platform = :platform ORDER BY saved"),
                    {"platform": platform},
                )
            ).mappings()
            return [
                (InstallationKey(r["platform"], r["enterprise"], r["team"], r["user_id"], r["kind"]), r["data"])
                for r in rows
            ]

    async def delete_installations(
        self, platform: str, enterprise: str, team: str | None, user_id: str | None = None, kind: str | None = None
    ) -> int:
        """Delete installation records; how many.

        Of one team (``team`` None: of the whole organisation), of one installer (``user_id``) or of
        one ``kind``.
        """
        sql = "DELETE FROM installations WHERE platform = :platform AND enterprise = :enterprise"
        args = {"platform": platform, "enterprise": enterprise}
        for column, value in (("team", team), ("user_id", user_id), ("kind", kind)):
            if value is not None:
                sql += f" AND {column} = :{column}"  # a constant column name, never user text
                args[column] = value
        async with self._tx() as conn:
            return int((await conn.execute(text(sql), args)).rowcount)

    async def forget_workspace(self, platform: str, workspace: str, *, prefix: bool = False) -> int:
        """Delete a workspace's subscriptions, schedules, digest runs and watches (an app uninstalled); rows gone.

        ``prefix``: every workspace whose key starts with ``workspace`` (an organisation's).
        """
        where = "platform = :platform AND " + (
            "substr(workspace, 1, :length) = :workspace" if prefix else "workspace = :workspace"
        )
        args: dict[str, Any] = {"platform": platform, "workspace": workspace, "length": len(workspace)}
        gone = 0
        async with self._tx() as conn:
            for table in ("subscriptions", "schedules", "digest_runs", "watches"):
                # Table names are constants of this module.
                gone += int((await conn.execute(text(f"DELETE FROM {table} WHERE {where}"), args)).rowcount)  # noqa: S608
        return gone

    # --- watches ---------------------------------------------------------------------------------

    async def add_watch(self, platform: str, workspace: str, user: str, terms: str) -> tuple[Watch, bool]:
        """Follow ``terms`` for one person; the watch, and whether it is new (the same terms twice are one)."""
        async with self._tx() as conn:
            added = await conn.execute(
                text(
                    """INSERT INTO watches (platform, workspace, user_id, terms, created)
                       VALUES (:platform, :workspace, :user_id, :terms, :created)
                       ON CONFLICT (platform, workspace, user_id, terms) DO NOTHING RETURNING id"""
                ),
                {"platform": platform, "workspace": workspace, "user_id": user, "terms": terms, "created": _now()},
            )
            new = added.first() is not None
            found = await _watches(conn, platform, workspace, user)
        return next(w for w in found if w.terms == terms), new

    async def remove_watch(self, platform: str, workspace: str, user: str, target: str) -> Watch | None:
        """Stop one person's watch ``target`` (its id or its words); the removed one, if any."""
        async with self._tx() as conn:
            for watch in await _watches(conn, platform, workspace, user):
                if str(watch.id) == target or watch.terms == target:
                    await conn.execute(text("DELETE FROM watches WHERE id = :id"), {"id": watch.id})
                    return watch
        return None

    async def watches(
        self, platform: str | None = None, workspace: str | None = None, user: str | None = None
    ) -> list[Watch]:
        """Every watch, or those of one platform, workspace or person, oldest first."""
        async with self._tx() as conn:
            return await _watches(conn, platform, workspace, user)

    async def calls_in(self, key: str, now: dt.datetime, window: dt.timedelta) -> int:
        """Calls counted against ``key`` in the window ending ``now`` (:meth:`take_call`), none taken."""
        async with self._tx() as conn:
            found = await conn.execute(
                text("SELECT COUNT(*) FROM rate_calls WHERE key = :key AND at > :since AND at <= :now"),
                {"key": key, "since": _utc(now - window), "now": _utc(now)},
            )
            return int(found.scalar_one())

    async def take_call(
        self, limits: Sequence[tuple[str, int]], now: dt.datetime, window: dt.timedelta = dt.timedelta(minutes=1)
    ) -> tuple[int, float]:
        """Count one call against every ``(key, calls per window)`` limit, or against none.

        Returns ``(-1, 0.0)`` when every limit allows it (it is then counted for each key), else the
        index of the first limit that refuses and the seconds until it allows a call: a call refused
        by one limit costs nothing against the others. A limit of 0 never refuses. Calls are counted
        across every instance sharing the database, in a sliding window.
        """
        since = _utc(now - window)
        # Calls are kept as long as the longest window any limit counts over (a day: watch messages).
        expired = _utc(now - max(window, LONGEST_WINDOW))
        async with self._tx() as conn:
            await conn.execute(text("DELETE FROM rate_calls WHERE at <= :expired"), {"expired": expired})
            for n, (key, per_window) in enumerate(limits):
                if per_window <= 0:
                    continue
                if self.postgres:  # two instances counting one key at once: one after the other
                    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
                row = (
                    await conn.execute(
                        text("SELECT COUNT(*), MIN(at) FROM rate_calls WHERE key = :key AND at > :since"),
                        {"key": key, "since": since},
                    )
                ).one()
                if int(row[0]) >= per_window:
                    oldest = dt.datetime.fromisoformat(row[1])
                    return n, max(0.0, (oldest + window - now).total_seconds())
            counted = [{"key": key, "at": _utc(now)} for key, per_window in limits if per_window > 0]
            if counted:
                await conn.execute(text("INSERT INTO rate_calls (key, at) VALUES (:key, :at)"), counted)
        return -1, 0.0

    async def mark_notified(self, url: str) -> None:
        """The channel has been told this feed keeps failing (told once, until it recovers)."""
        async with self._tx() as conn:
            await conn.execute(text("UPDATE feeds SET notified = 1 WHERE url = :url"), {"url": url})

    async def record_item_error(self, feed: str, item: str, error: str) -> None:
        """Remember the last item of ``feed`` a digest skipped, and why."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO feeds (url, item_error, item_error_at) VALUES (:url, :error, :at)
                       ON CONFLICT (url) DO UPDATE SET item_error = excluded.item_error,
                         item_error_at = excluded.item_error_at"""
                ),
                {"url": feed, "error": f"{item}: {error}", "at": _now()},
            )

    async def feed_health(self, channel: ChannelRef) -> list[FeedHealth]:
        """The channel's subscriptions with their last fetch, last error and items seen."""
        out: list[FeedHealth] = []
        async with self._tx() as conn:
            for sub in await _subscriptions(conn, channel):
                state = await _feed_state(conn, sub.url)
                last, at = state.get("last_fetch"), state.get("item_error_at")
                out.append(
                    FeedHealth(
                        subscription=sub,
                        last_fetch=dt.datetime.fromisoformat(last) if last else None,
                        last_error=state.get("last_error"),
                        items_seen=int(state.get("items_seen", 0) or 0),
                        failures=int(state.get("failures", 0) or 0),
                        item_error=state.get("item_error"),
                        item_error_at=dt.datetime.fromisoformat(at) if at else None,
                    )
                )
        return out

    async def seen(self, feed: str, urls: Sequence[str]) -> set[str]:
        """Which of these canonical item URLs ``feed`` already carried."""
        found: set[str] = set()
        query = text("SELECT url FROM items WHERE feed = :feed AND url IN :urls").bindparams(
            bindparam("urls", expanding=True)
        )
        async with self._tx() as conn:
            for i in range(0, len(urls), 500):
                rows = await conn.execute(query, {"feed": feed, "urls": list(urls[i : i + 500])})
                found.update(r[0] for r in rows)
        return found

    async def add_items(self, items: Sequence[FeedItem]) -> None:
        """Remember feed items (once per canonical URL and feed)."""
        if not items:
            return
        now = _now()
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO items (url, feed, title, guid, published, first_seen, link)
                       VALUES (:url, :feed, :title, :guid, :published, :first_seen, :link)
                       ON CONFLICT (url, feed) DO NOTHING"""
                ),
                [
                    {
                        "url": canonical_url(i.url),
                        "feed": i.feed,
                        "title": i.title,
                        "guid": i.guid,
                        "published": _iso(i.published),
                        "first_seen": now,
                        "link": i.url,
                    }
                    for i in items
                ],
            )

    async def items_since(self, feeds: Sequence[str], since: dt.datetime) -> list[FeedItem]:
        """Items of these feeds published (or, undated, first seen) at or after ``since``, newest first."""
        if not feeds:
            return []
        query = text(
            """SELECT * FROM items WHERE feed IN :feeds AND COALESCE(published, first_seen) >= :since
               ORDER BY COALESCE(published, first_seen) DESC"""
        ).bindparams(bindparam("feeds", expanding=True))
        async with self._tx() as conn:
            rows = (await conn.execute(query, {"feeds": list(feeds), "since": since.isoformat()})).mappings().all()
        return [
            FeedItem(
                url=r["link"] or r["url"],
                title=r["title"],
                guid=r["guid"],
                published=dt.datetime.fromisoformat(r["published"]) if r["published"] else None,
                feed=r["feed"],
                first_seen=dt.datetime.fromisoformat(r["first_seen"]),
            )
            for r in rows
        ]

    # --- brief cache -----------------------------------------------------------------------------

    async def get_brief(self, url: str) -> Brief | None:
        """A cached brief by canonical URL or content hash."""
        async with self._tx() as conn:
            data = (
                await conn.execute(
                    text("SELECT data FROM briefs WHERE url = :key OR content_hash = :key LIMIT 1"), {"key": url}
                )
            ).scalar()
        return Brief.from_cache(json.loads(data)) if data else None

    async def put_brief(self, url: str, content_hash: str, brief: Brief) -> None:
        """Cache a brief under its canonical URL and the hash of its text."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO briefs (url, content_hash, data, created) VALUES (:url, :hash, :data, :created)
                       ON CONFLICT (url) DO UPDATE SET content_hash = excluded.content_hash, data = excluded.data,
                         created = excluded.created"""
                ),
                {
                    "url": url,
                    "hash": content_hash,
                    "data": json.dumps(brief.to_cache(), ensure_ascii=False),
                    "created": _now(),
                },
            )

    async def put_failure(self, key: str, failure: BriefFailure) -> None:
        """Record why the brief ``key`` (a canonical URL, or a text's key) could not be made."""
        headline = json.dumps(failure.headline.to_cache(), ensure_ascii=False) if failure.headline else None
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """INSERT INTO brief_failures (key, kind, message, headline, at)
                       VALUES (:key, :kind, :message, :headline, :at)
                       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, message = excluded.message,
                         headline = excluded.headline, at = excluded.at"""
                ),
                {"key": key, "kind": failure.kind, "message": failure.message, "headline": headline, "at": _now()},
            )

    async def get_failure(self, key: str) -> BriefFailure | None:
        """The failure recorded for ``key`` since it was last cleared, or ``None``."""
        async with self._tx() as conn:
            row = (
                (await conn.execute(text("SELECT * FROM brief_failures WHERE key = :key"), {"key": key}))
                .mappings()
                .first()
            )
        if row is None:
            return None
        headline = Brief.from_cache(json.loads(row["headline"])) if row["headline"] else None
        return BriefFailure(str(row["kind"]), str(row["message"]), headline)

    async def clear_failure(self, key: str) -> None:
        """Forget an earlier failure of ``key`` before asking for its brief again."""
        async with self._tx() as conn:
            await conn.execute(text("DELETE FROM brief_failures WHERE key = :key"), {"key": key})

    async def announce(self, key: str) -> None:
        """Tell the instances waiting for ``key`` that its brief or failure is stored (PostgreSQL NOTIFY)."""
        if not self.postgres:
            return
        async with self._tx() as conn:
            await conn.execute(text("SELECT pg_notify(:channel, :key)"), {"channel": BRIEFS_CHANNEL, "key": key})

    # --- digest runs: exactly once per channel and local day -------------------------------------

    async def digest_run(self, channel: ChannelRef, day: dt.date) -> DigestRun | None:
        """The digest run of ``channel`` for ``day``, or ``None`` when none was started."""
        async with self._tx() as conn:
            row = (
                (
                    await conn.execute(
                        text(
                            """SELECT status, plan, posted, anchor, started, attempts FROM digest_runs
                               WHERE platform = :platform AND workspace = :workspace AND channel = :channel
                                 AND day = :day"""
                        ),
                        {**_channel(channel), "day": day.isoformat()},
                    )
                )
                .mappings()
                .first()
            )
        return _digest_run(row) if row is not None else None

    async def claim_digest(
        self, channel: ChannelRef, day: dt.date, owner: str, now: dt.datetime, until: dt.datetime
    ) -> DigestRun | None:
        """Hold the digest of ``channel`` for ``day`` for ``owner`` from ``now`` to ``until``; the run, or ``None``.

        ``None`` when it was delivered, or another instance holds it and its lease has not run out.
        A new run has no plan yet (:meth:`set_digest_plan`); a run taken over (its holder died, or
        this instance restarted) keeps its plan and progress, and counts one more attempt. One
        statement: of two instances claiming at once, the database gives it to one.
        """
        async with self._tx() as conn:
            row = (
                (
                    await conn.execute(
                        text(
                            """INSERT INTO digest_runs (platform, channel, workspace, day, status, started, plan,
                                                        posted, anchor, attempts, owner, lease_until)
                               VALUES (:platform, :channel, :workspace, :day, 'posting', :now, NULL, 0, '', 1, :owner,
                                       :until)
                               ON CONFLICT (platform, workspace, channel, day) DO UPDATE SET owner = excluded.owner,
                                 lease_until = excluded.lease_until, attempts = digest_runs.attempts + 1
                               WHERE digest_runs.status <> 'done'
                                 AND (digest_runs.owner = excluded.owner OR digest_runs.owner = ''
                                      OR digest_runs.lease_until IS NULL OR digest_runs.lease_until < :now)
                               RETURNING status, plan, posted, anchor, started, attempts"""
                        ),
                        {
                            **_channel(channel),
                            "day": day.isoformat(),
                            "now": _utc(now),
                            "owner": owner,
                            "until": _utc(until),
                        },
                    )
                )
                .mappings()
                .first()
            )
        return _digest_run(row) if row is not None else None

    async def set_digest_plan(
        self, channel: ChannelRef, day: dt.date, owner: str, plan: Sequence[dict[str, Any]]
    ) -> bool:
        """Store the rendered messages of a run ``owner`` holds; False when it no longer holds it."""
        return await self._held_update(
            "plan = :plan", channel, day, owner, {"plan": json.dumps(list(plan), ensure_ascii=False)}
        )

    async def renew_digest(self, channel: ChannelRef, day: dt.date, owner: str, until: dt.datetime) -> bool:
        """Extend ``owner``'s hold of a run to ``until``; False when another instance has taken it."""
        return await self._held_update("lease_until = :until", channel, day, owner, {"until": _utc(until)})

    async def digest_progress(self, channel: ChannelRef, day: dt.date, owner: str, posted: int, anchor: str) -> bool:
        """Note that the first ``posted`` messages of the run are on the platform (one commit each).

        False when ``owner`` no longer holds the run: it must stop posting.
        """
        return await self._held_update(
            "posted = :posted, anchor = :anchor", channel, day, owner, {"posted": posted, "anchor": anchor}
        )

    async def _held_update(
        self, assignments: str, channel: ChannelRef, day: dt.date, owner: str, values: dict[str, Any]
    ) -> bool:
        # ``assignments`` is one of the constant strings above, never user text.
        sql = f"""UPDATE digest_runs SET {assignments}
                  WHERE platform = :platform AND workspace = :workspace AND channel = :channel
                    AND day = :day AND owner = :owner
                    AND status <> 'done'"""  # noqa: S608
        async with self._tx() as conn:
            result = await conn.execute(
                text(sql), {**_channel(channel), "day": day.isoformat(), "owner": owner, **values}
            )
            return result.rowcount > 0

    async def finish_digest(self, channel: ChannelRef, day: dt.date) -> None:
        """Mark the digest of ``channel`` for ``day`` as delivered."""
        async with self._tx() as conn:
            await conn.execute(
                text(
                    """UPDATE digest_runs SET status = 'done', finished = :now
                       WHERE platform = :platform AND workspace = :workspace AND channel = :channel
                                 AND day = :day"""
                ),
                {**_channel(channel), "day": day.isoformat(), "now": _now()},
            )

    async def last_digest(self, channel: ChannelRef) -> dt.datetime | None:
        """When the channel's last delivered digest finished."""
        async with self._tx() as conn:
            finished = (
                await conn.execute(
                    text(
                        """SELECT MAX(finished) FROM digest_runs
                           WHERE platform = :platform AND workspace = :workspace AND channel = :channel
                             AND status = 'done'"""
                    ),
                    _channel(channel),
                )
            ).scalar()
        return dt.datetime.fromisoformat(finished) if finished else None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:  # noqa: ANN401 - the driver's own types
    # Transactions are begun by the "begin" hook below, not by the driver's guesswork (which leaves
    # a migration's DDL outside its transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=5000")
        # Switching a new file to WAL needs it alone, and SQLite answers "database is locked" at once,
        # without the busy timeout, while another process's connection opens it too (three instances
        # started together): wait here, in the connection's own thread, as the timeout would.
        deadline = time.monotonic() + 5
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Any) -> None:  # noqa: ANN401
    # IMMEDIATE: a transaction that reads then writes (a poll's record, a migration) takes the write
    # lock first. A deferred one would have to upgrade its lock, which SQLite refuses at once ("database
    # is locked", no waiting) when another process writes. Readers are never blocked (WAL).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _channel(channel: ChannelRef) -> dict[str, str]:
    return {"platform": channel.platform, "channel": channel.id, "workspace": channel.workspace}


def _digest_run(row: RowMapping) -> DigestRun:
    return DigestRun(
        status=str(row["status"]),
        plan=tuple(json.loads(row["plan"])) if row["plan"] else (),
        posted=int(row["posted"]),
        anchor=str(row["anchor"]),
        started=dt.datetime.fromisoformat(row["started"]),
        attempts=int(row["attempts"]),
    )


def _schedule(r: RowMapping) -> Schedule:
    days = tuple(int(d) for d in str(r["days"]).split(",") if d)
    return Schedule(
        ChannelRef(r["platform"], r["channel"], r["workspace"]), dt.time.fromisoformat(r["time"]), r["tz"], days
    )


async def _watches(conn: AsyncConnection, platform: str | None, workspace: str | None, user: str | None) -> list[Watch]:
    sql = "SELECT * FROM watches WHERE 1 = 1"
    args: dict[str, str] = {}
    for column, value in (("platform", platform), ("workspace", workspace), ("user_id", user)):
        if value is not None:
            sql += f" AND {column} = :{column}"  # a constant column name, never user text
            args[column] = value
    rows = (await conn.execute(text(sql + " ORDER BY id"), args)).mappings().all()
    return [
        Watch(
            id=int(r["id"]),
            platform=r["platform"],
            workspace=r["workspace"],
            user=r["user_id"],
            terms=r["terms"],
            created=dt.datetime.fromisoformat(r["created"]),
        )
        for r in rows
    ]


async def _subscriptions(conn: AsyncConnection, channel: ChannelRef | None) -> list[Subscription]:
    sql = "SELECT * FROM subscriptions"
    args: dict[str, str] = {}
    if channel is not None:
        sql += " WHERE platform = :platform AND workspace = :workspace AND channel = :channel"
        args = _channel(channel)
    rows = (await conn.execute(text(sql + " ORDER BY id"), args)).mappings().all()
    return [
        Subscription(
            id=int(r["id"]),
            channel=ChannelRef(r["platform"], r["channel"], r["workspace"]),
            url=r["url"],
            include=tuple(w for w in r["include"].split(",") if w),
            exclude=tuple(w for w in r["exclude"].split(",") if w),
            mention=r["mention"],
        )
        for r in rows
    ]


async def _feed_state(conn: AsyncConnection, url: str) -> dict[str, Any]:
    row = (await conn.execute(text("SELECT * FROM feeds WHERE url = :url"), {"url": url})).mappings().first()
    if row is None:
        return {"etag": "", "last_modified": "", "failures": 0, "retry_after": None, "notified": 0}
    return dict(row)
