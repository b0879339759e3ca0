"""Drop-in replacements for two stock spaCy components, with identical output and less Python per token.

Profiling the parse of dev articles (``en_core_web_sm``) put the attribute ruler at 13 % and the
lemmatizer at 13 % of a parse, neither of them a neural model:

* the attribute ruler runs a :class:`~spacy.matcher.Matcher` over 179 single-token patterns at every
  token, and each ``IN``/``REGEX`` predicate is a Python call per token and pattern. Our ruler asks
  each distinct token (its tag, lowercase form, dependency, ...) once which pattern tokens it satisfies,
  remembers the answer, and derives the same matches the Matcher returns; the stock code then sets the
  attributes exactly as before.
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

#: Distinct token rows remembered by a ruler (tag, lowercase form, ... as hashes). Past this the table
#: is started afresh rather than grown without bound in a long-running bot.
MAX_CACHED_ROWS = 200_000


class _Unsupported(Exception):
    """A pattern uses something the index does not model; the stock Matcher is used instead."""


@dataclass(frozen=True, slots=True)
class _Test:
    """One condition on one attribute of a token, as the Matcher evaluates it."""

    column: int
    kind: str  # "eq", "in", "not_in" or "regex"
    value: Any

    def holds(self, value: str | bool) -> bool:
        if self.kind == "eq":
            return bool(value == self.value)
        if self.kind == "in":
            return value in self.value
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


class _Index:
    """The ruler's patterns compiled to per-token conditions, and the answers seen so far."""

    def __init__(
        self, vocab: Vocab, keys: Sequence[int], patterns: Sequence[Sequence[Sequence[dict[str, Any]]]]
    ) -> None:
        self.vocab = vocab
        columns: dict[str, int] = {}
        specs: dict[tuple[_Test, ...], int] = {}
        # Per pattern group (its position is the ruler's attribute id): each pattern as spec ids.
        self.groups: list[tuple[int, int, list[tuple[int, ...]]]] = []
        for attr_id, (key, group) in enumerate(zip(keys, patterns, strict=True)):
            compiled = []
            for pattern in group:
                if not pattern:
                    raise _Unsupported("empty pattern")
                compiled.append(tuple(specs.setdefault(_tests(t, columns), len(specs)) for t in pattern))
            self.groups.append((attr_id, key, compiled))
        self.specs = list(specs)
        self.attr_ids = [_ATTR_IDS[name] for name in columns]
        self.flags = [name in _FLAG_ATTRS for name in columns]
        self.single: dict[int, list[tuple[int, int]]] = {}
        for attr_id, key, ps in self.groups:
            for p in ps:
                if len(p) == 1:
                    self.single.setdefault(p[0], []).append((attr_id, key))
        self.multi = [(attr_id, key, p) for attr_id, key, ps in self.groups for p in ps if len(p) > 1]
        # Most pattern tokens require one value of one attribute (a tag, a word): such a token is only
        # a candidate where that value occurs, so a new token is checked against a handful of them.
        self.by_value: list[dict[str | bool, list[int]]] = [{} for _ in columns]
        self.anywhere: list[int] = []
        for spec_id, tests in enumerate(self.specs):
            key_test = next((t for t in tests if t.kind in ("eq", "in")), None)
            if key_test is None:
                self.anywhere.append(spec_id)
                continue
            values = (key_test.value,) if key_test.kind == "eq" else key_test.value
            for value in values:
                self.by_value[key_test.column].setdefault(value, []).append(spec_id)
        self._rows: dict[tuple[int, ...], tuple[frozenset[int], tuple[tuple[int, int], ...]]] = {}

    def _answer(self, row: tuple[int, ...]) -> tuple[frozenset[int], tuple[tuple[int, int], ...]]:
        strings = self.vocab.strings
        values = [
            bool(raw) if flag else (strings[raw] if raw else "") for raw, flag in zip(row, self.flags, strict=True)
        ]
        candidates = set(self.anywhere)
        for column, value in enumerate(values):
            candidates.update(self.by_value[column].get(value, ()))
        held = frozenset(i for i in candidates if all(t.holds(values[t.column]) for t in self.specs[i]))
        singles = tuple(match for spec in held for match in self.single.get(spec, ()))
        if len(self._rows) >= MAX_CACHED_ROWS:
            self._rows.clear()
        self._rows[row] = (held, singles)
        return held, singles

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The same ``(attr_id, match_id, start, end)`` list as ``AttributeRuler.match``, sorted."""
        if not len(doc):
            return []
        # No columns: no patterns, or only wildcard tokens.
        rows = cast(
            "list[list[int]]",
            doc.to_array(self.attr_ids).reshape(len(doc), -1).tolist() if self.attr_ids else [[]] * len(doc),
        )
        cache = self._rows
        held: list[frozenset[int]] = []
        matches: list[tuple[int, int, int, int]] = []
        for i, values in enumerate(rows):
            row = tuple(values)
            answer = cache.get(row) or self._answer(row)
            held.append(answer[0])
            matches.extend((attr_id, key, i, i + 1) for attr_id, key in answer[1])
        n = len(held)
        for attr_id, key, pattern in self.multi:
            width = len(pattern)
            first = pattern[0]
            for i in range(n - width + 1):
                if first in held[i] and all(pattern[k] in held[i + k] for k in range(1, width)):
                    matches.append((attr_id, key, i, i + width))
        # Two patterns of one group matching the same span give one match, as in the Matcher.
        return sorted(set(matches))


class IndexedAttributeRuler(AttributeRuler):
    """An :class:`~spacy.pipeline.AttributeRuler` whose matching is answered per distinct token."""

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
                    if len(cache) >= MAX_CACHED_ROWS:
                        cache.clear()
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
