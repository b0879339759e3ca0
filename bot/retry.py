"""Retrying a platform call that failed in passing: a dropped connection, a timeout, a 5xx."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


async def with_retries(
    call: Callable[[], Awaitable[T]],
    transient: Callable[[BaseException], bool],
    *,
    what: str,
    attempts: int = 3,
    base: float = 0.5,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """``await call()``, again after 0.5, 1, 2 ... s while it fails with an error ``transient`` accepts."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as err:
            if attempt == attempts or not transient(err):
                raise
            delay = base * 2 ** (attempt - 1)
            log.warning(
                "%s failed (%s: %s); attempt %d of %d in %.1f s",
                what,
                type(err).__name__,
                err,
                attempt + 1,
                attempts,
                delay,
            )
            await sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")
