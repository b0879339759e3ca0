"""The ``briefbot`` command, and the composition root: settings, model and logging are set up here.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never a traceback:

    exit 0  done
    exit 1  the input could not be briefed (empty, binary, too long, not English, no sentences),
            or some lines of a batch failed (the others are still written)
    exit 2  bad usage or settings: unknown option, missing file, unknown method
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bot.settings import Settings, SettingsError
from summarizer.article import decode_bytes, parse_article
from summarizer.errors import ArticleError
from summarizer.methods import METHODS

if TYPE_CHECKING:
    import aiohttp

    from bot.core import BriefFn, BriefManyFn, Core, CoreLimits
    from bot.fetch import FetchLimits
    from bot.model import ChannelRef, Reply
    from summarizer.brief import Briefer
    from summarizer.model import Article, Brief

log = logging.getLogger("briefbot")

FORMATS = ("text", "markdown", "json")


class UsageError(Exception):
    """Bad arguments or a file that cannot be read: exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``briefbot`` command."""
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="News briefs: verbatim summaries, key quotes and actors, for Slack, Discord and the terminal.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    brief = sub.add_parser("brief", help="brief one article (a web page, a text file, or - for standard input)")
    brief.add_argument(
        "source",
        metavar="URL|PATH|-",
        help="a web page, or an article file in the seeds/ format, plain text or Markdown",
    )
    _summary_options(brief)
    brief.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")

    quotes = sub.add_parser("quotes", help="every direct quote of one article, with speakers and roles")
    quotes.add_argument("source", metavar="URL|PATH|-", help="a web page, an article file, or - for standard input")
    quotes.add_argument("--speaker", help="only the quotes of this speaker (any part of the name)")
    quotes.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")

    actors = sub.add_parser("actors", help="the people, organisations, places and groups of one article")
    actors.add_argument("source", metavar="URL|PATH|-", help="a web page, an article file, or - for standard input")
    actors.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")

    fetch = sub.add_parser("fetch", help="show what briefbot reads from a web page (title, date, author, text)")
    fetch.add_argument("url", metavar="URL")
    fetch.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    digest = sub.add_parser("digest", help="a digest of feeds or of a directory of articles, in the terminal")
    source = digest.add_mutually_exclusive_group(required=True)
    source.add_argument("--feed", action="append", metavar="URL", help="a feed URL (repeatable)")
    source.add_argument("--dir", metavar="DIR", help="a directory of article files (*.txt, *.md)")
    digest.add_argument("--since", default="24h", help="how far back, e.g. 12h or 2d (default: 24h)")
    digest.add_argument("--include", default="", help="keep only items with one of these words (comma-separated)")
    digest.add_argument("--exclude", default="", help="drop items with any of these words (comma-separated)")
    digest.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    digest.add_argument(
        "--stories", default="", metavar="N|all", help="how many stories to show (default: BRIEFBOT_DIGEST_STORIES)"
    )

    sub.add_parser("doctor", help="check the settings, the model, the database and the platform tokens")
    sub.add_parser("secret-key", help="print a new key for BRIEFBOT_SECRET_KEY (seals stored Slack tokens)")
    sub.add_parser("run", help="run the bot: Slack and/or Discord, feed poller, digest scheduler (see README)")
    worker = sub.add_parser("worker", help="brief the queue's jobs for the bot instances (PostgreSQL; see README)")
    worker.add_argument(
        "--processes", type=int, help="worker processes, one NLP thread each (default: BRIEFBOT_WORKERS, 0 = cores)"
    )
    # A worker process started by `briefbot worker --processes N` ends with that command's process.
    worker.add_argument("--exit-with", type=int, help=argparse.SUPPRESS)

    discord_cmd = sub.add_parser("discord", help="Discord administration")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    sync = discord_sub.add_parser("sync", help="register the slash commands with Discord (globally, or in one server)")
    sync.add_argument("--guild", type=int, help="a server id: its commands update at once (global ones take a while)")

    db_cmd = sub.add_parser("db", help="the database: apply migrations, or copy a SQLite database to PostgreSQL")
    db_sub = db_cmd.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply the schema migrations BRIEFBOT_DB lacks (run also does, at start)")
    copy = db_sub.add_parser("copy", help="copy everything kept in BRIEFBOT_DB (or --from) into another database")
    copy.add_argument(
        "--to", required=True, metavar="URL", help="the database to fill, e.g. postgresql://host/briefbot"
    )
    copy.add_argument("--from", dest="source", metavar="DB", help="the database to read (default: BRIEFBOT_DB)")

    batch = sub.add_parser("batch", help='brief every line of a JSONL file ({"id", "text", "title"?})')
    batch.add_argument("input", metavar="IN.jsonl", help="input file, or - for standard input")
    batch.add_argument("-o", "--output", metavar="OUT.jsonl", help="output file (default: standard output)")
    batch.add_argument("--workers", type=int, help="processes to use (default: BRIEFBOT_WORKERS, 0 = all cores)")
    batch.add_argument(
        "--quotes",
        choices=("key", "all"),
        default="key",
        help="key: the key quotes, best first (default); all: every quote with its speaker, in article order",
    )
    _summary_options(batch)
    return parser


def _summary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", "--sentences", type=int, help="summary sentences (default: BRIEFBOT_SUMMARY_SENTENCES, 3)")
    p.add_argument("-m", "--method", help=f"summary method: {', '.join(METHODS)} (default: news)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``briefbot`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as err:
        return _fail(str(err), 2)
    # One-shot commands print their result; their log lines (one per command at INFO) would only
    # clutter stderr, so they show from WARNING unless DEBUG is asked for. `run` sets its own logging.
    level = settings.log_level if settings.log_level == "DEBUG" else "WARNING"
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    method = (getattr(args, "method", None) or settings.summary_method).lower()
    if method not in METHODS:
        return _fail(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}", 2)
    asked = getattr(args, "sentences", None)
    sentences = asked if asked is not None else settings.summary_sentences
    try:
        if args.command in ("brief", "quotes", "actors") and _is_url(args.source):
            return asyncio.run(_online(args, settings, sentences, method))
        if args.command in ("brief", "quotes", "actors"):
            return _cmd_brief(args, settings, sentences, method)
        if args.command in ("fetch", "digest"):
            return asyncio.run(_online(args, settings, sentences, method))
        if args.command == "run":
            return _cmd_run(settings, sentences, method)
        if args.command == "worker":
            return _cmd_worker(args, settings, sentences, method)
        if args.command == "doctor":
            return asyncio.run(_doctor(settings))
        if args.command == "secret-key":
            from bot.sealing import new_key  # noqa: PLC0415

            print(new_key())
            return 0
        if args.command == "discord":
            return asyncio.run(_discord_sync(settings, args.guild))
        if args.command == "db":
            return asyncio.run(_db(args, settings))
        return _cmd_batch(args, settings, sentences, method)
    except UsageError as err:
        return _fail(str(err), 2)
    except ArticleError as err:
        return _fail(str(err), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, status: int) -> int:
    print(f"briefbot: {message}", file=sys.stderr)
    return status


def _read_source(source: str, max_chars: int) -> bytes:
    limit = max_chars * 4 + 1  # UTF-8 never takes more than 4 bytes a character
    if source == "-":
        return sys.stdin.buffer.read(limit)
    path = Path(source)
    if not path.exists():
        raise UsageError(f"no such file: {source}")
    if path.is_dir():
        raise UsageError(f"{source} is a directory, not an article file")
    try:
        with path.open("rb") as fh:
            return fh.read(limit)
    except OSError as err:
        raise UsageError(f"cannot read {source}: {err.strerror}") from None


def _load_article(source: str, settings: Settings) -> Article:
    data = _read_source(source, settings.max_article_chars)
    text, fallback = decode_bytes(data)
    if fallback:
        print(f"briefbot: note: {source} is not valid UTF-8; read it as Windows-1252", file=sys.stderr)
    return parse_article(text)


def _cmd_brief(args: argparse.Namespace, settings: Settings, sentences: int, method: str) -> int:
    """``brief``, ``quotes`` and ``actors``: one article, one parse, three views of its brief."""
    from adapters.cli.render import (  # noqa: PLC0415
        matches_speaker,
        render_actors,
        render_json,
        render_markdown,
        render_quotes,
        render_text,
    )
    from summarizer.brief import Briefer  # noqa: PLC0415 - loads spaCy: only for commands that need it
    from summarizer.nlp import ModelNotFound, Pipeline, load_model  # noqa: PLC0415

    article = _load_article(args.source, settings)
    try:
        pipeline = Pipeline(load_model(settings.spacy_model))
    except ModelNotFound as err:
        return _fail(str(err), 2)
    briefer = Briefer(pipeline, max_chars=settings.max_article_chars)
    if args.command == "quotes":
        brief = briefer.brief(article, sentences=sentences, method=method, quotes=None)
        if args.speaker:
            brief = replace(brief, quotes=tuple(q for q in brief.quotes if matches_speaker(q, args.speaker)))
        print(render_quotes(brief, args.format), end="")
        return 0
    brief = briefer.brief(article, sentences=sentences, method=method)
    if args.command == "actors":
        print(render_actors(brief, args.format), end="")
        return 0
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    print(render(brief))
    return 0


async def _db(args: argparse.Namespace, settings: Settings) -> int:
    """``briefbot db upgrade`` and ``briefbot db copy --to URL``: one line each, never a traceback."""
    import psycopg  # noqa: PLC0415
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

    from bot.storage import MIGRATIONS, SqlStore, describe, failure  # noqa: PLC0415

    source = args.source if getattr(args, "source", None) else settings.db
    try:
        if args.db_command == "upgrade":
            store = await SqlStore.open(source, migrate=False)
            try:
                before = await store.schema_version()
                await store.migrate()
                postgres = store.postgres
            finally:
                await store.close()
            done = "up to date" if before == len(MIGRATIONS) else f"migrated from schema {before}"
            if postgres:
                from bot.queue import prepare  # noqa: PLC0415

                done += "; brief queue " + ("created" if await prepare(source) else "present")
            print(f"{describe(source)}: schema {len(MIGRATIONS)}, {done}")
            return 0
        if describe(args.to) == describe(source):
            raise UsageError("--to names the database copied from")
        src = await SqlStore.open(source)
        try:
            dst = await SqlStore.open(args.to)
            try:
                gained = await src.copy_to(dst)
            finally:
                await dst.close()
        finally:
            await src.close()
    except (OSError, ValueError, SQLAlchemyError, psycopg.Error) as err:
        return _fail(f"database: {failure(err)}", 1)
    copied = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in gained.items())
    print(f"copied {describe(source)} to {describe(args.to)}: {copied} (rows already there were kept)")
    return 0


async def _doctor(settings: Settings) -> int:
    """``briefbot doctor``: one line per check, exit 1 when any fails."""
    import aiohttp  # noqa: PLC0415

    from bot.storage import MIGRATIONS, SqlStore, describe, failure, is_postgres  # noqa: PLC0415
    from summarizer.nlp import ModelNotFound, Pipeline, load_model  # noqa: PLC0415

    # ok, or FAIL (exit 1), or None: a warning (the bot runs, but should not be left so).
    results: list[tuple[bool | None, str, str]] = [(True, "settings", "read from the environment and .env")]
    try:
        pipeline = await asyncio.to_thread(lambda: Pipeline(load_model(settings.spacy_model)))
        results.append((True, "model", pipeline.name))
    except ModelNotFound as err:
        results.append((False, "model", str(err)))
    try:
        store = await SqlStore.open(settings.db)
        ok = await store.integrity_ok()
        subs, schedules = len(await store.subscriptions()), len(await store.schedules())
        await store.close()
        where = describe(settings.db)
        detail = f"{where}: schema {len(MIGRATIONS)}, {subs} subscriptions, {schedules} schedules"
        results.append((ok, "database", detail if ok else f"{where}: integrity check failed"))
        if settings.slack_oauth:
            results += await _doctor_oauth(settings)
    except Exception as err:
        results.append((False, "database", f"{describe(settings.db)}: {failure(err)}"))
    if is_postgres(settings.db):
        from bot.queue import describe_queue  # noqa: PLC0415

        try:
            results.append((True, "queue", await describe_queue(settings.db)))
        except Exception as err:
            results.append((False, "queue", failure(err)))
    timeout = aiohttp.ClientTimeout(total=10)
    platforms = (
        ("slack", settings.slack_enabled, "SLACK_BOT_TOKEN", "POST",
         settings.slack_api_url.rstrip("/") + "/auth.test", f"Bearer {settings.slack_bot_token}"),
        ("discord", settings.discord_enabled, "DISCORD_TOKEN", "GET",
         settings.discord_api_base.rstrip("/") + "/users/@me", f"Bot {settings.discord_token}"),
    )  # fmt: skip
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for name, enabled, variable, method, url, authorization in platforms:
            if name == "slack" and settings.slack_oauth:
                continue  # a token per workspace: the installations line above
            if enabled:
                results.append(await _check(http, name, url, {"Authorization": authorization}, method))
            else:
                results.append((True, name, f"off ({variable} not set)"))
    for state, name, detail in results:
        print(f"{'warn' if state is None else 'ok  ' if state else 'FAIL'} {name:<9} {detail}")
    return 0 if all(state is not False for state, _n, _d in results) else 1


async def _doctor_oauth(settings: Settings) -> list[tuple[bool | None, str, str]]:
    """OAuth mode: the installations the key opens, and a warning when no key seals them."""
    from bot.sealing import SEALED, Sealer, SecretKeyError  # noqa: PLC0415
    from bot.storage import SqlStore  # noqa: PLC0415

    sealer = Sealer(settings.secret_key)
    store = await SqlStore.open(settings.db)
    try:
        records = await store.installations("slack")
    finally:
        await store.close()
    teams = {(k.enterprise, k.team) for k, _data in records if k.kind == "bot"}
    try:
        for _key, data in records:
            sealer.open(data)
    except SecretKeyError as err:
        return [(False, "slack", str(err))]
    plain = sum(not data.startswith(SEALED) for _key, data in records)
    out: list[tuple[bool | None, str, str]] = [
        (True, "slack", f"OAuth mode: installed in {len(teams)} workspace{'s' if len(teams) != 1 else ''}")
    ]
    if not sealer.sealing:
        out.append((None, "secrets", "BRIEFBOT_SECRET_KEY is not set: Slack tokens are stored unencrypted"))
    elif plain:
        out.append((None, "secrets", f"{plain} installation records not sealed yet (`briefbot run` seals them)"))
    else:
        out.append((True, "secrets", f"{len(records)} installation records sealed"))
    return out


async def _check(
    http: aiohttp.ClientSession, name: str, url: str, headers: dict[str, str], method: str
) -> tuple[bool, str, str]:
    try:
        async with http.request(method, url, headers=headers) as resp:
            data = await resp.json(content_type=None)
    except Exception as err:
        return False, name, f"{url} did not answer: {err.__class__.__name__}"
    if name == "slack":
        if data.get("ok"):
            return True, name, f"token works (team {data.get('team_id')}, bot user {data.get('user_id')})"
        return False, name, f"auth.test refused the token: {data.get('error')}"
    if resp.status == 200 and "id" in data:
        return True, name, f"token works (bot {data.get('username')}, id {data['id']})"
    return False, name, f"GET /users/@me answered {resp.status}: {data.get('message', '')}"


def _cmd_run(settings: Settings, sentences: int, method: str) -> int:
    """``briefbot run``: the composition root loads the model and hands the brief function to the runner."""
    from adapters.cli.run import run, setup_logging  # noqa: PLC0415

    if not (settings.slack_enabled or settings.discord_enabled):
        return _fail(
            "nothing to run: set SLACK_BOT_TOKEN or SLACK_CLIENT_ID (Slack) and/or DISCORD_TOKEN (Discord); "
            "see .env.example",
            2,
        )
    setup_logging(settings)
    loaded = _load_briefs(settings, sentences, method)
    if isinstance(loaded, int):
        return loaded
    return asyncio.run(run(settings, *loaded))


def _cmd_worker(args: argparse.Namespace, settings: Settings, sentences: int, method: str) -> int:
    """``briefbot worker``: several processes are supervised; one loads the model and takes jobs."""
    from adapters.cli.run import setup_logging  # noqa: PLC0415
    from adapters.cli.worker import supervise, work  # noqa: PLC0415
    from bot.orphans import exit_with_parent  # noqa: PLC0415
    from bot.storage import database_url  # noqa: PLC0415

    if not database_url(settings.db).startswith("postgresql"):
        return _fail(
            "briefbot worker needs PostgreSQL (BRIEFBOT_DB=postgresql://...); with SQLite, briefbot run briefs itself",
            2,
        )
    processes = args.processes if args.processes and args.processes > 0 else settings.worker_count
    setup_logging(settings)
    if processes > 1:
        return asyncio.run(supervise(processes))
    if args.exit_with:
        exit_with_parent(args.exit_with)
    loaded = _load_briefs(settings, sentences, method)
    if isinstance(loaded, int):
        return loaded
    return asyncio.run(work(settings, *loaded, health=not args.exit_with))


def _load_briefs(settings: Settings, sentences: int, method: str) -> tuple[tuple[BriefFn, BriefManyFn], str] | int:
    """The brief functions over the loaded model, and its name; or the exit status when it is missing."""
    from summarizer.brief import Briefer  # noqa: PLC0415
    from summarizer.nlp import ModelNotFound, Pipeline, load_model  # noqa: PLC0415

    try:
        pipeline = Pipeline(load_model(settings.spacy_model))
    except ModelNotFound as err:
        return _fail(str(err), 2)
    briefer = Briefer(pipeline, max_chars=settings.max_article_chars)
    return brief_functions(briefer, sentences, method), pipeline.name


async def _discord_sync(settings: Settings, guild: int | None) -> int:
    """``briefbot discord sync``: log in over REST only, register the commands, log out."""
    from adapters.discord.app import DiscordAdapter, invite_url, point_at  # noqa: PLC0415
    from bot.core import Core  # noqa: PLC0415
    from bot.fetch import Fetcher  # noqa: PLC0415
    from bot.storage import SqlStore  # noqa: PLC0415

    if not settings.discord_enabled:
        return _fail("DISCORD_TOKEN is not set", 2)
    point_at(settings.discord_api_base, settings.discord_gateway_url)
    store = await SqlStore.open(":memory:")
    fetcher = Fetcher(fetch_limits(settings))
    core = Core(fetcher=fetcher, store=store, brief=_no_brief)
    bot = DiscordAdapter(core)
    try:
        await bot.client.login(settings.discord_token)
        synced = await bot.sync(guild)
        app_id = bot.client.application_id
    except Exception as err:
        return _fail(f"sync failed: {err}", 1)
    finally:
        await bot.client.close()
        core.close()
        await fetcher.close()
        await store.close()
    where = f"server {guild}" if guild else "all servers (global commands can take up to an hour to appear)"
    print(f"synced {len(synced)} commands to {where}: {', '.join('/' + c.name for c in synced)}")
    if app_id:
        print(f"invite: {invite_url(app_id)}")
    return 0


def _no_brief(article: Article) -> Brief:
    raise RuntimeError("no model is loaded for discord sync")


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


async def _online(args: argparse.Namespace, settings: Settings, sentences: int, method: str) -> int:
    """Commands that go through the core: a URL brief, ``fetch`` and ``digest``."""
    from adapters.cli.render import render_reply  # noqa: PLC0415
    from bot.commands import check_url, parse_command  # noqa: PLC0415
    from bot.errors import UserError  # noqa: PLC0415
    from bot.model import ChannelRef, TextReply  # noqa: PLC0415

    channel = ChannelRef("cli", "terminal")
    if args.command == "fetch":
        return await _fetch(args, settings)
    async with _core(settings, sentences, method) as core:
        if args.command == "digest":
            reply = await _digest(core, args, channel)
        else:
            words = [args.command, args.source]
            if getattr(args, "speaker", None):
                words.append(args.speaker)
            try:
                check_url(args.source)
                cmd = parse_command(" ".join(words), channel, "terminal", is_admin=True)
            except UserError as err:
                return _fail(str(err), 2)
            reply = await core.handle(cmd)
    if isinstance(reply, TextReply) and reply.error:
        return _fail(reply.text, 1)
    print(render_reply(reply, args.format), end="")
    return 0


class _core:
    """The core with its fetcher, an in-memory store and the model, closed on exit."""

    def __init__(self, settings: Settings, sentences: int, method: str) -> None:
        self.settings, self.sentences, self.method = settings, sentences, method

    async def __aenter__(self) -> Core:
        from bot.core import Core  # noqa: PLC0415
        from bot.fetch import Fetcher  # noqa: PLC0415
        from bot.storage import SqlStore  # noqa: PLC0415
        from summarizer.brief import Briefer  # noqa: PLC0415
        from summarizer.nlp import Pipeline, load_model  # noqa: PLC0415

        s = self.settings
        briefer = Briefer(Pipeline(load_model(s.spacy_model)), max_chars=s.max_article_chars)
        brief, brief_many = brief_functions(briefer, self.sentences, self.method)
        self.fetcher = Fetcher(fetch_limits(s))
        self.store = await SqlStore.open(":memory:")
        self.core = Core(
            fetcher=self.fetcher, store=self.store, brief=brief, brief_many=brief_many, limits=core_limits(s)
        )
        return self.core

    async def __aexit__(self, *exc: object) -> None:
        self.core.close()
        await self.fetcher.close()
        await self.store.close()


def brief_functions(briefer: Briefer, sentences: int, method: str) -> tuple[BriefFn, BriefManyFn]:
    """The core's brief functions over the loaded briefer: one article, and a batch (every quote kept)."""

    def brief(article: Article) -> Brief:
        return briefer.brief(article, sentences=sentences, method=method, quotes=None)

    def brief_many(articles: Sequence[Article]) -> list[Brief | ArticleError]:
        return list(briefer.brief_many(articles, sentences=sentences, method=method, quotes=None))

    return brief, brief_many


