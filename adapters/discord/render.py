"""Replies of the core as Discord messages of embeds (pure: plain dicts, turned into ``discord.Embed`` by the app).

Every Discord limit is respected by construction: titles cut to 256, descriptions split at 4,096, at
most 25 fields of 256/1,024, footers of 2,048, at most 10 embeds and 6,000 characters per message, and
message content within 2,000. A reply is a list of messages; the adapter sends them in order, so long
content is split across messages, never rejected with a 400.
"""

from __future__ import annotations

from typing import Any, assert_never

from adapters.feeds_text import feeds_text
from bot.model import (
    BRIEF_ACTORS,
    VIEW_ACTORS,
    BriefReply,
    DigestReply,
    FeedsReply,
    Reply,
    SourcesReply,
    TextReply,
    WatchAlert,
    actors_shown,
    summary_points,
)
from summarizer.model import Actor, Brief, Digest, Quote, Story

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_MESSAGE_EMBED_CHARS = 6000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
COLOR = 0x1D3557
FOOTER = "briefbot · verbatim sentences and quotes · no LLM"

Embed = dict[str, Any]
Message = dict[str, Any]  # {"content": str | None, "embeds": [Embed, ...]}
_KIND_TITLES = {"person": "People", "organization": "Organisations", "place": "Places", "group": "Groups"}


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, marked with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at lines, then sentences, then words."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for sep in ("\n", ". ", " "):
        if sep not in text:
            continue
        out: list[str] = []
        current = ""
        for piece in text.split(sep):
            candidate = piece if not current else current + sep + piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    out.append(current)
                current = piece
        if current:
            out.append(current)
        return [q for p in out for q in split(p, limit)]
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def embed_size(embed: Embed) -> int:
    """The characters Discord counts toward the 6,000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size


def make_embed(
    title: str = "",
    description: str = "",
    *,
    url: str = "",
    fields: list[tuple[str, str]] | None = None,
    footer: str = "",
    timestamp: str = "",
) -> list[Embed]:
    """One embed, or several when the description or fields are too long for one."""
    parts = split(description, MAX_DESCRIPTION) or [""]
    embeds: list[Embed] = []
    for n, part in enumerate(parts):
        e: Embed = {"color": COLOR}
        if n == 0 and title:
            e["title"] = cut(title, MAX_TITLE)
            if url:
                e["url"] = url
        if part:
            e["description"] = part
        embeds.append(e)
    field_list = [
        {"name": cut(name, MAX_FIELD_NAME) or "-", "value": cut(value, MAX_FIELD_VALUE) or "-", "inline": False}
        for name, value in (fields or [])
    ]
    for i in range(0, len(field_list), MAX_FIELDS):
        target: Embed = embeds[-1] if i == 0 else {"color": COLOR}
        target["fields"] = field_list[i : i + MAX_FIELDS]
        if i:
            embeds.append(target)
    while any(embed_size(e) > MAX_MESSAGE_EMBED_CHARS for e in embeds):
        # Very long fields: drop the last field of an oversize embed into an embed of its own.
        for e in embeds:
            if embed_size(e) > MAX_MESSAGE_EMBED_CHARS and len(e.get("fields", [])) > 1:
                embeds.append({"color": COLOR, "fields": [e["fields"].pop()]})
                break
        else:
            break
    if footer:
        embeds[-1]["footer"] = {"text": cut(footer, MAX_FOOTER)}
    if timestamp:
        embeds[0]["timestamp"] = timestamp
    return embeds


def pack(embeds: list[Embed], content: str | None = None) -> list[Message]:
    """Embeds packed into messages of at most 10 embeds and 6,000 characters."""
    messages: list[Message] = []
    current: list[Embed] = []
    size = 0
    for e in embeds:
        weight = embed_size(e)
        if current and (len(current) >= MAX_EMBEDS or size + weight > MAX_MESSAGE_EMBED_CHARS):
            messages.append({"content": None, "embeds": current})
            current, size = [], 0
        current.append(e)
        size += weight
    messages.append({"content": None, "embeds": current})
    if content:
        messages[0]["content"] = cut(content, MAX_CONTENT)
    return messages


def _who(q: Quote) -> str:
    who = q.speaker or "unattributed"
    return who + (f", {q.speaker_role}" if q.speaker_role else "")


def _actor(a: Actor) -> str:
    return f"{a.name} ({a.role})" if a.role else a.name


def _quote(q: Quote) -> str:
    return f"“{q.text.rstrip(',;: ')}”"


def actor_fields(actors: tuple[Actor, ...]) -> list[tuple[str, str]]:
    """One field per actor kind."""
    groups: dict[str, list[Actor]] = {}
    for a in actors:
        groups.setdefault(a.kind, []).append(a)
    return [(_KIND_TITLES[k], "; ".join(_actor(a) for a in groups[k])) for k in _KIND_TITLES if k in groups]


def _meta(brief: Brief) -> str:
    a = brief.article
    return " · ".join(x for x in (a.date.isoformat() if a.date else "", a.source) if x)


def render_brief(reply: BriefReply) -> list[Message]:
    """A brief, its quotes, or its actors."""
    brief = reply.brief
    title = brief.article.title or "Brief"
    footer = " · ".join(x for x in (_meta(brief), FOOTER, "cached" if reply.cached else "") if x)
    url = brief.article.url
    if reply.view == "quotes":
        wanted = reply.speaker.lower().split()
        quotes = [q for q in brief.quotes if all(w in (q.speaker or "").lower() for w in wanted)]
        fields = [(_who(q), _quote(q)) for q in quotes]
        empty = "No direct quotes found" + (f" by {reply.speaker}." if wanted else ".")
        return pack(make_embed(title, "" if quotes else empty, url=url, fields=fields, footer=footer))
    if reply.view == "actors":
        shown, more = actors_shown(brief.actors, VIEW_ACTORS)
        fields = actor_fields(shown)
        text = "" if fields else "No actors found."
        if more:
            text = f"… and {more} more, less central to the story."
        return pack(make_embed(title, text, url=url, fields=fields, footer=footer))
    summary = "\n".join(f"{n}. {point}" for n, point in enumerate(summary_points(brief), 1))
    fields = [(_who(q), _quote(q)) for q in brief.quotes]
    fields += actor_fields(brief.actors[:BRIEF_ACTORS])
    return pack(make_embed(title, summary, url=url, fields=fields, footer=footer))


def render_alert(alert: WatchAlert) -> list[Message]:
    """A watch's direct message: the line saying why (the message's text), then the brief's embeds."""
    told = f", told by {alert.articles} articles so far" if alert.articles > 1 else ""
    line = f"Your watch “{alert.watch.terms}” found a new story{told}. `/unwatch {alert.watch.id}` stops it."
    messages = render_brief(BriefReply(alert.brief))
    messages[0] = {**messages[0], "content": cut(line, MAX_CONTENT)}
    return messages


