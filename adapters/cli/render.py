"""Brief -> text for a terminal, or Markdown (pure; also the text fallback of the chat adapters)."""

from __future__ import annotations

import json
import textwrap
from typing import assert_never

from bot.model import (
    BRIEF_ACTORS,
    VIEW_ACTORS,
    BriefReply,
    DigestReply,
    FeedsReply,
    Reply,
    SourcesReply,
    TextReply,
    actors_shown,
    summary_points,
)
from summarizer.model import Actor, Brief, Digest, Quote

_KIND_TITLES = {"person": "People", "organization": "Organisations", "place": "Places", "group": "Groups"}


def render_json(brief: Brief) -> str:
    """One line of JSON in the documented schema (README, "The brief as JSON")."""
    return json.dumps(brief.to_json(), ensure_ascii=False)


def render_text(brief: Brief, width: int = 88) -> str:
    """Plain text: title, date and source, numbered summary sentences, then quotes and actors."""
    a = brief.article
    lines: list[str] = []
    if a.title:
        lines += [a.title, "=" * min(len(a.title), width)]
    meta = " | ".join(x for x in (a.date.isoformat() if a.date else "", a.url) if x)
    if meta:
        lines.append(meta)
    if lines:
        lines.append("")
    lines.append("Summary")
    for n, point in enumerate(summary_points(brief), 1):
        lines.append(textwrap.fill(point, width, initial_indent=f"{n:>2}. ", subsequent_indent="    "))
    if brief.quotes:
        lines += ["", "Key quotes"]
        lines += [_quote_line(q, width) for q in brief.quotes]
    if brief.actors:
        lines += ["", "Actors"]
        for kind, actors in _by_kind(brief.actors[:BRIEF_ACTORS]):
            lines.append(f"  {_KIND_TITLES[kind]}: " + "; ".join(_actor_text(x) for x in actors))
    return "\n".join(lines)


def render_markdown(brief: Brief) -> str:
    """Markdown: a heading, the summary as a numbered list, quotes as block quotes, actors by kind."""
    a = brief.article
    out: list[str] = []
    title = _md_escape(a.title) if a.title else "Brief"
    out.append(f"## [{title}]({a.url})" if a.url else f"## {title}")
    if a.date:
        out.append(f"*{a.date.isoformat()}*")
    out.append("")
    out += [f"{n}. {_md_escape(point)}" for n, point in enumerate(summary_points(brief), 1)]
    if brief.quotes:
        out += ["", "### Key quotes", ""]
        for q in brief.quotes:
            out += [f"> “{_md_escape(_display(q.text))}”", f"> — **{_md_escape(_who(q, ', '))}**", ""]
    if brief.actors:
        out += ["", "### Actors", ""]
        for kind, actors in _by_kind(brief.actors[:BRIEF_ACTORS]):
            out.append(f"- **{_KIND_TITLES[kind]}**: " + "; ".join(_md_escape(_actor_text(x)) for x in actors))
    return "\n".join(out).rstrip() + "\n"


def matches_speaker(quote: Quote, wanted: str) -> bool:
    """Whether ``quote`` is by the speaker a user asked for (any word of the name, any case)."""
    speaker = (quote.speaker or "").lower()
    words = wanted.lower().split()
    return bool(words) and all(w in speaker for w in words)


def render_quotes(brief: Brief, fmt: str, width: int = 88) -> str:
    """The ``quotes`` view: every quote of ``brief`` with speaker and role, in article order."""
    if fmt == "json":
        data = brief.to_json()
        return json.dumps({k: data[k] for k in ("title", "date", "url", "quotes") if k in data}, ensure_ascii=False)
    title = brief.article.title or "Quotes"
    if not brief.quotes:
        body = ["No direct quotes found."]
    elif fmt == "markdown":
        body = []
        for q in brief.quotes:
            body += [f"> “{_md_escape(_display(q.text))}”", f"> — **{_md_escape(_who(q, ', '))}**", ""]
    else:
        body = [_quote_line(q, width) for q in brief.quotes]
    head = [f"## {_md_escape(title)}", ""] if fmt == "markdown" else [title, "=" * min(len(title), width)]
    return "\n".join(head + body).rstrip() + "\n"


def render_actors(brief: Brief, fmt: str) -> str:
    """The ``actors`` view: actors by kind, most salient first, with role, affiliation and aliases."""
    if fmt == "json":
        data = brief.to_json()
        return json.dumps({k: data[k] for k in ("title", "date", "url", "actors") if k in data}, ensure_ascii=False)
    title = brief.article.title or "Actors"
    lines = [f"## {_md_escape(title)}", ""] if fmt == "markdown" else [title, "=" * min(len(title), 88)]
    if not brief.actors:
        lines.append("No actors found.")
    shown, more = actors_shown(brief.actors, VIEW_ACTORS)
    for kind, actors in _by_kind(shown):
        lines.append(f"### {_KIND_TITLES[kind]}" if fmt == "markdown" else f"{_KIND_TITLES[kind]}:")
        for actor in actors:
            detail = [actor.role] if actor.role else []
            if actor.affiliation and actor.affiliation not in (actor.role or ""):
                detail.append(actor.affiliation)
            if actor.aliases:
                detail.append("also " + ", ".join(actor.aliases))
            detail.append(f"{actor.mentions} mention{'s' if actor.mentions != 1 else ''}")
            text = f"{actor.name} — {'; '.join(detail)}"
            lines.append(f"- {_md_escape(text)}" if fmt == "markdown" else f"  • {text}")
    if more:
        lines += ["", f"… and {more} more, less central to the story (--format json lists them all)."]
    return "\n".join(lines).rstrip() + "\n"


