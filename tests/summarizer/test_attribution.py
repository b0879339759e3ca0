"""Speaker rules on small texts: each rule of summarizer.attribution, one case or more."""

from __future__ import annotations

import pytest

from summarizer.lexicon import load_lexicon


@pytest.fixture(scope="module")
def speakers(parse, pipeline):
    from summarizer.quotes import extract_quotes

    def _speakers(text: str) -> list[tuple[str | None, bool]]:
        return [(q.speaker, q.named) for q in extract_quotes(parse(text), pipeline.lexicon)]

    return _speakers


def test_surname_resolves_to_the_full_name(speakers) -> None:
    text = (
        "Secretary of State Antony Blinken met his counterpart in Stockholm on Thursday.\n\n"
        "“We are deeply concerned about the build-up on the border,” Blinken said."
    )
    assert speakers(text) == [("Antony Blinken", True)]


def test_pronoun_follows_gender_not_just_recency(speakers) -> None:
    text = (
        "Hillary Clinton spoke in Ohio on Monday. Donald Trump attacked her plan in a rally the same day.\n\n"
        "“We will not be distracted by insults and threats,” she said."
    )
    assert speakers(text) == [("Hillary Clinton", True)]


def test_honorific_gives_the_gender(speakers) -> None:
    text = (
        "Ms. Okonjo met Mr. Abernathy on Tuesday, and Mr. Abernathy praised the plan.\n\n"
        "“This is the deal we have waited years to see,” she said."
    )
    assert speakers(text) == [("Okonjo", True)]


def test_pronoun_prefers_the_person_who_just_spoke(speakers) -> None:
    text = (
        "Tom Miller, an analyst at a consulting firm, said Beijing's investment ties with Moscow were deepening. "
        "He met Peter Jones in London last week.\n\n"
        "“Wrinkles like disagreements will get swept underfoot,” he said."
    )
    assert speakers(text)[0] == ("Tom Miller", True)


def test_inverted_cue_and_apposition(speakers) -> None:
    text = (
        "“What is shaping up is a battle for the ages,” said David Brock, a Clinton confidant who heads "
        "a super PAC.\n\n"
        "“It is not the position that everything is fine,” Gene Sperling, a top adviser, said at an event."
    )
    assert speakers(text) == [("David Brock", True), ("Gene Sperling", True)]


def test_cue_after_a_quote_of_several_sentences(speakers) -> None:
    text = (
        "Elizabeth Warren roused the crowd in Cincinnati.\n\n"
        "“He will crush you into the dirt to get whatever he wants. That is who he is,” Ms. Warren said."
    )
    assert speakers(text) == [("Elizabeth Warren", True)]


def test_continuation_without_a_cue_keeps_the_speaker(speakers) -> None:
    text = (
        "“We are ready to talk,” Sergei Lavrov told reporters in Stockholm.\n\n"
        "“But we will not accept threats against our security.”"
    )
    assert speakers(text) == [("Sergei Lavrov", True), ("Sergei Lavrov", True)]


def test_descriptions_stay_unnamed_and_titles_resolve(speakers) -> None:
    text = (
        "Secretary of State Antony Blinken flew to Stockholm on Wednesday.\n\n"
        "“There is a diplomatic offer on the table,” a US official said.\n\n"
        "“We will not stand by,” the secretary said after the meeting."
    )
    assert speakers(text) == [("a US official", False), ("Antony Blinken", True)]


def test_relative_clause_subject_is_its_antecedent(speakers) -> None:
    text = "Critics included Louisa Ermelino, who said that “it can work for readers who want an escape.”"
    assert speakers(text) == [("Louisa Ermelino", True)]


def test_according_to_and_statement(speakers) -> None:
    text = (
        "The ministry was “deeply alarmed by the escalation,” according to the Kremlin.\n\n"
        "NATO issued a statement saying that “the alliance stands with its partners in the region.”"
    )
    assert speakers(text) == [("Kremlin", True), ("NATO", True)]


def test_first_name_table_is_shipped() -> None:
    lexicon = load_lexicon()
    assert lexicon.gender_of_first_name("Hillary") == "f"
    assert lexicon.gender_of_first_name("antony") == "m"
    assert lexicon.gender_of_first_name("Xqzt") is None


def test_colon_hands_the_quote_to_the_clause_subject(speakers) -> None:
    text = "Hillary Clinton has since apologized: “I should have used two email addresses, and I am sorry.”"
    assert speakers(text) == [("Hillary Clinton", True)]


def test_surname_takes_the_latest_full_name_before_it(speakers) -> None:
    text = (
        "George W. Bush left office in 2009. Jeb Bush is running now.\n\n"
        "“We are not where we need to be in the fight,” Bush tweeted."
    )
    assert speakers(text) == [("Jeb Bush", True)]


def test_quote_ending_in_a_comma_takes_the_cue_after_it(speakers) -> None:
    text = (
        "Meetings were arranged, according to reports filed by a lobbyist. “I had breakfast with him "
        "and he will see you at lunch,” Melanne Verveer wrote in June."
    )
    assert speakers(text) == [("Melanne Verveer", True)]


