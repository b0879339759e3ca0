"""Audit briefs as an editor reads them: summary sentences that cannot stand alone, and the briefs scorer.

Usage: python scripts/audit_briefs.py [--split dev] [--limit N] [--show K]

1. Briefs every article of ../shared/eval/summarize (through `briefbot batch`, the path a user takes)
   and flags each summary sentence that cannot be read alone (`summarizer.standalone`: a leading
   connective, a pronoun subject, a question, half a quotation, a dateline, a "related" line). Prints
   the share of flagged sentences per source and per reason, and `--show` examples.
2. Briefs ../shared/eval/briefs and prints its scorer's table (actors, roles, key quotes).

Skips cleanly (exit 0) when ../shared is not beside the repository. Data stays in ../shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from evalset import ROOT, load_split


def _batch(rows: list[dict[str, Any]], tmpdir: Path, name: str) -> list[dict[str, Any]]:
    src, out = tmpdir / f"{name}.in.jsonl", tmpdir / f"{name}.out.jsonl"
    src.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"], "title": r.get("title", "")}) + "\n" for r in rows),
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "adapters.cli.app", "batch", str(src), "-o", str(out)], check=False, cwd=ROOT)
    return [json.loads(line) for line in out.open(encoding="utf-8")]


def main() -> int:
    """Run the audit; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles of each set (0: all)")
    ap.add_argument("--show", type=int, default=0, help="print this many flagged sentences")
    args = ap.parse_args()
    loaded = load_split("summarize", args.split)
    if loaded is None:
        return 0
    from summarizer.standalone import summary_problems

    _directory, rows = loaded
    rows = rows[: args.limit] if args.limit else rows
    source = {r["id"]: r.get("source", "?") for r in rows}
    texts = {r["id"]: r["text"] for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        briefs = _batch(rows, tmpdir, "summarize")
        sentences: Counter[str] = Counter()
        flagged: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        examples: list[str] = []
        for b in briefs:
            group = source.get(b.get("id", ""), "?")
            summary = b.get("summary", [])
            for sent, found in zip(summary, summary_problems(summary, texts.get(b.get("id", ""), "")), strict=True):
                for key in (group, "all"):
                    sentences[key] += 1
                    flagged[key] += bool(found)
                reasons.update(found)
                if found and len(examples) < args.show:
                    examples.append(f"  [{', '.join(found)}] {sent[:160]}")
        print("summary sentences that cannot stand alone (summarize set, split " + args.split + ")")
        for key in sorted(sentences, key=lambda k: (k == "all", k)):
            share = flagged[key] / sentences[key] if sentences[key] else 0.0
            print(f"  {key:<10}{flagged[key]:>5} of {sentences[key]:>5}  {100 * share:5.1f} %")
        print("  by reason: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
        print("\n".join(examples))
        gold = load_split("briefs", args.split)
        if gold is None:
            return 0
        directory, brief_rows = gold
        brief_rows = brief_rows[: args.limit] if args.limit else brief_rows
        preds = tmpdir / "briefs.pred.jsonl"
        preds.write_text("".join(json.dumps(b) + "\n" for b in _batch(brief_rows, tmpdir, "briefs")), encoding="utf-8")
        (tmpdir / "briefs.gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in brief_rows), encoding="utf-8")
        print("\nbriefs a careful reader annotated (../shared/eval/briefs)")
        subprocess.run(
            [sys.executable, str(directory / "score.py"), str(preds), str(tmpdir / "briefs.gold.jsonl")],
            check=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
