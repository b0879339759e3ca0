"""Secrets at rest: what briefbot stores that would let someone act as the bot (Slack tokens).

With ``BRIEFBOT_SECRET_KEY`` set, each such record is sealed with Fernet (``cryptography``: AES-128-CBC
and HMAC-SHA256, so a record changed or sealed with another key is refused, never misread). The
setting may list several keys, comma-separated: the first seals, every one opens, so a key can be
replaced without losing the installations (set ``new,old``, then drop ``old`` once every record was
saved again). Records written before a key was set stay readable and are sealed at their next save.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: What a sealed record starts with (a plain one is JSON, so the two never mix).
SEALED = "fernet:"


class SecretKeyError(Exception):
    """A stored secret cannot be opened with the configured key (the message is one line for the user)."""


def new_key() -> str:
    """A fresh key for ``BRIEFBOT_SECRET_KEY``."""
    return Fernet.generate_key().decode("ascii")


def valid_key(key: str) -> bool:
    """Whether ``key`` is a Fernet key (32 bytes, URL-safe base64)."""
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return True


class Sealer:
    """Seals and opens stored secrets with the configured keys (none: stored as they are)."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        """``keys``: the first seals, all open; raises ``ValueError`` for a key that is not a Fernet key."""
        self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys]) if keys else None
        self._keys = len(keys)

    @property
    def sealing(self) -> bool:
        """Whether records are sealed (a key is set)."""
        return self._fernet is not None

    def seal(self, plain: str) -> str:
        """``plain`` as it is to be stored."""
        if self._fernet is None:
            return plain
        return SEALED + self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        """A stored record in plain text; :class:`SecretKeyError` when the key cannot open it."""
        if not stored.startswith(SEALED):
            return stored
        if self._fernet is None:
            raise SecretKeyError(
                "The stored Slack installations are encrypted and BRIEFBOT_SECRET_KEY is not set: set the key "
                "they were saved with."
            )
        try:
            return self._fernet.decrypt(stored.removeprefix(SEALED).encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SecretKeyError(
                "BRIEFBOT_SECRET_KEY does not open the stored Slack installations (was the key changed? list the "
                "old key after the new one, comma-separated)."
            ) from None

    def reseal(self, stored: str) -> str | None:
        """``stored`` as it should now be stored, or ``None`` when it already is.

        A plain record gets sealed once a key is set; with several keys, a record is sealed again
        with the first (so the others can be dropped). :class:`SecretKeyError` if it cannot be opened.
        """
        plain = self.open(stored)
        if self._fernet is None:
            return None
        if not stored.startswith(SEALED):
            return self.seal(plain)
        if self._keys > 1:
            return SEALED + self._fernet.rotate(stored.removeprefix(SEALED).encode("ascii")).decode("ascii")
        return None