def story_embeds(n: int, story: Story) -> list[Embed]:
    """One story of a digest (usually one embed)."""
    text = "\n".join(f"• {s}" for s in story.below_headline)
    fields: list[tuple[str, str]] = []
    if story.quote is not None:
        fields.append((_who(story.quote), _quote(story.quote)))
    if story.actors:
        fields.append(("Actors", "; ".join(_actor(a) for a in story.actors)))
    count = len(story.sources)
    shown: list[str] = []
    for source in story.sources[:5]:
        link = f"[{cut(source.title or source.url, 80)}]({source.url})"
        # Whole links only, and room left for "and N more": a cut link would not open.
        if sum(len(x) + 1 for x in shown) + len(link) > MAX_FIELD_VALUE - 20:
            break
        shown.append(link)
    links = "\n".join(shown)
    if count > len(shown):
        links += f"\nand {count - len(shown)} more"
    fields.append((f"{count} source{'s' if count != 1 else ''}", links or "-"))
    first = story.sources[0].url if story.sources else ""
    return make_embed(f"{n}. {story.headline}", text, url=first, fields=fields)


def digest_headline(digest: Digest, notices: tuple[str, ...] = ()) -> list[Embed]:
    """The first embed of a digest: the story list and who was in the news."""
    title = digest.title or f"News digest, {digest.day.isoformat()}"
    lines = "\n".join(f"{n}. {s.headline}" for n, s in enumerate(digest.stories, 1)) or "No new stories."
    fields = [("People in the news", "; ".join(_actor(a) for a in digest.actors))] if digest.actors else []
    fields += [("Note", notice) for notice in notices]
    return make_embed(title, lines, fields=fields, footer=FOOTER)


def render_digest(reply: DigestReply) -> list[Message]:
    """A whole digest as messages of embeds: the headline, then a story per embed."""
    embeds = digest_headline(reply.digest, reply.failed_feeds)
    for n, story in enumerate(reply.digest.stories, 1):
        embeds += story_embeds(n, story)
    return pack(embeds)


def render(reply: Reply) -> list[Message]:
    """Any reply of the core."""
    if isinstance(reply, BriefReply):
        return render_brief(reply)
    if isinstance(reply, DigestReply):
        return render_digest(reply)
    if isinstance(reply, FeedsReply):
        text = feeds_text(reply, "No feeds yet: `/feeds subscribe` adds one.")
        return pack(make_embed("Feeds of this channel", text))
    if isinstance(reply, SourcesReply):
        links = [f"• [{cut(title or url, 150)}]({url})" for title, url in reply.sources]
        count = len(reply.sources)
        return pack(make_embed(cut(reply.headline or "Sources", 256), "\n".join(links) or f"{count} sources"))
    if isinstance(reply, TextReply):
        parts = split(reply.text, MAX_CONTENT) or ["(empty)"]
        return [{"content": p, "embeds": []} for p in parts]
    assert_never(reply)
