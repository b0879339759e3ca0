"""A whole brief against one spaCy parse, and against a naive pipeline of separate tools.

    python -m bench.pipeline [--articles 60] [--repeat 3]

Per dev article (CPU time, best of ``--repeat``; medians of per-article ratios):

* ``brief``: briefbot's whole brief (one parse with our sentence rules and entity corrections, summary,
  quotes with speakers, actors with roles) over **one spaCy parse** of the same text. Target <= 1.3x.
* the naive pipeline a developer would assemble from separate tools, over ``brief``: pysbd sentences
  + sumy LexRank, textacy ``direct_quotations`` on a spaCy parse, spaCy NER on its own call (the
  ``bench`` extra installs textacy and pysbd). Target: ``brief`` >= 2x faster.

Both baselines run on a second copy of the model loaded as spaCy ships it: briefbot's ``Pipeline``
swaps two of its components for faster ones with the same output (``summarizer.pipes``), and a
baseline that shared them would be timed with our optimisation in it.

Writes bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from bench.summary import RESULTS, RegexTokenizer, cpu_ms, load_articles
from summarizer.brief import Briefer
from summarizer.nlp import Pipeline, load_model


def naive(nlp: Any, text: str) -> tuple[Any, ...]:
    """pysbd + LexRank, textacy quotes, spaCy NER: each tool on its own."""
    import pysbd
    import textacy.extract
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tok = RegexTokenizer()
    sentences = pysbd.Segmenter(language="en", clean=False).segment(text)
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    summary = summarizer(ObjectDocumentModel([Paragraph([Sentence(s, tok) for s in sentences])]), 3)
    quotes = list(textacy.extract.triples.direct_quotations(nlp(text)))
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    return summary, quotes, ents


def main() -> int:
    ap = argparse.ArgumentParser(description="brief vs parse vs naive pipeline")
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    briefer = Briefer(Pipeline(load_model()))
    stock = load_model()
    articles = load_articles(args.articles)
    briefer.brief(articles[0])

    over_parse: list[float] = []
    naive_over: list[float] = []
    naive_failed = 0
    for a in articles:
        parse_ms = cpu_ms(lambda t=a.text: stock(t), args.repeat)
        brief_ms = cpu_ms(lambda x=a: briefer.brief(x), args.repeat)
        over_parse.append(brief_ms / parse_ms)
        try:
            naive_ms = cpu_ms(lambda t=a.text: naive(stock, t), args.repeat)  # best of as many runs as brief
            naive_over.append(naive_ms / brief_ms)
        except ValueError:  # textacy raises on an odd number of quotation marks
            naive_failed += 1
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "articles": len(articles),
        "brief_over_parse_median": statistics.median(over_parse),
        "naive_over_brief_median": statistics.median(naive_over) if naive_over else None,
        "naive_failed_articles": naive_failed,
        "targets": {"brief_over_parse": 1.3, "naive_over_brief": 2.0},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{len(articles)} dev articles")
    print(f"brief / one spaCy parse (median): {result['brief_over_parse_median']:.2f}x (target <= 1.3x)")
    if naive_over:
        print(
            f"naive pipeline / brief (median): {result['naive_over_brief_median']:.2f}x (target >= 2x); "
            f"textacy raised on {naive_failed} articles"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