def fetch_limits(settings: Settings) -> FetchLimits:
    """The fetcher's limits from settings."""
    from bot.fetch import FetchLimits  # noqa: PLC0415

    return FetchLimits(
        total_timeout=settings.fetch_timeout,
        max_bytes=settings.max_page_bytes,
        allow_private=settings.allow_private_networks,
        extract_timeout=settings.extract_timeout,
        per_host=settings.fetches_per_host,
        min_rate=settings.min_download_rate * 1000,
        slow_after=settings.slow_after,
    )


def core_limits(settings: Settings) -> CoreLimits:
    """The core's limits from settings."""
    from bot.core import CoreLimits  # noqa: PLC0415

    return CoreLimits(
        feed_items=settings.feed_items,
        digest_stories=settings.digest_stories,
        admins=settings.admins,
        user_briefs_per_minute=settings.user_briefs_per_minute,
        channel_briefs_per_minute=settings.channel_briefs_per_minute,
        max_subscriptions=settings.max_subscriptions,
        watch_messages_per_day=settings.watch_messages_per_day,
        max_watches=settings.max_watches,
        instance=settings.instance_name,
        digest_lease=float(settings.digest_lease),
    )


async def _fetch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import check_url  # noqa: PLC0415
    from bot.errors import UserError  # noqa: PLC0415
    from bot.fetch import Fetcher  # noqa: PLC0415

    fetcher = Fetcher(fetch_limits(settings))
    try:
        article = await fetcher.fetch_article(check_url(args.url))
    except UserError as err:
        return _fail(str(err), 1)
    finally:
        await fetcher.close()
    data = {
        "url": article.url,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "author": article.author or None,
        "text": article.text,
    }
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False))
    else:
        meta = " | ".join(str(x) for x in (data["date"], data["author"], data["url"]) if x)
        print(f"{article.title}\n{meta}\n\n{article.text}")
    return 0


