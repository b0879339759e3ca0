"""A recording fake of Discord on 127.0.0.1: REST under /api/v10 and a gateway websocket at /gateway.

It copies the wire details discord.py depends on (../shared/docs/platforms.md §3.4): JSON with exactly
``Content-Type: application/json``, a ``Via`` header on 429s, nested 50035 error bodies. It enforces the
rules: 10062 for an initial response after 3 s, 40060 for a second one, 50035 over the message and
embed limits, 429 on demand. Its clock is injectable.

Sharding as Discord does it: a connection's IDENTIFY may name a shard ``[id, count]`` (close code 4010
when ``id`` is not below ``count``); a guild belongs to shard ``(guild_id >> 22) % count``, and its
events go only to a connection holding that shard (a connection without a shard gets every guild).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.faults import Faults

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD_ID = "900000000000000003"
CHANNEL_ID = "900000000000000004"
USER_ID = "900000000000000005"
BOT_USER = {
    "id": BOT_ID,
    "username": "briefbot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}
USER = {"id": USER_ID, "username": "reader", "discriminator": "0", "global_name": "Reader", "avatar": None}
ADMIN_PERMISSIONS = str(1 << 5 | 1 << 10 | 1 << 11)  # manage guild, view channel, send messages
MEMBER_PERMISSIONS = str(1 << 10 | 1 << 11)
DISCORD_EPOCH_MS = 1420070400000


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly application/json: discord.py parses JSON only on an exact match.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def error(code: int, message: str, status: int = 400, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


@dataclass
class Interaction:
    """An interaction sent to the bot, and what became of it."""

    id: str
    token: str
    sent_at: float
    responded: list[dict[str, Any]] = field(default_factory=list)
    response_at: float | None = None


@dataclass
class FakeDiscord:
    """Start with :meth:`start`; ``base`` is its URL; ``calls`` records every REST request."""

    clock: Callable[[], float] = time.monotonic
    base: str = ""
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    identify: list[dict[str, Any]] = field(default_factory=list)
    interactions: dict[str, Interaction] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    synced: list[dict[str, Any]] = field(default_factory=list)
    _ratelimit: list[float] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    _last_id: int = 0
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Each person's direct message channel with the bot, by user id (opened on the first DM).
    dms: dict[str, str] = field(default_factory=dict)
    #: People who do not accept direct messages from the bot (Discord answers 50007).
    closed_dms: set[str] = field(default_factory=set)
    #: Awaited after a channel message is stored and before Discord answers (a test may kill the bot).
    after_message: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    #: The guilds the bot is in (each has one text channel, its id + 1; the first one's is CHANNEL_ID).
    guilds: list[str] = field(default_factory=lambda: [GUILD_ID])
    #: Each open gateway connection, with the shard its IDENTIFY named (``None``: unsharded, or not yet).
    _sockets: dict[web.WebSocketResponse, tuple[int, int] | None] = field(default_factory=dict)
    #: (event, guild id, the shard it went to) for each guild event dispatched.
    delivered: list[tuple[str, str, tuple[int, int] | None]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _id(self) -> str:
        """A snowflake from the wall clock, as Discord's are (``history(after=datetime)`` relies on it)."""
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(stamp, self._last_id + 1)
        return str(self._last_id)

    def channel_messages(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["channel_id"] == channel_id]

    # --- controls -------------------------------------------------------------------------------

    def ratelimit_next(self, n: int, retry_after: float = 0.3) -> None:
        self._ratelimit += [retry_after] * n

    def fail_next(self, n: int, status: int = 502) -> None:
        """The next ``n`` REST calls answer ``status`` (a server error)."""
        self._failures += [status] * n

    @staticmethod
    def channel_of(guild_id: str) -> str:
        return CHANNEL_ID if guild_id == GUILD_ID else str(int(guild_id) + 1)

    @staticmethod
    def shard_of(guild_id: str, count: int) -> int:
        """The shard a guild's events go to, by Discord's rule."""
        return (int(guild_id) >> 22) % count

    @staticmethod
    def user(user_id: str) -> dict[str, Any]:
        """A user as the API gives it (the reader, or anyone else by id)."""
        if user_id == USER_ID:
            return USER
        return {"id": user_id, "username": f"user{user_id[-4:]}", "discriminator": "0", "global_name": None,
                "avatar": None}  # fmt: skip

    async def send_interaction(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        admin: bool = False,
        sub: str | None = None,
        guild_id: str = GUILD_ID,
        roles: dict[str, str] | None = None,
    ) -> Interaction:
        """Dispatch INTERACTION_CREATE for a slash command (``sub``: a subcommand of group ``name``).

        ``roles``: the roles (id: name) that role options name, resolved as Discord sends them.
        """
        opts = options or []
        if sub is not None:
            opts = [{"type": 1, "name": sub, "options": opts}]
        data: dict[str, Any] = {"id": self._id(), "name": name, "type": 1, "options": opts}
        if roles:
            data["resolved"] = {"roles": {rid: {"id": rid, "name": rname, "color": 0, "hoist": False, "position": 1,
                                                "permissions": "0", "managed": False, "mentionable": True, "flags": 0}
                                          for rid, rname in roles.items()}}  # fmt: skip
        return await self._interact(2, data, admin=admin, guild_id=guild_id)

    def add_user_message(
        self, content: str, channel_id: str = CHANNEL_ID, *, embeds: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """A message a person posted (as the API gives it); stored in the channel's history."""
        message = self._message({"content": content, "embeds": embeds or []}, channel_id)
        message.update(author=USER, attachments=attachments or [])
        return message

    async def send_message_command(
        self, name: str, message: dict[str, Any], *, guild_id: str = GUILD_ID
    ) -> Interaction:
        """Dispatch a message context menu command (``name``) on ``message``, resolved as Discord sends it."""
        data = {"id": self._id(), "name": name, "type": 3, "target_id": message["id"],
                "resolved": {"messages": {message["id"]: message}}}  # fmt: skip
        return await self._interact(2, data, guild_id=guild_id, channel_id=message["channel_id"])

    async def click(self, custom_id: str, message: dict[str, Any], *, guild_id: str = GUILD_ID) -> Interaction:
        """Dispatch a button click (``custom_id``) on ``message`` (the message that carries the button)."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, guild_id=guild_id, channel_id=message["channel_id"], message=message)

    async def _interact(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        admin: bool = False,
        guild_id: str = GUILD_ID,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> Interaction:
        iid, token = self._id(), f"tok-{len(self.interactions)}"
        channel_id = channel_id or self.channel_of(guild_id)
        payload = {
            "id": iid,
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            **({"message": message} if message is not None else {}),
            "guild_id": guild_id,
            "channel_id": channel_id,
            # A thread is sent as Discord sends it (with its parent); a text channel as a partial one.
            "channel": {**self.threads[channel_id], "permissions": ADMIN_PERMISSIONS}
            if channel_id in self.threads
            else {
                "id": channel_id,
                "type": 0,
                "guild_id": guild_id,
                "name": "news",
                "position": 0,
                "permissions": ADMIN_PERMISSIONS,
            },
            "member": {
                "user": USER,
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "permissions": ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS,
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            "token": token,
            "version": 1,
            "app_permissions": ADMIN_PERMISSIONS,
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 8388608,
        }
        record = Interaction(iid, token, self.clock())
        self.interactions[token] = record
        await self._dispatch("INTERACTION_CREATE", payload, guild_id)
        return record

    async def wait(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.1)

    # --- rules ----------------------------------------------------------------------------------

    @staticmethod
    def violations(body: dict[str, Any]) -> dict[str, Any] | None:
        """Discord's nested 50035 ``errors`` for a message over the limits, or ``None``."""
        problems: dict[str, Any] = {}

        def bad(path: str, msg: str) -> None:
            problems[path] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": msg}]}

        if len(body.get("content") or "") > 2000:
            bad("content", "Must be 2000 or fewer in length.")
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            bad("embeds", "Must be 10 or fewer in length.")
        total = 0
        for i, e in enumerate(embeds):
            total += (
                len(e.get("title", "")) + len(e.get("description", "")) + len((e.get("footer") or {}).get("text", ""))
            )
            if len(e.get("title", "")) > 256:
                bad(f"embeds.{i}.title", "Must be 256 or fewer in length.")
            if len(e.get("description", "")) > 4096:
                bad(f"embeds.{i}.description", "Must be 4096 or fewer in length.")
            fields = e.get("fields") or []
            if len(fields) > 25:
                bad(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
            for f in fields:
                total += len(f["name"]) + len(f["value"])
                if len(f["name"]) > 256 or len(f["value"]) > 1024:
                    bad(f"embeds.{i}.fields", "Field too long.")
        if total > 6000:
            bad("embeds", "Embed size exceeds maximum size of 6000")
        if not problems:
            return None
        nested: dict[str, Any] = {}
        for path, err in problems.items():
            node = nested
            parts = path.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = err
        return nested

    def _message(self, body: dict[str, Any], channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        message = {
            "id": self._id(),
            "channel_id": channel_id,
            **({} if channel_id in self.dms.values() else {"guild_id": GUILD_ID}),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": "2026-11-26T08:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }
        self.messages.append(message)
        return message

    # --- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body: Any = {}
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:  # multipart (files): not used by briefbot
                body = {}
        path = "/" + request.match_info["tail"]
        self.calls.append((request.method, path, body))
        self.changed.set()
        if self._failures and path.startswith("/channels"):
            return web.Response(status=self._failures.pop(0), text="Bad Gateway")
        if self._ratelimit:
            retry = self._ratelimit.pop(0)
            return json_response(
                {"message": "You are being rate limited.", "retry_after": retry, "global": False},
                429,
                {"Retry-After": str(retry), "Via": "1.1 google", "X-RateLimit-Scope": "user"},
            )
        method = request.method
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return json_response(BOT_USER)
        if path == "/users/@me/channels" and method == "POST":
            user = str(body.get("recipient_id") or "")
            dm = self.dms.setdefault(user, self._id())
            return json_response({"id": dm, "type": 1, "recipients": [self.user(user)], "last_message_id": None})
        if parts[0] == "users" and len(parts) == 2 and method == "GET":
            return json_response(self.user(parts[1]))
        if path == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": APP_ID,
                    "name": "briefbot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": USER,
                    "verify_key": "00",
                    "flags": 0,
                }
            )
        if path == "/gateway/bot":
            gateway = self.base.replace("http", "ws") + "/gateway"
            return json_response(
                {
                    "url": gateway,
                    "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            # Discord answers a context menu command with an empty description, as slash commands have theirs.
            self.synced = [
                {"description": "", **c, "id": self._id(), "application_id": APP_ID, "version": "1"} for c in body
            ]
            return json_response(self.synced)
        if parts[0] == "interactions" and parts[-1] == "callback":
            token = parts[2]
            record = self.interactions.get(token)
            if record is None or self.clock() - record.sent_at > 3.0:
                return error(10062, "Unknown interaction", 404)
            if record.responded:
                return error(40060, "Interaction has already been acknowledged.", 400)
            if body.get("data") and (problems := self.violations(body["data"])):
                return error(50035, "Invalid Form Body", 400, {"data": problems})
            record.responded.append(body)
            record.response_at = self.clock()
            return json_response({"interaction": {"id": record.id, "type": 2}, "resource": {"type": body.get("type")}})
        if parts[0] == "webhooks":
            token = parts[2]
            if (problems := self.violations(body)) is not None:
                return error(50035, "Invalid Form Body", 400, problems)
            record = self.interactions.get(token)
            if record is not None:
                record.responded.append({"method": method, "path": path, **(body or {})})
            if await self.faults.apply(request):
                return web.Response()
            if method == "DELETE":
                return web.Response(status=204)
            return json_response(self._message(body))
        if parts[0] == "channels" and len(parts) == 2 and method == "GET" and parts[1] in self.threads:
            return json_response(self.threads[parts[1]])
        if parts[0] == "channels" and len(parts) == 4 and parts[2] == "messages" and method == "GET":
            found = [m for m in self.messages if m["channel_id"] == parts[1] and m["id"] == parts[3]]
            return json_response(found[0]) if found else error(10008, "Unknown Message", 404)
        if parts[0] == "channels" and parts[-1] == "messages" and method == "GET":
            return json_response(self._history(parts[1], request.query))
        if parts[0] == "channels" and len(parts) == 2 and method == "GET":
            return json_response(
                {
                    "id": parts[1],
                    "type": 0,
                    "guild_id": GUILD_ID,
                    "name": "news",
                    "position": 0,
                    "permission_overwrites": [],
                }
            )
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            if any(self.dms.get(user) == parts[1] for user in self.closed_dms):
                return error(50007, "Cannot send messages to this user", 403)
            if (problems := self.violations(body)) is not None:
                return error(50035, "Invalid Form Body", 400, problems)
            message = self._message(body, parts[1])
            if self.after_message is not None:
                await self.after_message(message)
            if await self.faults.apply(request):
                return web.Response()
            return json_response(message)
        if parts[0] == "channels" and parts[-1] == "threads" and method == "POST":
            # A thread opened on a message takes the message's id; a second one is refused.
            thread_id = parts[3] if len(parts) == 5 else self._id()
            if thread_id in self.threads:
                return error(160004, "A thread has already been created for this message")
            self.threads[thread_id] = {
                "id": thread_id,
                "type": 11,
                "guild_id": GUILD_ID,
                "parent_id": parts[1],
                "name": body.get("name", "thread"),
                "owner_id": BOT_ID,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-11-26T08:00:00+00:00",
                    "locked": False,
                },
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "flags": 0,
            }
            return json_response(self.threads[thread_id])
        return error(0, f"404: Not Found {method} {path}", 404)

    def _history(self, channel_id: str, query: Any) -> list[dict[str, Any]]:
        """A page of history as Discord gives it: newest first, whichever of ``before``/``after``/``around``.

        ``after``: the ``limit`` messages right after it; ``before`` (and no anchor): the ``limit`` right
        before it (the newest); ``around``: up to ``limit`` centred on it.
        """
        limit = min(100, int(query.get("limit", "50")))
        ordered = sorted(self.channel_messages(channel_id), key=lambda m: int(m["id"]))
        if "around" in query:
            around = int(query["around"])
            older = [m for m in ordered if int(m["id"]) < around][-(limit // 2) :] if limit > 1 else []
            rest = [m for m in ordered if int(m["id"]) >= around][: limit - len(older)]
            page = older + rest
        elif "after" in query:
            page = [m for m in ordered if int(m["id"]) > int(query["after"])][:limit]
        else:
            before = int(query.get("before", str(1 << 63)))
            page = [m for m in ordered if int(m["id"]) < before][-limit:]
        return list(reversed(page))

    # --- gateway --------------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    def _holds(self, shard: tuple[int, int] | None, guild_id: str) -> bool:
        return shard is None or self.shard_of(guild_id, shard[1]) == shard[0]

    async def _dispatch(self, event: str, data: dict[str, Any], guild_id: str) -> None:
        """Send a guild's event to the newest connection holding its shard; none holds it: an error."""
        holders = [(ws, shard) for ws, shard in self._sockets.items() if self._holds(shard, guild_id)]
        if not holders:
            raise RuntimeError(f"no gateway connection holds the shard of guild {guild_id}")
        ws, shard = holders[-1]
        self.delivered.append((event, guild_id, shard))
        await self._send(ws, event, data)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets[ws] = None
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame.get("op") == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif frame.get("op") == 2:
                self.identify.append(frame["d"])
                shard: tuple[int, int] | None = None
                if "shard" in frame["d"]:
                    shard_id, count = (int(n) for n in frame["d"]["shard"])
                    if not 0 <= shard_id < count:
                        await ws.close(code=4010, message=b"Invalid shard")
                        break
                    shard = (shard_id, count)
                self._sockets[ws] = shard
                mine = [g for g in self.guilds if self._holds(shard, g)]
                ready: dict[str, Any] = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [{"id": g, "unavailable": True} for g in mine],
                    "session_id": f"fake-session-{len(self.identify)}",
                    "resume_gateway_url": self.base.replace("http", "ws") + "/gateway",
                    "application": {"id": APP_ID, "flags": 0},
                }
                if shard is not None:
                    ready["shard"] = list(shard)
                await self._send(ws, "READY", ready)
                for guild in mine:
                    await self._send(ws, "GUILD_CREATE", self._guild(guild))
        self._sockets.pop(ws, None)
        return ws

    def _guild(self, guild_id: str) -> dict[str, Any]:
        channel_id = self.channel_of(guild_id)
        return {
            "id": guild_id,
            "name": "Newsroom",
            "icon": None,
            "owner_id": USER_ID,
            "roles": [
                {
                    "id": guild_id,
                    "name": "@everyone",
                    "permissions": MEMBER_PERMISSIONS,
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "features": [],
            "member_count": 2,
            "channels": [
                {
                    "id": channel_id,
                    "type": 0,
                    "name": "news",
                    "position": 0,
                    "permission_overwrites": [],
                    "guild_id": guild_id,
                }
            ],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "unavailable": False,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "large": False,
            "stickers": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
        }
