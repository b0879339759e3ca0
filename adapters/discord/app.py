"""The Discord adapter: discord.py 2.x ``app_commands``, embeds, and digests posted to channels.

- Slash commands ``/brief``, ``/quotes``, ``/actors``, ``/digest``, ``/watch``, ``/unwatch`` (answered to
  the asker alone), ``/help``, the ``/feeds`` group (``subscribe``, ``unsubscribe``, ``list``) and
  ``/schedule`` (IANA time zone autocomplete). The
  config commands carry ``default_member_permissions`` Manage Server and are checked again at run time.
- Every command defers first (``defer(thinking=True)``, well inside Discord's 3 s), then edits the
  original response with the result (follow-ups for further messages); an error replaces the
  "thinking" message with an ephemeral one. ``/help`` answers at once, ephemeral.
- Daily digests (:meth:`DiscordAdapter.post`): a headline message, then a thread on it (when the
  channel allows threads) with one embed per story; sends are paced and discord.py waits out 429s.
- Intents: ``GUILDS`` only, nothing privileged. Commands are synced explicitly (``briefbot discord
  sync [--guild ID]``), never on start. ``DISCORD_SHARD_COUNT`` > 0 runs an ``AutoShardedClient``
  holding the shards of ``DISCORD_SHARD_IDS`` (all by default): several processes split a large bot's
  servers between them, and any of them posts any channel's digest (posting is REST, not gateway).
- ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL`` point discord.py at a REST or gateway proxy (or a
  local fake). discord.py has no option for this, so :func:`point_at` sets its two class attributes,
  once, from the composition root.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import re
import types
import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import aiohttp
import discord
import yarl
from discord import app_commands

from adapters.discord.render import cut, pack, render, render_alert, story_embeds
from adapters.discord.render import digest_headline as headline_embeds
from bot.commands import first_link, message_command, parse_command
from bot.core import Core, post_digest
from bot.errors import UserError
from bot.model import (
    STORY_ACTIONS,
    BriefReply,
    ChannelRef,
    DigestReply,
    Reply,
    TextReply,
    WatchAlert,
    story_ref,
)
from bot.retry import with_retries

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = "wss://gateway.discord.gg/"
MANAGE = discord.Permissions(manage_guild=True)
#: The invite link's permissions: view channels, send messages, embed links, threads, and read the
#: history (after a crash mid-digest the bot looks for its last message before posting it again).
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    create_public_threads=True,
    send_messages_in_threads=True,
    read_message_history=True,
)
#: Discord's error code for "A thread has already been created for this message".
THREAD_EXISTS = 160004
_ZONES = sorted(zoneinfo.available_timezones())
_DAY_CHOICES = ("daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "mon-sat")


def point_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST calls to ``api_base`` and its gateway connection to ``gateway_url``."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def invite_url(application_id: int | str) -> str:
    """The URL that adds the bot to a server with the permissions and scopes it needs."""
    return discord.utils.oauth_url(
        int(application_id), permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )


def _signature(content: str | None, embeds: list[tuple[str | None, str | None]]) -> tuple[object, ...]:
    """What identifies a posted message: Discord trims text, so compare it stripped."""
    return ((content or "").strip(), tuple(((t or "").strip(), (d or "").strip()[:200]) for t, d in embeds))


def _transient(err: BaseException) -> bool:
    """Worth another try: a lost connection, a timeout, a 5xx (discord.py already waits out 429s)."""
    return isinstance(err, aiohttp.ClientError | TimeoutError | discord.DiscordServerError)


def _message_text(message: discord.Message) -> str:
    """What a message says: its text, or the link of its first embed (a link preview) when it has none."""
    text = message.content or ""
    if first_link(text) is None:
        for embed in message.embeds:
            if embed.url:
                return f"{text} {embed.url}".strip()
    return text


_Item = TypeVar("_Item", bound=discord.ui.DynamicItem[Any])

#: A share button's custom_id: the message whose brief it shares (Discord keeps custom_ids to 100 characters).
SHARE_ID = "briefbot:share:{message}"
SHARE_TEMPLATE = r"briefbot:share:(?P<message>[0-9]{1,20})"


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=SHARE_TEMPLATE):
    """The persistent "Share in thread" button under a brief shown to one person (see :func:`share_button`)."""

    #: The adapter that answers the click (set by :func:`share_button`).
    bound: ClassVar[DiscordAdapter | None] = None

    def __init__(self, message_id: int) -> None:
        """A button sharing the brief of the message ``message_id``."""
        super().__init__(
            discord.ui.Button(
                label="Share in thread",
                style=discord.ButtonStyle.primary,
                custom_id=SHARE_ID.format(message=message_id),
            )
        )
        self.message_id = message_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        """The button of a click, rebuilt from its custom_id (after a restart too)."""
        return cls(int(match["message"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Share the brief in the message's thread."""
        if self.bound is not None:
            await self.bound.share(interaction, self.message_id)