async def _digest(core: Core, args: argparse.Namespace, channel: ChannelRef) -> Reply:
    from bot.commands import parse_command  # noqa: PLC0415
    from bot.digest import Entry, build_digest, matches  # noqa: PLC0415
    from bot.errors import UserError  # noqa: PLC0415
    from bot.model import DigestReply, TextReply  # noqa: PLC0415
    from summarizer.errors import NoSentences  # noqa: PLC0415
    from summarizer.model import Source, headline_brief  # noqa: PLC0415

    try:
        stories = _story_count(args.stories, core.limits.digest_stories)
        core.limits = replace(core.limits, digest_stories=stories)
        parse_command(f"digest {args.since}", channel)  # checks --since
        include = tuple(w.strip().lower() for w in args.include.split(",") if w.strip())
        exclude = tuple(w.strip().lower() for w in args.exclude.split(",") if w.strip())
        if args.feed:
            feeds = []
            for url in args.feed:
                sub = parse_command(f"subscribe {url}", channel, is_admin=True)
                await core.store.add_subscription(channel, sub.url, include, exclude)
                feeds.append(sub.url)
            reply = await core.handle(parse_command(f"digest {args.since}", channel))
            # One run, no retries later: a feed that failed is said now, not after three polls.
            failed = [
                f"{url}: {state['last_error']}"
                for url in feeds
                if (state := await core.store.feed_state(url))["failures"]
            ]
            if failed and len(failed) == len(feeds):
                return TextReply("; ".join(failed), error=True)
            for line in failed:
                print(f"briefbot: {line}", file=sys.stderr)
            return reply
    except UserError as err:
        return TextReply(str(err), error=True)
    directory = Path(args.dir)
    now = core.clock()
    entries = []
    for path, article in await asyncio.to_thread(_read_articles, directory):
        try:
            brief = await core.brief_article(article)
        except NoSentences:
            brief = headline_brief(article)  # too short to brief: listed under its headline
        except ArticleError as err:
            print(f"briefbot: {path}: {err}", file=sys.stderr)
            continue
        # The files were chosen by hand: every one counts, whatever its date (--since is for feeds).
        published = dt.datetime.combine(article.date, dt.time(12), tzinfo=dt.UTC) if article.date else now
        source = Source(url=str(path), title=article.title or path.stem, feed=str(directory), id=path.stem)
        entries.append(Entry(brief, source, published))
    if not entries:
        return TextReply(f"no article in {directory} could be read", error=True)
    kept = [e for e in entries if matches(e, include, exclude)]
    day = now.date()
    return DigestReply(build_digest(kept, day, max_stories=stories, title=f"Digest of {directory}"))


