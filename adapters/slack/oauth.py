"""OAuth mode: "Add to Slack" for many workspaces, on slack-bolt's own flow and briefbot's database.

- :class:`InstallationStore` and :class:`StateStore` implement slack_sdk's async store interfaces on
  briefbot's :class:`~bot.storage.Store` (SQLite or PostgreSQL, whichever is configured), so every
  instance sharing the database knows every installation, and an OAuth ``state`` issued by one
  instance is good once on any of them.
- Installations are kept as JSON, sealed with ``BRIEFBOT_SECRET_KEY`` (:mod:`bot.sealing`): a dump of
  the database shows no token. The bot row is the truth for the bot token (a rotated token is saved
  there, and merged into the installation rows when they are read).
- :class:`WorkspaceClients` gives the scheduler a Web API client holding the bot token of a
  channel's workspace, refreshed first when token rotation is on and it is about to expire.
- A channel's workspace key is its team id; under Enterprise Grid it is ``enterprise/team``, so an
  organisation-wide uninstall finds every workspace of the organisation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.sealing import Sealer
from bot.storage import InstallationKey, Store

log = logging.getLogger(__name__)

#: The bot scopes briefbot asks for at install (the same as ``slack-manifest.yml``'s).
SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "usergroups:read",
    "channels:history",
    "groups:history",
)
#: Seconds an issued OAuth ``state`` is good for (an installer who takes longer starts again).
STATE_SECONDS = 600
#: Minutes before a rotating bot token expires at which it is refreshed (slack-bolt's default).
ROTATE_BEFORE = 120
PLATFORM = "slack"
STATE_PREFIX = "slack-oauth-state:"


def workspace_key(enterprise_id: str | None, team_id: str | None) -> str:
    """A channel's workspace as stored: ``team``, or ``enterprise/team`` under Enterprise Grid."""
    return f"{enterprise_id}/{team_id or ''}" if enterprise_id else team_id or ""


def split_workspace(workspace: str) -> tuple[str | None, str | None]:
    """``(enterprise_id, team_id)`` of a workspace key."""
    enterprise, _, team = workspace.rpartition("/")
    return enterprise or None, team or None


def _jsonable(value: Any) -> Any:  # noqa: ANN401 - slack_sdk's models hold datetimes among plain values
    return value.isoformat() if isinstance(value, dt.datetime) else value


class InstallationStore(AsyncInstallationStore):
    """slack_sdk's installation store on briefbot's database, tokens sealed."""

    def __init__(self, store: Store, sealer: Sealer) -> None:
        """Keep installations in ``store``, sealed by ``sealer``."""
        self.store = store
        self.sealer = sealer

    @property
    def logger(self) -> logging.Logger:
        """The logger slack_sdk asks of a store."""
        return log

    @staticmethod
    def _key(
        enterprise_id: str | None, team_id: str | None, user_id: str | None, kind: str, org: bool
    ) -> InstallationKey:
        return InstallationKey(PLATFORM, enterprise_id or "", "" if org else team_id or "", user_id or "", kind)

    async def _put(self, key: InstallationKey, data: dict[str, Any]) -> None:
        plain = json.dumps({k: _jsonable(v) for k, v in data.items()})
        await self.store.put_installation(key, self.sealer.seal(plain))

    async def _get(self, key: InstallationKey) -> dict[str, Any] | None:
        stored = await self.store.get_installation(key)
        if stored is None:
            return None
        found: dict[str, Any] = json.loads(self.sealer.open(stored))
        return found

    async def async_save(self, installation: Installation) -> None:
        """Save an installation: for its installer, as the workspace's latest, and its bot."""
        data = installation.to_dict_for_copying()
        org = bool(installation.is_enterprise_install)
        for user in (installation.user_id, ""):
            await self._put(
                self._key(installation.enterprise_id, installation.team_id, user, "installation", org), data
            )
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a workspace's (or organisation's) bot."""
        org = bool(bot.is_enterprise_install)
        await self._put(self._key(bot.enterprise_id, bot.team_id, "", "bot", org), bot.to_dict_for_copying())

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The bot of a workspace, or of an organisation-wide install."""
        data = await self._get(self._key(enterprise_id, team_id, "", "bot", bool(is_enterprise_install)))
        return Bot(**data) if data is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """An installer's installation (``user_id``), or the workspace's latest; its bot token the newest."""
        org = bool(is_enterprise_install)
        data = await self._get(self._key(enterprise_id, team_id, user_id, "installation", org))
        if data is None:
            return None
        bot = await self._get(self._key(enterprise_id, team_id, "", "bot", org))
        if bot is not None:  # a rotated token is saved on the bot first
            for field in ("bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token"):
                data[field] = bot.get(field)
            data["bot_token_expires_at"] = bot.get("bot_token_expires_at")
        return Installation(**data)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete a workspace's bot (``team_id`` None: the organisation's)."""
        await self.store.delete_installations(PLATFORM, enterprise_id or "", team_id, kind="bot")

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Delete a workspace's installations, or one installer's."""
        await self.store.delete_installations(
            PLATFORM, enterprise_id or "", team_id, user_id=user_id, kind="installation"
        )

    async def delete_everywhere(self, enterprise_id: str | None, team_id: str | None) -> int:
        """Delete every record of a workspace (``team_id`` None: of the whole organisation); how many."""
        if enterprise_id is None and team_id is None:
            return 0  # no workspace named: never every installation outside Enterprise Grid
        return await self.store.delete_installations(PLATFORM, enterprise_id or "", team_id)


