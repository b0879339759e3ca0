"""Digest stories on ../shared/eval/digest/dev.jsonl, through `briefbot digest --dir`, scored by its score.py.

Usage: python scripts/eval_digest.py [--split dev] [--set allsides] [--workers 2]

Each simulated news day becomes a folder of articles in the seeds format (`` date YYYY-MM-DD
Headline``, then the body), named by article id; `briefbot digest --dir DIR --stories all --format
json` digests it, and each story's sources give its cluster (their ``id``) and its summary. Prints
B-cubed, pairwise F1 and ARI per set, ROUGE of the story summaries, and how many predicted stories
mix the two confusable events of an ECB+ topic. Skips cleanly (exit 0) when ../shared is not beside
the repository; everything is written to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evalset import ROOT, load_split


def digest_day(day: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """The prediction line for one day: its clusters and summaries, from the CLI's JSON digest."""
    folder = tmp / day["day"]
    folder.mkdir()
    for a in day["articles"]:
        (folder / f"{a['id']}.txt").write_text(f" date 2024-01-01 {a['title']}\n\n{a['text']}\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "adapters.cli.app", "digest", "--dir", str(folder), "--stories", "all"]
    run = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True, cwd=ROOT, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{day['day']}: briefbot digest failed: {run.stderr.strip()}")
    for line in run.stderr.splitlines():
        print(f"  {day['day']}: {line}", file=sys.stderr)
    digest = json.loads(run.stdout)
    clusters, summaries = [], {}
    for story in digest["stories"]:
        ids = [s["id"] for s in story["sources"]]
        clusters.append(ids)
        if story["summary"]:
            summaries[ids[0]] = story["summary"]
    return {"day": day["day"], "clusters": clusters, "summaries": summaries}


def confusable_mixes(days: list[dict[str, Any]], preds: list[dict[str, Any]]) -> tuple[int, int]:
    """Predicted ECB+ stories holding articles of both events of one topic, and all predicted ECB+ stories."""
    mixed = total = 0
    for day, pred in zip(days, preds, strict=True):
        if day["set"] != "ecb":
            continue
        story = {a["id"]: a["story"] for a in day["articles"]}
        for ids in pred["clusters"]:
            total += 1
            events: dict[str, set[str]] = defaultdict(set)  # "ecb:<topic>" -> its events in this story
            for i in ids:
                topic, event = story[i].rsplit(":", 1)
                events[topic].add(event)
            mixed += any(len(both) > 1 for both in events.values())
    return mixed, total


def main() -> int:
    """Run the evaluation; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--set", default="", help="only the days of this set (allsides, ecb, multinews)")
    ap.add_argument("--workers", type=int, default=2, help="days digested at once (default: 2)")
    args = ap.parse_args()
    loaded = load_split("digest", args.split)
    if loaded is None:
        return 0
    directory, days = loaded
    days = [d for d in days if not args.set or d["set"] == args.set]
    with tempfile.TemporaryDirectory() as tmp:
        with ThreadPoolExecutor(max(1, args.workers)) as pool:
            preds = list(pool.map(lambda d: digest_day(d, Path(tmp)), days))
        out = Path(tmp) / "digest.jsonl"
        out.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        score = [sys.executable, str(directory / "score.py"), str(out), str(directory / f"{args.split}.jsonl")]
        if args.set:
            score += ["--set", args.set]
        status = subprocess.run(score, check=False).returncode
    mixed, total = confusable_mixes(days, preds)
    if total:
        print(f"ecb: {mixed} of {total} predicted stories mix the two confusable events of a topic")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
