"""Replies of the core as Slack Block Kit messages (pure).

Every Slack limit is respected by construction: a header is cut to 150 characters, a long text is
split over several section blocks of at most 3,000 characters (at paragraph, then sentence, then word
boundaries; never cut inside a word when avoidable), and blocks are packed into messages of at most 50
blocks and about 12,000 characters. A reply is therefore a list of messages; the adapter posts them in
order (a long brief becomes two messages, never a rejected one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_never

from adapters.feeds_text import feeds_text
from bot.model import (
    BRIEF_ACTORS,
    VIEW_ACTORS,
    BriefReply,
    ChannelHome,
    DigestReply,
    FeedsReply,
    HomeReply,
    Reply,
    SourcesReply,
    TextReply,
    WatchAlert,
    actors_shown,
    summary_points,
)
from summarizer.model import Actor, Brief, Digest, Quote, Story

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER = 150
MAX_CONTEXT_TEXT = 2000
MAX_MESSAGE_CHARS = 12_000
MAX_FALLBACK = 3000
FOOTER = "briefbot · sentences and quotes verbatim from the article · no LLM"

Block = dict[str, Any]
Message = dict[str, Any]
_KIND_TITLES = {"person": "People", "organization": "Organisations", "place": "Places", "group": "Groups"}


def escape(text: str) -> str:
    """Text safe in mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> Block:
    """A header block, cut to Slack's 150 characters."""
    text = " ".join(text.split()) or "briefbot"
    if len(text) > MAX_HEADER:
        text = text[: MAX_HEADER - 1].rstrip() + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def context(text: str) -> Block:
    """A context block (small grey text)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_CONTEXT_TEXT)}]}


def sections(text: str) -> list[Block]:
    """One or more section blocks holding ``text`` (mrkdwn), each within 3,000 characters."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in split_text(text, MAX_SECTION_TEXT)
    ]


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at paragraphs, sentences, then words."""
    text = text.strip() or " "
    if len(text) <= limit:
        return [text]
    for sep in ("\n\n", "\n", ". ", " "):
        pieces = text.split(sep)
        if len(pieces) == 1:
            continue
        out: list[str] = []
        current = ""
        for piece in pieces:
            candidate = piece if not current else current + sep + piece
            if len(candidate) <= limit:
                current = candidate
                continue
            if current:
                out.append(current)
            current = piece
        out.append(current)
        if all(len(p) <= limit for p in out):
            return [p for p in (p.strip() for p in out) if p]
        return [q for p in out for q in split_text(p, limit)]
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def pack(blocks: list[Block], fallback: str) -> list[Message]:
    """Blocks packed into messages within the per-message limits; each has a plain-text fallback."""
    messages: list[Message] = []
    current: list[Block] = []
    size = 0
    for block in blocks:
        weight = len(str(block))
        if current and (len(current) >= MAX_BLOCKS or size + weight > MAX_MESSAGE_CHARS):
            messages.append({"text": _cut(fallback, MAX_FALLBACK), "blocks": current})
            current, size = [], 0
        current.append(block)
        size += weight
    if current or not messages:
        messages.append({"text": _cut(fallback, MAX_FALLBACK), "blocks": current or sections(fallback)})
    return messages


def _who(q: Quote) -> str:
    who = f"*{escape(q.speaker)}*" if q.speaker and q.named else escape(q.speaker or "unattributed")
    return who + (f", {escape(q.speaker_role)}" if q.speaker_role else "")


def quote_text(q: Quote) -> str:
    """A quote as shown: in marks, then its speaker and role (the quote itself untouched)."""
    return f"> “{escape(q.text.rstrip(',;: '))}”\n> — {_who(q)}"


def _actor(a: Actor) -> str:
    return escape(f"{a.name} ({a.role})" if a.role else a.name)


def actor_lines(actors: tuple[Actor, ...]) -> str:
    """Actors grouped by kind, one line per kind."""
    groups: dict[str, list[Actor]] = {}
    for a in actors:
        groups.setdefault(a.kind, []).append(a)
    return "\n".join(
        f"*{_KIND_TITLES[k]}*: " + "; ".join(_actor(a) for a in groups[k]) for k in _KIND_TITLES if k in groups
    )


def _meta(brief: Brief) -> str:
    a = brief.article
    parts = [a.date.isoformat() if a.date else "", f"<{a.url}|{escape(a.source or 'source')}>" if a.url else ""]
    return " · ".join(p for p in parts if p) or "pasted text"


def render_brief(reply: BriefReply) -> list[Message]:
    """A brief, its quotes, or its actors."""
    brief = reply.brief
    title = brief.article.title or "Brief"
    blocks: list[Block] = [header(title), context(_meta(brief))]
    if reply.view == "quotes":
        wanted = reply.speaker.lower().split()
        quotes = [q for q in brief.quotes if all(w in (q.speaker or "").lower() for w in wanted)]
        if not quotes:
            blocks += sections("No direct quotes found" + (f" by {escape(reply.speaker)}." if wanted else "."))
        for q in quotes:
            blocks += sections(quote_text(q))
    elif reply.view == "actors":
        shown, more = actors_shown(brief.actors, VIEW_ACTORS)
        blocks += sections(actor_lines(shown) or "No actors found.")
        if more:
            blocks.append(context(f"… and {more} more, less central to the story."))
    else:
        summary = "\n".join(f"{n}. {escape(point)}" for n, point in enumerate(summary_points(brief), 1))
        blocks += sections(summary)
        if brief.quotes:
            blocks.append({"type": "divider"})
            blocks += sections("*Key quotes*\n" + "\n\n".join(quote_text(q) for q in brief.quotes))
        if brief.actors:
            blocks += sections(actor_lines(brief.actors[:BRIEF_ACTORS]))
    blocks.append(context(FOOTER + (" · cached" if reply.cached else "")))
    fallback = title + ": " + " ".join(s.text for s in brief.summary)
    return pack(blocks, fallback)


def alert_line(alert: WatchAlert) -> str:
    """What a watch's direct message says first: which watch, and how widely the story is told."""
    told = f", told by {alert.articles} articles so far" if alert.articles > 1 else ""
    return f"Your watch “{alert.watch.terms}” found a new story{told}. `/brief unwatch {alert.watch.id}` stops it."


