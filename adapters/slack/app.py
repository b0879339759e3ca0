"""The Slack adapter: slash commands through slack-bolt's ``AsyncApp``, digests through ``chat.postMessage``.

- ``/brief <text>`` carries every sub-command of the core (``/brief https://…``, ``/brief quotes …``,
  ``/brief subscribe …``, ``/brief schedule 07:30 Europe/Berlin``, ``/brief help``); ``/quotes``,
  ``/actors`` and ``/digest`` are shortcuts (all four are in ``slack-manifest.yml``).
- The command is acknowledged first, within Slack's 3 s, with a short ephemeral "Working on it…" (help
  and usage errors are answered in the ack itself); the reply then goes to the ``response_url`` (at
  most 5 uses in 30 minutes): in the channel for briefs and digests, ephemeral for everything else.
- Config sub-commands (subscribe, unsubscribe, schedule) need a workspace admin or owner
  (``users.info``) or a user on ``BRIEFBOT_ADMINS``.
- Scheduled digests (:class:`SlackPublisher`): a headline message, then one threaded reply per story,
  at most one message per second per channel; a 429 is retried after its ``Retry-After``.
- Socket Mode (default: needs ``SLACK_APP_TOKEN`` and ``SLACK_BOT_TOKEN``) or HTTP mode (``POST
  /slack/events`` on ``BRIEFBOT_HTTP_HOST``:``BRIEFBOT_HTTP_PORT``, signatures checked with
  ``SLACK_SIGNING_SECRET``). ``SLACK_API_URL`` points the Web API client elsewhere (proxies, tests).
- OAuth mode (``SLACK_CLIENT_ID``, HTTP mode; :mod:`adapters.slack.oauth`): slack-bolt's install page
  (``GET /slack/install``) and redirect (``GET /slack/oauth_redirect``), a token per workspace found
  per request, and each channel keyed by its workspace; ``app_uninstalled`` and ``tokens_revoked``
  delete that workspace's installation and its subscriptions, schedules and digest runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.oauth import (
    ROTATE_BEFORE,
    SCOPES,
    InstallationStore,
    StateStore,
    WorkspaceClients,
    workspace_key,
)
from adapters.slack.render import (
    MAX_BLOCKS,
    digest_headline,
    pack,
    render,
    render_alert,
    render_home,
    share_block,
    story_blocks,
    story_buttons,
)
from bot.commands import first_link, message_command, parse_command
from bot.core import Core, post_digest
from bot.errors import UserError
from bot.model import BriefReply, ChannelRef, DigestReply, Reply, TextReply, WatchAlert, story_ref
from bot.retry import with_retries

log = logging.getLogger(__name__)

SLASH_COMMANDS = ("/brief", "/quotes", "/actors", "/digest", "/watch")
#: The message shortcut ("Brief this link") and the button that shares its answer in the thread.
BRIEF_SHORTCUT = "brief_message"
SHARE_ACTION = "briefbot_share"
#: Characters a button's value holds (Block Kit).
SHARE_VALUE_MAX = 2000
ADMIN_COMMANDS = frozenset({"subscribe", "unsubscribe", "schedule"})
#: ``response_url`` accepts 5 messages; the last one we send may be a "truncated" note.
MAX_RESPONSES = 5
WORKING = "Working on it…"
#: Seconds a signature stays refused after its first use (Slack's own window is 300 s), and how many
#: signatures one instance remembers at most.
REPLAY_WINDOW = 310.0
REPLAY_CACHE = 10_000
DEFAULT_API_URL = "https://slack.com/api/"
#: The metadata event type on digest messages (looked for after a restart).
DIGEST_EVENT = "briefbot_digest_part"


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """What the Slack adapter needs from settings."""

    bot_token: str
    mode: str = "socket"
    app_token: str = ""
    signing_secret: str = ""
    api_url: str = DEFAULT_API_URL
    host: str = "127.0.0.1"
    port: int = 3000
    admins: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class OAuthConfig:
    """OAuth mode's settings and stores (many workspaces, each installed through "Add to Slack")."""

    client_id: str
    client_secret: str
    installations: InstallationStore
    states: StateStore
    #: The redirect URL as listed in the app (empty: Slack uses the app's only one).
    redirect_uri: str = ""


