"""Summary speed: briefbot's ``news`` step against the parse (the floor) and against sumy LexRank.

    python -m bench.summary [--articles 120] [--repeat 3]

Figures (CPU time of this process, medians; ratios are what count, absolute times are machine noise):

* dev articles: parse, ``news`` summary step and sumy LexRank on the same parsed sentences; and a
  whole brief (parse + news) against a stand-alone LexRank pipeline (regex sentences and words, so
  it needs no NLTK data). Target: the summary step adds <= 30 % to the parse.
* long synthetic documents of 25-400 sentences, built from real articles paragraph by paragraph:
  the same three steps. Target: at 300 sentences ``news`` is >= 50x faster than LexRank.

Uses ../shared/eval/summarize/dev.jsonl when present, else the seed articles. Writes
bench/results/summary.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from summarizer.article import parse_article
from summarizer.model import Article
from summarizer.nlp import Pipeline, load_model
from summarizer.summarize import summarize

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "summarize" / "dev.jsonl"
RESULTS = ROOT / "bench" / "results"
SIZES = (25, 50, 100, 200, 300, 400)


def cpu_ms(fn: Callable[[], Any], repeat: int) -> float:
    """Best-of-``repeat`` CPU milliseconds of ``fn()`` (the minimum is the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best * 1000


class RegexTokenizer:
    """A sumy tokenizer that needs no NLTK data: the baseline pipeline's own sentence and word split."""

    language = "english"
    _sent = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
    _word = re.compile(r"\w+(?:[-'’]\w+)*")

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s for s in self._sent.split(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        return self._word.findall(sentence)


def lexrank_pipeline(text: str, n: int = 3) -> tuple[Any, ...]:
    """Stand-alone sumy LexRank on raw text: split, tokenize, stem, rank."""
    tok = RegexTokenizer()
    paragraphs = [Paragraph([Sentence(s, tok) for s in tok.to_sentences(p)]) for p in text.split("\n") if p.strip()]
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return tuple(summarizer(ObjectDocumentModel(paragraphs), n))


def load_articles(limit: int) -> list[Article]:
    if DEV.is_file():
        rows = [json.loads(line) for line in DEV.open(encoding="utf-8")]
        step = max(1, len(rows) // limit)
        return [parse_article(r["text"], title=r.get("title", ""), id=r["id"]) for r in rows[::step][:limit]]
    return [parse_article(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]


def synthetic(articles: list[Article], sentences: int, pipeline: Pipeline) -> Article:
    """A document of about ``sentences`` sentences, real paragraphs appended one by one."""
    paragraphs: list[str] = []
    count = 0
    for article in articles:
        for paragraph in article.text.split("\n"):
            if not paragraph.strip():
                continue
            paragraphs.append(paragraph)
            count += max(1, len(re.findall(r"[.!?][\"'”’]?\s", paragraph + " ")))
            if count >= sentences:
                return Article(text="\n\n".join(paragraphs), title=f"synthetic {sentences}")
    return Article(text="\n\n".join(paragraphs), title=f"synthetic {sentences}")


def main() -> int:
    ap = argparse.ArgumentParser(description="summary speed benchmark")
    ap.add_argument("--articles", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pipeline = Pipeline(load_model())
    articles = load_articles(args.articles)
    pipeline.parse(articles[0])  # warm up: first-call allocations are not the method's cost

    per: dict[str, list[float]] = {
        "parse": [],
        "news": [],
        "lexrank_same_parse": [],
        "brief": [],
        "lexrank_pipeline": [],
    }
    for article in articles:
        parse_ms = cpu_ms(lambda a=article: pipeline.parse(a), args.repeat)
        parsed = pipeline.parse(article)
        news_ms = cpu_ms(lambda p=parsed: summarize(p, 3, "news"), args.repeat)
        per["parse"].append(parse_ms)
        per["news"].append(news_ms)
        per["lexrank_same_parse"].append(cpu_ms(lambda p=parsed: summarize(p, 3, "lexrank"), args.repeat))
        per["brief"].append(parse_ms + news_ms)
        per["lexrank_pipeline"].append(cpu_ms(lambda a=article: lexrank_pipeline(a.text), args.repeat))
    med = {k: statistics.median(v) for k, v in per.items()}
    share = statistics.median(n / p for n, p in zip(per["news"], per["parse"], strict=True))

    growth: list[dict[str, float]] = []
    pool = [a for a in load_articles(10_000) if "\n" in a.text] or articles
    for size in SIZES:
        doc = synthetic(pool, size, pipeline)
        parsed = pipeline.parse(doc)
        row = {
            "sentences": float(len(parsed.sentences)),
            "parse_ms": cpu_ms(lambda d=doc: pipeline.parse(d), 1),
            "news_ms": cpu_ms(lambda p=parsed: summarize(p, 3, "news"), args.repeat),
            "lexrank_ms": cpu_ms(lambda p=parsed: summarize(p, 3, "lexrank"), 1),
        }
        row["lexrank_over_news"] = row["lexrank_ms"] / row["news_ms"]
        row["news_over_parse"] = row["news_ms"] / row["parse_ms"]
        growth.append(row)

    at300 = next(r for r in growth if r["sentences"] >= 280)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "articles": len(articles),
        "source": "shared/eval/summarize dev" if DEV.is_file() else "seeds",
        "median_ms": med,
        "news_over_parse_median": share,
        "brief_speedup_over_lexrank_pipeline": med["lexrank_pipeline"] / med["brief"],
        "lexrank_over_news_same_parse": med["lexrank_same_parse"] / med["news"],
        "growth": growth,
        "targets": {
            "summary step adds <= 30% to the parse": share <= 0.30,
            "news >= 50x faster than LexRank at ~300 sentences": at300["lexrank_over_news"] >= 50,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(result, indent=2))

    print(f"Summary speed, {len(articles)} articles ({result['source']}), CPU ms medians")
    print(
        f"  parse {med['parse']:.1f} | news {med['news']:.2f} | "
        f"LexRank on the same parse {med['lexrank_same_parse']:.2f}"
    )
    print(f"  news step / parse: {share:.1%} (target <= 30%)")
    print(f"  LexRank / news on the same sentences: {result['lexrank_over_news_same_parse']:.1f}x")
    print(
        f"  brief (parse + news) vs stand-alone LexRank pipeline: {med['brief']:.1f} vs "
        f"{med['lexrank_pipeline']:.1f} ms "
        f"({result['brief_speedup_over_lexrank_pipeline']:.2f}x)"
    )
    print(f"  {'sentences':>9} {'parse':>9} {'news':>8} {'lexrank':>9} {'lexrank/news':>13} {'news/parse':>11}")
    for r in growth:
        print(
            f"  {r['sentences']:>9.0f} {r['parse_ms']:>9.1f} {r['news_ms']:>8.2f} {r['lexrank_ms']:>9.1f} "
            f"{r['lexrank_over_news']:>12.1f}x {r['news_over_parse']:>10.1%}"
        )
    for name, ok in result["targets"].items():
        print(f"  {'PASS' if ok else 'MISS'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
