"""Briefs through a job queue on PostgreSQL: ``briefbot run`` instances ask, ``briefbot worker``s brief.

The queue is procrastinate's (jobs in PostgreSQL, LISTEN/NOTIFY, locks, retries). An instance that
needs a brief (a chat command, a digest's article, a feed item briefed ahead) defers one job keyed by
the page's canonical URL (or a pasted text's hash) and waits for that key to appear in the shared
brief cache, or for a recorded failure:

- one job per key waits in the queue at a time (``queueing_lock``) and one runs at a time (``lock``),
  and a job looks in the cache first: a page asked for by several instances at once is briefed once;
- a worker announces each brief or failure it stores (``NOTIFY briefbot_briefs``); waiting instances
  listen, look again whenever the listening connection is (re)made, and every :data:`LOOK_AGAIN`
  seconds anyway (every second while it is down);
- a job that fails in an unexpected way (the database went away, a bug) is retried, up to
  :data:`MAX_ATTEMPTS` runs in all; a page's own fault (no answer, no article) is recorded at once;
- a worker killed mid-job (SIGKILL, the OOM killer) stops its heartbeat; :data:`STALLED_AFTER` seconds
  later the sweep that every live worker runs (every :data:`SWEEP_EVERY` s) puts its jobs back in the
  queue, so they are retried within about :data:`RETRIED_WITHIN` seconds of the kill; a job whose
  workers keep dying is given up after :data:`MAX_ATTEMPTS` runs and its asker told so;
- with no live worker (none started yet, or all gone) an instance briefs in its own process, as with
  SQLite, and takes back the jobs it queued that no worker took.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import procrastinate
import psycopg
from procrastinate import exceptions as queue_errors
from procrastinate.jobs import Status

from bot.errors import BadUrl, Busy, FetchFailed, NotAnArticle, UserError
from bot.model import BriefFailure
from bot.storage import BRIEFS_CHANNEL, database_url
from bot.tasks import cancel, in_background
from summarizer.errors import ArticleError, NoSentences
from summarizer.model import Brief, headline_brief

if TYPE_CHECKING:
    from bot.storage import Store

log = logging.getLogger(__name__)

QUEUE = "briefs"
TASK = "briefbot.brief"
#: Runs of one job at most (the first and two retries), whether it raised or its worker died.
MAX_ATTEMPTS = 3
#: Seconds between a worker's heartbeats, and of silence after which it counts as dead.
HEARTBEAT = 2.0
STALLED_AFTER = 15.0
#: Seconds between two sweeps for the jobs of dead workers.
SWEEP_EVERY = 5.0
#: The stated bound: a dead worker's job is back in the queue this many seconds after the kill at most.
RETRIED_WITHIN = STALLED_AFTER + SWEEP_EVERY + HEARTBEAT
#: Seconds a waiting instance lets pass before it looks for its brief again, notice or not: while
#: its LISTEN connection is up (a notice cannot be lost then; the look is for a worker that died), and
#: while it is down (notices are lost).
LOOK_AGAIN = 5.0
LOOK_AGAIN_UNHEARD = 1.0
#: Seconds a count of live workers is trusted before it is asked again.
WORKERS_FRESH = 3.0
#: Jobs one worker process runs at once: downloads overlap, and the articles waiting for its NLP
#: thread are briefed in batches.
WORKER_CONCURRENCY = 8
#: Seconds a stopping worker lets its running jobs finish before it aborts them (they are retried).
STOP_GRACE = 30.0
#: Any constant: the advisory lock under which one process applies the queue's schema.
_SCHEMA_LOCK = 0x71756575
#: Workers that sent a heartbeat lately.
_LIVE_WORKERS = (
    "SELECT count(*) AS n FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => %(secs)s)"
)
GAVE_UP = "This page could not be briefed after several tries. Please try again later."
_KINDS: tuple[tuple[type[Exception], str], ...] = (
    (FetchFailed, "fetch"),
    (NotAnArticle, "not_article"),
    (BadUrl, "bad_url"),
    (Busy, "busy"),
    (UserError, "user"),
    (NoSentences, "no_sentences"),
    (ArticleError, "article"),
)
_ERRORS: dict[str, type[Exception]] = {
    "fetch": FetchFailed,
    "not_article": NotAnArticle,
    "bad_url": BadUrl,
    "busy": Busy,
    "user": UserError,
    "gave_up": UserError,
}


def conninfo(url: str) -> str:
    """The libpq connection string of a ``postgresql://`` ``BRIEFBOT_DB``."""
    return "postgresql://" + database_url(url).partition("://")[2]


