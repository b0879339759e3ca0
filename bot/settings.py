"""All of briefbot's settings, read in one place: the environment, then a ``.env`` file.

This module is the only reader of ``os.environ`` in the project. :meth:`Settings.load` is called once,
by the composition root; everything else receives the frozen :class:`Settings` it builds. Each field's
environment variable, default and help text are declared once, in :data:`FIELDS`, which
``.env.example`` and README's "Configuration" table are checked against.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.methods import METHODS


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Field:
    """One setting: its variable, default (as written in ``.env``) and what it is for."""

    env: str
    default: str
    help: str


FIELDS: dict[str, Field] = {
    "spacy_model": Field(
        "BRIEFBOT_SPACY_MODEL",
        "",
        "spaCy model package or path; empty: en_core_web_sm if installed, else its bundled re-upload",
    ),
    "summary_sentences": Field("BRIEFBOT_SUMMARY_SENTENCES", "3", "sentences in a summary (1-20)"),
    "summary_method": Field(
        "BRIEFBOT_SUMMARY_METHOD", "news", "news (default), lead, or a sumy algorithm: lexrank, textrank, ..."
    ),
    "max_article_chars": Field(
        "BRIEFBOT_MAX_ARTICLE_CHARS", "300000", "longer articles are refused (parsing is ~3,000 words/s)"
    ),
    "workers": Field("BRIEFBOT_WORKERS", "0", "processes for batch work; 0: one per CPU core"),
    "log_level": Field("BRIEFBOT_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    "db": Field(
        "BRIEFBOT_DB",
        "briefbot.sqlite3",
        "the database: a SQLite file, or a postgresql://user:password@host/name URL (see Scaling)",
    ),
    "allow_private_networks": Field(
        "BRIEFBOT_ALLOW_PRIVATE_NETWORKS",
        "false",
        "true lets the fetcher reach loopback and private addresses (tests and local demos only; "
        "link-local and cloud metadata addresses stay refused)",
    ),
    "fetch_timeout": Field("BRIEFBOT_FETCH_TIMEOUT", "15", "seconds a page or feed download may take in all"),
    "min_download_rate": Field(
        "BRIEFBOT_MIN_DOWNLOAD_RATE",
        "20",
        "KB/s a download must average once BRIEFBOT_SLOW_AFTER has passed, or it is dropped as too slow. Why 20: "
        "real news pages weigh 100 KB (median of ../shared/eval/extract) to 1.4 MB (largest); at 20 KB/s the "
        "median one arrives in 5 s, and a site that slow fails its own readers, while a page that drips "
        "10 KB/s is dropped at 3 s instead of holding a chat user for the whole download limit",
    ),
    "slow_after": Field(
        "BRIEFBOT_SLOW_AFTER", "3", "seconds of a download before its rate counts (a slow start is no fault)"
    ),
    "extract_timeout": Field("BRIEFBOT_EXTRACT_TIMEOUT", "20", "seconds text extraction of one page may take"),
    "max_page_bytes": Field("BRIEFBOT_MAX_PAGE_BYTES", "5000000", "largest page or feed read, after decompression"),
    "feed_items": Field("BRIEFBOT_FEED_ITEMS", "50", "newest items taken from one feed per poll"),
    "digest_stories": Field("BRIEFBOT_DIGEST_STORIES", "8", "stories in a daily digest"),
    "slack_mode": Field("SLACK_MODE", "socket", "socket (default: no public URL needed) or http (POST /slack/events)"),
    "slack_bot_token": Field(
        "SLACK_BOT_TOKEN", "", "the bot token (xoxb-...) from the Slack app's OAuth & Permissions page"
    ),
    "slack_app_token": Field(
        "SLACK_APP_TOKEN", "", "the app-level token (xapp-..., connections:write) for Socket Mode"
    ),
    "slack_signing_secret": Field("SLACK_SIGNING_SECRET", "", "the signing secret, for HTTP mode"),
    "slack_api_url": Field("SLACK_API_URL", "https://slack.com/api/", "Slack Web API base URL (proxies, GovSlack)"),
    "slack_client_id": Field(
        "SLACK_CLIENT_ID",
        "",
        "OAuth mode, for many workspaces (an 'Add to Slack' page at /slack/install; HTTP mode, no SLACK_BOT_TOKEN): "
        "the app's client id (Basic Information > App Credentials)",
    ),
    "slack_client_secret": Field("SLACK_CLIENT_SECRET", "", "OAuth mode: the app's client secret"),
    "slack_redirect_uri": Field(
        "SLACK_REDIRECT_URI",
        "",
        "OAuth mode: the public https URL of /slack/oauth_redirect, as listed in the app's Redirect URLs "
        "(empty: the app's only one)",
    ),
    "secret_key": Field(
        "BRIEFBOT_SECRET_KEY",
        "",
        "seals the Slack tokens stored in OAuth mode (a Fernet key: `briefbot secret-key` prints a new one); "
        "several, comma-separated: the first seals, all open (to replace a key)",
    ),
    "discord_token": Field(
        "DISCORD_TOKEN", "", "the bot token from the Discord developer portal; turns the Discord adapter on"
    ),
    "discord_api_base": Field(
        "DISCORD_API_BASE", "https://discord.com/api/v10", "Discord REST base URL (a rate-limit proxy, or a local fake)"
    ),
    "discord_gateway_url": Field(
        "DISCORD_GATEWAY_URL", "wss://gateway.discord.gg/", "Discord gateway URL (a gateway proxy, or a local fake)"
    ),
    "discord_shard_count": Field(
        "DISCORD_SHARD_COUNT",
        "0",
        "0: one gateway connection, no sharding; N > 0: the bot's gateway is split into N shards (one per "
        "2,500 servers at most; Discord routes a server to shard (server id >> 22) % N). Formerly DISCORD_SHARDS",
    ),
    "discord_shard_ids": Field(
        "DISCORD_SHARD_IDS",
        "",
        "the shards this process connects, e.g. 0-3 or 0,2,4-5 (empty: all N); several instances split the "
        "shards between them",
    ),
    "http_host": Field(
        "BRIEFBOT_HTTP_HOST", "127.0.0.1", "address the HTTP server (Slack HTTP mode, /healthz) listens on"
    ),
    "http_port": Field("BRIEFBOT_HTTP_PORT", "3000", "port of that HTTP server"),
    "health_port": Field(
        "BRIEFBOT_HEALTH_PORT", "0", "port for GET /healthz and GET /metrics on BRIEFBOT_HTTP_HOST; 0: off"
    ),
    "log_format": Field("BRIEFBOT_LOG_FORMAT", "text", "text, or json (one JSON object per log line)"),
    "refresh_minutes": Field("BRIEFBOT_REFRESH_MINUTES", "15", "minutes between feed polls that brief new items ahead"),
    "user_briefs_per_minute": Field(
        "BRIEFBOT_USER_BRIEFS_PER_MINUTE",
        "10",
        "briefs (brief, quotes, actors) one user may ask for a minute; 0: no limit",
    ),
    "channel_briefs_per_minute": Field(
        "BRIEFBOT_CHANNEL_BRIEFS_PER_MINUTE",
        "30",
        "briefs one channel may ask for a minute; 0: no limit",
    ),
    "max_subscriptions": Field("BRIEFBOT_MAX_SUBSCRIPTIONS", "50", "feeds one channel may subscribe to; 0: no limit"),
    "watch_messages_per_day": Field(
        "BRIEFBOT_WATCH_MESSAGES_PER_DAY",
        "10",
        "direct messages one person's watches may bring in a day (the rest of the day's stories are skipped)",
    ),
    "max_watches": Field("BRIEFBOT_MAX_WATCHES", "25", "watches one person may keep"),
    "instance": Field(
        "BRIEFBOT_INSTANCE",
        "",
        "this instance's name among several sharing one database (empty: the host name; give each process "
        "on one host its own)",
    ),
    "digest_lease": Field(
        "BRIEFBOT_DIGEST_LEASE",
        "120",
        "seconds an instance holds a digest it posts unless it renews the hold (every third of it); another "
        "instance takes over a digest whose holder died after this",
    ),
    "queue": Field(
        "BRIEFBOT_QUEUE",
        "auto",
        "auto: with PostgreSQL, briefs go to `briefbot worker` processes while any is alive (else this "
        "process briefs); off: this process always briefs",
    ),
    "queue_wait": Field(
        "BRIEFBOT_QUEUE_WAIT", "180", "seconds an instance waits for a worker's brief before telling the user to retry"
    ),
    "fetches_per_host": Field(
        "BRIEFBOT_FETCHES_PER_HOST", "4", "downloads from one web host at a time (more wait their turn)"
    ),
    "admins": Field(
        "BRIEFBOT_ADMINS",
        "",
        "comma-separated user ids allowed to change subscriptions and schedules besides platform admins",
    ),
}


@dataclass(frozen=True, slots=True, repr=False)
class Settings:
    """Validated settings; build with :meth:`load` or :meth:`from_mapping`."""

    spacy_model: str | None = None
    summary_sentences: int = 3
    summary_method: str = "news"
    max_article_chars: int = 300_000
    workers: int = 0
    log_level: str = "INFO"
    db: str = "briefbot.sqlite3"
    allow_private_networks: bool = False
    fetch_timeout: float = 15.0
    min_download_rate: int = 20
    slow_after: float = 3.0
    extract_timeout: float = 20.0
    max_page_bytes: int = 5_000_000
    feed_items: int = 50
    digest_stories: int = 8
    admins: frozenset[str] = frozenset()
    user_briefs_per_minute: int = 10
    channel_briefs_per_minute: int = 30
    max_subscriptions: int = 50
    watch_messages_per_day: int = 10
    max_watches: int = 25
    instance: str = ""
    digest_lease: int = 120
    queue: str = "auto"
    queue_wait: int = 180
    fetches_per_host: int = 4
    health_port: int = 0
    log_format: str = "text"
    refresh_minutes: int = 15
    slack_mode: str = "socket"
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = "https://slack.com/api/"
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_redirect_uri: str = ""
    secret_key: tuple[str, ...] = ()
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    discord_token: str = ""
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_shard_count: int = 0
    discord_shard_ids: tuple[int, ...] = ()

    def __repr__(self) -> str:
        """Every setting, with secrets masked (settings are logged at start-up)."""
        shown = ", ".join(
            f"{name}={'***' if name in SECRET_FIELDS and getattr(self, name) else getattr(self, name)!r}"
            for name in FIELDS
        )
        shown = _PASSWORD.sub(r"\1***@", shown)  # postgresql://user:***@host: the URL's password
        return f"Settings({shown})"

    @property
    def instance_name(self) -> str:
        """BRIEFBOT_INSTANCE, or this host's name: stable across restarts, so a restarted bot resumes its own digest."""
        return self.instance or socket.gethostname() or "local"

    @property
    def discord_enabled(self) -> bool:
        """A bot token is set: the Discord adapter runs."""
        return bool(self.discord_token)

    @property
    def slack_enabled(self) -> bool:
        """A bot token or an OAuth client is set: the Slack adapter runs."""
        return bool(self.slack_bot_token or self.slack_oauth)

    @property
    def slack_oauth(self) -> bool:
        """OAuth mode: installed in workspaces through "Add to Slack", a token per workspace."""
        return bool(self.slack_client_id)

    @classmethod
    def load(cls, env_file: Path | None = Path(".env")) -> Settings:
        """Read the process environment, falling back to ``env_file`` for unset variables."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update(read_env_file(env_file))
        values.update({k: v for k, v in os.environ.items() if k.startswith(_PREFIXES)})
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from variables; raises :class:`SettingsError` naming a bad one."""
        raw = {name: env.get(f.env, f.default).strip() for name, f in FIELDS.items()}
        kwargs: dict[str, Any] = {
            "spacy_model": raw["spacy_model"] or None,
            "summary_sentences": _int(raw, "summary_sentences", 1, 20),
            "summary_method": _choice(raw, "summary_method", METHODS),
            "max_article_chars": _int(raw, "max_article_chars", 1_000, 5_000_000),
            "workers": _int(raw, "workers", 0, 64),
            "log_level": _choice(raw, "log_level", ("DEBUG", "INFO", "WARNING", "ERROR"), upper=True),
            "db": _database(raw),
            "allow_private_networks": _bool(raw, "allow_private_networks"),
            "fetch_timeout": float(_int(raw, "fetch_timeout", 1, 300)),
            "min_download_rate": _int(raw, "min_download_rate", 0, 100_000),
            "slow_after": float(_int(raw, "slow_after", 1, 300)),
            "extract_timeout": float(_int(raw, "extract_timeout", 1, 600)),
            "max_page_bytes": _int(raw, "max_page_bytes", 10_000, 100_000_000),
            "feed_items": _int(raw, "feed_items", 1, 1_000),
            "digest_stories": _int(raw, "digest_stories", 1, 30),
            "admins": frozenset(a.strip() for a in raw["admins"].split(",") if a.strip()),
            "user_briefs_per_minute": _int(raw, "user_briefs_per_minute", 0, 10_000),
            "channel_briefs_per_minute": _int(raw, "channel_briefs_per_minute", 0, 10_000),
            "max_subscriptions": _int(raw, "max_subscriptions", 0, 10_000),
            "watch_messages_per_day": _int(raw, "watch_messages_per_day", 1, 1_000),
            "max_watches": _int(raw, "max_watches", 1, 1_000),
            "instance": raw["instance"],
            "digest_lease": _int(raw, "digest_lease", 10, 3_600),
            "queue": _choice(raw, "queue", ("auto", "off")),
            "queue_wait": _int(raw, "queue_wait", 10, 3_600),
            "fetches_per_host": _int(raw, "fetches_per_host", 1, 100),
            "health_port": _int(raw, "health_port", 0, 65535),
            "log_format": _choice(raw, "log_format", ("text", "json")),
            "refresh_minutes": _int(raw, "refresh_minutes", 1, 24 * 60),
            "slack_mode": _choice(raw, "slack_mode", ("socket", "http")),
            "slack_bot_token": raw["slack_bot_token"],
            "slack_app_token": raw["slack_app_token"],
            "slack_signing_secret": raw["slack_signing_secret"],
            "slack_api_url": raw["slack_api_url"] or "https://slack.com/api/",
            "slack_client_id": raw["slack_client_id"],
            "slack_client_secret": raw["slack_client_secret"],
            "slack_redirect_uri": _url(raw, "slack_redirect_uri", ("http://", "https://"))
            if raw["slack_redirect_uri"]
            else "",
            "secret_key": _secret_keys(raw),
            "http_host": raw["http_host"] or "127.0.0.1",
            "http_port": _int(raw, "http_port", 1, 65535),
            "discord_token": raw["discord_token"],
            "discord_api_base": _url(raw, "discord_api_base", ("http://", "https://")),
            "discord_gateway_url": _url(raw, "discord_gateway_url", ("ws://", "wss://")),
        }
        kwargs["discord_shard_count"], kwargs["discord_shard_ids"] = _shards(raw, env)
        _check_slack(kwargs)
        return cls(**kwargs)

    @property
    def worker_count(self) -> int:
        """Processes for batch work, resolving 0 to the machine's core count."""
        return self.workers or (os.cpu_count() or 1)


