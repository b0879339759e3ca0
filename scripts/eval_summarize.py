"""ROUGE of briefbot's summaries on ../shared/eval/summarize/dev.jsonl, through `briefbot batch`.

Usage: python scripts/eval_summarize.py [--methods news,lead,...|all] [--sentences 3] [--limit N]

Runs the real command line (the path a user takes), then the shared scorer, and prints one table per
method and source. Skips cleanly (exit 0) when ../shared is not beside the repository. The data stays
in ../shared: predictions go to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from evalset import ROOT, load_split

ALL = ["news", "lead", "lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson", "reduction"]


def main() -> int:
    """Run the evaluation; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default="news,lead", help="comma-separated, or 'all'")
    ap.add_argument("--sentences", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    loaded = load_split("summarize", args.split)
    if loaded is None:
        return 0
    directory, rows = loaded
    methods = ALL if args.methods == "all" else args.methods.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if args.limit:
            rows = rows[: args.limit]
        (tmpdir / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        (tmpdir / "in.jsonl").write_text(
            "".join(json.dumps({"id": r["id"], "text": r["text"], "title": r.get("title", "")}) + "\n" for r in rows),
            encoding="utf-8",
        )
        print(f"{'method':<11}{'source':<18}{'n':>5}{'R1':>8}{'R2':>8}{'RLsum':>8}{'RL':>8}")
        for method in methods:
            out = tmpdir / f"{method}.jsonl"
            batch = [sys.executable, "-m", "adapters.cli.app", "batch", str(tmpdir / "in.jsonl"), "-o", str(out)]
            batch += ["--method", method, "--sentences", str(args.sentences)]
            subprocess.run(batch, check=False, cwd=ROOT)
            preds = tmpdir / f"{method}.pred.jsonl"
            with preds.open("w", encoding="utf-8") as fh:
                for line in out.open(encoding="utf-8"):
                    rec = json.loads(line)
                    fh.write(json.dumps({"id": rec.get("id"), "summary": "\n".join(rec.get("summary", []))}) + "\n")
            score = subprocess.run(
                [sys.executable, str(directory / "score.py"), str(preds), str(tmpdir / "gold.jsonl"), "--json"],
                capture_output=True,
                text=True,
                check=True,
            )
            for group, r in json.loads(score.stdout).items():
                cells = "".join(f"{r[m]:>8.2f}" for m in ("rouge1", "rouge2", "rougeLsum", "rougeL"))
                print(f"{method:<11}{group:<18}{r['n']:>5}{cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