def authorize_url(api_url: str) -> str:
    """Where "Add to Slack" sends the installer: Slack's own page, or GovSlack's beside its API."""
    return api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def make_client(token: str | None, api_url: str = DEFAULT_API_URL) -> AsyncWebClient:
    """The Web API client: Slack's own URL or ``SLACK_API_URL``; 429s, 5xx and dropped connections retried."""
    return AsyncWebClient(
        token=token,
        base_url=api_url if api_url.endswith("/") else api_url + "/",
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class SlackAdapter:
    """Slash commands in, core replies out; and the publisher of scheduled digests."""

    def __init__(
        self,
        core: Core,
        client: AsyncWebClient,
        *,
        signing_secret: str | None = None,
        socket_mode: bool = False,
        admins: frozenset[str] = frozenset(),
        pace: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        oauth: OAuthConfig | None = None,
    ) -> None:
        """Build the bolt app around ``core``; nothing connects until :meth:`run`.

        ``oauth``: OAuth mode (``client`` then holds no token: each request and each digest gets its
        workspace's).
        """
        self.core = core
        self.client = client
        self.admins = admins
        self._sleep = sleep
        self.oauth = oauth
        self.workspaces: WorkspaceClients | None = None
        settings: AsyncOAuthSettings | None = None
        if oauth is not None:
            settings = AsyncOAuthSettings(
                client_id=oauth.client_id,
                client_secret=oauth.client_secret,
                scopes=list(SCOPES),
                user_scopes=[],
                redirect_uri=oauth.redirect_uri or None,
                authorization_url=authorize_url(str(client.base_url)),
                installation_store=oauth.installations,
                state_store=oauth.states,
                token_rotation_expiration_minutes=ROTATE_BEFORE,
            )
            # The same authorizer bolt would make, but refreshing rotated tokens through our client
            # (its own would always call slack.com, whatever SLACK_API_URL says).
            settings.authorize = AsyncInstallationStoreAuthorize(
                logger=logging.getLogger("slack_bolt"),
                installation_store=oauth.installations,
                client_id=oauth.client_id,
                client_secret=oauth.client_secret,
                token_rotation_expiration_minutes=ROTATE_BEFORE,
                client=client,
            )
            rotator = AsyncTokenRotator(client_id=oauth.client_id, client_secret=oauth.client_secret, client=client)
            self.workspaces = WorkspaceClients(
                oauth.installations, lambda token: make_client(token, str(client.base_url)), rotator
            )
        self.publisher = SlackPublisher(client, pace=pace, sleep=sleep, workspaces=self.workspaces)
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret,
            request_verification_enabled=not socket_mode,
            process_before_response=False,
            oauth_settings=settings,
        )
        for name in SLASH_COMMANDS:
            self.app.command(name)(self._on_command)
        self.app.shortcut(BRIEF_SHORTCUT)(self._on_message_shortcut)
        self.app.action(SHARE_ACTION)(self._on_share)
        self.app.action(re.compile(r"^briefbot_story_(brief|quotes|sources)$"))(self._on_story)
        self.app.event("app_home_opened")(self._on_home_opened)
        if oauth is not None:
            self.app.event("app_uninstalled")(self._on_uninstalled)
            self.app.event("tokens_revoked")(self._on_tokens_revoked)

    def workspace(self, enterprise_id: str | None, team_id: str | None) -> str:
        """A channel's workspace key: its team (and, in OAuth mode under Enterprise Grid, organisation)."""
        return workspace_key(enterprise_id, team_id) if self.oauth is not None else team_id or ""

    async def _on_command(self, ack: Any, command: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:  # noqa: ANN401
        name = command.get("command", "/brief").lstrip("/")
        text = command.get("text") or ""
        if name != "brief":
            text = f"{name} {text}".strip()
        workspace = self.workspace(command.get("enterprise_id"), command.get("team_id"))
        channel = ChannelRef("slack", command.get("channel_id", ""), workspace)
        user = command.get("user_id", "")
        try:
            cmd = parse_command(text, channel, user)
        except UserError as err:
            await ack(response_type="ephemeral", **render(TextReply(str(err), error=True))[0])
            return
        if cmd.name == "help":
            await ack(response_type="ephemeral", **render(await self.core.handle(cmd))[0])
            return
        await ack(response_type="ephemeral", text=WORKING)
        try:
            if cmd.name in ADMIN_COMMANDS:
                cmd = replace(cmd, is_admin=await self.is_admin(user, client))
            if cmd.mention.startswith("@"):
                cmd = replace(cmd, mention=await self._user_group(client, cmd.mention))
            reply = await self.core.handle(cmd)
        except UserError as err:
            reply = TextReply(str(err), error=True)
        except Exception:
            # The core answers every error itself; this is the adapter's own failure (users.info).
            log.exception("Slack command %s failed", cmd.name)
            reply = TextReply("Something went wrong on our side. Please try again later.", error=True)
        await self._respond(respond, reply)

    @staticmethod
    async def _user_group(client: AsyncWebClient, handle: str) -> str:
        """``@news-desk`` as typed (Slack sends a command's mentions unescaped) as the group's mention."""
        try:
            found = await client.usergroups_list()
        except SlackApiError as err:
            log.warning("usergroups.list failed: %s", err)
            raise UserError("briefbot cannot read this workspace's user groups (scope usergroups:read).") from None
        wanted = handle.lstrip("@").lower()
        for group in found.get("usergroups") or []:
            if str(group.get("handle") or "").lower() == wanted and not group.get("date_delete"):
                return f"<!subteam^{group['id']}>"
        raise UserError(f"This workspace has no user group {handle[:60]}.")

    async def _on_message_shortcut(self, ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond) -> None:
        """The "Brief this link" shortcut on a message: its first link (or its text) briefed, for the asker only.

        The answer carries a button that shares it in the message's thread.
        """
        await ack()
        message = shortcut.get("message") or {}
        channel, user = self._asked_in(shortcut)
        try:
            cmd = message_command(_message_text(message), channel, user)
        except UserError as err:
            await respond(response_type="ephemeral", **render(TextReply(str(err), error=True))[0])
            return
        reply = await self.core.handle(cmd)
        ts = str(message.get("ts") or shortcut.get("message_ts") or "")
        share = {"ts": ts, "thread": str(message.get("thread_ts") or ts), "url": cmd.url}
        if len(json.dumps(share)) > SHARE_VALUE_MAX:  # a very long link: the click reads the message again
            share["url"] = ""
        await self._respond(respond, reply, public=False, share=share if isinstance(reply, BriefReply) else None)

    async def _on_share(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The share button of a message's brief: the brief goes to that message's thread, for everyone."""
        await ack()
        target = share_target(action.get("value"))
        if target is None:
            await respond(
                response_type="ephemeral",
                replace_original=False,
                text="That button is broken; brief the message again.",
            )
            return
        ts, thread, url = target
        channel, user = self._asked_in(body)
        channel_id = channel.id
        try:
            if url:
                cmd = message_command(url, channel, user)
            else:  # a text: read the message again (not carried in the button, which holds 2,000 characters)
                cmd = message_command(await self._read_message(client, channel_id, ts, thread), channel, user)
        except (UserError, SlackApiError) as err:
            text = str(err) if isinstance(err, UserError) else "That message cannot be read any more."
            await respond(response_type="ephemeral", replace_original=False, text=text)
            return
        reply = await self.core.handle(cmd)
        if not isinstance(reply, BriefReply):
            await respond(response_type="ephemeral", replace_original=False, **render(reply)[0])
            return
        try:
            for message in render(reply):
                await client.chat_postMessage(channel=channel_id, thread_ts=thread, **message)
        except SlackApiError as err:
            log.warning("sharing a brief in %s failed: %s", channel_id, err.response.get("error"))
            await respond(response_type="ephemeral", replace_original=False, text=_share_failed(err))
            return
        await respond(response_type="ephemeral", replace_original=True, text="Shared in the thread.")

    async def _on_story(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """A digest story's button: the answer goes to the one who clicked (ephemeral).

        Ephemeral, not in the thread: each reader's question would otherwise notify everyone following
        the digest, and two readers asking for one story would post it twice.
        """
        await ack()
        kind = str(action.get("action_id", "")).removeprefix("briefbot_story_")
        target = story_target(action.get("value"))
        if target is None:
            await respond(
                response_type="ephemeral", replace_original=False, text="That button is not one of briefbot's."
            )
            return
        day, n = target
        channel, user = self._asked_in(body)
        reply = await self.core.story_action(channel, day, n, kind, user)
        for message in render(reply)[:MAX_RESPONSES]:
            await respond(response_type="ephemeral", replace_original=False, **message)

    def _asked_in(self, body: dict[str, Any]) -> tuple[ChannelRef, str]:
        """The channel (in its workspace) and the user of a shortcut's or a button's payload."""
        channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        team = (body.get("team") or {}).get("id")
        enterprise = (body.get("enterprise") or {}).get("id") if body.get("enterprise") else None
        return ChannelRef("slack", str(channel_id), self.workspace(enterprise, team)), (body.get("user") or {}).get(
            "id", ""
        )

    @staticmethod
    async def _read_message(client: AsyncWebClient, channel: str, ts: str, thread: str) -> str:
        """A message's text, read again from its channel or thread (history scopes)."""
        if thread != ts:
            found = await client.conversations_replies(channel=channel, ts=thread, latest=ts, inclusive=True, limit=200)
        else:
            found = await client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        for message in found.get("messages") or []:
            if message.get("ts") == ts:
                return _message_text(message)
        raise UserError("That message is gone.")

    async def _respond(
        self,
        respond: Any,  # noqa: ANN401
        reply: Reply,
        *,
        public: bool | None = None,
        share: dict[str, str] | None = None,
    ) -> None:
        """Send a reply through ``response_url``: briefs and digests in the channel unless ``public`` says.

        ``share``: a "Share in thread" button goes under the reply, with these values.
        """
        if public is None:
            public = isinstance(reply, (BriefReply, DigestReply))
        messages = render(reply)
        if share is not None:
            button = share_block(json.dumps(share, separators=(",", ":")))
            if len(messages[-1].get("blocks") or []) < MAX_BLOCKS:
                messages[-1] = {**messages[-1], "blocks": [*messages[-1]["blocks"], button]}
            else:
                messages.append({"text": "Share", "blocks": [button]})
        if len(messages) > MAX_RESPONSES:
            note = pack([], f"(cut: {len(messages) - MAX_RESPONSES + 1} more parts; use `/brief digest` later)")
            messages = messages[: MAX_RESPONSES - 1] + note
        for message in messages:

            async def send(message: dict[str, Any] = message) -> None:
                response = await respond(response_type="in_channel" if public else "ephemeral", **message)
                status = getattr(response, "status_code", 200)
                if status == 429 or status >= 500:
                    raise SlackUnavailable(f"response_url answered {status}")

            try:
                await with_retries(send, _transient, what="Slack reply", sleep=self._sleep)
            except Exception:
                log.exception("response_url failed; the reply was lost for this command")
                return

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        """The Home tab, built afresh each time a person opens it (``views.publish``)."""
        if event.get("tab") != "home" or not event.get("user"):
            return  # the Messages tab (a watch's alerts) needs nothing
        user = str(event["user"])
        workspace = self.workspace(body.get("enterprise_id"), body.get("team_id"))
        try:
            view = render_home(await self.core.home("slack", workspace, user))
            await client.views_publish(user_id=user, view=view)
        except Exception:
            # Nothing to tell the person in chat: the tab keeps its last view, and the log says why.
            log.exception("the Home tab of %s in %s could not be published", user, workspace)

    async def _on_uninstalled(self, body: dict[str, Any]) -> None:
        """The app was removed from a workspace (or an organisation): forget it."""
        await self.forget(body.get("enterprise_id"), body.get("team_id"), org=bool(body.get("is_enterprise_install")))

    async def _on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Tokens were revoked: the bot's, and the workspace is forgotten; a user's, and only that installer."""
        tokens = event.get("tokens") or {}
        enterprise, team = body.get("enterprise_id"), body.get("team_id")
        if tokens.get("bot"):
            await self.forget(enterprise, team, org=bool(body.get("is_enterprise_install")))
            return
        if self.oauth is None:  # registered in OAuth mode only
            return
        for user in tokens.get("oauth") or []:
            await self.oauth.installations.async_delete_installation(
                enterprise_id=enterprise, team_id=team, user_id=str(user)
            )

    async def forget(self, enterprise_id: str | None, team_id: str | None, *, org: bool = False) -> None:
        """Delete a workspace's (``org``: an organisation's) installation, tokens and channel data."""
        if self.oauth is None:
            return
        store = self.core.store
        if not team_id and not (org and enterprise_id):
            log.warning("Slack: an uninstall event named no workspace; nothing deleted")
            return
        if org and enterprise_id:
            records = await self.oauth.installations.delete_everywhere(enterprise_id, None)
            rows = await store.forget_workspace("slack", f"{enterprise_id}/", prefix=True)
        else:
            records = await self.oauth.installations.delete_everywhere(enterprise_id, team_id or "")
            rows = await store.forget_workspace("slack", workspace_key(enterprise_id, team_id))
        log.info(
            "Slack: uninstalled from %s: %d installation records, %d subscriptions, schedules and digest runs deleted",
            enterprise_id if org else workspace_key(enterprise_id, team_id),
            records,
            rows,
        )

    async def installed(self, channel: ChannelRef) -> bool:
        """Whether briefbot can post in ``channel``'s workspace (always, with one workspace's token)."""
        if self.workspaces is None:
            return True
        return await self.workspaces.bot(channel.workspace) is not None

    async def is_admin(self, user: str, client: AsyncWebClient | None = None) -> bool:
        """A workspace admin or owner, or a user on the allow-list (``client``: the request's workspace's)."""
        if user in self.admins:
            return True
        try:
            info = await (client or self.client).users_info(user=user)
        except SlackApiError as err:
            log.warning("users.info for %s failed: %s", user, err)
            return False
        data = info.get("user") or {}
        return bool(data.get("is_admin") or data.get("is_owner") or data.get("is_primary_owner"))

    async def direct(self, alert: WatchAlert) -> None:
        """Send a watch's alert to its person (see :meth:`SlackPublisher.direct`)."""
        await self.publisher.direct(alert)

    async def post(self, channel: ChannelRef, reply: Reply) -> None:
        """Publish a reply to a channel (the scheduler's digests)."""
        await self.publisher.post(channel, reply)

    def web_app(self) -> web.Application:
        """The aiohttp application serving ``POST /slack/events`` (HTTP mode), replays refused.

        Slack's signature covers the timestamp, and bolt refuses one older than 5 minutes; within those
        5 minutes a captured request could be sent again, so each signature is accepted once.
        """
        app = self.app.web_app(path="/slack/events")
        seen: dict[str, float] = {}

        @web.middleware
        async def refuse_replays(request: web.Request, handler: Any) -> web.StreamResponse:  # noqa: ANN401
            signature = request.headers.get("X-Slack-Signature", "")
            if signature:
                now = time.monotonic()
                if seen.get(signature, 0.0) > now:
                    return web.Response(status=401, text="replayed request")
                if len(seen) > REPLAY_CACHE:
                    for key in [k for k, until in seen.items() if until <= now] or list(seen)[: REPLAY_CACHE // 2]:
                        del seen[key]
                seen[signature] = now + REPLAY_WINDOW
                # Instances sharing a database (PostgreSQL) refuse a request replayed to another one
                # too. Not asked of a SQLite file, which one instance holds: its thread hops would
                # cost the 3 s ack budget tens of milliseconds while briefs keep the CPU busy.
                if self.core.store.shared and not await self._first_time(signature):
                    return web.Response(status=401, text="replayed request")
            response: web.StreamResponse = await handler(request)
            return response

        app.middlewares.append(refuse_replays)
        return app

    async def _first_time(self, signature: str) -> bool:
        now = dt.datetime.now(dt.UTC)
        return await self.core.store.once(
            f"slack-signature:{signature}", now, now + dt.timedelta(seconds=REPLAY_WINDOW)
        )

    async def run(self, config: SlackConfig, ready: asyncio.Event | None = None) -> None:
        """Serve until cancelled, in Socket Mode or HTTP mode."""
        if config.mode == "socket":
            handler = AsyncSocketModeHandler(self.app, config.app_token, web_client=self.client)
            await handler.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack: connected in Socket Mode")
            try:
                if ready is not None:
                    ready.set()
                await asyncio.Event().wait()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
            return
        runner = web.AppRunner(self.web_app(), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        log.info("Slack: HTTP mode, request URL http://%s:%d/slack/events", config.host, config.port)
        try:
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


def share_target(value: object) -> tuple[str, str, str] | None:
    """The message a share button's value names: its ``ts``, its thread and its link; ``None`` if forged.

    A button's value comes back from the client, so it is input like any other.
    """
    if not isinstance(value, str) or len(value) > SHARE_VALUE_MAX:
        return None
    try:
        found = json.loads(value or "{}")
    except (ValueError, RecursionError):  # "[[[[…": too deep for the parser
        return None
    if not isinstance(found, dict) or not all(isinstance(found.get(k), str) for k in ("ts", "thread")):
        return None
    url = found.get("url") or ""
    return (found["ts"], found["thread"], url) if isinstance(url, str) else None


def story_target(value: object) -> tuple[dt.date, int] | None:
    """The digest day and story number a story button's value (``2026-12-04:3``) names; ``None`` if forged."""
    if not isinstance(value, str):
        return None
    day_text, _, n_text = value.partition(":")
    if not (n_text.isascii() and n_text.isdigit() and len(n_text) <= 3):
        return None
    try:
        return dt.date.fromisoformat(day_text), int(n_text)
    except ValueError:
        return None


def _message_text(message: dict[str, Any]) -> str:
    """What a Slack message says: its text, or (a bot's or an unfurl's) its attachments' links and text."""
    text = str(message.get("text") or "")
    if first_link(text) is None:
        for extra in message.get("attachments") or []:
            link = extra.get("original_url") or extra.get("title_link") or extra.get("from_url")
            if link:
                return f"{text} <{link}>".strip()
    return text


def _share_failed(err: SlackApiError) -> str:
    code = str(err.response.get("error") or "")
    if code in ("not_in_channel", "channel_not_found"):
        return "briefbot cannot post in this channel: invite it first (`/invite @briefbot`)."
    return "Slack did not take the brief; please try again."


class SlackUnavailable(Exception):
    """Slack answered 429 or 5xx: worth another try."""


def _transient(err: BaseException) -> bool:
    return isinstance(err, SlackUnavailable | aiohttp.ClientError | TimeoutError)


def digest_client(client: AsyncWebClient) -> AsyncWebClient:
    """``client`` for posting digests, retrying 429s only (Slack refused the message).

    A lost connection, a timeout or a 5xx leaves it unknown whether the message was posted; the
    core looks for it before sending it again (:meth:`bot.core.Core.deliver_digest`), so a blind
    retry here could post it twice.
    """
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)],
    )


