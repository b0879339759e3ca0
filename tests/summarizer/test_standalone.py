"""Summary sentences a reader can read alone: the checker, and the summaries that use it."""

from __future__ import annotations

import pytest

from summarizer.model import Article
from summarizer.standalone import problems, summary_problems


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Russia warned Ukraine on Monday against retaking Crimea.", ()),
        ("It is easy to be anxious about the threat posed by the group.", ()),
        ("It's clear that the talks failed.", ()),
        ("This week the council voted to close the plant.", ()),
        ("There are 20 people still missing after the flood.", ()),
        ("When Liana Barrientos was 23, she got married in New York.", ()),
        ("“We are deeply concerned,” Blinken told reporters.", ()),
        ("In addition to its channels, TV5Monde lost its websites.", ()),
        ("But the plan failed when the money ran out.", ("connective",)),
        ("However, officials said the deal was off.", ("connective",)),
        ("He said the deal was off.", ("pronoun",)),
        ("That report describes a group that uses religion as a recruiting tool.", ("pronoun",)),
        ("In a statement, she said the company would appeal.", ("pronoun",)),
        ("“We don’t trust the regime anymore,” he said in a phone interview.", ("pronoun",)),
        ("“It is over,” Smith said on Monday.", ()),  # the quotation's own pronoun is its speaker's
        ("“We will win,” said the mayor of Riverton.", ()),
        ("It was a brutal attack on a quiet town.", ("pronoun",)),
        ("In his twenties he battled tuberculosis for eight years.", ("pronoun",)),
        ("In 2010 he moved to Paris with his family.", ("pronoun",)),
        ("For most of those years, the money lay at the bottom of the Atlantic.", ("pronoun",)),
        ("In his speech, Obama said the war was over.", ()),
        ("After Obama won, he thanked his volunteers.", ()),
        ("After her arrest, Jones was released on bail.", ()),
        ("Just a few days into his trip, a storm capsized his boat.", ("pronoun",)),
        ("But read on for a look at who wins and loses under the plan.", ("teaser", "connective")),
        ("Voters read on average two papers a week.", ()),
        ("Speaking at his home in Ohio, the mayor said the town would recover.", ()),
        ("“It not only cheats other athletes but also cheats the public.”", ("unattributed",)),
        ("So what can and should we make of the organization?", ("connective", "question")),
        ("Who will pay for the new stadium?", ("question",)),
        ("“My personal speech has led to grave social consequences.", ("half-quote",)),
        ("WASHINGTON (Reuters) - The Senate passed the bill on Friday.", ("dateline",)),
        ("READ: How the vote unfolded.", ("related",)),
        ("| AP Photo Trump slams 'fake news' for treating son unfairly", ("layout",)),
        ("Home | News | Sport | Weather", ("layout",)),
        ("Jennifer Paterson (left) and Clarissa Dickson Wright filming Two Fat Ladies in 1996.", ("caption",)),
        ("Hide Caption 3 of 15 Photos: People wait for news at the fairgrounds on October 1.", ("caption",)),
        ("Neil Warner / Splash News Britney Spears' handlers have strong ideas on interviews.", ("caption",)),
        ("The fund lost 3% in a year, the most since 2008 / 2009, its chief said.", ()),
    ],
)
def test_problems(sentence: str, found: tuple[str, ...]) -> None:
    assert problems(sentence) == found


def test_a_leaning_sentence_is_fine_right_after_the_one_it_leans_on() -> None:
    text = "The mayor resigned on Monday. He had been in office for ten years. The city was shocked. He left."
    ok = summary_problems(["The mayor resigned on Monday.", "He had been in office for ten years."], text)
    assert ok == [(), ()]
    apart = summary_problems(["The mayor resigned on Monday.", "He left."], text)
    assert apart == [(), ("pronoun",)]


@pytest.mark.slow
def test_summary_sentences_stand_alone(briefer) -> None:
    text = (
        "The city council voted on Monday to close the old power plant by 2030, ending a decade of dispute.\n\n"
        "It was a long fight.\n\n"
        "But the plant's owner said it would appeal the decision in the state courts.\n\n"
        "Residents near the plant have complained about smoke and noise for years, and many welcomed the vote.\n\n"
        "So what happens to the 400 workers at the plant?\n\n"
        "The council said a retraining fund of $20 million would help workers find new jobs in the region.\n\n"
        "He said the fund was not enough.\n\n"
        "The plant's owner, Northern Power, employs about 400 people at the site on the river.\n\n"
    )
    brief = briefer.brief(Article(text=text), sentences=3)
    for sentence in brief.summary:
        assert sentence.text in text
    flaws = summary_problems([s.text for s in brief.summary], text)
    assert flaws == [(), (), ()], [s.text for s in brief.summary]


def test_a_leaning_sentence_continues_the_point_it_leans_on() -> None:
    from summarizer.model import Sentence
    from summarizer.standalone import summary_points

    first = Sentence("Easter resists the culture wars.", 0, 32, 0)
    leaning = Sentence("That's in part because it is about faith.", 33, 75, 1)
    apart = Sentence("That's why churches fill up.", 200, 228, 7)
    alone = Sentence("Churches expect record crowds.", 229, 259, 8)
    assert summary_points([first, leaning, alone]) == [
        "Easter resists the culture wars. That's in part because it is about faith.",
        "Churches expect record crowds.",
    ]
    # Not next to each other in the article, or standing alone: points of their own.
    assert len(summary_points([first, apart])) == 2
    assert len(summary_points([apart, alone])) == 2
