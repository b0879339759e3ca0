"""Abuse limits: how a wait is said in chat.

A brief costs a download and about a second of CPU, so one user (or one busy channel) pasting links
in a loop could starve everyone else on a small box. The calls are counted in the store
(:meth:`bot.storage.SqlStore.take_call`), so that the limits hold across instances sharing it.
"""

from __future__ import annotations

import math


def seconds_text(seconds: float) -> str:
    """``12 s`` or ``1 min``: a short wait for a chat message (rounded up)."""
    whole = max(1, math.ceil(seconds))
    return f"{whole} s" if whole < 60 else f"{math.ceil(whole / 60)} min"
