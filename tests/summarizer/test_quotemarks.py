from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.quotemarks import find_quote_spans


def quotes(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quote_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We are ready to talk,” Blinken said.", ["We are ready to talk,"]),
        ('"We are ready to talk," he said.', ["We are ready to talk,"]),
        ("''We are ready to talk,'' he said.", ["We are ready to talk,"]),
        ("``We are ready to talk,'' he said.", ["We are ready to talk,"]),
        ("“We are ready,” he said, “to talk now.”", ["We are ready,", "to talk now."]),
        ('"We are ready," he said, "to talk now."', ["We are ready,", "to talk now."]),
        (
            "Kuleba said his country will “exercise moderation,” but urged allies to “craft a deterrence package”.",
            ["exercise moderation,", "craft a deterrence package"],
        ),
        # An opening mark misprinted for the closing one, as some sites' converters do.
        (
            '"Two bombs fell in the camp, “said Adrian Edwards. "We are verifying the situation, “he said.',
            ["Two bombs fell in the camp,", "We are verifying the situation,"],
        ),
    ],
)
def test_quote_styles(text: str, expected: list[str]) -> None:
    assert quotes(text) == expected


def test_multi_paragraph_quote_is_one_quote_per_paragraph() -> None:
    text = "He said: “The first part goes on and on.\n\n“And the second part ends here,” he added."
    assert quotes(text) == ["The first part goes on and on.", "And the second part ends here,"]


def test_stray_marks_lose_only_their_own_paragraph() -> None:
    text = "A stray ” mark and an “ unclosed one here.\n\n“This quote is fine,” she said.\n\nAnd “another one here.”"
    found = quotes(text)
    assert "This quote is fine," in found and "another one here." in found


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    text = (
        "The so-called “peace plan” failed. The film “Gone With the Wind” was shown. "
        "He called it a “direct danger to the nation,” officials said."
    )
    assert quotes(text) == ["direct danger to the nation,"]


def test_apostrophes_are_not_marks() -> None:
    assert quotes("It's rock''n''roll and the '90s, he said, “truly great times.”") == ["truly great times."]


def test_seed_quotes(seed_text: str) -> None:
    found = quotes(seed_text)
    for q in [
        "We are deeply concerned about Russia’s aggressive approach against Ukraine,",
        "exercise moderation,",
        "craft a deterrence package",
        "direct danger",
        "internal destabilization as well as large-scale military actions",
        "far-reaching and long-term consequences.",
    ]:
        assert q in found


@given(st.text(alphabet=st.sampled_from(list("ab “”\"'`\n,.")), max_size=200))
def test_any_text_gives_exact_substrings(text: str) -> None:
    for q in find_quote_spans(text):
        assert 0 <= q.start < q.end <= len(text)
        piece = text[q.start : q.end]
        assert piece == piece.strip() and piece
        assert "\n" not in piece
