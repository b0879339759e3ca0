"""The faster attribute ruler and lemmatizer annotate exactly as the stock spaCy components do."""

from __future__ import annotations

import json

import pytest
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from summarizer import pipes
from summarizer.nlp import load_model
from summarizer.pipes import CachedLemmatizer, IndexedAttributeRuler, speed_up

ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]

# The model's odd corners: contractions and slang its rules name, two-token patterns, pronoun case by
# dependency, expletive "there", auxiliaries, whitespace tokens (which the ruler retags), subordinators.
TRICKY = [
    "I'm gonna tell y'all: we ain't done, and they gotta know it. Let's go.\n\n  Then he said it.",
    "There is nothing here, there were   people there once; she'd've had it if she could.",
    "C'mon, doin' somethin' for 'em ol' folks ain't nothin'. Wo n't you? Sha n't we? Ca n't they?",
    "Which is it? That one, whether or not those who'd been there did it, gets got.\t\tWell, well.",
    "You gave it to me and I gave it to you; it was ours, not yours or theirs, 'nuff said.",
    "",
    "   ",
    "\n",
]


@pytest.fixture(scope="module")
def models() -> tuple[Language, Language]:
    """A stock model and a sped-up one, loaded apart so neither shares a component with the other."""
    stock, fast = load_model(), load_model()
    assert speed_up(fast) == ["attribute_ruler", "lemmatizer"]
    return stock, fast


def same(a: Doc, b: Doc) -> bool:
    return (
        bool((a.to_array(ATTRS) == b.to_array(ATTRS)).all())
        and [str(t.morph) for t in a] == [str(t.morph) for t in b]
        and [t.lemma_ for t in a] == [t.lemma_ for t in b]
    )


def test_the_swap_is_idempotent_and_keeps_the_order(models) -> None:
    stock, fast = models
    assert fast.pipe_names == stock.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), CachedLemmatizer)
    assert speed_up(fast) == []
    assert fast.get_pipe("attribute_ruler").patterns == stock.get_pipe("attribute_ruler").patterns


@pytest.mark.parametrize("text", TRICKY)
def test_same_annotations_on_the_models_odd_corners(models, text: str) -> None:
    stock, fast = models
    assert same(stock(text), fast(text))
    # Again, now answered from the caches.
    assert same(stock(text), fast(text))


def test_same_matches_as_the_stock_matcher(models, seed_text: str) -> None:
    stock, _ = models
    plain, indexed = ruler_pair(stock, stock.get_pipe("attribute_ruler").patterns)
    doc = stock(seed_text + "\n\n" + " ".join(TRICKY), disable=["attribute_ruler", "lemmatizer", "ner"])
    assert indexed.match(doc) == plain.match(doc)
    assert indexed._index is not None


def test_same_annotations_on_real_articles(models, shared_eval) -> None:
    stock, fast = models
    texts = []
    for name, limit in (("summarize", 40), ("quotes", 20), ("actors", 20)):
        lines = (shared_eval / name / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:limit]
        texts += [json.loads(line)["text"] for line in lines]
    stock_docs = list(stock.pipe(texts, batch_size=8))
    fast_docs = list(fast.pipe(texts, batch_size=8))
    assert [i for i, (a, b) in enumerate(zip(stock_docs, fast_docs, strict=True)) if not same(a, b)] == []


def test_a_full_cache_starts_afresh_and_answers_the_same(models, seed_text: str, monkeypatch) -> None:
    stock, _ = models
    fast = load_model()
    speed_up(fast)
    monkeypatch.setattr(pipes, "MAX_CACHED_VALUES", 5)
    monkeypatch.setattr(pipes, "MAX_CACHED_LEMMAS", 5)
    assert same(stock(seed_text), fast(seed_text))
    assert same(stock(TRICKY[0]), fast(TRICKY[0]))
    index = fast.get_pipe("attribute_ruler")._index
    assert max(len(c.classes) for c in index.columns) <= 5
    assert len(index._rows) <= 5
    assert len(fast.get_pipe("lemmatizer")._lemmas) <= 5


def ruler_pair(nlp: Language, patterns: list[dict]) -> tuple[AttributeRuler, IndexedAttributeRuler]:
    stock = AttributeRuler(nlp.vocab)
    fast = IndexedAttributeRuler(nlp.vocab)
    stock.add_patterns(patterns)
    fast.add_patterns(patterns)
    return stock, fast


def test_patterns_it_does_not_model_go_to_the_stock_matcher(models) -> None:
    stock, _ = models
    patterns = [
        {"patterns": [[{"LOWER": "very", "OP": "+"}, {"TAG": "JJ"}]], "attrs": {"LEMMA": "VERY"}, "index": 0},
        {"patterns": [[{"LENGTH": {">": 6}}]], "attrs": {"POS": "X"}},
    ]
    plain, indexed = ruler_pair(stock, patterns)
    doc = stock("It was very very good and entirely remarkable.", disable=["attribute_ruler", "lemmatizer"])
    assert indexed.match(doc) == plain.match(doc) != []
    assert indexed._index is None


def test_patterns_added_later_are_used(models) -> None:
    stock, _ = models
    first = [{"patterns": [[{"TAG": "DT"}]], "attrs": {"POS": "DET"}}]
    plain, indexed = ruler_pair(stock, first)
    doc = stock("The cat saw a dog in London.", disable=["attribute_ruler", "lemmatizer"])
    assert indexed.match(doc) == plain.match(doc)
    later = [
        {"patterns": [[{"LOWER": {"REGEX": "^d.g$"}}], [{"LOWER": "dog"}]], "attrs": {"LEMMA": "hound"}},
        {
            "patterns": [[{"TAG": "IN"}, {"DEP": {"NOT_IN": ["det", ""]}, "IS_SPACE": False}]],
            "attrs": {"POS": "X"},
            "index": -1,
        },
    ]
    plain.add_patterns(later)
    indexed.add_patterns(later)
    assert indexed.match(doc) == plain.match(doc)
    assert {m[0] for m in indexed.match(doc)} == {0, 1, 2}
    indexed.clear()
    plain.clear()
    assert indexed.match(doc) == []
    with pytest.warns(UserWarning, match="W036"):  # the Matcher's "no patterns"
        assert plain.match(doc) == []
    wildcard = [{"patterns": [[{}, {"LOWER": "dog"}]], "attrs": {"POS": "X"}}]
    plain.add_patterns(wildcard)
    indexed.add_patterns(wildcard)
    assert indexed.match(doc) == plain.match(doc) != []
    assert indexed._index is not None


def test_untagged_tokens_lemmatize_like_the_stock_lemmatizer(models) -> None:
    stock, fast = models
    # Without a tagger every token is untagged: the stock code lowercases and warns.
    with pytest.warns(UserWarning, match="W108"):
        a = stock("Cats Were running", disable=["tagger", "parser", "attribute_ruler", "ner"])
    with pytest.warns(UserWarning, match="W108"):
        b = fast("Cats Were running", disable=["tagger", "parser", "attribute_ruler", "ner"])
    assert [t.lemma_ for t in a] == [t.lemma_ for t in b] == ["cats", "were", "running"]
