"""``briefbot run``: one asyncio process with whatever is configured.

The Slack adapter (Socket or HTTP mode), the Discord adapter, the feed poller (briefs new items ahead),
the digest scheduler and, when ``BRIEFBOT_HEALTH_PORT`` is set, ``GET /healthz`` and ``GET /metrics``.
SIGINT and SIGTERM stop it gracefully: the tasks are cancelled, an in-flight digest stays claimed but
not done (so it is sent on the next start), and the sessions, worker processes and database close.
Settings are checked before anything connects (:class:`bot.settings.SettingsError`, one line).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from adapters.slack.app import OAuthConfig
    from bot.core import BriefFn, BriefManyFn, Core, DigestPoster, DirectMessenger
    from bot.metrics import Metrics
    from bot.model import Schedule
    from bot.settings import Settings

log = logging.getLogger("briefbot")

#: Seconds the scheduler waits for the platforms to connect before posting due digests anyway.
READY_WAIT = 60.0


class JsonFormatter(logging.Formatter):
    """One JSON object per log line (``BRIEFBOT_LOG_FORMAT=json``)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: time, level, logger, message, and the exception when there is one."""
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(settings: Settings) -> None:
    """Logging for the whole process, configured here only."""
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for noisy in ("discord", "slack_bolt", "slack_sdk", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)))


def health_app(metrics: Metrics, adapters: Callable[[], list[str]]) -> web.Application:
    """``GET /healthz`` (the adapters running) and ``GET /metrics`` (Prometheus text)."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "adapters": adapters()})

    async def prometheus(_request: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    return app


async def serve_http(app: web.Application, host: str, port: int) -> None:
    """Serve ``app`` on ``host:port`` until cancelled."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _refresh_loop(core: Core, minutes: int, messengers: Mapping[str, DirectMessenger]) -> None:
    every = dt.timedelta(minutes=minutes)
    while True:
        try:
            n = await core.refresh(every)
            log.info("feeds refreshed: %d new items briefed", n)
        except Exception:
            log.exception("feed refresh failed")
        try:
            sent = await core.alert_watchers(messengers, every)
            if sent:
                log.info("watches: %d direct messages sent", sent)
        except Exception:
            log.exception("watch alerts failed")
        await asyncio.sleep(minutes * 60)


async def run(settings: Settings, briefs: tuple[BriefFn, BriefManyFn], model: str) -> int:
    """Run until a signal; returns the exit status. ``briefs``: the loaded summarizer (from the root)."""
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

    from adapters.cli.app import core_limits, fetch_limits  # noqa: PLC0415
    from bot.core import Core  # noqa: PLC0415
    from bot.fetch import Fetcher  # noqa: PLC0415
    from bot.metrics import Metrics  # noqa: PLC0415
    from bot.schedule import run_schedule  # noqa: PLC0415
    from bot.storage import SqlStore, describe, failure  # noqa: PLC0415

    try:
        store = await SqlStore.open(settings.db)
    except (OSError, ValueError, SQLAlchemyError) as err:
        log.error("database %s: %s", describe(settings.db), failure(err))
        return 1
    queue = None
    if store.postgres and settings.queue == "auto":
        from bot.queue import BriefQueue, prepare  # noqa: PLC0415

        try:
            await prepare(settings.db)
        except Exception as err:  # psycopg's errors: the database went away between two statements
            log.error("database %s: the brief queue: %s", describe(settings.db), err)
            await store.close()
            return 1
        queue = BriefQueue(settings.db, store, wait=float(settings.queue_wait))
    fetcher = Fetcher(fetch_limits(settings))
    metrics = Metrics()
    brief, brief_many = briefs
    core = Core(
        fetcher=fetcher,
        store=store,
        brief=brief,
        brief_many=brief_many,
        limits=core_limits(settings),
        metrics=metrics,
        queue=queue,
    )
    publishers: dict[str, DigestPoster] = {}
    ready_events: list[asyncio.Event] = []
    tasks: dict[str, Awaitable[None]] = {}
    log.info("briefbot starting: model %s, database %s, settings %r", model, describe(settings.db), settings)
    slack = None
    if settings.slack_enabled:
        from adapters.slack.app import SlackAdapter, SlackConfig, make_client  # noqa: PLC0415

        oauth = await _slack_oauth(settings, core) if settings.slack_oauth else None
        if settings.slack_oauth and oauth is None:
            core.close()
            await fetcher.close()
            await store.close()
            return 1
        client = make_client(settings.slack_bot_token or None, settings.slack_api_url)
        slack = SlackAdapter(
            core,
            client,
            signing_secret=settings.slack_signing_secret or None,
            socket_mode=settings.slack_mode == "socket",
            admins=settings.admins,
            oauth=oauth,
        )
        config = SlackConfig(
            bot_token=settings.slack_bot_token,
            mode=settings.slack_mode,
            app_token=settings.slack_app_token,
            signing_secret=settings.slack_signing_secret,
            api_url=settings.slack_api_url,
            host=settings.http_host,
            port=settings.http_port,
        )
        publishers["slack"] = slack.publisher
        tasks["slack"] = slack.run(config)
        if settings.slack_mode == "http":
            log.info("Slack request URL: http://%s:%d/slack/events", settings.http_host, settings.http_port)
        if oauth is not None:
            log.info("Slack install page: http://%s:%d/slack/install", settings.http_host, settings.http_port)
    if settings.discord_enabled:
        from adapters.discord.app import DiscordAdapter, invite_url, point_at  # noqa: PLC0415

        point_at(settings.discord_api_base, settings.discord_gateway_url)
        bot = DiscordAdapter(core, shard_count=settings.discord_shard_count, shard_ids=settings.discord_shard_ids)
        ready = asyncio.Event()
        ready_events.append(ready)
        publishers["discord"] = bot
        tasks["discord"] = bot.run(settings.discord_token, ready)

        async def report_invite() -> None:
            await ready.wait()
            app_id = bot.client.application_id
            if app_id:
                log.info("Discord ready; invite: %s", invite_url(app_id))
            await asyncio.Event().wait()

        tasks["discord-invite"] = report_invite()

    async def send(schedule: Schedule, day: dt.date) -> None:
        poster = publishers.get(schedule.channel.platform)
        if poster is None:
            return
        if schedule.channel.platform == "slack" and slack is not None and not await slack.installed(schedule.channel):
            # Uninstalled while its event could not reach us: nothing to post with; the data stays.
            log.warning("digest of %s skipped: briefbot is not installed in its Slack workspace", schedule.channel)
            return
        await core.deliver_digest(schedule, day, poster)

    async def schedule() -> None:
        # Digests missed while down are due at once; Discord can post only once it is logged in.
        waits = [asyncio.ensure_future(e.wait()) for e in ready_events]
        try:
            if waits:
                await asyncio.wait(waits, timeout=READY_WAIT)
        finally:
            for waiting in waits:
                waiting.cancel()
        # A dead instance's digests are taken over once its hold ends: look at least twice a hold.
        await run_schedule(store.schedules, send, core.clock, max_wait=min(60.0, settings.digest_lease / 2))

    tasks["scheduler"] = schedule()
    messengers: dict[str, DirectMessenger] = {}
    if slack is not None:
        messengers["slack"] = slack
    if "discord" in publishers:
        messengers["discord"] = bot
    tasks["feeds"] = _refresh_loop(core, settings.refresh_minutes, messengers)
    if settings.health_port:
        running: list[str] = [name for name in ("slack", "discord") if name in publishers]
        tasks["health"] = serve_http(health_app(metrics, lambda: running), settings.http_host, settings.health_port)
        log.info("health: http://%s:%d/healthz and /metrics", settings.http_host, settings.health_port)
    log.info("running: %s", ", ".join(k for k in tasks if k != "discord-invite"))
    status = await until_signal(tasks)
    core.close()
    if queue is not None:
        await queue.close()
    await fetcher.close()
    await store.close()
    log.info("briefbot stopped")
    return status


async def _slack_oauth(settings: Settings, core: Core) -> OAuthConfig | None:
    """OAuth mode's stores on the core's database; ``None`` (logged) when the key cannot open them."""
    from adapters.slack.app import OAuthConfig  # noqa: PLC0415
    from adapters.slack.oauth import InstallationStore, StateStore, reseal  # noqa: PLC0415
    from bot.sealing import Sealer, SecretKeyError  # noqa: PLC0415

    sealer = Sealer(settings.secret_key)
    try:
        kept, resealed = await reseal(core.store, sealer)
    except SecretKeyError as err:
        log.error("%s", err)
        return None
    if not sealer.sealing:
        log.warning(
            "OAuth mode without BRIEFBOT_SECRET_KEY: Slack tokens are stored unencrypted "
            "(`briefbot secret-key` makes a key)"
        )
    log.info("Slack OAuth mode: %d installation records%s", kept, f", {resealed} sealed again" if resealed else "")
    return OAuthConfig(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        installations=InstallationStore(core.store, sealer),
        states=StateStore(core.store, core.clock),
        redirect_uri=settings.slack_redirect_uri,
    )


async def until_signal(tasks: dict[str, Awaitable[None]]) -> int:
    """Run ``tasks`` until SIGINT or SIGTERM, or until one ends (an error: status 1); the exit status."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running: dict[asyncio.Future[Any], str] = {asyncio.ensure_future(t): name for name, t in tasks.items()}
    waiter: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    done, _pending = await asyncio.wait({waiter, *running}, return_when=asyncio.FIRST_COMPLETED)
    status = 0
    for task in done:
        if task is waiter:
            continue
        exc = task.exception()
        log.error("%s stopped: %r", running[task], exc)
        status = 1
    for task in running:
        task.cancel()
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*running, waiter, return_exceptions=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    return status
