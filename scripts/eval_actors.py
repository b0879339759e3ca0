"""Entity F1 on ../shared/eval/actors/dev.jsonl (CoNLL-2003), scored by its score.py: all and non-sports.

Usage: python scripts/eval_actors.py [--split dev] [--raw]

Scores the entity mentions every brief's actors are built from (the corrected parse entities), with
the labels mapped as in ../shared/docs/nlp.md: PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC, NORP/EVENT/
LAW/PRODUCT/WORK_OF_ART/LANGUAGE->MISC. ``--raw`` scores the model's own entities, for comparison.
Skips cleanly (exit 0) when ../shared is not beside the repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from evalset import load_split

CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
CONLL |= dict.fromkeys(("NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"), "MISC")


def main() -> int:
    """Run the evaluation; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--raw", action="store_true", help="score the model's entities without corrections")
    args = ap.parse_args()
    loaded = load_split("actors", args.split)
    if loaded is None:
        return 0
    directory, rows = loaded
    from summarizer.nlp import Pipeline, load_model

    pipeline = Pipeline(load_model())
    with tempfile.TemporaryDirectory() as tmp:
        subsets = {"all": rows, "non-sports": [r for r in rows if not r.get("sports")]}
        preds: dict[str, list[dict[str, object]]] = {}
        for r in rows:
            doc = pipeline.nlp(r["text"]) if args.raw else pipeline.parse_text(r["text"])
            named = [e for e in doc.ents if e.label_ in CONLL]
            ents = [{"start": e.start_char, "end": e.end_char, "label": CONLL[e.label_]} for e in named]
            preds[r["id"]] = ents
        for name, subset in subsets.items():
            g, p = Path(tmp) / f"{name}.gold.jsonl", Path(tmp) / f"{name}.pred.jsonl"
            g.write_text("".join(json.dumps(r) + "\n" for r in subset), encoding="utf-8")
            p.write_text("".join(json.dumps({"id": r["id"], "entities": preds[r["id"]]}) + "\n" for r in subset))
            print(f"== {name} ({len(subset)} documents)")
            subprocess.run([sys.executable, str(directory / "score.py"), str(p), str(g)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
