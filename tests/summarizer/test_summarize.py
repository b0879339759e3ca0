from __future__ import annotations

import pytest

from summarizer.errors import NoSentences, UnknownMethod
from summarizer.methods import METHODS, SUMY_METHOD_NAMES
from summarizer.summarize import SUMY_METHODS, candidates, summarize

pytestmark = pytest.mark.slow


def test_method_names_match_the_implementations() -> None:
    assert tuple(SUMY_METHODS) == SUMY_METHOD_NAMES
    assert METHODS[0] == "news"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1, 3, 5])
def test_every_method_returns_n_verbatim_sentences_in_article_order(parse, seed_text, method, n) -> None:
    parsed = parse(seed_text)
    summary = summarize(parsed, n, method)
    body = parsed.article.text
    assert len(summary) == n
    assert [s.index for s in summary] == sorted({s.index for s in summary})
    for s in summary:
        assert body[s.start : s.end] == s.text
        assert s.text in body


def test_news_summary_of_the_seed_leads_with_the_story(parse, seed_text) -> None:
    summary = summarize(parse(seed_text), 3, "news")
    assert summary[0].text.startswith("On Thursday, America’s top diplomat, Antony Blinken")
    assert all(s.index < 8 for s in summary)


def test_lead_is_the_first_candidates(parse, seed_text) -> None:
    parsed = parse(seed_text)
    assert [s.index for s in summarize(parsed, 3, "lead")] == candidates(parsed)[:3]


def test_candidates_drop_bylines_captions_fragments_and_headings(parse) -> None:
    text = (
        "Storm batters the coast\n\n"
        "By John Smith and Jane Doe\n\n"
        "A powerful storm battered the eastern coast on Monday, cutting power to thousands of homes.\n\n"
        "Photo: Reuters\n\n"
        "Officials said the damage would take weeks to repair and warned of more rain.\n\n"
        "Read more here\n\n"
        "Wow.\n\n"
        "A fallen tree blocks a road in the town centre (Photo: AP)\n\n"
        "CNN's Jane Doe contributed to this report.\n\n"
        "Residents were told to stay indoors until the wind had dropped on Tuesday."
    )
    parsed = parse(text)
    kept = [
        parsed.article.text[parsed.sentences[n].start_char : parsed.sentences[n].end_char] for n in candidates(parsed)
    ]
    assert kept == [
        "A powerful storm battered the eastern coast on Monday, cutting power to thousands of homes.",
        "Officials said the damage would take weeks to repair and warned of more rain.",
        "Residents were told to stay indoors until the wind had dropped on Tuesday.",
    ]


def test_news_skips_a_near_duplicate(parse) -> None:
    base = "The central bank raised interest rates by half a point on Thursday to fight inflation."
    text = " ".join(
        [
            base,
            base.replace("Thursday", "Thursday morning"),
            "Shoppers said prices for bread and milk had doubled since last spring.",
            "Economists expect another increase in the autumn if wages keep rising.",
            "The government welcomed the decision but warned of job losses.",
        ]
    )
    picked = [s.text for s in summarize(parse(text), 2, "news")]
    assert picked[0] == base
    assert base.replace("Thursday", "Thursday morning") not in picked


def test_short_text_of_short_sentences_still_summarizes(parse) -> None:
    assert [s.text for s in summarize(parse("Fire at the mill. Two hurt."), 3, "news")] == [
        "Fire at the mill.",
        "Two hurt.",
    ]


def test_no_sentence_punctuation_is_refused(parse) -> None:
    with pytest.raises(NoSentences, match="punctuation"):
        summarize(parse("just some words without any stop at all\nand another line of them"), 3, "news")


SOFT_404 = (
    "Sorry, the page you requested was not found.\n\nPlease check the URL for proper spelling and"
    " capitalization. If you need more assistance, our newsroom staff would be glad to help you today."
)
ARCHIVE_NOTE = (
    "These crawls are part of an effort to archive pages as they are created. That way, readers will still"
    " see what was originally intended by the authors of a page. The goal is to fix all broken links on the web."
)


@pytest.mark.parametrize("text", [SOFT_404, ARCHIVE_NOTE])
def test_a_page_that_opens_with_a_site_notice_is_no_article(parse, text) -> None:
    with pytest.raises(NoSentences, match="site notice"):
        summarize(parse(text), 3, "news")


def test_a_site_notice_inside_an_article_never_summarizes_it(parse) -> None:
    text = (
        "The city council approved the new budget on Tuesday after a long debate about school funding."
        " Please enable JavaScript to watch the video of the meeting in your browser."
        " The budget adds money for teachers and repairs to three schools in the east of the city."
    )
    summary = summarize(parse(text), 3, "news")
    assert len(summary) == 2
    assert not any("JavaScript" in s.text for s in summary)


def test_unknown_method(parse, seed_text) -> None:
    with pytest.raises(UnknownMethod, match="lexrank"):
        summarize(parse(seed_text), 3, "gpt")


def test_news_is_vectorised_and_handles_long_documents(parse, seed_text) -> None:
    body = seed_text.split("\n", 1)[1]
    parsed = parse((body + "\n\n") * 20)
    summary = summarize(parsed, 3, "news")
    assert len(summary) == 3
    assert len({s.text for s in summary}) == 3


@pytest.mark.parametrize("text", ["12345.", "...", "!!! ??? ...", "“” “”."])
def test_text_without_words_is_refused(parse, text) -> None:
    with pytest.raises(NoSentences, match="no words"):
        summarize(parse(text), 3, "news")


def test_news_about_what_sites_do_is_still_news(parse) -> None:
    text = (
        "Readers who visit the news site must now enable JavaScript, the publisher announced on Monday."
        " The change follows a year of falling advertising revenue across the industry, executives said."
        " Critics said the move would shut out readers on older phones and in libraries."
    )
    assert len(summarize(parse(text), 3, "news")) == 2


def test_a_line_without_a_final_stop_gives_way_to_sentences(parse) -> None:
    text = (
        " date 2024-01-01 \n\nThe defense ministry has urged an investigation of the video, which threatens"
        " to spark a new scandal over the use of extrajudicial force by the army\n\n"
        "The defense ministry urged federal prosecutors on Monday to investigate a video that appears to show"
        " a soldier shooting a man. The ministry said prosecutors should clear up what the video showed."
        " The video shows a car coming to a halt under gunfire."
    )
    summary = summarize(parse(text), 3, "news")
    assert len(summary) == 3 and all(s.text.endswith(".") for s in summary)