def render_alert(alert: WatchAlert) -> list[Message]:
    """A watch's direct message: the line saying why, then the brief of the article found."""
    messages = render_brief(BriefReply(alert.brief))
    first = messages[0]
    line = alert_line(alert)
    blocks = [context(escape(line)), *first["blocks"]]
    messages[0] = {"text": _cut(f"{line} {first['text']}", MAX_FALLBACK), "blocks": blocks}
    return [*pack(messages[0]["blocks"], messages[0]["text"]), *messages[1:]]


#: Blocks a Home tab view holds (Block Kit), and the feeds listed under one channel before "… and N more".
MAX_HOME_BLOCKS = 100
HOME_FEEDS = 8


def slack_date(when: dt.datetime, pattern: str = "{date_short_pretty} {time}") -> str:
    """A time each reader sees in their own time zone (Slack's date formatting), UTC as the fallback."""
    fallback = when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{pattern}|{fallback}>"


def _channel_home(home: ChannelHome) -> str:
    if home.schedule is not None and home.next_digest is not None:
        when = f"digest at {escape(home.schedule.when)}, next {slack_date(home.next_digest)}"
    else:
        when = "no daily digest (`/brief schedule 07:30 Europe/Berlin` sets one)"
    lines = [f"*<#{home.channel.id}>* · {when}"]
    for f in home.feeds[:HOME_FEEDS]:
        if f.last_fetch is None:
            state = "not fetched yet"
        elif f.last_error:
            state = f":warning: failing: {escape(_cut(f.last_error, 200))} · last tried {slack_date(f.last_fetch)}"
        else:
            state = f"{f.items_seen} items seen · last fetch {slack_date(f.last_fetch)}"
        lines.append(f"• {escape(_cut(f.subscription.url, 300))} · {state}")
    if len(home.feeds) > HOME_FEEDS:
        lines.append(f"• … and {len(home.feeds) - HOME_FEEDS} more feeds: `/brief feeds` in the channel lists all")
    if not home.feeds:
        lines.append("• no feeds yet")
    return _cut("\n".join(lines), MAX_SECTION_TEXT)


