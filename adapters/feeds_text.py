"""The text of a ``feeds`` reply, shared by every platform's renderer (pure)."""

from __future__ import annotations

from collections.abc import Callable

from bot.model import FeedsReply


def feeds_text(reply: FeedsReply, hint: str, escape: Callable[[str], str] = lambda s: s, warn: str = "failing:") -> str:
    """One line per feed (id, URL, health, last fetch), then the digest time; ``hint`` when there are none."""
    lines = []
    for f in reply.feeds:
        state = f"{warn} {escape(f.last_error)}" if f.last_error else f"{f.items_seen} items seen"
        last = f.last_fetch.strftime("%Y-%m-%d %H:%M UTC") if f.last_fetch else "not fetched yet"
        lines.append(f"`{f.subscription.id}` {escape(f.subscription.url)} — {state} (last fetch {last})")
        if f.item_error and f.item_error_at:
            when = f.item_error_at.strftime("%Y-%m-%d %H:%M UTC")
            lines.append(f"    {warn} an item was left out of the digest ({when}): {escape(f.item_error)}")
    text = "\n".join(lines) or hint
    if reply.schedule is not None:
        text += f"\nDigest at {reply.schedule.when}."
    return text
