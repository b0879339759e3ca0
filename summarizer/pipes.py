"""Drop-in replacements for two stock spaCy components, with identical output and less Python per token.

Profiling the parse of dev articles (``en_core_web_sm``) put the attribute ruler at 13 % and the
lemmatizer at 13 % of a parse, neither of them a neural model:

* the attribute ruler runs a :class:`~spacy.matcher.Matcher` over 179 mostly single-token patterns at
  every token, and each ``IN``/``REGEX`` predicate is a Python call per token and pattern. Our ruler
  sorts each new value of an attribute the patterns test (a tag, a lowercase word, a dependency) into
  the class of values that pass the same tests, answers once per combination of classes which
  pattern tokens hold (a few hundred combinations in 500 articles), and derives from that the same
  matches the Matcher returns; the stock code then sets the attributes exactly as before.
* the rule lemmatizer builds a ``Token`` object per token and only caches some of its answers (base
  forms and proper nouns are recomputed every time). Ours reads the tokens' (text, POS, morphology)
  as one array, looks each key up in a cache of every answer, and writes the lemmas back as one array.

Both fall back to the stock behaviour for anything they do not model (other pattern operators, other
lemmatizer modes), and ``tests/summarizer/test_pipes.py`` compares them with the stock components.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.pipeline.attributeruler import attribute_ruler_score
from spacy.pipeline.lemmatizer import lemmatizer_score
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.api import Model
from thinc.types import Ints2d

RULER_FACTORY = "briefbot_attribute_ruler"
LEMMATIZER_FACTORY = "briefbot_lemmatizer"

#: Attributes read from ``Doc.to_array``: string-valued ones hold hashes, ``IS_SPACE`` a flag.
_STRING_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "TAG": TAG, "DEP": DEP}
_FLAG_ATTRS = {"IS_SPACE": IS_SPACE}
_ATTR_IDS = {**_STRING_ATTRS, **_FLAG_ATTRS}

#: Entries a cache holds before it starts afresh, so that a long-running bot's memory stays bounded:
#: values of one attribute (words, tags) and their classes in the ruler (about 100 bytes each), and
#: (word, POS, morphology) keys in the lemmatizer (about 200 bytes each, with spaCy's own cache).
MAX_CACHED_VALUES = 200_000
MAX_CACHED_LEMMAS = 100_000


class _Unsupported(Exception):
    """A pattern uses something the index does not model; the stock Matcher is used instead."""


@dataclass(frozen=True, slots=True)
class _Test:
    """One condition on one attribute of a token, as the Matcher evaluates it."""

    column: int
    kind: str  # "eq", "in", "not_in" or "regex"
    value: Any

    def holds(self, value: str | bool) -> bool:
        """Whether a value passes a NOT_IN or REGEX test (eq and IN tests are looked up, see _Column)."""
        if self.kind == "not_in":
            return value not in self.value
        return any(pattern.search(str(value)) for pattern in self.value)


def _tests(spec: dict[str, Any], columns: dict[str, int]) -> tuple[_Test, ...]:
    """The conditions of one pattern token; raises :class:`_Unsupported` for anything else."""
    tests: list[_Test] = []
    for key, value in spec.items():
        name = key.upper()
        if name not in _ATTR_IDS:
            raise _Unsupported(key)
        column = columns.setdefault(name if name != "TEXT" else "ORTH", len(columns))
        if name in _FLAG_ATTRS:
            if not isinstance(value, bool):
                raise _Unsupported(key)
            tests.append(_Test(column, "eq", value))
        elif isinstance(value, str):
            tests.append(_Test(column, "eq", value))
        elif isinstance(value, dict) and len(value) == 1:
            ((op, operand),) = value.items()
            if op in ("IN", "NOT_IN") and all(isinstance(v, str) for v in operand):
                tests.append(_Test(column, op.lower(), frozenset(operand)))
            elif op == "REGEX" and isinstance(operand, str):
                tests.append(_Test(column, "regex", (re.compile(operand),)))
            else:
                raise _Unsupported(f"{key}: {op}")
        else:
            raise _Unsupported(key)
    return tuple(tests)


class _Column:
    """One token attribute the patterns test, and the class of each value seen so far.

    A value's class is the set of tests on this attribute it passes, so the many words that no pattern
    names share one class, and the cache of answers is keyed by classes, not by words.
    """

    def __init__(self, attr_id: int, is_flag: bool) -> None:
        self.attr_id = attr_id
        self.is_flag = is_flag
        self.tests: dict[int, _Test] = {}
        # eq/IN tests pass for the values they list and no other, so they are looked up, not asked.
        self.listed: dict[str | bool, list[int]] = {}
        self.asked: list[int] = []
        self.classes: dict[int, int] = {}
        self.kinds: dict[frozenset[int], int] = {}
        self.passed: list[frozenset[int]] = []

    def add(self, test_id: int, test: _Test) -> None:
        self.tests[test_id] = test
        if test.kind in ("eq", "in"):
            for value in (test.value,) if test.kind == "eq" else test.value:
                self.listed.setdefault(value, []).append(test_id)
        else:
            self.asked.append(test_id)

    def classify(self, raw: int, vocab: Vocab) -> int:
        value: str | bool = bool(raw) if self.is_flag else (vocab.strings[raw] if raw else "")
        passed = frozenset([*self.listed.get(value, ()), *(t for t in self.asked if self.tests[t].holds(value))])
        kind = self.kinds.get(passed)
        if kind is None:
            kind = self.kinds[passed] = len(self.passed)
            self.passed.append(passed)
        if len(self.classes) >= MAX_CACHED_VALUES:
            self.classes.clear()
        self.classes[raw] = kind
        return kind


Answer = tuple[frozenset[int], tuple[tuple[int, int], ...]]


class _Index:
    """The ruler's patterns compiled to per-token tests, and the answers seen so far."""

    def __init__(
        self, vocab: Vocab, keys: Sequence[int], patterns: Sequence[Sequence[Sequence[dict[str, Any]]]]
    ) -> None:
        self.vocab = vocab
        names: dict[str, int] = {}
        test_ids: dict[_Test, int] = {}
        specs: dict[tuple[int, ...], int] = {}
        # Per pattern group (its position is the ruler's attribute id): each pattern as spec ids.
        groups: list[tuple[int, int, list[tuple[int, ...]]]] = []
        for attr_id, (key, group) in enumerate(zip(keys, patterns, strict=True)):
            compiled = []
            for pattern in group:
                if not pattern:
                    raise _Unsupported("empty pattern")
                spec_ids = []
                for token in pattern:
                    tests = tuple(test_ids.setdefault(t, len(test_ids)) for t in _tests(token, names))
                    spec_ids.append(specs.setdefault(tests, len(specs)))
                compiled.append(tuple(spec_ids))
            groups.append((attr_id, key, compiled))
        self.columns = [_Column(_ATTR_IDS[name], name in _FLAG_ATTRS) for name in names]
        for test, test_id in test_ids.items():
            self.columns[test.column].add(test_id, test)
        self.specs = list(specs)
        self.single: dict[int, list[tuple[int, int]]] = {}
        for attr_id, key, compiled in groups:
            for p in compiled:
                if len(p) == 1:
                    self.single.setdefault(p[0], []).append((attr_id, key))
        self.multi = [(attr_id, key, p) for attr_id, key, ps in groups for p in ps if len(p) > 1]
        # A pattern token with an eq/IN test is only a candidate where that test passed.
        self.by_test: dict[int, list[int]] = {}
        self.anywhere: list[int] = []
        listed_ids = {t for c in self.columns for ids in c.listed.values() for t in ids}
        for spec_id, tests in enumerate(self.specs):
            listed = [t for t in tests if t in listed_ids]
            if listed:
                self.by_test.setdefault(listed[0], []).append(spec_id)
            else:
                self.anywhere.append(spec_id)
        self._rows: dict[tuple[int, ...], Answer] = {}

    def _answer(self, row: tuple[int, ...]) -> Answer:
        passed = frozenset().union(*(c.passed[kind] for c, kind in zip(self.columns, row, strict=True)))
        candidates = set(self.anywhere)
        for test_id in passed:
            candidates.update(self.by_test.get(test_id, ()))
        held = frozenset(i for i in candidates if passed.issuperset(self.specs[i]))
        answer = (held, tuple(match for spec in held for match in self.single.get(spec, ())))
        if len(self._rows) >= MAX_CACHED_VALUES:
            self._rows.clear()
        self._rows[row] = answer
        return answer

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The same ``(attr_id, match_id, start, end)`` list as ``AttributeRuler.match``, sorted."""
        n = len(doc)
        if not n:
            return []
        if self.columns:
            table = doc.to_array([c.attr_id for c in self.columns]).reshape(n, -1)
            kinds = []
            for j, column in enumerate(self.columns):
                raws = cast("list[int]", table[:, j].tolist())
                known = column.classes
                by_raw = {raw: known[raw] if raw in known else column.classify(raw, self.vocab) for raw in set(raws)}
                kinds.append([by_raw[raw] for raw in raws])
            rows = list(zip(*kinds, strict=True))
        else:  # no patterns, or only wildcard tokens
            rows = [()] * n
        cache = self._rows
        held: list[frozenset[int]] = []
        matches: list[tuple[int, int, int, int]] = []
        for i, row in enumerate(rows):
            answer = cache.get(row) or self._answer(row)
            held.append(answer[0])
            matches.extend((attr_id, key, i, i + 1) for attr_id, key in answer[1])
        for attr_id, key, pattern in self.multi:
            width = len(pattern)
            first = pattern[0]
            for i in range(n - width + 1):
                if first in held[i] and all(pattern[k] in held[i + k] for k in range(1, width)):
                    matches.append((attr_id, key, i, i + width))
        # Two patterns of one group matching the same span give one match, as in the Matcher.
        return sorted(set(matches))


class IndexedAttributeRuler(AttributeRuler):
    """An :class:`~spacy.pipeline.AttributeRuler` whose matching is answered once per class of tokens."""

    def __init__(
        self,
        vocab: Vocab,
        name: str = "attribute_ruler",
        *,
        validate: bool = False,
        scorer: Callable[..., Any] | None = attribute_ruler_score,
    ) -> None:
        """Same arguments as the stock ruler."""
        super().__init__(vocab, name, validate=validate, scorer=scorer)
        self._index: _Index | None = None
        self._compiled = False

    def clear(self) -> None:
        """Reset all patterns (and the index built from them)."""
        super().clear()
        self._compiled = False

    def add(self, patterns: Iterable[Any], attrs: dict[str, Any], index: int = 0) -> None:
        """Add patterns as the stock ruler does; the index is rebuilt on the next document."""
        super().add(patterns, attrs, index)
        self._compiled = False

    def _build(self) -> _Index | None:
        keys = [self.vocab.strings.add(str(i)) for i in range(len(self.attrs))]
        try:
            return _Index(self.vocab, keys, [self.matcher.get(key)[1] for key in keys])
        except _Unsupported:
            return None

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The stock matches, found through the index when every pattern is one it models."""
        if not self._compiled:
            self._index = self._build()
            self._compiled = True
        if self._index is None:
            return super().match(doc)  # type: ignore[no-any-return]
        return self._index.match(doc)