def render_home(home: HomeReply) -> dict[str, Any]:
    """The App Home tab of one person: their budget and watches, then every channel served, within 100 blocks."""
    budget = (
        f"*Your briefs*: {home.briefs_left} of {home.briefs_per_minute} left this minute"
        if home.briefs_per_minute
        else "*Your briefs*: no limit"
    )
    watches = ", ".join(f"“{escape(w.terms)}” ({w.id})" for w in home.watches) or "none (`/watch <name>` adds one)"
    mine = (
        f"{budget}\n*Your watches*: {watches} · {home.watch_messages_left} of "
        f"{home.watch_messages_per_day} messages left today"
    )
    blocks: list[Block] = [header("briefbot in this workspace"), *sections(_cut(mine, MAX_SECTION_TEXT))]
    blocks.append({"type": "divider"})
    room = MAX_HOME_BLOCKS - len(blocks) - 2  # a "more channels" line and the footer
    shown = home.channels if len(home.channels) <= room + 1 else home.channels[:room]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _channel_home(c)}} for c in shown]
    if len(shown) < len(home.channels):
        blocks.append(context(f"… and {len(home.channels) - len(shown)} more channels."))
    if not home.channels:
        blocks += sections(
            "briefbot serves no channel here yet: `/brief subscribe` and a feed's address, in a channel, adds one."
        )
    blocks.append(context(f"Updated {slack_date(home.now)} · {FOOTER}"))
    return {"type": "home", "blocks": blocks}


def story_blocks(n: int, story: Story) -> list[Block]:
    """One story of a digest."""
    text = f"*{n}. {escape(story.headline)}*\n" + "\n".join(f"• {escape(s)}" for s in story.below_headline)
    blocks = sections(text)
    if story.quote is not None:
        blocks += sections(quote_text(story.quote))
    people = "; ".join(_actor(a) for a in story.actors)
    links = ", ".join(f"<{s.url}|{escape(_cut(s.title or s.url, 80))}>" for s in story.sources[:5])
    more = f" and {len(story.sources) - 5} more" if len(story.sources) > 5 else ""
    count = len(story.sources)
    blocks.append(
        context(f"{count} source{'s' if count != 1 else ''}: {links}{more}" + (f"\n{people}" if people else ""))
    )
    return blocks


def digest_headline(digest: Digest, notices: tuple[str, ...] = ()) -> list[Block]:
    """The first message of a digest: title, the story list, and who was in the news."""
    title = digest.title or f"News digest, {digest.day.isoformat()}"
    blocks = [header(title)]
    if not digest.stories:
        blocks += sections("No new stories since the last digest.")
    else:
        blocks += sections("\n".join(f"{n}. {escape(s.headline)}" for n, s in enumerate(digest.stories, 1)))
    if digest.actors:
        blocks.append(context("People in the news: " + "; ".join(_actor(a) for a in digest.actors)))
    for notice in notices:
        blocks.append(context(f":warning: {escape(notice)}"))
    return blocks


def render_digest(reply: DigestReply) -> list[Message]:
    """A whole digest for one reply (the ``digest`` command): as few messages as the limits allow."""
    digest = reply.digest
    blocks = digest_headline(digest, reply.failed_feeds)
    for n, story in enumerate(digest.stories, 1):
        blocks.append({"type": "divider"})
        blocks += story_blocks(n, story)
    return pack(blocks, digest.title or "News digest")


def share_block(value: str) -> Block:
    """The "Share in thread" button under a brief only its asker sees (``value``: what the click needs)."""
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "briefbot_share",
                "text": {"type": "plain_text", "text": "Share in thread"},
                "value": value,
            }
        ],
    }


def render(reply: Reply) -> list[Message]:
    """Any reply of the core."""
    if isinstance(reply, BriefReply):
        return render_brief(reply)
    if isinstance(reply, DigestReply):
        return render_digest(reply)
    if isinstance(reply, FeedsReply):
        text = feeds_text(reply, "No feeds yet: `/brief subscribe <feed-url>` adds one.", escape, ":warning:")
        return pack(sections(text), "Feeds of this channel")
    if isinstance(reply, SourcesReply):
        count = len(reply.sources)
        lines = [f"*{escape(reply.headline)}*: {count} source{'s' if count != 1 else ''}"]
        lines += [f"• <{url}|{escape(_cut(title or url, 150))}>" for title, url in reply.sources]
        return pack(sections("\n".join(lines)), reply.headline or "Sources")
    if isinstance(reply, TextReply):
        return pack(sections(escape(reply.text)), reply.text)
    assert_never(reply)


#: A digest story's buttons: (action, label); each button's value is ``day:n``.
STORY_BUTTONS = (("brief", "Brief"), ("quotes", "Quotes"), ("sources", "Sources"))
STORY_ACTION = "briefbot_story_{action}"


def story_buttons(day: str, n: int) -> Block:
    """The buttons under story ``n`` of the digest of ``day``: its lead article's brief, quotes, sources."""
    return {
        "type": "actions",
        "block_id": f"story-{n}",
        "elements": [
            {
                "type": "button",
                "action_id": STORY_ACTION.format(action=action),
                "text": {"type": "plain_text", "text": label},
                "value": f"{day}:{n}",
            }
            for action, label in STORY_BUTTONS
        ],
    }