_PREFIXES = ("BRIEFBOT_", "SLACK_", "DISCORD_")
#: Settings whose values never appear in logs or reprs.
SECRET_FIELDS = frozenset(
    {"slack_bot_token", "slack_app_token", "slack_signing_secret", "slack_client_secret", "secret_key", "discord_token"}
)


def _secret_keys(raw: Mapping[str, str]) -> tuple[str, ...]:
    from bot.sealing import valid_key  # noqa: PLC0415 - cryptography, only when a key is set

    keys = tuple(k.strip() for k in raw["secret_key"].split(",") if k.strip())
    if not all(valid_key(k) for k in keys):
        raise SettingsError(
            "BRIEFBOT_SECRET_KEY must be Fernet keys (44 characters of URL-safe base64), comma-separated: "
            "`briefbot secret-key` prints a new one."
        )
    return keys


def _check_slack(kw: Mapping[str, Any]) -> None:
    if kw["slack_client_id"] or kw["slack_client_secret"]:
        _check_slack_oauth(kw)
        return
    token = kw["slack_bot_token"]
    if not token:
        return
    if not token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")
    if kw["slack_mode"] == "socket" and not kw["slack_app_token"].startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN (xapp-..., with connections:write) is needed in Socket Mode.")
    if kw["slack_mode"] == "http" and not kw["slack_signing_secret"]:
        raise SettingsError("SLACK_SIGNING_SECRET is needed in HTTP mode (SLACK_MODE=http).")