async def reseal(store: Store, sealer: Sealer) -> tuple[int, int]:
    """Open every stored installation, sealing again those not sealed with the first key: (kept, resealed).

    Raises :class:`~bot.sealing.SecretKeyError` when the key cannot open one (before anything starts).
    """
    records = await store.installations(PLATFORM)
    changed = 0
    for key, stored in records:
        fresh = sealer.reseal(stored)
        if fresh is not None:
            await store.put_installation(key, fresh)
            changed += 1
    return len(records), changed


class StateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values on briefbot's database: each good once, on any instance, for 10 minutes."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime], seconds: int = STATE_SECONDS) -> None:
        """Issue states into ``store`` that are good for ``seconds``."""
        self.store = store
        self.clock = clock
        self.seconds = seconds

    @property
    def logger(self) -> logging.Logger:
        """The logger slack_sdk asks of a store."""
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:  # noqa: ANN401 - slack_sdk's signature
        """A new state, remembered until it runs out."""
        state = secrets.token_urlsafe(24)
        now = self.clock()
        await self.store.once(STATE_PREFIX + state, now, now + dt.timedelta(seconds=self.seconds))
        return state

    async def async_consume(self, state: str) -> bool:
        """Whether ``state`` was issued here and not used or run out; it is used up either way."""
        return await self.store.consume(STATE_PREFIX + state, self.clock())


class WorkspaceClients:
    """A Web API client for a workspace's bot token (refreshed first when it rotates and is due)."""

    def __init__(
        self,
        installations: InstallationStore,
        make: Callable[[str], AsyncWebClient],
        rotator: AsyncTokenRotator,
    ) -> None:
        """``make(token)``: a client for a token (the adapter's retry policy and base URL)."""
        self.installations = installations
        self._make = make
        self.rotator = rotator
        self._clients: dict[str, tuple[str, AsyncWebClient]] = {}

    async def bot(self, workspace: str) -> Bot | None:
        """The bot installed in ``workspace`` (or in its organisation), or ``None`` when uninstalled."""
        enterprise, team = split_workspace(workspace)
        found = await self.installations.async_find_bot(enterprise_id=enterprise, team_id=team)
        if found is None and enterprise is not None:
            found = await self.installations.async_find_bot(
                enterprise_id=enterprise, team_id=None, is_enterprise_install=True
            )
        return found

    async def client(self, workspace: str) -> AsyncWebClient | None:
        """A client for ``workspace``'s bot, or ``None`` when briefbot is not installed there."""
        bot = await self.bot(workspace)
        if bot is None:
            return None
        if bot.bot_refresh_token:
            refreshed = await self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=ROTATE_BEFORE)
            if refreshed is not None:
                await self.installations.async_save_bot(refreshed)
                bot = refreshed
        token = bot.bot_token or ""
        held = self._clients.get(workspace)
        if held is None or held[0] != token:  # a new install or a rotated token: a new client
            held = self._clients[workspace] = (token, self._make(token))
        return held[1]