def _story_count(value: str, default: int) -> int:
    if not value:
        return default
    if value == "all":
        return 1_000_000
    if not value.isdigit() or int(value) < 1:
        raise UsageError("--stories takes a number of stories (1 or more) or 'all'")
    return int(value)


def _read_articles(directory: Path) -> list[tuple[Path, Article]]:
    """The readable article files of a folder; each one that cannot be read is named on stderr."""
    if not directory.is_dir():
        raise UsageError(f"no such directory: {directory}")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".txt", ".md"))
    if not files:
        raise UsageError(f"no article files (*.txt, *.md) in {directory}")
    out = []
    for path in files:
        try:
            text = decode_bytes(path.read_bytes())[0]
        except (OSError, ArticleError) as err:
            print(f"briefbot: {path}: {err}", file=sys.stderr)
            continue
        out.append((path, parse_article(text)))
    return out


def _cmd_batch(args: argparse.Namespace, settings: Settings, sentences: int, method: str) -> int:
    from bot.batch import BatchOptions, run_batch  # noqa: PLC0415
    from summarizer.keyquotes import DEFAULT_KEY_QUOTES  # noqa: PLC0415

    workers = args.workers if args.workers is not None else settings.worker_count
    if workers < 0:
        raise UsageError("--workers must be 0 or more")
    options = BatchOptions(
        model=settings.spacy_model,
        sentences=sentences,
        method=method,
        max_chars=settings.max_article_chars,
        workers=workers or settings.worker_count,
        quotes=None if args.quotes == "all" else DEFAULT_KEY_QUOTES,
    )
    source = _open_input(args.input)
    failed = 0
    with source, _open_output(args.output) as out, _Progress(source) as progress:
        for result in run_batch(source, options, progress.advance):
            if "error" in result:
                failed += 1
                print(f"briefbot: line {result['line']}: {result['error']}", file=sys.stderr)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
    return 1 if failed else 0