def _int(raw: Mapping[str, str], name: str, lo: int, hi: int) -> int:
    env = FIELDS[name].env
    try:
        value = int(raw[name].replace("_", ""))
    except ValueError:
        raise SettingsError(f"{env} must be a whole number, not {raw[name]!r}.") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{env} must be between {lo:,} and {hi:,}, not {value:,}.")
    return value


def _url(raw: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str:
    value = raw[name] or FIELDS[name].default
    if not value.startswith(schemes):
        raise SettingsError(f"{FIELDS[name].env} must start with {' or '.join(schemes)}, not {value!r}.")
    return value


def _shards(raw: Mapping[str, str], env: Mapping[str, str]) -> tuple[int, tuple[int, ...]]:
    """DISCORD_SHARD_COUNT (or the older DISCORD_SHARDS) and the ids of DISCORD_SHARD_IDS, checked."""
    if FIELDS["discord_shard_count"].env not in env and env.get("DISCORD_SHARDS", "").strip():
        raw = {**raw, "discord_shard_count": env["DISCORD_SHARDS"].strip()}
    count = _int(raw, "discord_shard_count", 0, 100_000)
    spec = raw["discord_shard_ids"].replace(" ", "")
    if not spec:
        return count, ()
    if not count:
        raise SettingsError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT, the number of shards in all.")
    ids: set[int] = set()
    for part in spec.split(","):
        first, dash, last = part.partition("-")
        try:
            lo, hi = int(first), int(last if dash else first)
        except ValueError:
            raise SettingsError(f"DISCORD_SHARD_IDS must be numbers and ranges such as 0-3,6, not {spec!r}.") from None
        if not 0 <= lo <= hi < count:
            raise SettingsError(f"DISCORD_SHARD_IDS: {part} is not within shards 0-{count - 1} (DISCORD_SHARD_COUNT).")
        ids.update(range(lo, hi + 1))
    return count, tuple(sorted(ids))


def _bool(raw: Mapping[str, str], name: str) -> bool:
    value = raw[name].lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise SettingsError(f"{FIELDS[name].env} must be true or false, not {raw[name]!r}.")


#: The URL schemes BRIEFBOT_DB takes (any case); a value without one is a SQLite file path.
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
SQLITE_SCHEMES = ("sqlite", "sqlite+aiosqlite")
_PASSWORD = re.compile(r"(://[^:/@\s']*:)[^@\s']*@")


def _database(raw: Mapping[str, str]) -> str:
    value = raw["db"] or "briefbot.sqlite3"
    scheme, sep, _rest = value.partition("://")
    if sep and scheme.lower() not in POSTGRES_SCHEMES + SQLITE_SCHEMES:
        raise SettingsError(f"BRIEFBOT_DB must be a SQLite file path or a postgresql:// URL, not {scheme}://.")
    return value


def _choice(raw: Mapping[str, str], name: str, choices: tuple[str, ...], *, upper: bool = False) -> str:
    value = raw[name].upper() if upper else raw[name].lower()
    if value not in choices:
        raise SettingsError(f"{FIELDS[name].env} must be one of {', '.join(choices)}, not {raw[name]!r}.")
    return value


def markdown_table() -> str:
    """README's "Configuration" table, generated from :data:`FIELDS` (a test keeps README equal to it)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in FIELDS.values():
        default = f"`{f.default}`" if f.default else "(empty)"
        meaning = f.help.replace("|", "\\|")
        rows.append(f"| `{f.env}` | {default} | {meaning} |")
    return "\n".join(rows) + "\n"


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=value`` lines, ``#`` comments, optional quotes, ``export``."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


def _check_slack_oauth(kw: Mapping[str, Any]) -> None:
    if not (kw["slack_client_id"] and kw["slack_client_secret"]):
        raise SettingsError("OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information).")
    if kw["slack_bot_token"]:
        raise SettingsError(
            "Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (OAuth: each workspace that installs it), not both."
        )
    if kw["slack_mode"] != "http":
        raise SettingsError("OAuth mode needs SLACK_MODE=http: Slack sends installers back to /slack/oauth_redirect.")
    if not kw["slack_signing_secret"]:
        raise SettingsError("SLACK_SIGNING_SECRET is needed in OAuth mode (HTTP requests are signed).")