def failure_of(err: Exception) -> BriefFailure:
    """What to tell the asker of a brief that failed with ``err`` (a user-facing error)."""
    kind = next(k for cls, k in _KINDS if isinstance(err, cls))
    article = getattr(err, "article", None)
    headline = headline_brief(article) if isinstance(err, NoSentences) and article is not None else None
    return BriefFailure(kind, str(err), headline)


def raise_failure(failure: BriefFailure) -> None:
    """Raise again, on the asking side, the error a worker recorded."""
    if failure.kind == "no_sentences":
        raise NoSentences(failure.message, failure.headline.article if failure.headline else None)
    raise _ERRORS.get(failure.kind, ArticleError)(failure.message)


def make_app(url: str) -> procrastinate.App:
    """The queue over the PostgreSQL database ``url`` (not opened)."""
    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4))


async def prepare(url: str) -> bool:
    """Create the queue's tables in ``url`` unless they exist (one process at a time); whether it did."""
    app = make_app(url)
    async with await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            found = await (await conn.execute("SELECT to_regclass('procrastinate_jobs')")).fetchone()
            if found is not None and found[0] is not None:
                return False
            async with app.open_async():
                await app.schema_manager.apply_schema_async()
            return True
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


async def describe_queue(url: str) -> str:
    """One line on the queue of ``url`` for ``briefbot doctor``: live workers and jobs by state."""
    async with await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True) as conn:
        found = await (await conn.execute("SELECT to_regclass('procrastinate_jobs')")).fetchone()
        if found is None or found[0] is None:
            return "not set up yet (briefbot db upgrade, or the first run, creates it)"
        alive = await (
            await conn.execute(
                _LIVE_WORKERS,
                {"secs": STALLED_AFTER},
            )
        ).fetchone()
        rows = await (
            await conn.execute(
                "SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s GROUP BY status",
                (QUEUE,),
            )
        ).fetchall()
    jobs: dict[str, int] = {str(state): int(n) for state, n in rows}
    workers = int(alive[0]) if alive else 0
    who = f"{workers} worker{'s' if workers != 1 else ''} alive" if workers else "no worker alive (instances brief)"
    return f"{who}; jobs waiting {jobs.get('todo', 0)}, running {jobs.get('doing', 0)}, failed {jobs.get('failed', 0)}"


