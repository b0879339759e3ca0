"""Story clustering and story building on hand-made briefs (no NLP needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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


_NOUNS = """bank airline museum club court council festival hospital school bridge harbour railway farm
factory theatre library stadium prison market garden river forest mine port orchestra university bakery
brewery chapel castle canal ferry tunnel motorway airport zoo aquarium gallery cinema reservoir lighthouse
observatory vineyard quarry dairy""".split()
_VERBS = "opens closes sells rebuilds expands renames repairs inspects floods reopens".split()


def _day_of_other_news(n: int) -> list[Brief]:
    """Unrelated short stories: the background a day's clustering measures each pair against."""
    out = []
    for k in range(n):
        a, b = _NOUNS[k % len(_NOUNS)], _NOUNS[(3 * k + 7) % len(_NOUNS)]
        verb = _VERBS[k % len(_VERBS)]
        out.append(brief(f"{a.title()} {verb} its {b}", f"The {a} in Town{k} {verb} its {b} after a long dispute."))
    return out


def test_one_event_told_in_other_words_is_one_story_and_twin_events_stay_apart() -> None:
    emoluments = [
        brief(
            "Obama ethics chief accuses Trump of violating emoluments clause",
            "Walter Shaub said the president's hotel deals break the Constitution's ban on gifts from foreign states.",
        ),
        brief(
            "Lawsuit targets foreign payments to Trump businesses",
            "Two attorneys general sued over money that his Washington hotel takes from foreign governments.",
        ),
    ]
    quakes = [
        brief(
            "Earthquake of magnitude 6.1 hits Yunnan, killing 30",
            "A magnitude 6.1 earthquake struck Ludian county in Yunnan on Sunday, killing 30 people.",
        ),
        brief(
            "Yunnan earthquake in Ludian county kills 30",
            "Rescuers searched Ludian after the earthquake in Yunnan killed 30 and toppled homes.",
        ),
        brief(
            "Sichuan earthquake injures 12 in Kangding",
            "A magnitude 5.7 earthquake shook Kangding in Sichuan province on Saturday; 12 people were hurt "
            "and roads to Tibet were blocked.",
        ),
    ]
    day = emoluments + quakes + _day_of_other_news(40)
    groups = cluster(day)
    assert [0, 1] in groups
    assert [2, 3] in groups and [4] in groups


def test_story_takes_the_central_brief_and_the_best_quote() -> None:
    sources = [Source(f"https://n{i}.example/a", f"t{i}", f"feed{i}") for i in range(3)]
    story = make_story(UKRAINE, sources)
    assert story.headline == UKRAINE[1].article.title
    assert story.quote is not None and story.quote.speaker == "Antony Blinken"
    assert [a.name for a in story.actors][:2] == ["Russia", "Ukraine"]
    assert len(story.sources) == 3


def test_a_story_is_told_by_the_summary_that_covers_what_its_sources_say() -> None:
    core = "Floods closed hundreds of schools across the north as rivers burst their banks."
    aside = "The mayor also opened a new library in the town centre on Monday."
    long_text = f"{core} {core} Rescue teams moved families from flooded homes. {aside}"
    # The longest, most typical article, whose own summary is its aside: not the story's summary.
    typical = Brief(
        article=Article(text=long_text, title="Floods close schools"),
        summary=(Sentence(aside, long_text.index(aside), len(long_text), 3),),
        method="news",
    )
    others = [brief("Schools shut by floods", core), brief("Rivers burst banks", f"{core} Families moved.")]
    story = make_story([typical, *others], [Source(f"https://n{i}.example/a", "t") for i in range(3)])
    assert story.summary == (core,)


def test_a_story_is_told_by_the_summary_of_the_whole_story_its_own_article_included() -> None:
    report = (
        "Floods closed hundreds of schools across the north. Floods forced rescue teams to move families"
        " from flooded homes in the north. Police closed the coast road."
    )
    aside = "Police closed the coast road."
    # The long report's summary is its aside, which the short item happens to say too: measured against the
    # other article alone it would lead, though it tells little of either.
    long_one = Brief(
        article=Article(text=report, title="Storm"),
        summary=(Sentence(aside, report.index(aside), len(report), 2),),
        method="news",
    )
    short_one = brief("Storm", "Floods closed schools in the north, and police closed the coast road.")
    story = make_story([long_one, short_one], [Source(f"https://n{i}.example/a", "t") for i in range(2)])
    assert story.summary == (short_one.summary[0].text,)


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


def test_a_story_without_a_headline_is_headed_by_its_first_sentence_said_once() -> None:
    short = "Floods closed schools."
    long = (
        "Heavy rain and rising rivers closed hundreds of schools across the north of the country on Wednesday morning."
    )
    rest = "Officials urged residents to stay away from the river."
    sources = [Source("https://n.example/a", "t")]
    for first, headline, shown in (
        (short, short, (rest,)),
        (
            long,
            "Heavy rain and rising rivers closed hundreds of schools across the north of the country …",
            (long, rest),
        ),
    ):
        text = f"{first} {rest}"
        b = Brief(
            article=Article(text=text, title=""),
            summary=(Sentence(first, 0, len(first), 0), Sentence(rest, len(first) + 1, len(text), 1)),
            method="news",
        )
        story = make_story([b], sources)
        # The summary stays whole (what the digest JSON gives); a reader sees each sentence once.
        assert (story.headline, story.summary, story.below_headline) == (headline, (first, rest), shown)


def test_a_person_named_short_in_one_brief_is_the_one_named_in_full_in_another() -> None:
    one = replace(
        brief("Senate panel reports on Russia", "The Senate panel found no evidence, Trump said."),
        actors=(Actor("Trump", "organization", mentions=2), Actor("Russia", "place", mentions=2)),
    )
    two = replace(
        brief("Report clears campaign", "Donald Trump welcomed the report on Tuesday."),
        actors=(Actor("Donald Trump", "person", role="President", mentions=3),),
        quotes=(Quote("illegal alien", 0, 13, 0, None, None, False),),  # a scare quote: never the story's quote
    )
    story = make_story([one, two], [Source("https://a.example/1", "t"), Source("https://b.example/2", "t")])
    trump = [a for a in story.actors if "Trump" in a.name]
    assert [(a.name, a.kind, a.mentions) for a in trump] == [("Donald Trump", "person", 5)]
    assert story.quote is None


def test_a_place_named_alone_in_one_brief_is_the_one_named_with_its_district_in_another() -> None:
    one = replace(
        brief("Grand jury", "Mueller impaneled a grand jury."), actors=(Actor("Washington", "place", mentions=2),)
    )
    two = replace(
        brief("Jury", "The jury sits in the capital."), actors=(Actor("Washington, DC", "place", mentions=1),)
    )
    story = make_story([one, two], [Source("https://a.example/1", "t"), Source("https://b.example/2", "t")])
    assert [(a.name, a.mentions) for a in story.actors] == [("Washington, DC", 3)]


def test_a_story_gives_an_actor_the_role_most_of_its_briefs_give() -> None:
    briefs = [
        replace(
            brief(f"Collins charged, report {n}", f"Chris Collins was arrested, report {n} says."),
            actors=(Actor("Chris Collins", "person", role=role, mentions=mentions),),
        )
        for n, (role, mentions) in enumerate((("board member", 1), ("Representative", 3), ("Representative", 2)))
    ]
    story = make_story(briefs, [Source(f"https://n{n}.example/a", "t") for n in range(3)])
    assert story.actors[0].role == "Representative" and story.actors[0].mentions == 6
