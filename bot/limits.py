"""Abuse limits: sliding-window rate limits on the commands that fetch and parse.

A brief costs a download and about a second of CPU, so one user (or one busy channel) pasting links
in a loop could starve everyone else on a small box. :class:`RateLimiter` keeps, per key, the times
of the recent allowed calls; it lives in the :class:`bot.core.Core` that owns it (no global state).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

#: Keys held before idle ones are swept out.
PRUNE_AT = 10_000


class RateLimiter:
    """At most ``per_minute`` calls per key in any 60 seconds; ``per_minute = 0`` means no limit."""

    WINDOW = 60.0

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock``: monotonic seconds (injected by tests)."""
        self.per_minute = per_minute
        self._clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._swept = -self.WINDOW

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may call again: 0.0 when it may now (the call is then counted)."""
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - self.WINDOW:
            calls.popleft()
        if len(calls) >= self.per_minute:
            return calls[0] + self.WINDOW - now
        calls.append(now)
        if len(self._calls) > PRUNE_AT and now >= self._swept + self.WINDOW:
            # Idle keys are forgotten so that many one-off users cannot grow the table without bound;
            # at most one sweep a window, so many active users do not make every call a sweep.
            self._calls = {k: v for k, v in self._calls.items() if v and v[-1] > now - self.WINDOW}
            self._swept = now
        return 0.0

    def refund(self, key: str) -> None:
        """Forget ``key``'s latest counted call (another limit refused the command)."""
        calls = self._calls.get(key)
        if calls:
            calls.pop()


def seconds_text(seconds: float) -> str:
    """``12 s`` or ``1 min``: a short wait for a chat message (rounded up)."""
    whole = max(1, math.ceil(seconds))
    return f"{whole} s" if whole < 60 else f"{math.ceil(whole / 60)} min"