class Notices:
    """Announced keys, heard on one ``LISTEN`` connection per process (reconnected when lost)."""

    def __init__(self, url: str) -> None:
        """Listen on the database ``url`` once the first waiter comes."""
        self._conninfo = conninfo(url)
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None
        #: Whether a notice sent now is heard.
        self.listening = False

    @contextlib.contextmanager
    def waiting(self, key: str) -> Any:  # noqa: ANN401 - an iterator of one Event
        """An event set when ``key`` is announced, from now until the block ends."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._listen())
        event = asyncio.Event()
        self._waiters.setdefault(key, set()).add(event)
        try:
            yield event
        finally:
            waiters = self._waiters.get(key, set())
            waiters.discard(event)
            if not waiters:
                self._waiters.pop(key, None)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {BRIEFS_CHANNEL}")
                    self.listening = True
                    delay = 0.5
                    # What was announced before this LISTEN was not heard: every waiter looks again.
                    for events in self._waiters.values():
                        for event in events:
                            event.set()
                    async for note in conn.notifies():
                        for event in self._waiters.get(note.payload, ()):
                            event.set()
            except (psycopg.Error, OSError) as err:
                log.warning("listening for briefs failed (%s); again in %.1f s", err, delay)
            finally:
                self.listening = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            await cancel(self._task)


class BriefQueue:
    """The asking side: defer a brief job and wait for its outcome in the store."""

    def __init__(self, url: str, store: Store, *, wait: float = 180.0) -> None:
        """Ask the workers of the database ``url``; give up waiting for one brief after ``wait`` seconds."""
        self.app = make_app(url)
        self.store = store
        self.notices = Notices(url)
        self.wait = wait
        self._opened = False
        self._workers: tuple[float, int] = (0.0, 0)

    async def close(self) -> None:
        """Close the queue's connections."""
        await self.notices.close()
        if self._opened:
            await self.app.close_async()

    async def _app(self) -> procrastinate.App:
        if not self._opened:
            await self.app.open_async()
            self._opened = True
        return self.app

    async def live_workers(self) -> int:
        """How many workers have sent a heartbeat lately (counted at most every few seconds)."""
        at, count = self._workers
        if time.monotonic() - at < WORKERS_FRESH:
            return count
        app = await self._app()
        row = await app.connector.execute_query_one_async(_LIVE_WORKERS, secs=STALLED_AFTER)
        count = int(row["n"])
        self._workers = (time.monotonic(), count)
        return count

    async def available(self) -> bool:
        """Whether a worker is there to brief; never raises (a database trouble answers no)."""
        try:
            return await self.live_workers() > 0
        except (psycopg.Error, OSError, queue_errors.ProcrastinateException) as err:
            log.warning("the brief queue cannot be reached (%s); briefing here", err)
            return False

    async def brief(self, key: str, *, url: str = "", text: str = "") -> Brief | None:
        """The brief of ``key`` made by a worker; ``None`` when no worker is left to make it.

        Raises the error the worker recorded (a page that does not answer, no sentences ...), or
        :class:`Busy` when no brief came within ``wait`` seconds.
        """
        app = await self._app()
        await self.store.clear_failure(key)
        deadline = time.monotonic() + self.wait
        with self.notices.waiting(key) as announced:
            # Heard from before the job exists: a new job's outcome cannot come unannounced, so it is
            # looked for only once announced (two reads fewer per brief, which a digest of hundreds
            # of pages on a shared database feels). Another ask of the same page already queued: its
            # outcome is this one's, and may be there already.
            heard = self.notices.listening
            try:
                await app.configure_task(TASK, queue=QUEUE, lock=key, queueing_lock=key).defer_async(
                    key=key, url=url, text=text
                )
            except queue_errors.AlreadyEnqueued:
                heard = False
            if heard:
                await self._until(announced)
        while True:
            with self.notices.waiting(key) as announced:
                found = await self.store.get_brief(key)
                if found is not None:
                    return found
                failure = await self.store.get_failure(key)
                if failure is not None:
                    raise_failure(failure)
                if not await self.available() and await self._take_back(app, key):
                    return None
                if time.monotonic() > deadline:
                    raise Busy("No worker could brief this in time. Please try again in a few minutes.")
                await self._until(announced)

    async def _until(self, announced: asyncio.Event) -> None:
        """Wait for ``announced``, or for the time to look again without a notice."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(announced.wait(), LOOK_AGAIN if self.notices.listening else LOOK_AGAIN_UNHEARD)

    async def _take_back(self, app: procrastinate.App, key: str) -> bool:
        """Cancel the waiting job of ``key`` (first putting a dead worker's back); whether one was."""
        await sweep(app, self.store)
        taken = False
        for job in await app.job_manager.list_jobs_async(queue=QUEUE, queueing_lock=key, status="todo"):
            if job.id is not None and await app.job_manager.cancel_job_by_id_async(job.id):
                taken = True
        return taken


async def sweep(app: procrastinate.App, store: Store) -> int:
    """Put the jobs of dead workers back in the queue, or give them up after :data:`MAX_ATTEMPTS`; how many."""
    moved = 0
    for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=STALLED_AFTER):
        if job.id is None:
            continue
        key = str(job.task_kwargs.get("key", ""))
        try:
            if job.attempts + 1 >= MAX_ATTEMPTS:
                await app.job_manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)
                log.error("brief job %s (%s) given up: its workers died %d times", job.id, key, job.attempts + 1)
                if key:
                    await store.put_failure(key, BriefFailure("gave_up", GAVE_UP))
                    await store.announce(key)
            else:
                try:
                    await app.job_manager.retry_job(job)
                    log.warning("brief job %s (%s) of a dead worker is queued again", job.id, key)
                except queue_errors.UniqueViolation:
                    # A later ask of the same page is queued already (the queueing lock admits one
                    # waiting job per page): that job does the work once this one, which holds the
                    # page's lock, is gone.
                    await app.job_manager.finish_job_by_id_async(job.id, Status.ABORTED, delete_job=True)
                    log.warning("brief job %s (%s) of a dead worker dropped: the page is queued again", job.id, key)
            moved += 1
        except (psycopg.Error, queue_errors.ProcrastinateException) as err:
            log.info("brief job %s was moved by another sweep (%s)", job.id, err)
    return moved