def test_who_was_told_is_never_the_speaker(speakers) -> None:
    text = (
        'The show also includes speeches from Intel and Microsoft. "The story this year remains all about '
        'digital and how that is completely transforming products and the way people interact with them," '
        "Jeff Joseph, from the Consumer Electronics Association (CEA) told the BBC News website."
    )
    assert speakers(text) == [("Jeff Joseph", True)]


def test_a_hyphenated_surname_is_one_surname(speakers) -> None:
    text = (
        "Baltimore Mayor Stephanie Rawlings-Blake spoke on Tuesday. William Blake, a poet, was not there.\n\n"
        "\u201cI want people to understand that I have no interest in hiding information,\u201d Rawlings-Blake said."
    )
    assert speakers(text) == [("Stephanie Rawlings-Blake", True)]


def test_who_is_prompted_to_respond_speaks_not_what_prompted_it(speakers) -> None:
    text = (
        "The minister posted a greeting for the new year. That prompted Laura Finch, a council member, to "
        'respond with a post of her own: "Thanks, but the new year would be better with an apology."'
    )
    assert speakers(text) == [("Laura Finch", True)]


def test_a_demonstrative_subject_is_never_the_speaker(speakers) -> None:
    text = 'The board met on Monday. That led to reports saying "the company will be sold before the summer".'
    assert all(speaker is None or speaker.lower() != "that" for speaker, _named in speakers(text))


def test_a_comment_reported_by_a_station_is_the_commenters(speakers) -> None:
    text = (
        "Dr. Jane Moss posted a photo on Monday. Moss added a comment, local station WXYZ reported. "
        '"What a great day for a hunt, the best of the year."'
    )
    assert speakers(text) == [("Jane Moss", True)]


def test_the_sentence_that_leads_into_a_quote_names_its_speaker(speakers) -> None:
    text = (
        'Mark Jones praised the clinic on Monday. "It has served us well for years," Jones said. Its phone '
        'lines were overloaded with calls, the sheriff posted on Facebook. "We are asking you to please take '
        'it easy on our dispatchers."'
    )
    assert [s for s, _n in speakers(text)] == ["Mark Jones", "the sheriff"]


def test_a_shared_surname_stays_with_the_one_the_story_is_about_not_a_relative(speakers) -> None:
    text = (
        "That man, Louis Jordan, 37, had an amazing story. His father, Frank Jordan, told reporters that he "
        'was expecting his son to look different. Frank Jordan said he never gave up. "I had tried to '
        'collect rainwater, but the waves would splash into the boat," Jordan said.'
    )
    assert speakers(text)[-1] == ("Louis Jordan", True)


def test_a_name_in_apposition_to_the_subject_is_who_a_pronoun_refers_to(speakers) -> None:
    text = (
        "His father, Frank Jordan, told CNN's Jim Sciutto that he was expecting his son to look different. "
        '"He looked good. He had not lost too much weight," he said.'
    )
    assert speakers(text) == [("Frank Jordan", True)]


def test_the_title_alone_refers_to_the_one_just_given_it_and_he_to_who_announced(parse, pipeline) -> None:
    from summarizer.quotes import quotes_with_coref

    parsed = parse(
        "Indiana Gov. Mike Pence signed a similar law last week. Hours after the company's CEO, Doug McMillon, "
        "called on Republican Gov. Asa Hutchinson to veto the bill, the governor held a news conference and "
        "announced he would not sign the legislation."
    )
    _quotes, coref = quotes_with_coref(parsed, pipeline.lexicon)
    he = next(t for t in parsed.doc if t.lower_ == "he")
    governor = next(t for t in parsed.doc if t.lower_ == "governor")
    assert coref.titles_at[governor.i] == "Asa Hutchinson"
    assert coref.resolved[he.i] == "Asa Hutchinson"


def test_a_description_with_a_name_in_apposition_speaks_by_that_name(speakers) -> None:
    text = (
        "Anne was held at the camp until her death. Her classmate, Nannette Blitz, recalled seeing her there: "
        '"She was no more than a skeleton by then."'
    )
    assert speakers(text) == [("Nannette Blitz", True)]


def test_a_participle_after_an_aside_between_dashes_belongs_to_the_main_clause(speakers) -> None:
    # The parser hangs "chanting" on the aside's verb; the team playing in it chanted nothing.
    text = (
        "Crowds of fans marched for hours along the river around Riverside Stadium - where the league's "
        'Boston Harriers played the Denver Rams - while chanting, "Bring back our coach."'
    )
    assert speakers(text)[0][0] != "Boston Harriers"


def test_a_scare_quote_hands_no_speaker_to_the_quote_after_it(speakers) -> None:
    text = (
        "The magazine quoted an official saying that the United States was making a “big mistake” on masks. "
        "The official, George Gao, later reached out to clear the air. “I saw the interview, and I regret how"
        " my words were read by others?”"
    )
    assert speakers(text)[-1][0] in (None, "George Gao")  # not the magazine's or the country's
