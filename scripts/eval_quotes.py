"""Quote and speaker F1 on ../shared/eval/quotes/dev.jsonl (PolNeAR), scored by its score.py.

Usage: python scripts/eval_quotes.py [--split dev]

Every quote the extractor finds is scored (the brief shows only the key ones). Skips cleanly (exit 0)
when ../shared is not beside the repository; predictions go to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from evalset import load_split


def main() -> int:
    """Run the evaluation; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    loaded = load_split("quotes", args.split)
    if loaded is None:
        return 0
    directory, rows = loaded
    gold = directory / f"{args.split}.jsonl"
    from summarizer.model import Article
    from summarizer.nlp import Pipeline, load_model
    from summarizer.quotes import extract_quotes

    pipeline = Pipeline(load_model())
    with tempfile.TemporaryDirectory() as tmp:
        preds = Path(tmp) / "quotes.jsonl"
        with preds.open("w", encoding="utf-8") as fh:
            articles = (Article(text=r["text"], id=r["id"]) for r in rows)
            for parsed in pipeline.parse_many(articles):
                quotes = [{"quote": q.text, "speaker": q.speaker} for q in extract_quotes(parsed, pipeline.lexicon)]
                fh.write(json.dumps({"id": parsed.article.id, "quotes": quotes}) + "\n")
        subprocess.run([sys.executable, str(directory / "score.py"), str(preds), str(gold)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