def _open_input(name: str) -> IO[str]:
    if name == "-":
        return sys.stdin
    path = Path(name)
    if not path.is_file():
        raise UsageError(f"no such file: {name}")
    return path.open(encoding="utf-8", errors="replace")


def _open_output(name: str | None) -> IO[str] | _Unclosed:
    if not name or name == "-":
        return _Unclosed(sys.stdout)
    try:
        return Path(name).open("w", encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {name}: {err.strerror}") from None


class _Unclosed:
    """Standard output in a ``with``: flushed, never closed."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def __enter__(self) -> IO[str]:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        self._stream.flush()


class _Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise (logs and pipes stay clean)."""

    def __init__(self, source: IO[str]) -> None:
        self._bar = None
        if sys.stderr.isatty():
            from rich.console import Console  # noqa: PLC0415
            from rich.progress import Progress  # noqa: PLC0415

            self._bar = Progress(transient=True, console=Console(stderr=True))
        self._total = _count_lines(source)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("Briefing", total=self._total)
        return self

    def advance(self, n: int) -> None:
        """Count ``n`` more articles done."""
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _count_lines(source: IO[str]) -> int | None:
    if not source.seekable():
        return None
    total = sum(1 for line in source if line.strip())
    source.seek(0)
    return total


if __name__ == "__main__":
    sys.exit(main())
