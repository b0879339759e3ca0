"""Brief many articles from JSONL: streaming, in input order, on every core.

Input lines are ``{"id", "text", "title"?, "url"?}``; each yields exactly one output object, in the
same order: the brief JSON, or ``{"id", "line", "error"}`` for a line that could not be briefed. Work
goes to a pool of processes (spaCy holds the GIL), each with its own model, parsing its share in
``nlp.pipe`` batches; at most a few chunks are in flight, so memory stays flat on any input size.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.orphans import exit_with_parent
from summarizer.article import parse_article
from summarizer.errors import ArticleError
from summarizer.model import Article

if TYPE_CHECKING:
    from summarizer.brief import Briefer

CHUNK = 16


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What every article of a batch is briefed with."""

    model: str | None
    sentences: int
    method: str
    max_chars: int
    workers: int
    #: How many key quotes each brief keeps, best first; ``None``: every quote, in article order.
    quotes: int | None = 3


Item = tuple[int, Article | str]  # line number, article or the error for that line


def read_items(lines: Iterable[str]) -> Iterator[Item]:
    """Turn JSONL lines into articles, or a short error naming what is wrong with the line."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield lineno, f"not valid JSON ({err.msg})"
            continue
        if not isinstance(rec, dict):
            yield lineno, "not a JSON object"
            continue
        text = rec.get("text")
        if not isinstance(text, str):
            yield lineno, 'missing "text" (a string)'
            continue
        ident = rec.get("id", "")
        title = rec.get("title") or ""
        url = rec.get("url") or ""
        if not all(isinstance(x, str | int) for x in (ident, title, url)):
            yield lineno, '"id", "title" and "url" must be strings'
            continue
        yield lineno, parse_article(text, title=str(title), url=str(url), id=str(ident))


class _Worker:
    """The briefer of a pool worker process, built once there by the pool's initializer.

    Class state is per process, and only worker processes set it: the parent never does.
    """

    briefer: Briefer | None = None


def _make_briefer(model: str | None, max_chars: int) -> Briefer:
    from summarizer.brief import Briefer  # noqa: PLC0415 - heavy: imported where it is used
    from summarizer.nlp import Pipeline, load_model  # noqa: PLC0415

    return Briefer(Pipeline(load_model(model)), max_chars=max_chars)


def _init_worker(parent: int, model: str | None, max_chars: int) -> None:
    exit_with_parent(parent)
    _Worker.briefer = _make_briefer(model, max_chars)


def _brief_chunk(chunk: list[Item], options: BatchOptions) -> list[dict[str, Any]]:
    if _Worker.briefer is None:  # pragma: no cover - the initializer always ran first
        raise RuntimeError("worker used before its initializer ran")
    return _brief_chunk_with(_Worker.briefer, chunk, options)


def _brief_chunk_with(briefer: Briefer, chunk: list[Item], options: BatchOptions) -> list[dict[str, Any]]:
    articles = [a for _, a in chunk if isinstance(a, Article)]
    results = iter(
        briefer.brief_many(articles, sentences=options.sentences, method=options.method, quotes=options.quotes)
    )
    out: list[dict[str, Any]] = []
    for lineno, item in chunk:
        if isinstance(item, str):
            out.append({"line": lineno, "error": item})
            continue
        result = next(results)
        if isinstance(result, ArticleError):
            out.append({"id": item.id or None, "line": lineno, "error": str(result)})
        else:
            out.append(result.to_json())
    return out


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(
    lines: Iterable[str], options: BatchOptions, progress: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield one result object per non-blank input line, in input order."""
    chunks = _chunks(read_items(lines))
    if options.workers <= 1:
        briefer = _make_briefer(options.model, options.max_chars)
        for chunk in chunks:
            yield from _report(_brief_chunk_with(briefer, chunk, options), progress)
        return
    with ProcessPoolExecutor(
        max_workers=options.workers, initializer=_init_worker, initargs=(os.getpid(), options.model, options.max_chars)
    ) as pool:
        window: deque[Future[list[dict[str, Any]]]] = deque()
        for chunk in chunks:
            window.append(pool.submit(_brief_chunk, chunk, options))
            if len(window) >= 2 * options.workers:
                yield from _report(window.popleft().result(), progress)
        while window:
            yield from _report(window.popleft().result(), progress)


def _report(results: list[dict[str, Any]], progress: Callable[[int], None] | None) -> list[dict[str, Any]]:
    if progress is not None:
        progress(len(results))
    return results
