from __future__ import annotations

import pytest


def sents(parse, text: str) -> list[str]:
    parsed = parse(text)
    body = parsed.article.text
    return [body[s.start_char : s.end_char] for s in parsed.sentences]


def kinds(parse, text: str) -> list[str]:
    return [s.kind for s in parse(text).sentences]


@pytest.mark.slow
class TestWeakSpots:
    def test_quote_then_attribution_stays_one_sentence(self, parse) -> None:
        text = "“We are deeply concerned about Russia’s approach,” Blinken said. He left on Friday."
        assert sents(parse, text) == [
            "“We are deeply concerned about Russia’s approach,” Blinken said.",
            "He left on Friday.",
        ]

    def test_question_and_exclamation_inside_quotes(self, parse) -> None:
        text = '"Why now?" he asked reporters. "Never!" she replied. The talks went on.'
        assert sents(parse, text) == ['"Why now?" he asked reporters.', '"Never!" she replied.', "The talks went on."]

    def test_interrupted_quote(self, parse) -> None:
        text = "“We are ready,” he said, “to talk.” Then the meeting ended."
        assert sents(parse, text) == ["“We are ready,” he said, “to talk.”", "Then the meeting ended."]

    @pytest.mark.parametrize(
        "text",
        [
            "Gen. Mark Milley met Sen. Elizabeth Warren on Jan. 5 in Washington.",
            "The U.S. Army said Dr. Smith and Mrs. Jones left St. Louis on Feb. 3.",
            "Apple Inc. and Acme Corp. agreed a deal worth $5.5 billion on Tuesday.",
            "He was arrested hours after the blast, said Anaheim police Sgt. Bob Dunn.",
        ],
    )
    def test_abbreviations_do_not_split(self, parse, text: str) -> None:
        assert sents(parse, text) == [text]

    def test_a_named_speech_tag_after_an_exclamation_ends_its_sentence(self, parse) -> None:
        text = '"Any guy that can do a body slam, he is my type!" Trump said to cheers. "Why now?" He said no.'
        assert sents(parse, text) == [
            '"Any guy that can do a body slam, he is my type!" Trump said to cheers.',
            '"Why now?"',
            "He said no.",
        ]

    def test_us_can_end_a_sentence(self, parse) -> None:
        assert sents(parse, "He moved to the U.S. The move was a success.") == [
            "He moved to the U.S.",
            "The move was a success.",
        ]

    @pytest.mark.parametrize(
        ("text", "first"),
        [
            ("(CNN)The Palestinian Authority joined the court. It was a big step.", "The Palestinian Authority"),
            ("(CNN) -- The storm hit the coast on Monday. Thousands fled.", "The storm hit"),
            ("WASHINGTON (Reuters) - The Senate passed the bill on Friday. It now goes to the House.", "The Senate"),
            ("LONDON, England (CNN) -- Police arrested two men on Sunday. They were released.", "Police arrested"),
            ("NEW YORK -- Stocks fell sharply on Monday. Investors were nervous.", "Stocks fell"),
            ("Dec 29 (Reuters) - Oil prices rose on Tuesday. Traders were cautious.", "Oil prices rose"),
            ("KABUL (NNA) - A bomb hit the city on Monday. Ten people died.", "A bomb hit"),
            # A date alone ahead of the story, its agency dropped by a feed; a month that is a word is not one.
            ("Oct 19 An ancient crystal may hold signs of life. Scientists were surprised.", "An ancient crystal"),
            ("Oct. 19, 2015 -- Oil prices rose on Tuesday. Traders were cautious.", "Oil prices rose"),
            ("May 5 Things You Should Know came out on Monday. It sold well.", "May 5 Things"),
            ("CHICAGO, Nov. 30, 2018 /PRNewswire/ -- United Airlines made a deal. It starts soon.", "United Airlines"),
            # A bracketed acronym that is no agency and has no dash after it is part of the sentence.
            ("The Rugby Football Union (RFU) will decide on Monday. Clubs are waiting.", "The Rugby Football Union"),
            ("The World Health Organization (WHO) said the outbreak is over. Cases fell.", "The World Health"),
        ],
    )
    def test_datelines_are_trimmed_not_sentences(self, parse, text: str, first: str) -> None:
        found = sents(parse, text)
        assert len(found) == 2
        assert found[0].startswith(first)

    def test_headline_without_final_punctuation_is_its_own_heading(self, parse) -> None:
        text = "Storm hits the coast\nThousands of people fled their homes on Monday. Roads were closed."
        assert sents(parse, text)[0] == "Storm hits the coast"
        assert kinds(parse, text) == ["heading", "text", "text"]

    def test_bullets_are_separate_and_lose_their_markers(self, parse) -> None:
        text = "Key points:\n- Prices rose by 5% in March\n* Wages fell again.\n• Rents are up\n1. Jobs are down."
        found = sents(parse, text)
        assert found[1:] == ["Prices rose by 5% in March", "Wages fell again.", "Rents are up", "Jobs are down."]
        assert kinds(parse, text)[1:] == ["bullet"] * 4

    def test_markdown_heading_in_body(self, parse) -> None:
        text = "Intro sentence is here.\n\n## What happened next\n\nThe rest of the story follows."
        assert sents(parse, text) == ["Intro sentence is here.", "What happened next", "The rest of the story follows."]
        assert kinds(parse, text) == ["text", "heading", "text"]

    def test_paragraphs_always_break_and_are_numbered(self, parse) -> None:
        parsed = parse("First paragraph without a stop\nSecond one is a sentence. And another.\n\nThird.")
        assert [s.paragraph for s in parsed.sentences] == [0, 1, 1, 2]


@pytest.mark.slow
def test_seed_sentences_are_exact_substrings(parse, seed_text: str) -> None:
    parsed = parse(seed_text)
    body = parsed.article.text
    assert len(parsed.sentences) == 16
    for s in parsed.sentences:
        piece = body[s.start_char : s.end_char]
        assert piece == piece.strip() and piece
        assert parsed.doc[s.start].idx <= s.start_char


@pytest.mark.slow
def test_parse_tokenizer_answers_sumy_from_the_parse(parse) -> None:
    from summarizer.sentences import ParseTokenizer

    parsed = parse("The cat sat on the mat. It was the U.S. cat's mat, he said.\n\nNew para here.")
    tok = ParseTokenizer(parsed.doc, parsed.sentences)
    assert tok.to_sentences("The cat sat on the mat. It was the U.S. cat's mat, he said.") == (
        "The cat sat on the mat.",
        "It was the U.S. cat's mat, he said.",
    )
    assert tok.to_words("The cat sat on the mat.") == ("The", "cat", "sat", "on", "the", "mat")
    assert "U.S." in tok.to_words("It was the U.S. cat's mat, he said.")
    assert tok.to_words("unknown text, here") == ("unknown", "text", "here")
