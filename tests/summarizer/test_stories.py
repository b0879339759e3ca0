"""Story clustering and story building on hand-made briefs (no NLP needed)."""

from __future__ import annotations

import datetime as dt

from bot.digest import Entry, build_digest, matches
from summarizer.model import Actor, Article, Brief, Quote, Sentence, Source
from summarizer.stories import cluster, make_story


def brief(title: str, summary: str, actors: tuple[str, ...] = (), quote: str = "", speaker: str = "") -> Brief:
    text = summary + (f" “{quote}” {speaker} said." if quote else "")
    quotes = ()
    if quote:
        start = text.index(quote)
        quotes = (Quote(quote, start, start + len(quote), 0, speaker or None, None, bool(speaker)),)
    return Brief(
        article=Article(text=text, title=title),
        summary=(Sentence(summary, 0, len(summary), 0),),
        method="news",
        quotes=quotes,
        actors=tuple(Actor(a, "person" if " " in a else "place", mentions=3) for a in actors),
    )


UKRAINE = [
    brief(
        "Blinken warns Russia over Ukraine build-up",
        "Antony Blinken warned Russia over troops near Ukraine.",
        ("Antony Blinken", "Russia", "Ukraine"),
    ),
    brief(
        "US and Russian ministers meet as Ukraine tensions rise",
        "Blinken and Lavrov met over Ukraine tensions and Russia troops.",
        ("Antony Blinken", "Sergei Lavrov", "Russia", "Ukraine"),
        "We are deeply concerned about the build-up",
        "Antony Blinken",
    ),
    brief(
        "Russia denies Ukraine invasion plans as Blinken meets Lavrov",
        "Russia denied plans to invade Ukraine as Blinken met Lavrov.",
        ("Russia", "Ukraine", "Sergei Lavrov"),
    ),
]
FLOODS = [
    brief("Floods close hundreds of schools", "Heavy rain and floods closed schools across the north.", ("Riverton",)),
    brief(
        "Schools shut as floods rise in the north", "Rivers burst their banks and floods shut schools.", ("Riverton",)
    ),
]
OTHER = [
    brief("Central bank holds interest rates", "The central bank kept interest rates unchanged on inflation worries.")
]


def test_cluster_groups_the_same_news() -> None:
    groups = cluster(UKRAINE + FLOODS + OTHER)
    assert groups == [[0, 1, 2], [3, 4], [5]]


def test_cluster_of_many_briefs_keeps_unrelated_news_apart() -> None:
    many = [
        brief(f"Story {n} about topic{n} and matter{n}", f"Unique words topic{n} matter{n} detail{n} here.")
        for n in range(2_000)
    ]
    groups = cluster(many)
    assert len(groups) == 2_000


def test_story_takes_the_central_brief_and_the_best_quote() -> None:
    sources = [Source(f"https://n{i}.example/a", f"t{i}", f"feed{i}") for i in range(3)]
    story = make_story(UKRAINE, sources)
    assert story.headline == UKRAINE[1].article.title
    assert story.quote is not None and story.quote.speaker == "Antony Blinken"
    assert [a.name for a in story.actors][:2] == ["Russia", "Ukraine"]
    assert len(story.sources) == 3


def test_digest_ranks_by_sources_and_filters() -> None:
    now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    entries = [
        Entry(b, Source(f"https://x.example/{i}", b.article.title, f"feed{i % 2}"), now)
        for i, b in enumerate(UKRAINE + FLOODS + OTHER)
    ]
    digest = build_digest(entries, now.date(), max_stories=2)
    assert [len(s.sources) for s in digest.stories] == [3, 2]
    assert digest.actors[0].name in ("Antony Blinken", "Sergei Lavrov")
    assert not matches(entries[0], include=("floods",), exclude=())
    assert matches(entries[3], include=("floods",), exclude=())
    assert not matches(entries[3], include=(), exclude=("schools",))