def _bound(item: type[_Item], template: str, adapter: DiscordAdapter) -> type[_Item]:
    """``item`` answered by ``adapter``.

    A subclass per adapter (no state shared between bots), declaring the template discord.py routes
    its clicks by.
    """
    return types.new_class(
        f"Bound{item.__name__}", (item,), {"template": template}, lambda ns: ns.update(bound=adapter)
    )


def share_button(adapter: DiscordAdapter) -> type[ShareButton]:
    """:class:`ShareButton` answered by ``adapter``."""
    return _bound(ShareButton, SHARE_TEMPLATE, adapter)


#: A digest story button's custom_id: what it asks, the digest's day, the story's number.
STORY_ID = "briefbot:story:{action}:{day}:{n}"
STORY_TEMPLATE = (
    r"briefbot:story:(?P<action>brief|quotes|sources):(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2}):(?P<n>[0-9]{1,3})"
)
STORY_LABELS = {"brief": "Brief", "quotes": "Quotes", "sources": "Sources"}


class StoryButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=STORY_TEMPLATE):
    """A button under a digest story (see :func:`story_button`), answered from the stored digest plan."""

    bound: ClassVar[DiscordAdapter | None] = None

    def __init__(self, action: str, day: str, n: int) -> None:
        """The ``action`` button of story ``n`` of the digest of ``day``."""
        super().__init__(
            discord.ui.Button(
                label=STORY_LABELS[action],
                style=discord.ButtonStyle.secondary,
                custom_id=STORY_ID.format(action=action, day=day, n=n),
            )
        )
        self.action, self.day, self.n = action, day, n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StoryButton:
        """The button of a click, rebuilt from its custom_id (after a restart, days later)."""
        return cls(match["action"], match["day"], int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the click."""
        if self.bound is not None:
            await self.bound.story(interaction, self.action, self.day, self.n)


def story_button(adapter: DiscordAdapter) -> type[StoryButton]:
    """:class:`StoryButton` answered by ``adapter``."""
    return _bound(StoryButton, STORY_TEMPLATE, adapter)


def to_discord(message: dict[str, Any]) -> dict[str, Any]:
    """A rendered message as discord.py keyword arguments."""
    return {"content": message.get("content"), "embeds": [discord.Embed.from_dict(e) for e in message["embeds"]]}


class DiscordAdapter:
    """The bot: a discord.py client with our command tree, and the publisher of digests."""

    def __init__(
        self,
        core: Core,
        *,
        shard_count: int = 0,
        shard_ids: tuple[int, ...] = (),
        pace: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **client_options: Any,  # noqa: ANN401 - passed to discord.Client (tests set guild_ready_timeout)
    ) -> None:
        """Build the client and register the commands; nothing connects until :meth:`run`."""
        self.core = core
        self.pace = pace
        self._sleep = sleep
        intents = discord.Intents.none()
        intents.guilds = True
        # Nothing briefbot sends pings anyone (an article or a command may hold "@everyone"), except the
        # roles a digest story names on purpose (``--mention``), allowed message by message.
        client_options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        if shard_count and shard_ids:
            client_options["shard_ids"] = list(shard_ids)
        self.client: discord.Client = (
            discord.AutoShardedClient(intents=intents, shard_count=shard_count, **client_options)
            if shard_count
            else discord.Client(intents=intents, **client_options)
        )
        self.tree = app_commands.CommandTree(self.client)
        self.errors: list[BaseException] = []
        self.tree.error(self._on_error)
        self._register()
        # Buttons keep working after a restart: discord.py routes a click by its custom_id's pattern.
        self._share = share_button(self)
        self._story = story_button(self)
        self.client.add_dynamic_items(self._share, self._story)

    async def _on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        self.errors.append(error)
        log.error("Discord command failed: %r", error)
        if isinstance(error, app_commands.MissingPermissions) and not interaction.response.is_done():
            await interaction.response.send_message("You need the Manage Server permission for that.", ephemeral=True)

    # --- commands --------------------------------------------------------------------------------

    def _register(self) -> None:
        tree = self.tree

        @tree.command(name="brief", description="Summary, key quotes and actors of a news article")
        @app_commands.describe(url_or_text="A news link, or the article's text")
        async def brief(interaction: discord.Interaction, url_or_text: str) -> None:
            await self.answer(interaction, f"brief {url_or_text}")

        @tree.command(name="quotes", description="Every quote of an article with its speaker and role")
        @app_commands.describe(url_or_text="A news link, or the article's text", speaker="Only this speaker's quotes")
        async def quotes(interaction: discord.Interaction, url_or_text: str, speaker: str | None = None) -> None:
            await self.answer(interaction, f"quotes {url_or_text} {speaker or ''}".strip())

        @tree.command(name="actors", description="People, organisations, places and groups of an article")
        @app_commands.describe(url_or_text="A news link, or the article's text")
        async def actors(interaction: discord.Interaction, url_or_text: str) -> None:
            await self.answer(interaction, f"actors {url_or_text}")

        @tree.command(name="digest", description="This channel's news digest now")
        @app_commands.describe(since="How far back, e.g. 12h or 2d (default: since the last digest)")
        async def digest(interaction: discord.Interaction, since: str | None = None) -> None:
            await self.answer(interaction, f"digest {since or ''}".strip())

        @tree.command(name="help", description="What briefbot can do")
        @app_commands.describe(command="One command's help")
        async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
            reply = await self.core.handle(parse_command(f"help {command or ''}", self._channel(interaction)))
            first = render(reply)[0]
            await interaction.response.send_message(**to_discord(first), ephemeral=True)

        feeds = app_commands.Group(
            name="feeds", description="This channel's news feeds", default_permissions=MANAGE, guild_only=True
        )

        @feeds.command(name="subscribe", description="Add an RSS, Atom or JSON feed to this channel's digest")
        @app_commands.describe(
            url="The feed's address",
            include="Keep only items with these words",
            exclude="Drop items with these words",
            mention="A role told when a story from this feed makes the scheduled digest",
        )
        async def subscribe(
            interaction: discord.Interaction,
            url: str,
            include: str | None = None,
            exclude: str | None = None,
            mention: discord.Role | None = None,
        ) -> None:
            text = (
                f"subscribe {url}"
                + (f" --include {include}" if include else "")
                + (f" --exclude {exclude}" if exclude else "")
                + (f" --mention {mention.mention}" if mention is not None else "")
            )
            await self.answer(interaction, text)

        @feeds.command(name="unsubscribe", description="Remove a feed from this channel")
        @app_commands.describe(feed="The feed's address or its id (see /feeds list)")
        async def unsubscribe(interaction: discord.Interaction, feed: str) -> None:
            await self.answer(interaction, f"unsubscribe {feed}")

        @feeds.command(name="list", description="This channel's feeds with their health")
        async def list_(interaction: discord.Interaction) -> None:
            await self.answer(interaction, "feeds")

        tree.add_command(feeds)

        @tree.command(name="schedule", description="When this channel's digest is posted")
        @app_commands.describe(
            time="24-hour time, e.g. 07:30, or off",
            timezone="IANA time zone, e.g. Europe/Berlin",
            days="daily (default), weekdays, weekends, or days such as mon,wed,fri",
        )
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.guild_only()
        async def schedule(
            interaction: discord.Interaction, time: str, timezone: str | None = None, days: str | None = None
        ) -> None:
            await self.answer(interaction, " ".join(w for w in ("schedule", time, timezone, days) if w))

        @schedule.autocomplete("days")
        async def day_sets(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            wanted = current.lower()
            return [app_commands.Choice(name=d, value=d) for d in _DAY_CHOICES if wanted in d][:25]

        @tree.command(name="watch", description="A direct message when this server's feeds bring a story about it")
        @app_commands.describe(about="A person, an organisation or a few words (empty: list your watches)")
        @app_commands.guild_only()
        async def watch(interaction: discord.Interaction, about: str | None = None) -> None:
            await self.answer(interaction, f"watch {about or ''}".strip(), private=True)

        @tree.command(name="unwatch", description="Stop one of your watches")
        @app_commands.describe(watch="The watch's words or id (see /watch), or all")
        @app_commands.guild_only()
        async def unwatch(interaction: discord.Interaction, watch: str) -> None:
            await self.answer(interaction, f"unwatch {watch}", private=True)

        @app_commands.guild_only()
        async def brief_message(interaction: discord.Interaction, message: discord.Message) -> None:
            await self.brief_message(interaction, message)

        tree.add_command(app_commands.ContextMenu(name="Brief", callback=brief_message))

        @schedule.autocomplete("timezone")
        async def zones(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            wanted = current.lower()
            return [app_commands.Choice(name=z, value=z) for z in _ZONES if wanted in z.lower()][:25]

    async def brief_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The "Brief" context menu on a message: its first link (or its text), for the asker only.

        The answer carries a persistent "Share in thread" button.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            cmd = message_command(_message_text(message), self._channel(interaction), str(interaction.user.id))
        except UserError as err:
            reply: Reply = TextReply(str(err), error=True)
        else:
            reply = await self.core.handle(cmd)
        messages = render(reply)
        view = None
        if isinstance(reply, BriefReply):
            view = discord.ui.View(timeout=None)
            view.add_item(self._share(message.id))
        try:
            last = len(messages) - 1
            if view is not None and last == 0:
                await interaction.edit_original_response(**to_discord(messages[0]), view=view)
            else:
                await interaction.edit_original_response(**to_discord(messages[0]))
            for n, part in enumerate(messages[1:], 1):
                if view is not None and n == last:
                    await interaction.followup.send(**to_discord(part), ephemeral=True, view=view)
                else:
                    await interaction.followup.send(**to_discord(part), ephemeral=True)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as err:
            self.errors.append(err)
            log.error("Discord reply failed: %s", err)

    async def share(self, interaction: discord.Interaction, message_id: int) -> None:
        """The share button: the brief shown to its asker goes to the thread of the message it briefs."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        shown = interaction.message
        embeds = list(shown.embeds) if shown is not None else []
        if not embeds or interaction.channel_id is None:
            await interaction.followup.send("There is no brief to share here any more.", ephemeral=True)
            return
        try:
            thread = await self._thread_of(interaction.channel_id, message_id, embeds[0].title or "Brief")
            await thread.send(embeds=embeds)
        except discord.Forbidden:
            await interaction.followup.send("briefbot may not open a thread or post in it here.", ephemeral=True)
            return
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as err:
            log.warning("sharing a brief in %s failed: %s", interaction.channel_id, err)
            await interaction.followup.send("Discord did not take the brief; please try again.", ephemeral=True)
            return
        await interaction.followup.send("Shared in the thread.", ephemeral=True)

    async def story(self, interaction: discord.Interaction, action: str, day: str, n: int) -> None:
        """A digest story's button: the answer goes to the one who clicked (ephemeral, as in Slack)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            when = dt.date.fromisoformat(day)
        except ValueError:
            reply: Reply = TextReply("That button is not one of briefbot's.", error=True)
        else:
            # The stories sit in the digest's thread: the digest is its parent channel's.
            where = interaction.channel
            parent = where.parent_id if isinstance(where, discord.Thread) else interaction.channel_id
            channel = ChannelRef("discord", str(parent or ""), str(interaction.guild_id or ""))
            reply = await self.core.story_action(channel, when, n, action, str(interaction.user.id))
        messages = render(reply)
        try:
            await interaction.followup.send(**to_discord(messages[0]), ephemeral=True)
            for part in messages[1:]:
                await interaction.followup.send(**to_discord(part), ephemeral=True)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as err:
            self.errors.append(err)
            log.error("Discord reply failed: %s", err)

    async def _thread_of(self, channel_id: int, message_id: int, title: str) -> discord.abc.Messageable:
        """The thread on a message: opened now, or the one it has (a thread takes its message's id)."""
        channel = await self._messageable(str(channel_id))
        if isinstance(channel, discord.Thread):  # the message is itself in a thread
            return channel
        if not isinstance(channel, discord.TextChannel):
            return channel
        try:
            return await channel.get_partial_message(message_id).create_thread(name=cut(title, 100))
        except discord.HTTPException as err:
            if err.code != THREAD_EXISTS:
                raise
            return await self._messageable(str(message_id))

    def _channel(self, interaction: discord.Interaction) -> ChannelRef:
        return ChannelRef("discord", str(interaction.channel_id or ""), str(interaction.guild_id or ""))

    async def answer(self, interaction: discord.Interaction, text: str, *, private: bool = False) -> None:
        """Defer, run the command through the core, then edit the response (errors ephemeral).

        ``private``: the whole answer is ephemeral (a person's own watches are nobody else's business).
        """
        await interaction.response.defer(thinking=True, ephemeral=private)
        is_admin = bool(getattr(interaction.permissions, "manage_guild", False))
        try:
            cmd = parse_command(text, self._channel(interaction), str(interaction.user.id), is_admin=is_admin)
        except UserError as err:
            reply: Reply = TextReply(str(err), error=True)
        else:
            reply = await self.core.handle(cmd)
        messages = render(reply)

        async def retrying(call: Callable[[], Awaitable[object]]) -> None:
            await with_retries(call, _transient, what="Discord reply", sleep=self._sleep)

        try:
            if isinstance(reply, TextReply) and reply.error:
                await retrying(interaction.delete_original_response)
                await retrying(functools.partial(interaction.followup.send, **to_discord(messages[0]), ephemeral=True))
                return
            await retrying(functools.partial(interaction.edit_original_response, **to_discord(messages[0])))
            for message in messages[1:]:
                await retrying(functools.partial(interaction.followup.send, **to_discord(message)))
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as err:
            self.errors.append(err)
            log.error("Discord reply failed: %s", err)

    async def direct(self, alert: WatchAlert) -> None:
        """Send a watch's alert to its person as a direct message."""
        ident = int(alert.watch.user)
        user = self.client.get_user(ident) or await self.client.fetch_user(ident)
        for message in render_alert(alert):
            await with_retries(
                functools.partial(user.send, **to_discord(message)), _transient, what="Discord DM", sleep=self._sleep
            )

    # --- digests ---------------------------------------------------------------------------------

    async def _send(self, target: discord.abc.Messageable, message: dict[str, Any]) -> discord.Message:
        extra: dict[str, Any] = {}
        if message.get("roles"):
            extra["allowed_mentions"] = discord.AllowedMentions(
                roles=[discord.Object(int(r)) for r in message["roles"]]
            )
        if message.get("buttons"):
            day, n = message["buttons"]
            view = discord.ui.View(timeout=None)
            for action in STORY_ACTIONS:
                view.add_item(self._story(action, str(day), int(n)))
            extra["view"] = view
        sent = await target.send(**to_discord(message), **extra)
        await self._sleep(self.pace)
        return sent

    async def _messageable(self, ident: str) -> discord.abc.Messageable:
        found = self.client.get_channel(int(ident)) or await self.client.fetch_channel(int(ident))
        if not isinstance(found, discord.abc.Messageable):
            raise TypeError(f"channel {ident} cannot receive messages")
        return found

    async def post(self, channel: ChannelRef, reply: Reply) -> None:
        """Publish a reply in a channel: a digest as a headline with a thread of stories."""
        if not isinstance(reply, DigestReply):
            target = await self._messageable(channel.id)
            for message in render(reply):
                await self._send(target, message)
            return
        await post_digest(self, channel, reply)

    def plan(self, reply: DigestReply) -> list[dict[str, Any]]:
        """A digest's messages: the headline (in the channel), then the stories (in its thread).

        A scheduled digest gives each story a message of its own with its buttons (Brief, Quotes,
        Sources), and the story reference the buttons are answered from (kept in the plan, not sent).
        """
        digest = reply.digest
        head = pack(headline_embeds(digest, reply.failed_feeds))
        if reply.run_day is None:
            return head + pack([e for n, story in enumerate(digest.stories, 1) for e in story_embeds(n, story)])
        day = reply.run_day.isoformat()
        for n, story in enumerate(digest.stories, 1):
            mention = reply.mentions[n - 1] if n <= len(reply.mentions) else ""
            parts = pack(story_embeds(n, story), mention or None)
            if mention:  # the roles of the feeds that carried it, allowed to be notified by this message only
                parts[0] = {**parts[0], "roles": re.findall(r"<@&(\d+)>", mention)}
            parts[-1] = {**parts[-1], "story": story_ref(story, n), "buttons": [day, n]}
            head += parts
        return head

    async def send(self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str) -> str:
        """Post one digest message; for the first, the id of the thread opened on it (or of the channel)."""
        if anchor:
            return str((await self._send(await self._messageable(anchor), message)).id)
        head = await self._send(await self._messageable(channel.id), message)
        return await self._thread_on(head, message)

    async def find(
        self, channel: ChannelRef, message: dict[str, Any], anchor: str, key: str, since: dt.datetime
    ) -> str | None:
        """This bot's copy of ``message`` posted since ``since`` (matched by its text and embed titles)."""
        me = self.client.user
        want = _signature(message.get("content"), [(e.get("title"), e.get("description")) for e in message["embeds"]])
        target = await self._messageable(anchor or channel.id)
        async for found in target.history(after=since, oldest_first=True, limit=200):
            got = _signature(found.content, [(e.title, e.description) for e in found.embeds])
            if me is not None and found.author.id == me.id and got == want:
                return str(found.id) if anchor else await self._thread_on(found, message)
        return None

    async def _thread_on(self, head: discord.Message, message: dict[str, Any]) -> str:
        """Where the rest of a digest goes: a thread on its first message, else that message's channel."""
        title = message["embeds"][0].get("title") if message["embeds"] else None
        try:
            thread = await head.create_thread(name=cut(title or "News digest", 100))
        except discord.HTTPException as err:
            if err.code == THREAD_EXISTS:
                return str(head.id)  # opened before a restart; a thread's id is its first message's
            return str(head.channel.id)  # no threads here (missing permission, a forum, a thread itself)
        except (AttributeError, ValueError):
            return str(head.channel.id)  # a DM
        return str(thread.id)

    # --- running ---------------------------------------------------------------------------------

    async def sync(self, guild: int | None = None) -> list[app_commands.AppCommand]:
        """Register the commands with Discord: in one guild (instant) or globally."""
        if guild is not None:
            target = discord.Object(id=guild)
            self.tree.copy_global_to(guild=target)
            return await self.tree.sync(guild=target)
        return await self.tree.sync()

    async def run(self, token: str, ready: asyncio.Event | None = None) -> None:
        """Log in, connect to the gateway and serve until cancelled."""
        async with self.client:
            await self.client.login(token)
            connection = asyncio.create_task(self.client.connect())
            try:
                if ready is not None:
                    done, _pending = await asyncio.wait(
                        {connection, asyncio.create_task(self.client.wait_until_ready())},
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    if connection in done:
                        await connection  # it ended before READY: raise its error
                    ready.set()
                await connection
            finally:
                connection.cancel()
                await asyncio.gather(connection, return_exceptions=True)
