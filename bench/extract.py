"""Quote and actor extraction speed against the parse they reuse, and the gazetteer's load cost.

    python -m bench.extract [--articles 120] [--repeat 3]

Figures (CPU time of this process, medians of per-article ratios; ratios are what count):

* entity corrections (gazetteer, edges, consistency: :func:`summarizer.entities.fix_entities`),
  quotes with speakers (:func:`summarizer.quotes.quotes_with_coref`) and actors
  (:func:`summarizer.actors.extract_actors`), each as a share of the spaCy parse of the same article.
  Targets: quotes <= 15 %, actors (corrections + actors) <= 15 %.
* loading the word lists (:func:`summarizer.lexicon.load_lexicon`): wall time and the memory it
  holds (tracemalloc). Targets: < 0.5 s, < 50 MB.

Articles: ../shared/eval/quotes/dev.jsonl (PolNeAR political news) when present, else the seeds.
Writes bench/results/extract.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc

from bench.summary import RESULTS, ROOT, cpu_ms
from summarizer.actors import extract_actors
from summarizer.article import parse_article
from summarizer.entities import fix_entities
from summarizer.lexicon import load_lexicon
from summarizer.model import Article
from summarizer.nlp import Pipeline, load_model
from summarizer.quotes import quotes_with_coref
from summarizer.sentences import preset_boundaries

QUOTES_DEV = ROOT.parent / "shared" / "eval" / "quotes" / "dev.jsonl"


def load_articles(limit: int) -> list[Article]:
    if QUOTES_DEV.is_file():
        rows = [json.loads(line) for line in QUOTES_DEV.open(encoding="utf-8")]
        step = max(1, len(rows) // limit)
        return [Article(text=r["text"], id=r["id"]) for r in rows[::step][:limit]]
    return [parse_article(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]


def main() -> int:
    ap = argparse.ArgumentParser(description="quote and actor extraction speed benchmark")
    ap.add_argument("--articles", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    tracemalloc.start()
    t = time.perf_counter()
    lexicon = load_lexicon()
    load_s = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    pipeline = Pipeline(load_model(), lexicon)
    nlp = pipeline.nlp

    def spacy_parse(text: str) -> object:
        doc = nlp.make_doc(text)
        preset_boundaries(doc)
        return nlp(doc)

    articles = load_articles(args.articles)
    pipeline.parse(articles[0])  # warm up
    shares: dict[str, list[float]] = {"entities": [], "quotes": [], "actors": [], "quotes_and_actors": []}
    parse_times: list[float] = []
    for article in articles:
        parse_ms = cpu_ms(lambda a=article: spacy_parse(a.text), args.repeat)
        parse_times.append(parse_ms)
        raw = nlp(nlp.make_doc(article.text))

        def entities(doc: object = raw) -> None:
            fix_entities(doc, lexicon)  # type: ignore[arg-type]

        ent_ms = cpu_ms(entities, args.repeat)
        parsed = pipeline.parse(article)
        quotes_ms = cpu_ms(lambda p=parsed: quotes_with_coref(p, lexicon), args.repeat)
        quotes, coref = quotes_with_coref(parsed, lexicon)
        actors_ms = cpu_ms(
            lambda p=parsed, c=coref, q=quotes: extract_actors(p, lexicon, coref=c, quotes=q), args.repeat
        )
        shares["entities"].append(ent_ms / parse_ms)
        shares["quotes"].append(quotes_ms / parse_ms)
        shares["actors"].append((ent_ms + actors_ms) / parse_ms)
        shares["quotes_and_actors"].append((ent_ms + quotes_ms + actors_ms) / parse_ms)

    med = {k: statistics.median(v) for k, v in shares.items()}
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "articles": len(articles),
        "source": "PolNeAR dev" if QUOTES_DEV.is_file() else "seeds",
        "parse_ms_median": statistics.median(parse_times),
        "share_of_parse_median": med,
        "lexicon_load_s": load_s,
        "lexicon_held_mb": held / 1e6,
        "lexicon_peak_mb": peak / 1e6,
        "targets": {"quotes": 0.15, "actors": 0.15, "lexicon_load_s": 0.5, "lexicon_held_mb": 50},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "extract.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{len(articles)} articles ({result['source']}), spaCy parse median {result['parse_ms_median']:.1f} ms CPU")
    print(f"{'step':<32}{'share of parse (median)':>26}{'target':>9}")
    rows = [
        ("entity corrections", med["entities"], None),
        ("quotes + speakers", med["quotes"], 0.15),
        ("actors (corrections + actors)", med["actors"], 0.15),
        ("quotes + actors, all", med["quotes_and_actors"], None),
    ]
    for name, share, target in rows:
        print(f"{name:<32}{share:>25.1%}{'' if target is None else f'{target:.0%}':>9}")
    print(f"lexicon load: {load_s * 1000:.0f} ms (target < 500), holds {held / 1e6:.1f} MB (target < 50)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
