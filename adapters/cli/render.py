"""Brief -> text for a terminal, or Markdown (pure; also the text fallback of the chat adapters)."""

from __future__ import annotations

import json
import textwrap

from summarizer.model import Actor, Brief

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
    for n, s in enumerate(brief.summary, 1):
        lines.append(textwrap.fill(s.text, width, initial_indent=f"{n:>2}. ", subsequent_indent="    "))
    if brief.quotes:
        lines += ["", "Key quotes"]
        for q in brief.quotes:
            who = q.speaker or "unattributed"
            if q.speaker_role:
                who += f" ({q.speaker_role})"
            lines.append(
                textwrap.fill(f"“{_display(q.text)}” — {who}", width, initial_indent="  • ", subsequent_indent="    ")
            )
    if brief.actors:
        lines += ["", "Actors"]
        for kind, actors in _by_kind(brief.actors):
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
    out += [f"{n}. {_md_escape(s.text)}" for n, s in enumerate(brief.summary, 1)]
    if brief.quotes:
        out += ["", "### Key quotes", ""]
        for q in brief.quotes:
            who = q.speaker or "unattributed"
            if q.speaker_role:
                who += f", {q.speaker_role}"
            out += [f"> “{_md_escape(_display(q.text))}”", f"> — **{_md_escape(who)}**", ""]
    if brief.actors:
        out += ["", "### Actors", ""]
        for kind, actors in _by_kind(brief.actors):
            out.append(f"- **{_KIND_TITLES[kind]}**: " + "; ".join(_md_escape(_actor_text(x)) for x in actors))
    return "\n".join(out).rstrip() + "\n"


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