#: A worker's way to brief: a page (fetched, briefed, cached by the core) or a pasted text.
BriefPage = Callable[[str], Awaitable[object]]
BriefText = Callable[[str], Awaitable[Brief]]


async def run_job(store: Store, brief_page: BriefPage, brief_text: BriefText, job: dict[str, Any], runs: int) -> None:
    """One brief job: brief and cache ``key`` unless it is cached, or record why not; then announce it.

    ``runs``: the runs of this job before this one. An unexpected error is raised for procrastinate
    to retry, and recorded for the asker on the last run.
    """
    key, url, text = str(job["key"]), str(job.get("url") or ""), str(job.get("text") or "")
    try:
        if url:
            await brief_page(url)  # which looks in the cache first
        elif await store.get_brief(key) is None:
            brief = await brief_text(text)
            await store.put_brief(key, key.removeprefix("text:"), brief)
    except (UserError, ArticleError) as err:
        await store.put_failure(key, failure_of(err))
    except Exception:
        if runs + 1 >= MAX_ATTEMPTS:
            log.exception("brief job of %s failed %d times; given up", key, runs + 1)
            await store.put_failure(key, BriefFailure("gave_up", GAVE_UP))
            await store.announce(key)
        raise
    await store.announce(key)


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How one worker process takes jobs."""

    name: str
    concurrency: int = WORKER_CONCURRENCY


async def serve(url: str, store: Store, brief_page: BriefPage, brief_text: BriefText, options: WorkerOptions) -> None:
    """Take brief jobs until cancelled, reconnecting whenever the database goes away.

    Cancelled (SIGTERM), it stops taking jobs and lets the running ones finish for :data:`STOP_GRACE`
    seconds; a job cut short is retried by another worker.
    """
    app = make_app(url)

    @app.task(
        name=TASK,
        queue=QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=1),
    )
    async def brief(context: procrastinate.JobContext, /, **job: Any) -> None:  # noqa: ANN401
        await run_job(store, brief_page, brief_text, job, context.job.attempts if context.job else 0)

    async with in_background(_sweep_forever(url, store)):
        delay = 0.5
        while True:
            try:
                async with app.open_async():
                    await app.run_worker_async(
                        queues=[QUEUE],
                        name=options.name,
                        concurrency=options.concurrency,
                        install_signal_handlers=False,
                        update_heartbeat_interval=HEARTBEAT,
                        stalled_worker_timeout=STALLED_AFTER,
                        shutdown_graceful_timeout=STOP_GRACE,
                        delete_jobs="successful",
                    )
                delay = 0.5
                log.warning("the worker stopped (its database connection was lost?); starting it again")
            except (psycopg.Error, OSError, queue_errors.ProcrastinateException) as err:
                log.warning("the queue's database cannot be reached (%s); again in %.1f s", err, delay)
                delay = min(delay * 2, 10.0)
            await asyncio.sleep(delay)


async def _sweep_forever(url: str, store: Store) -> None:
    """Sweep for dead workers' jobs every :data:`SWEEP_EVERY` seconds, on connections of its own."""
    while True:
        try:
            async with make_app(url).open_async() as app:
                while True:
                    await asyncio.sleep(SWEEP_EVERY)
                    await sweep(app, store)
        except (psycopg.Error, OSError, queue_errors.ProcrastinateException) as err:
            log.info("sweep for dead workers' jobs skipped: %s", err)
        await asyncio.sleep(SWEEP_EVERY)
