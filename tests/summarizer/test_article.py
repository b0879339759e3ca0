from __future__ import annotations

import datetime as dt

import pytest

from summarizer.article import MAX_ARTICLE_CHARS, check_text, decode_bytes, is_english, parse_article
from summarizer.errors import ArticleTooLarge, BinaryInput, EmptyArticle, NotEnglish

ENGLISH = "The minister said on Tuesday that the government would not raise taxes this year, and critics were angry."


def test_seed_header_gives_date_and_title(seed_text: str) -> None:
    article = parse_article(seed_text)
    assert article.date == dt.date(2021, 12, 2)
    assert article.title == "As tensions in Ukraine rise, US and Russian ministers will meet."
    assert article.text.startswith("On Thursday, America’s top diplomat")
    assert "date 2021" not in article.text


def test_header_without_headline_and_crlf_line_endings() -> None:
    article = parse_article(" date 2024-02-29\r\n\r\nBody text here.\r\nMore text.")
    assert article.date == dt.date(2024, 2, 29)
    assert article.title == ""
    assert article.text == "Body text here.\nMore text."


def test_impossible_date_is_dropped_not_fatal() -> None:
    article = parse_article(" date 2021-13-45 Headline\n\nBody.")
    assert article.date is None
    assert article.title == "Headline"


def test_markdown_title() -> None:
    article = parse_article("# Big news today\n\nSomething happened in the city. People noticed.")
    assert article.title == "Big news today"
    assert article.text == "Something happened in the city. People noticed."


def test_plain_text_keeps_everything_and_a_given_title() -> None:
    article = parse_article("  Just a body. Two sentences.\n", title="From JSONL", id="x1")
    assert (article.title, article.text, article.id) == ("From JSONL", "Just a body. Two sentences.", "x1")


def test_decode_utf8_with_bom_and_fallback() -> None:
    assert decode_bytes("\ufeffCafé said.".encode()) == ("Café said.", False)
    text, fallback = decode_bytes("Café said.".encode("cp1252"))
    assert fallback and text == "Café said."


def test_decode_refuses_binary() -> None:
    with pytest.raises(BinaryInput):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(BinaryInput):
        decode_bytes(bytes(range(1, 32)) * 20)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", EmptyArticle),
        ("   \n\t  ", EmptyArticle),
        ("a" * (MAX_ARTICLE_CHARS + 1), ArticleTooLarge),
        ("\x01\x02\x03 " * 100, BinaryInput),
        (
            "Der Minister sagte am Dienstag, dass die Regierung in diesem Jahr die Steuern nicht erhöhen werde, "
            "und die Kritiker waren verärgert über diese Entscheidung der Koalition.",
            NotEnglish,
        ),
        ("Министр заявил во вторник, что правительство не будет повышать налоги в этом году.", NotEnglish),
    ],
)
def test_check_text_refuses(text: str, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        check_text(text)
    message = str(info.value)
    assert message and "\n" not in message and "Traceback" not in message


def test_error_messages_state_the_limit() -> None:
    with pytest.raises(ArticleTooLarge, match="300,000"):
        check_text("word. " * 60_000)


def test_english_passes_and_short_text_is_not_judged() -> None:
    check_text(ENGLISH)
    assert is_english("Brexit vote tonight")
    assert is_english("12 345 678")


@pytest.mark.parametrize(
    ("text", "english"),
    [
        (
            "Senate Majority Leader plans to begin votes without knowing where three key Republicans stand, "
            "and without completed FBI background check.",
            True,
        ),
        (
            "Die Bundesregierung hat am Montag ein neues Gesetz beschlossen, das die Mieten in den großen "
            "Städten begrenzen soll, wie ein Sprecher in Berlin mitteilte.",
            False,
        ),
        (
            "De regering heeft maandag een nieuw plan aangekondigd om de jeugdwerkloosheid in de zwaarst "
            "getroffen regio van het land te verminderen.",
            False,
        ),
    ],
)
def test_a_short_lead_of_names_is_still_english(text: str, english: bool) -> None:
    assert is_english(text) is english


def test_a_table_of_figures_is_refused_as_such() -> None:
    from summarizer.errors import TableOfFigures

    table = "FREESTYLE SKIING-WORLD CUP MOGUL RESULTS .\nTIGNES , France 1996-12-06\nMen\n" + "\n".join(
        f"{n}. Jesper Ronnback ( Sweden ) {25 - n / 10:.2f} points" for n in range(1, 11)
    )
    with pytest.raises(TableOfFigures, match="table of figures"):
        check_text(table)
    prose = (
        "Trump got 18 first-place votes this week, Marco Rubio got seven and Ted Cruz got three.\n"
        "Despite Trump's continued strength, our experts see other candidates best positioned to gain.\n"
        "1. Trump 18\n2. Rubio 7\n3. Cruz 3\n"
        "The panel of 30 political insiders was asked who they think is the strongest candidate in the field.\n"
    )
    check_text(prose)  # an article with a short table is still an article