class CachedLemmatizer(EnglishLemmatizer):
    """The English rule lemmatizer with every answer cached and lemmas written as one array."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model[Any, Any] | None,
        name: str = "lemmatizer",
        *,
        mode: str = "lookup",
        overwrite: bool = False,
        scorer: Callable[..., Any] | None = lemmatizer_score,
    ) -> None:
        """Same arguments as the stock lemmatizer."""
        super().__init__(vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set the lemmas the stock lemmatizer would set."""
        if self.mode != "rule" or not len(doc):
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables()
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        cache, strings, overwrite = self._lemmas, doc.vocab.strings, self.overwrite
        lemmas = table[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = strings.add(self.lemmatize(doc[i])[0])
                if pos:  # an untagged token warns in the stock code each time; keep that
                    if len(cache) >= MAX_CACHED_LEMMAS:
                        cache.clear()
                        self.cache.clear()
                    cache[key] = value
            lemmas[i] = value
        doc.from_array([LEMMA], cast(Ints2d, lemmas.reshape(-1, 1)))
        return doc


def _make_ruler(nlp: Language, name: str, validate: bool, scorer: Callable[..., Any] | None) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def _make_lemmatizer(
    nlp: Language,
    model: Model[Any, Any] | None,
    name: str,
    mode: str,
    overwrite: bool,
    scorer: Callable[..., Any] | None,
) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


def _register() -> None:
    # spaCy finds components through its registry of factory names; registering ours is idempotent.
    if not Language.has_factory(RULER_FACTORY):
        Language.factory(
            RULER_FACTORY,
            default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}},
            func=_make_ruler,
        )
    if not Language.has_factory(LEMMATIZER_FACTORY):
        Language.factory(
            LEMMATIZER_FACTORY,
            assigns=["token.lemma"],
            default_config={
                "model": None,
                "mode": "rule",
                "overwrite": False,
                "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"},
            },
            func=_make_lemmatizer,
        )


def speed_up(nlp: Language) -> list[str]:
    """Swap the stock attribute ruler and English rule lemmatizer of ``nlp`` for the faster ones.

    Components of other types (another language, a lookup or trained lemmatizer) are left as they are.
    Returns the names of the components swapped.
    """
    _register()
    swapped = []
    for name, component in list(nlp.pipeline):
        if type(component) is AttributeRuler:
            config = {"validate": component.validate}
            new_ruler: Any = nlp.replace_pipe(name, RULER_FACTORY, config=config)
            new_ruler.add_patterns(component.patterns)
            swapped.append(name)
        elif type(component) is EnglishLemmatizer and component.mode == "rule":
            config = {"mode": component.mode, "overwrite": component.overwrite}
            new_lemmatizer: Any = nlp.replace_pipe(name, LEMMATIZER_FACTORY, config=config)
            new_lemmatizer.lookups = component.lookups
            swapped.append(name)
    return swapped