def _quote_line(q: Quote, width: int) -> str:
    line = f"“{_display(q.text)}” — {_who(q, ' (')}"
    return textwrap.fill(line, width, initial_indent="  • ", subsequent_indent="    ")


def _who(q: Quote, open_role: str) -> str:
    who = q.speaker or "unattributed"
    if q.speaker_role:
        who += f"{open_role}{q.speaker_role}{')' if open_role == ' (' else ''}"
    return who


def _by_kind(actors: tuple[Actor, ...]) -> list[tuple[str, list[Actor]]]:
    groups: dict[str, list[Actor]] = {}
    for actor in actors:
        groups.setdefault(actor.kind, []).append(actor)
    return [(k, groups[k]) for k in _KIND_TITLES if k in groups]


def _actor_text(actor: Actor) -> str:
    return f"{actor.name} ({actor.role})" if actor.role else actor.name


def _display(quote: str) -> str:
    """A quote as shown between marks: without the comma that led into its attribution."""
    return quote.rstrip(",;: ")


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]<>":
        text = text.replace(ch, "\\" + ch)
    return text


def render_reply(reply: Reply, fmt: str) -> str:
    """Any reply of the core, for the terminal (``fmt``: text, markdown or json)."""
    if isinstance(reply, BriefReply):
        brief = reply.brief
        if reply.view == "quotes":
            if reply.speaker:
                brief = _only_speaker(brief, reply.speaker)
            return render_quotes(brief, fmt)
        if reply.view == "actors":
            return render_actors(brief, fmt)
        render = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
        return render(brief).rstrip("\n") + "\n"
    if isinstance(reply, DigestReply):
        return render_digest(reply.digest, fmt, reply.failed_feeds)
    if isinstance(reply, FeedsReply):
        if fmt == "json":
            feeds = [
                {
                    "id": f.subscription.id,
                    "url": f.subscription.url,
                    "last_fetch": f.last_fetch.isoformat() if f.last_fetch else None,
                    "last_error": f.last_error,
                    "items_seen": f.items_seen,
                }
                for f in reply.feeds
            ]
            return json.dumps({"feeds": feeds}) + "\n"
        lines = [
            f"{f.subscription.id}. {f.subscription.url} — "
            + (f"failing: {f.last_error}" if f.last_error else f"{f.items_seen} items seen")
            for f in reply.feeds
        ]
        return "\n".join(lines or ["No feeds."]) + "\n"
    if isinstance(reply, SourcesReply):
        if fmt == "json":
            return json.dumps({"headline": reply.headline, "sources": [list(s) for s in reply.sources]}) + "\n"
        return "\n".join([reply.headline, *(f"- {title or url}: {url}" for title, url in reply.sources)]) + "\n"
    if isinstance(reply, TextReply):
        return (json.dumps({"text": reply.text, "error": reply.error}) if fmt == "json" else reply.text) + "\n"
    assert_never(reply)


def _only_speaker(brief: Brief, wanted: str) -> Brief:
    from dataclasses import replace  # noqa: PLC0415

    return replace(brief, quotes=tuple(q for q in brief.quotes if matches_speaker(q, wanted)))


def render_digest(digest: Digest, fmt: str, notices: tuple[str, ...] = (), width: int = 88) -> str:
    """A digest: numbered stories with summary, top quote, actors and sources; then who was in the news."""
    if fmt == "json":
        return json.dumps(digest.to_json(), ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    title = digest.title or f"Digest, {digest.day.isoformat()}"
    out = [f"# {_md_escape(title)}" if md else title, "" if md else "=" * min(len(title), width), ""]
    if not digest.stories:
        out.append("No new stories.")
    for n, story in enumerate(digest.stories, 1):
        out.append(f"## {n}. {_md_escape(story.headline)}" if md else f"{n}. {story.headline}")
        for s in story.below_headline:
            out.append(
                f"- {_md_escape(s)}" if md else textwrap.fill(s, width, initial_indent="   ", subsequent_indent="   ")
            )
        if story.quote is not None:
            line = f"“{_display(story.quote.text)}” — {_who(story.quote, ' (')}"
            out.append(
                f"> {_md_escape(line)}"
                if md
                else textwrap.fill(line, width, initial_indent="   > ", subsequent_indent="     ")
            )
        if story.actors:
            names = "; ".join(_actor_text(a) for a in story.actors)
            out.append(f"*Actors*: {_md_escape(names)}" if md else f"   Actors: {names}")
        count = len(story.sources)
        links = ", ".join(f"[{_md_escape(x.title or x.url)}]({x.url})" if md else x.url for x in story.sources[:5])
        out.append(
            f"{count} source{'s' if count != 1 else ''}: {links}"
            if md
            else f"   {count} source{'s' if count != 1 else ''}: {links}"
        )
        out.append("")
    if digest.actors:
        people = "; ".join(_actor_text(a) for a in digest.actors)
        out.append(f"**People in today's news**: {_md_escape(people)}" if md else f"People in today's news: {people}")
    for notice in notices:
        out.append(f"Note: {notice}")
    return "\n".join(out).rstrip() + "\n"
