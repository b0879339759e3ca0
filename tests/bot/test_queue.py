"""The brief queue on the real PostgreSQL: instances ask, workers (procrastinate) brief, once per page.

Instances and workers run in this process here, each a :class:`Core` of its own over its own store
connection to one database; ``tests/reliability/test_scale.py`` runs them as processes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest

from bot.core import Core
from bot.model import BriefFailure, BriefReply, ChannelRef, TextReply
from bot.queue import (
    GAVE_UP,
    MAX_ATTEMPTS,
    QUEUE,
    TASK,
    BriefQueue,
    Notices,
    WorkerOptions,
    conninfo,
    make_app,
    prepare,
    serve,
    sweep,
)
from bot.storage import SqlStore
from tests.conftest import SEED
from tests.fakes.core import FakeFetcher

pytestmark = pytest.mark.slow

ARTICLE = "https://news.example/ukraine"
CHANNEL = ChannelRef("slack", "C1", "T1")


def fetcher(**kw: Any) -> FakeFetcher:
    return FakeFetcher(articles={ARTICLE: SEED.read_text(encoding="utf-8")}, **kw)


@contextlib.asynccontextmanager
async def worker(url: str, briefer: Any, fake: FakeFetcher, name: str = "w1") -> AsyncIterator[Core]:
    """A worker in this process: its own store and core, taking jobs until the block ends."""
    store = await SqlStore.open(url)
    core = Core(fetcher=fake, store=store, brief=lambda a: briefer.brief(a, quotes=None))

    async def brief_text(text: str) -> Any:
        from summarizer.model import Article

        return await core.brief_article(Article(text=text))

    task = asyncio.create_task(
        serve(url, store, lambda page: core.brief_url(page), brief_text, WorkerOptions(name=name, concurrency=4))
    )
    try:
        yield core
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        core.close()
        await store.close()


@contextlib.asynccontextmanager
async def instance(url: str, briefer: Any, fake: FakeFetcher, wait: float = 60.0) -> AsyncIterator[Core]:
    store = await SqlStore.open(url)
    queue = BriefQueue(url, store, wait=wait)
    core = Core(fetcher=fake, store=store, brief=lambda a: briefer.brief(a, quotes=None), queue=queue)
    try:
        yield core
    finally:
        core.close()
        await queue.close()
        await store.close()


async def until_workers(core: Core, n: int = 1) -> None:
    assert isinstance(core.queue, BriefQueue)
    for _ in range(200):
        core.queue._workers = (0.0, 0)  # ask again, not the count of a moment ago
        if await core.queue.live_workers() >= n:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no worker came up")


async def test_notices_wake_their_key_and_every_waiter_when_the_listening_connection_is_made(postgres_url) -> None:
    notices = Notices(postgres_url)
    store = await SqlStore.open(postgres_url)
    try:
        with notices.waiting("a") as a, notices.waiting("b") as b:
            # Anything announced before the LISTEN was not heard: the connection's start wakes all.
            await asyncio.wait_for(a.wait(), 10)
            await asyncio.wait_for(b.wait(), 10)
            assert notices.listening
            a.clear()
            b.clear()
            await store.announce("b")
            await asyncio.wait_for(b.wait(), 10)
            assert not a.is_set()
    finally:
        await notices.close()
        await store.close()
    assert not notices.listening


async def test_the_queue_schema_is_made_once(postgres_url) -> None:
    assert await prepare(postgres_url) is True
    assert await prepare(postgres_url) is False
    with psycopg.connect(conninfo(postgres_url)) as db:
        assert db.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is not None


async def test_a_brief_asked_of_an_instance_is_made_by_a_worker(postgres_url, briefer) -> None:
    await prepare(postgres_url)
    page = fetcher()
    async with instance(postgres_url, briefer, page) as bot, worker(postgres_url, briefer, page) as w:
        await until_workers(bot)
        reply = await bot.handle(_brief(ARTICLE))
        text = await bot.handle(_brief("", SEED.read_text(encoding="utf-8").split("\n", 1)[1]))
    assert isinstance(reply, BriefReply) and "Antony Blinken" in {a.name for a in reply.brief.actors}
    assert isinstance(text, BriefReply) and text.brief.summary
    assert (bot.metrics.briefs_queued, bot.metrics.briefs_computed) == (2, 0)
    assert w.metrics.briefs_computed == 1  # the page; a text is briefed without the page's bookkeeping
    assert page.calls == {ARTICLE: 1}


async def test_an_instance_reads_a_queued_brief_once_it_is_announced_and_holds_nothing(postgres_url, briefer) -> None:
    # A digest asks for hundreds of pages at once on a database every instance and worker shares:
    # each ask costs the cache look, the job and one read of the announced brief, no more.
    await prepare(postgres_url)
    page = fetcher()
    calls: dict[str, int] = {}
    async with instance(postgres_url, briefer, page) as bot, worker(postgres_url, briefer, page):
        await until_workers(bot)
        for name in ("get_brief", "get_failure", "once", "forget"):
            real = getattr(bot.store, name)

            async def counted(*args: Any, _real: Any = real, _name: str = name) -> Any:
                calls[_name] = calls.get(_name, 0) + 1
                return await _real(*args)

            setattr(bot.store, name, counted)
        assert isinstance(bot.queue, BriefQueue)
        with bot.queue.notices.waiting("warm") as heard:
            await asyncio.wait_for(heard.wait(), 10)  # listening, as a running instance is
        reply = await bot.handle(_brief(ARTICLE))
    assert isinstance(reply, BriefReply)
    assert calls == {"get_brief": 2}


async def test_two_instances_asking_for_one_page_at_once_get_one_computation(postgres_url, briefer) -> None:
    await prepare(postgres_url)
    page = fetcher(delay=0.5)
    async with (
        instance(postgres_url, briefer, page) as one,
        instance(postgres_url, briefer, page) as two,
        worker(postgres_url, briefer, page, "w1") as w1,
        worker(postgres_url, briefer, page, "w2") as w2,
    ):
        await until_workers(one, 2)
        await until_workers(two, 2)
        replies = await asyncio.gather(*(bot.handle(_brief(ARTICLE)) for bot in (one, two, one, two)))
    assert all(isinstance(r, BriefReply) for r in replies)
    assert page.calls == {ARTICLE: 1}
    assert w1.metrics.briefs_computed + w2.metrics.briefs_computed == 1


async def test_a_page_that_fails_on_the_worker_gives_the_user_its_error(postgres_url, briefer) -> None:
    await prepare(postgres_url)
    page = fetcher(failing={"https://down.example/story"})
    async with instance(postgres_url, briefer, page) as bot, worker(postgres_url, briefer, page):
        await until_workers(bot)
        reply = await bot.handle(_brief("https://down.example/story"))
        again = await bot.handle(_brief("https://down.example/story"))
    assert isinstance(reply, TextReply) and reply.error and "did not answer within 15 s" in reply.text
    assert isinstance(again, TextReply) and again.error
    assert page.calls == {"https://down.example/story": 2}  # a failure is not cached: asked again, tried again


async def test_with_no_worker_alive_the_instance_briefs_itself(postgres_url, briefer) -> None:
    await prepare(postgres_url)
    page = fetcher()
    async with instance(postgres_url, briefer, page) as bot:
        reply = await bot.handle(_brief(ARTICLE))
    assert isinstance(reply, BriefReply)
    assert (bot.metrics.briefs_queued, bot.metrics.briefs_computed) == (0, 1)


async def test_a_job_queued_when_the_last_worker_left_is_taken_back_and_briefed_here(postgres_url, briefer) -> None:
    await prepare(postgres_url)
    page = fetcher()
    async with instance(postgres_url, briefer, page) as bot:
        assert isinstance(bot.queue, BriefQueue)
        bot.queue._workers = (float("inf"), 1)  # it still believes a worker is there
        asked = asyncio.create_task(bot.handle(_brief(ARTICLE)))
        await asyncio.sleep(0.5)
        bot.queue._workers = (0.0, 0)  # and now learns none is
        reply = await asyncio.wait_for(asked, 20)
        jobs = list(await bot.queue.app.job_manager.list_jobs_async(queue=QUEUE))
    assert isinstance(reply, BriefReply) and bot.metrics.briefs_computed == 1
    assert [j.status for j in jobs] == ["cancelled"]


async def test_a_dead_workers_job_is_queued_again_and_given_up_after_the_last_try(postgres_url) -> None:
    await prepare(postgres_url)
    store = await SqlStore.open(postgres_url)
    app = make_app(postgres_url)
    try:
        async with app.open_async():
            manager = app.job_manager
            first = await app.configure_task(TASK, queue=QUEUE, lock="k1", queueing_lock="k1").defer_async(key="k1")
            last = await app.configure_task(TASK, queue=QUEUE, lock="k2", queueing_lock="k2").defer_async(key="k2")
            again = app.configure_task(TASK, queue=QUEUE, lock="k3", queueing_lock="k3")
            await again.defer_async(key="k3")
            dead = await manager.register_worker()
            for _ in range(3):
                await manager.fetch_job(queues=[QUEUE], worker_id=dead)
            # The third page was asked for again while the dead worker had it: one job waits for it.
            newer = await again.defer_async(key="k3")
            # The worker stops beating (SIGKILL); the second job had already been tried twice.
            with psycopg.connect(conninfo(postgres_url), autocommit=True) as db:
                db.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
                db.execute("UPDATE procrastinate_jobs SET attempts = %s WHERE id = %s", (MAX_ATTEMPTS - 1, last))
            assert await sweep(app, store) == 3
            status = {j.id: j.status for j in await manager.list_jobs_async(queue=QUEUE)}
            assert await sweep(app, store) == 0
        # The stalled copy of the third is gone: it held the page's lock, which the waiting one needs.
        assert status == {first: "todo", last: "failed", newer: "todo"}
        assert await store.get_failure("k2") == BriefFailure("gave_up", GAVE_UP)
        assert await store.get_failure("k1") is None
    finally:
        await store.close()


def _brief(url: str, text: str = "") -> Any:
    from bot.model import Command

    return Command("brief", CHANNEL, user="U1", url=url, text=text)


async def test_a_job_that_keeps_failing_tells_its_asker_on_the_last_run() -> None:
    from bot.queue import run_job

    store = await SqlStore.open(":memory:")

    async def broken(_url: str) -> object:
        raise RuntimeError("a bug")

    async def never(_text: str) -> Any:
        raise AssertionError("not a text job")

    try:
        job = {"key": "https://news.example/a", "url": "https://news.example/a"}
        for runs in range(MAX_ATTEMPTS - 1):  # procrastinate retries these
            with pytest.raises(RuntimeError):
                await run_job(store, broken, never, job, runs)
            assert await store.get_failure(job["key"]) is None
        with pytest.raises(RuntimeError):
            await run_job(store, broken, never, job, MAX_ATTEMPTS - 1)
        assert await store.get_failure(job["key"]) == BriefFailure("gave_up", GAVE_UP)
    finally:
        await store.close()
