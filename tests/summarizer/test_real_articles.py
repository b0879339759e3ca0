"""Whole briefs of real articles from ../shared/eval (skipped where absent): no exception, and every
quote, summary sentence and mention an exact substring at its offsets."""

from __future__ import annotations

import json

import pytest

from summarizer.errors import ArticleError
from summarizer.model import Article

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("name", "limit"), [("quotes", 120), ("actors", 77), ("summarize", 60)])
def test_real_articles_brief_cleanly(briefer, shared_eval, name: str, limit: int) -> None:
    lines = (shared_eval / name / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines[:limit]]
    articles = [Article(text=r["text"], id=r["id"]) for r in rows]
    for result in briefer.brief_many(articles):
        if isinstance(result, ArticleError):
            continue
        text = result.article.text
        for s in result.summary:
            assert text[s.start : s.end] == s.text
        for q in result.quotes:
            assert text[q.start : q.end] == q.text
        for m in result.mentions:
            assert text[m.start : m.end] == m.text
        names = {a.name for a in result.actors}
        assert all(m.actor in names for m in result.mentions)
