"""``briefbot worker``: NLP worker processes that take brief jobs from the queue (PostgreSQL only).

One process per core by default (``--processes``, or ``BRIEFBOT_WORKERS``): the command starts them
and keeps them running, restarting one that dies (each exits with it when it is killed). Each process
loads the model once and runs up to :data:`bot.queue.WORKER_CONCURRENCY` jobs at a time: downloads
overlap and the articles waiting for its NLP thread are briefed in batches. SIGTERM or SIGINT stop
it: no new job is taken and running ones get :data:`bot.queue.STOP_GRACE` seconds to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core import BriefFn, BriefManyFn
    from bot.settings import Settings
    from summarizer.model import Brief

log = logging.getLogger("briefbot.worker")

#: Seconds before a worker process that died is started again (a crash loop costs little).
RESTART_DELAY = 1.0


async def work(settings: Settings, briefs: tuple[BriefFn, BriefManyFn], model: str, *, health: bool = True) -> int:
    """One worker process: take brief jobs until a signal; returns the exit status.

    ``health``: serve ``GET /healthz`` and ``GET /metrics`` on ``BRIEFBOT_HEALTH_PORT`` when it is set (a
    worker started by a supervising ``briefbot worker --processes N`` does not: they would share a port).
    """
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

    from adapters.cli.app import core_limits, fetch_limits  # noqa: PLC0415
    from adapters.cli.run import health_app, serve_http, until_signal  # noqa: PLC0415
    from bot.core import Core  # noqa: PLC0415
    from bot.fetch import Fetcher  # noqa: PLC0415
    from bot.queue import WorkerOptions, prepare, serve  # noqa: PLC0415
    from bot.storage import SqlStore, describe, failure  # noqa: PLC0415
    from summarizer.model import Article  # noqa: PLC0415

    try:
        store = await SqlStore.open(settings.db)
        await prepare(settings.db)
    except (OSError, ValueError, SQLAlchemyError) as err:
        log.error("database %s: %s", describe(settings.db), failure(err))
        return 1
    except Exception as err:  # psycopg's own errors, from the queue's schema check
        log.error("database %s: %s", describe(settings.db), err)
        return 1
    fetcher = Fetcher(fetch_limits(settings))
    brief, brief_many = briefs
    core = Core(fetcher=fetcher, store=store, brief=brief, brief_many=brief_many, limits=core_limits(settings))
    name = f"{settings.instance_name}-{os.getpid()}"
    log.info("briefbot worker %s: model %s, database %s", name, model, describe(settings.db))

    async def brief_page(url: str) -> object:
        return await core.brief_url(url)

    async def brief_text(text: str) -> Brief:
        return await core.brief_article(Article(text=text))

    jobs = serve(settings.db, store, brief_page, brief_text, WorkerOptions(name=name))
    tasks: dict[str, Awaitable[None]] = {"worker": jobs}
    if health and settings.health_port:
        app = health_app(core.metrics, lambda: ["worker"])
        tasks["health"] = serve_http(app, settings.http_host, settings.health_port)
        log.info("health: http://%s:%d/healthz and /metrics", settings.http_host, settings.health_port)
    log.info("running: worker")
    status = await until_signal(tasks)
    core.close()
    await fetcher.close()
    await store.close()
    log.info("briefbot worker stopped")
    return status


async def supervise(processes: int) -> int:
    """Start ``processes`` worker processes and keep them running until a signal; the exit status."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    command = [sys.executable, "-m", "adapters.cli.app", "worker", "--processes", "1", "--exit-with", str(os.getpid())]

    async def keep(n: int) -> None:
        while not stop.is_set():
            child = await asyncio.create_subprocess_exec(*command)
            ended = asyncio.ensure_future(child.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({ended, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                if child.returncode is None:
                    child.send_signal(signal.SIGTERM)
                await ended
                return
            stopping.cancel()
            log.warning("worker process %d ended (status %s); starting it again", n, child.returncode)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESTART_DELAY)

    await asyncio.gather(*(keep(n) for n in range(processes)))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    return 0