class NotInstalled(Exception):
    """briefbot is no longer installed in the channel's workspace (OAuth mode)."""


class SlackPublisher:
    """Posts digests with ``chat.postMessage``: a headline, then one threaded reply per story, paced."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        pace: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        workspaces: WorkspaceClients | None = None,
    ) -> None:
        """``pace``: seconds between two messages to one channel (Slack allows about one per second).

        ``workspaces``: OAuth mode, each channel posted to with its workspace's bot token.
        """
        self.client = digest_client(client)
        self.pace = pace
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self.workspaces = workspaces
        self._digest_clients: dict[int, AsyncWebClient] = {}

    async def _client(self, channel: ChannelRef) -> AsyncWebClient:
        if self.workspaces is None:
            return self.client
        found = await self.workspaces.client(channel.workspace)
        if found is None:
            raise NotInstalled(f"briefbot is not installed in Slack workspace {channel.workspace}")
        made = self._digest_clients.get(id(found))
        if made is None or made.token != found.token:
            made = self._digest_clients[id(found)] = digest_client(found)
        return made

    async def _send(self, channel: ChannelRef, message: dict[str, Any], thread_ts: str | None = None) -> str:
        client = await self._client(channel)
        wait = self._last.get(channel.id, -1e9) + self.pace - time.monotonic()
        if wait > 0:
            await self._sleep(wait)
        kwargs: dict[str, Any] = {"channel": channel.id, **message}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        response = await client.chat_postMessage(**kwargs)
        self._last[channel.id] = time.monotonic()
        return str(response.get("ts") or "")

    def plan(self, reply: DigestReply) -> list[dict[str, Any]]:
        """A digest's messages: the headline (in the channel), then the rest of it and one per story.

        A scheduled digest's story carries its buttons (Brief, Quotes, Sources), and its message the
        story's ``story`` reference the buttons are answered from (kept in the plan, not sent).
        """
        digest = reply.digest
        messages = pack(digest_headline(digest, reply.failed_feeds), digest.title or "News digest")
        for n, story in enumerate(digest.stories, 1):
            blocks = story_blocks(n, story)
            mention = reply.mentions[n - 1] if n <= len(reply.mentions) else ""
            if mention:  # the user groups of the feeds that carried it, notified (text and block alike)
                blocks.insert(0, {"type": "section", "text": {"type": "mrkdwn", "text": mention}})
            if reply.run_day is not None:
                blocks.append(story_buttons(reply.run_day.isoformat(), n))
            parts = pack(blocks, f"{mention} {n}. {story.headline}".strip())
            if reply.run_day is not None:
                parts[-1] = {**parts[-1], "story": story_ref(story, n)}
            messages += parts
        return messages

    async def send(self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str) -> str:
        """Post one digest message (in the thread of ``anchor`` unless it is the first); its ``ts``.

        ``key`` travels as message metadata, which :meth:`find` looks for after a restart.
        """
        meta = {"event_type": DIGEST_EVENT, "event_payload": {"part": key}}
        sent = {k: v for k, v in message.items() if k != "story"}  # the plan's own reference, not Slack's
        return await self._send(channel, {**sent, "metadata": meta}, thread_ts=anchor or None)

    async def find(
        self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str, since: dt.datetime
    ) -> str | None:
        """The ``ts`` of the digest message ``key`` if this bot already posted it (needs ``*:history``)."""
        client = await self._client(channel)
        cursor = ""
        for _page in range(20):
            args: dict[str, Any] = {"channel": channel.id, "include_all_metadata": True, "limit": 200}
            if cursor:
                args["cursor"] = cursor
            if anchor:
                response = await client.conversations_replies(ts=anchor, **args)
            else:
                response = await client.conversations_history(oldest=f"{since.timestamp():.6f}", **args)
            for found in response.get("messages") or []:
                meta = found.get("metadata") or {}
                if meta.get("event_type") == DIGEST_EVENT and (meta.get("event_payload") or {}).get("part") == key:
                    return str(found["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                break
        return None

    async def direct(self, alert: WatchAlert) -> None:
        """Send a watch's alert to its person: a direct message from the bot (``im:write``)."""
        client = await self._client(ChannelRef("slack", "", alert.watch.workspace))
        opened = await client.conversations_open(users=alert.watch.user)
        channel = str((opened.get("channel") or {}).get("id") or "")
        for message in render_alert(alert):
            await client.chat_postMessage(channel=channel, **message)

    async def post(self, channel: ChannelRef, reply: Reply) -> None:
        """Publish ``reply`` in ``channel``: a digest as a thread, anything else as its messages."""
        if isinstance(reply, DigestReply):
            await post_digest(self, channel, reply)
            return
        for message in render(reply):
            await self._send(channel, message)
