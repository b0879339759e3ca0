from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.article import parse_article
from summarizer.errors import ArticleError, EmptyArticle, NotEnglish
from summarizer.model import Article

pytestmark = pytest.mark.slow


def test_brief_of_the_seed(briefer, seed_text) -> None:
    brief = briefer.brief(parse_article(seed_text))
    data = brief.to_json()
    assert data["title"].startswith("As tensions in Ukraine rise")
    assert data["date"] == "2021-12-02"
    assert len(data["summary"]) == 3
    assert 1 <= len(data["quotes"]) <= 3
    assert data["actors"] and data["mentions"]
    assert set(data) == {"title", "date", "url", "summary", "quotes", "actors", "mentions"}


def test_brief_many_keeps_order_and_yields_errors_in_place(briefer, seed_text) -> None:
    articles = [parse_article(seed_text, id="a"), Article(text="", id="b"), parse_article(seed_text, id="c")]
    results = list(briefer.brief_many(articles, sentences=2))
    assert isinstance(results[1], EmptyArticle)
    assert [r.article.id for r in (results[0], results[2])] == ["a", "c"]  # type: ignore[union-attr]


def test_sentence_count_is_bounded(briefer, seed_text) -> None:
    with pytest.raises(ArticleError, match="1 to 20"):
        briefer.brief(parse_article(seed_text), sentences=0)


def test_non_english_is_refused(briefer) -> None:
    with pytest.raises(NotEnglish):
        briefer.brief(
            Article(
                text="El gobierno dijo el martes que no subirá los impuestos este año, "
                "y los críticos se enfadaron mucho con la decisión."
            )
        )


words = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "“",
        "”",
        '"',
        "(CNN)",
        "--",
        "U.S.",
        "Gen.",
        ".",
        "!",
        "?",
        ",",
        "\n",
        "\n\n",
        "- ",
        "#",
        "Blinken",
        "is",
        "was",
        "a",
        "war",
        "talks",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(words, max_size=80).map(" ".join), st.text(max_size=400)))
def test_any_text_gives_a_verbatim_brief_or_a_clear_error(briefer, text) -> None:
    article = parse_article(text)
    try:
        brief = briefer.brief(article)
    except ArticleError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert 1 <= len(brief.summary) <= 3
    for s in brief.summary:
        assert article.text[s.start : s.end] == s.text and s.text
    for q in brief.quotes:
        assert article.text[q.start : q.end] == q.text and q.text


SEED_QUOTES = {
    "We are deeply concerned about Russia’s aggressive approach against Ukraine,": "Antony Blinken",
    "exercise moderation,": "Dmytro Kuleba",
    "craft a deterrence package": "Dmytro Kuleba",
    "direct danger": "Kremlin",
    "internal destabilization as well as large-scale military actions": "Antony Blinken",
    "far-reaching and long-term consequences.": "Antony Blinken",
}


def test_seed_quotes_and_speakers(parse, pipeline, seed_text) -> None:
    from summarizer.quotes import extract_quotes

    parsed = parse(seed_text)
    found = {q.text: q for q in extract_quotes(parsed, pipeline.lexicon)}
    for text, speaker in SEED_QUOTES.items():
        assert speaker in (found[text].speaker or ""), (text, found[text].speaker)
    he_said = next(q for t, q in found.items() if t.startswith("we do know that he’s putting"))
    assert he_said.speaker == "Antony Blinken" and he_said.named
    official = next(q for t, q in found.items() if t.startswith("The secretary will want"))
    assert official.speaker == "a US official" and not official.named
    for q in found.values():
        assert parsed.article.text[q.start : q.end] == q.text


def test_key_quotes_are_ranked_and_not_repeated(briefer, seed_text) -> None:
    brief = briefer.brief(parse_article(seed_text))
    assert brief.quotes[0].speaker == "Antony Blinken"
    # Two are worth showing: the summary already shows "We are deeply concerned ...", and the others
    # are scare quotes ("direct danger") or fragments ("internal destabilization as well as ...").
    assert len({q.text for q in brief.quotes}) == len(brief.quotes) == 2
    summary = " ".join(s.text for s in brief.summary)
    assert all(q.text not in summary for q in brief.quotes)
