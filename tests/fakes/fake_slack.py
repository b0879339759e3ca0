"""A recording fake of Slack on 127.0.0.1: Web API, response_url endpoints and the Socket Mode websocket.

It enforces the rules of ../shared/docs/platforms.md §1 the way Slack fails: ``invalid_blocks`` over 50
blocks, a section text over 3,000 or a header over 150 characters; a ``response_url`` used more than 5
times or after 30 minutes; a 429 with ``Retry-After`` on demand. Its clock is injectable.

OAuth: :meth:`FakeSlack.authorize` stands for an installer approving the app in a workspace (it
returns the ``code`` Slack would put on the redirect); ``oauth.v2.access`` trades it once for a bot
token of that workspace (with a refresh token when ``rotation`` is on, and refreshes it), and, with
``check_tokens``, every Web API call must carry a live token (``invalid_auth`` otherwise) and
``auth.test`` answers for the token's own workspace.

Socket Mode with several connections (an app may hold up to ten, e.g. one per instance): each envelope
goes to one open connection, in turn, as Slack spreads them; a closed connection gets nothing more.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web

from tests.fakes.faults import Faults


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


@dataclass
class Workspace:
    """A workspace (or organisation) the app can be installed in."""

    team_id: str | None
    enterprise_id: str | None = None
    org: bool = False
    rotation: bool = False
    expires_in: int = 43_200

    @property
    def key(self) -> str:
        return self.enterprise_id if self.org and self.enterprise_id else self.team_id or ""


@dataclass
class FakeSlack:
    """Start with :meth:`start`; ``base`` is its URL; ``calls`` records every request."""

    clock: Callable[[], float] = time.monotonic
    calls: list[Call] = field(default_factory=list)
    admins: set[str] = field(default_factory=set)
    #: The workspace's user groups (``usergroups.list``), as Slack lists them.
    usergroups: list[dict[str, Any]] = field(default_factory=list)
    base: str = ""
    acks: list[dict[str, Any]] = field(default_factory=list)
    #: Messages posted with ``chat.postMessage``, as ``conversations.history`` returns them.
    posted: list[dict[str, Any]] = field(default_factory=list)
    #: Each person's Home tab as last published (``views.publish``), by user id.
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Bodies that response_url endpoints accepted.
    answered: list[dict[str, Any]] = field(default_factory=list)
    #: Awaited after a posted message is stored and before Slack answers (a test may kill the poster).
    after_post: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    _last_ts: float = 0.0
    _responses: dict[str, tuple[float, int]] = field(default_factory=dict)
    _ratelimit: list[int] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    #: (envelope id, index of the connection it went to, counted in order of connecting).
    delivered: list[tuple[str, int]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    #: OAuth: the app's credentials (checked on oauth.v2.access), codes waiting to be traded, live tokens.
    client_id: str = "111.222"
    client_secret: str = "fake-client-secret"
    check_tokens: bool = False
    codes: dict[str, Workspace] = field(default_factory=dict)
    tokens: dict[str, Workspace] = field(default_factory=dict)
    refresh_tokens: dict[str, Workspace] = field(default_factory=dict)
    #: Every token and refresh token ever issued (a database dump must show none of them).
    issued: list[str] = field(default_factory=list)
    _serial: Any = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{rid}", self._respond)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- controls -------------------------------------------------------------------------------

    def ratelimit_next(self, n: int, retry_after: int = 1) -> None:
        self._ratelimit += [retry_after] * n

    def fail_next(self, n: int, status: int = 500) -> None:
        """The next ``n`` Web API calls answer ``status`` (a server error)."""
        self._failures += [status] * n

    def authorize(
        self,
        team_id: str | None,
        enterprise_id: str | None = None,
        *,
        org: bool = False,
        rotation: bool = False,
        expires_in: int = 43_200,
    ) -> str:
        """An installer approved the app: the one-time ``code`` Slack sends to the redirect URL."""
        code = f"code-{next(self._serial)}"
        self.codes[code] = Workspace(team_id, enterprise_id, org, rotation, expires_in)
        return code

    def revoke(self, key: str) -> None:
        """Slack forgets the tokens of a workspace (or an organisation): the app was uninstalled."""
        for table in (self.tokens, self.refresh_tokens):
            for token in [t for t, w in table.items() if w.key == key]:
                del table[token]

    def token_of(self, call: Call) -> str:
        return call.headers.get("Authorization", "").removeprefix("Bearer ")

    def _new_token(self, workspace: Workspace) -> dict[str, Any]:
        n = next(self._serial)
        prefix = "xoxe.xoxb-1" if workspace.rotation else "xoxb"
        token = f"{prefix}-{workspace.key}-{n}-{uuid.uuid4().hex[:16]}"
        self.tokens[token] = workspace
        self.issued.append(token)
        out: dict[str, Any] = {"access_token": token, "token_type": "bot"}
        if workspace.rotation:
            refresh = f"xoxe-1-{workspace.key}-{n}-{uuid.uuid4().hex[:16]}"
            self.refresh_tokens[refresh] = workspace
            self.issued.append(refresh)
            out.update(refresh_token=refresh, expires_in=workspace.expires_in)
        return out

    def _oauth_access(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        given = base64.b64decode(basic).decode() if basic else f"{body.get('client_id')}:{body.get('client_secret')}"
        if given != f"{self.client_id}:{self.client_secret}":
            return web.json_response({"ok": False, "error": "invalid_client_id"})
        if body.get("grant_type") == "refresh_token":
            workspace = self.refresh_tokens.pop(str(body.get("refresh_token")), None)
            if workspace is None:
                return web.json_response({"ok": False, "error": "invalid_refresh_token"})
        else:
            found = self.codes.pop(str(body.get("code")), None)  # a code is good once
            if found is None:
                return web.json_response({"ok": False, "error": "invalid_code"})
            workspace = found
        team = {"id": workspace.team_id, "name": f"Team {workspace.team_id}"} if workspace.team_id else None
        enterprise = {"id": workspace.enterprise_id, "name": "Org"} if workspace.enterprise_id else None
        return web.json_response(
            {
                "ok": True,
                "app_id": "A1",
                "authed_user": {"id": f"U-installer-{workspace.key}"},
                "scope": "commands,chat:write,chat:write.public,users:read,channels:history,groups:history",
                "bot_user_id": f"UBOT-{workspace.key}",
                "team": team,
                "enterprise": enterprise,
                "is_enterprise_install": workspace.org,
                **self._new_token(workspace),
            }
        )

    def add_message(self, channel: str, text: str, user: str = "U9", thread_ts: str | None = None) -> str:
        """A person's message in ``channel`` (in a thread when ``thread_ts``); its ``ts``."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        message: dict[str, Any] = {"type": "message", "ts": f"{self._last_ts:.6f}", "user": user, "text": text}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.posted.append({**message, "channel": channel})
        return str(message["ts"])

    def issue_response_url(self) -> str:
        rid = uuid.uuid4().hex
        self._responses[rid] = (self.clock(), 0)
        return f"{self.base}/respond/{rid}"

    def api_calls(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.path == f"/api/{method}"]

    def responses(self) -> list[Call]:
        return [c for c in self.calls if c.path.startswith("/respond/")]

    async def push_envelope(self, payload: dict[str, Any], kind: str = "slash_commands") -> str:
        envelope_id = uuid.uuid4().hex
        message = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
        open_ = [n for n, ws in enumerate(self._sockets) if not ws.closed]
        if not open_:
            raise RuntimeError("no Socket Mode connection is open")
        index = open_[len(self.delivered) % len(open_)]
        self.delivered.append((envelope_id, index))
        await self._sockets[index].send_str(json.dumps(message))
        return envelope_id

    # --- rules ----------------------------------------------------------------------------------

    @staticmethod
    def invalid_blocks(blocks: Any, limit: int = 50) -> bool:
        """Whether Slack refuses these blocks: more than ``limit`` (a message 50, a Home tab 100), or one too long."""
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not blocks:
            return False
        if len(blocks) > limit:
            return True
        for b in blocks:
            if b.get("type") == "header" and len(b["text"]["text"]) > 150:
                return True
            if b.get("type") == "section" and len((b.get("text") or {}).get("text", "")) > 3000:
                return True
            if b.get("type") == "context" and any(len(e.get("text", "")) > 3000 for e in b.get("elements", [])):
                return True
        return False

    # --- handlers -------------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.method == "GET":
            return dict(request.query)
        raw = await request.read()
        # Slack reads arguments from the query string too (slack_sdk sends some methods' there).
        if request.content_type == "application/json":
            return {**dict(request.query), **json.loads(raw or b"{}")}
        return {**dict(request.query), **{k: v[0] for k, v in parse_qs(raw.decode()).items()}}

    async def _api(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        method = request.match_info["method"]
        self.calls.append(Call(request.method, request.path, dict(request.headers), body, self.clock()))
        if self._failures:
            return web.json_response({"ok": False, "error": "fatal_error"}, status=self._failures.pop(0))
        if self._ratelimit:
            retry = self._ratelimit.pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry)}
            )
        if method == "oauth.v2.access":
            return self._oauth_access(request, body)
        token = self.token_of(self.calls[-1]) or str(body.get("token") or "")
        owner = self.tokens.get(token)
        if self.check_tokens and method != "apps.connections.open" and owner is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            if owner is not None:
                return web.json_response(
                    {
                        "ok": True,
                        "user_id": f"UBOT-{owner.key}",
                        "team_id": owner.team_id,
                        "enterprise_id": owner.enterprise_id,
                        "bot_id": f"BBOT-{owner.key}",
                        "user": "briefbot",
                        "is_enterprise_install": owner.org,
                    }
                )
            return web.json_response(
                {"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "BBOT", "user": "briefbot"}
            )
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": self.base.replace("http", "ws") + "/link"})
        if method == "users.info":
            user = body.get("user", "")
            return web.json_response({"ok": True, "user": {"id": user, "is_admin": user in self.admins}})
        if method == "chat.postMessage":
            if self.invalid_blocks(body.get("blocks")):
                return web.json_response({"ok": False, "error": "invalid_blocks"})
            # Real-looking timestamps (history is asked for messages after a time), strictly increasing.
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            ts = f"{self._last_ts:.6f}"
            message = {"type": "message", "ts": ts, "user": "UBOT", "bot_id": "BBOT", "text": body.get("text", "")}
            if body.get("thread_ts"):
                message["thread_ts"] = body["thread_ts"]
            if body.get("metadata"):
                meta = body["metadata"]
                message["metadata"] = json.loads(meta) if isinstance(meta, str) else meta
            self.posted.append({**message, "channel": body.get("channel")})
            if self.after_post is not None:
                await self.after_post(message)
            if await self.faults.apply(request):
                return web.Response()
            return web.json_response({"ok": True, "channel": body.get("channel"), "ts": ts, "message": message})
        if method == "usergroups.list":
            return web.json_response({"ok": True, "usergroups": self.usergroups})
        if method == "views.publish":
            view = body.get("view")
            view = json.loads(view) if isinstance(view, str) else view or {}
            if view.get("type") != "home" or self.invalid_blocks(view.get("blocks"), limit=100):
                return web.json_response({"ok": False, "error": "invalid_arguments"})
            self.views[str(body.get("user_id") or "")] = view
            return web.json_response({"ok": True, "view": {"id": "V1", **view}})
        if method == "conversations.open":
            # A person's direct message channel with the bot: one per person, as Slack keeps it.
            users = str(body.get("users") or "")
            if not users or "," in users:
                return web.json_response({"ok": False, "error": "users_list_not_supplied"})
            return web.json_response({"ok": True, "channel": {"id": f"D{users}", "is_im": True}})
        if method in ("conversations.history", "conversations.replies"):
            return web.json_response({"ok": True, "messages": self._history(method, body), "has_more": False})
        return web.json_response({"ok": False, "error": "unknown_method"})

    def _history(self, method: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Newest first (history) or parent then replies (replies); metadata only when asked for."""
        channel = [m for m in self.posted if m["channel"] == body.get("channel")]
        oldest = float(body.get("oldest") or 0)
        latest = float(body.get("latest") or "inf")
        inclusive = str(body.get("inclusive", "")).lower() in ("1", "true")

        def within(m: dict[str, Any]) -> bool:
            ts = float(m["ts"])
            return (ts > oldest or (inclusive and ts == oldest)) and (ts < latest or (inclusive and ts == latest))

        if method == "conversations.history":
            found = [m for m in reversed(channel) if ("thread_ts" not in m or m["thread_ts"] == m["ts"]) and within(m)]
            found = found[: int(body.get("limit") or 100)]
        else:
            found = [
                m for m in channel if (m["ts"] == body.get("ts") or m.get("thread_ts") == body.get("ts")) and within(m)
            ]
        with_meta = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        return [{k: v for k, v in m.items() if k != "channel" and (with_meta or k != "metadata")} for m in found]

    async def _respond(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self.calls.append(Call("POST", request.path, dict(request.headers), body, self.clock()))
        rid = request.match_info["rid"]
        if rid not in self._responses:
            return web.json_response({"ok": False, "error": "no_such_url"}, status=404)
        issued, used = self._responses[rid]
        if used >= 5:
            return web.json_response({"ok": False, "error": "used_url"}, status=404)
        if self.clock() - issued > 30 * 60:
            return web.json_response({"ok": False, "error": "expired_url"}, status=404)
        if self.invalid_blocks(body.get("blocks")):
            return web.json_response({"ok": False, "error": "invalid_blocks"}, status=400)
        self._responses[rid] = (issued, used + 1)
        self.answered.append(body)
        if await self.faults.apply(request):
            return web.Response()
        return web.json_response({"ok": True})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        live = sum(not w.closed for w in self._sockets)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": live, "debug_info": {"host": "fake"}}))
        self.connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                if "envelope_id" in data:
                    self.acks.append(data)
                    self.acked.set()
        return ws
