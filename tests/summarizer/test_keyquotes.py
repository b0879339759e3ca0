"""Key quotes: only real statements by a known speaker (pure: no model needed)."""

from __future__ import annotations

import pytest

from summarizer.keyquotes import key_quotes, worth_showing
from summarizer.model import Quote, Sentence


def q(text: str, speaker: str | None = "Antony Blinken", named: bool = True, sentence: int = 1) -> Quote:
    return Quote(text=text, start=0, end=len(text), sentence=sentence, speaker=speaker, named=named)


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        (q("We are deeply concerned about Russia's aggressive approach,"), True),
        (q("The military is ready to act", speaker="a US official", named=False), True),
        (q("and there's a real desire for people to get phones."), False),  # the second half of a quote
        (q("the excessively wasteful $18 million deportation regime."), False),  # words woven into a sentence
        (q("we do know that he is putting in place the capacity to do so,"), True),
        (q("direct danger"), False),  # a scare quote: fewer than four words
        (q("Two and a Half Men,"), False),  # a title
        (q("The Lord of the Rings"), False),
        (q("We will fight for every vote in this state", speaker=None), False),  # no speaker
        (q("We will fight for every vote in this state", speaker="we", named=False), False),
        (q("The fire damaged but did not destroy the office", speaker="the statement", named=False), False),
        # About its speaker, not by her: the attribution is doubtful.
        (q("But you're not going to beat Hillary Clinton by attacking Bill Clinton", speaker="Hillary Clinton"), False),
        (q("But you're not going to beat her by attacking Bill Clinton", speaker="Hillary Clinton"), True),
        (q("Mr. Trump relies on generalizing when it comes to our community", speaker="Donald Trump"), False),
        (q("That's the kind of person Trey is, and we love him", speaker="Trey Moses"), False),
        # A subordinate clause alone says nothing whole; with its main clause it does.
        (q("If the last three Republican nominees don't want to get on that stage"), False),
        (q("In part because it is one of the few books to have changed my life"), False),
        (q("When he left the school, he joined the militia."), True),
    ],
)
def test_worth_showing(quote: Quote, shown: bool) -> None:
    assert worth_showing(quote) is shown


def test_a_quote_the_summary_shows_is_not_repeated() -> None:
    said = "We are deeply concerned about Russia's aggressive approach,"
    summary = (Sentence(f"“{said}” Blinken told reporters.", 0, 60, 0),)
    other = q("We do know that he is putting in place the capacity to do so,")
    assert key_quotes((q(said), other), summary) == (other,)


def test_no_key_quote_rather_than_a_bad_one() -> None:
    assert key_quotes((q("quack"), q("very charming"), q("bullying", speaker=None)), ()) == ()
