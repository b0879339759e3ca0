"""Faults a platform fake applies to the messages it takes: drop the connection, answer late, or pass."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Faults:
    """A queue of faults, one per message taken, in order."""

    queue: list[tuple[str, float]] = field(default_factory=list)

    def drop_next(self, n: int) -> None:
        """The next ``n`` messages are taken, then the connection is dropped unanswered."""
        self.queue += [("drop", 0.0)] * n

    def pass_next(self, n: int) -> None:
        """The next ``n`` messages go through (before the faults queued after them)."""
        self.queue += [("pass", 0.0)] * n

    def stall_next(self, n: int, seconds: float) -> None:
        """The next ``n`` messages are taken, then answered only after ``seconds`` (past a client's timeout)."""
        self.queue += [("stall", seconds)] * n

    async def apply(self, request: web.Request) -> bool:
        """Apply the next fault to a message just taken; whether the connection was dropped."""
        if not self.queue:
            return False
        kind, seconds = self.queue.pop(0)
        if kind != "drop":
            await asyncio.sleep(seconds)
            return False
        assert request.transport is not None
        request.transport.close()
        return True
