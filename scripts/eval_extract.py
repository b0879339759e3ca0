"""Article extraction on ../shared/eval/extract (zyte and trafilatura dev pages), scored by its score.py.

Usage: python scripts/eval_extract.py [--set zyte|trafilatura|both]

Each page goes through the fetcher's own decoding (:func:`bot.fetch.decode`: header charset, then the
document's, then detection) and the same extraction the bot runs in its worker process. Skips cleanly
(exit 0) when ../shared is not beside the repository; predictions go to a temporary directory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from evalset import SHARED_EVAL


def main() -> int:
    """Run the evaluation; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="both", choices=("zyte", "trafilatura", "both"))
    args = ap.parse_args()
    root = SHARED_EVAL / "extract"
    if not root.is_dir():
        print(f"skipped: {root} not found (../shared is not beside the repository)")
        return 0
    from bot.fetch import _extract_in_worker, decode

    for name in ("zyte", "trafilatura") if args.set == "both" else (args.set,):
        truth_path = root / name / "truth.json"
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            preds = Path(tmp) / "preds.jsonl"
            with preds.open("w", encoding="utf-8") as fh:
                for pid, info in truth.items():
                    raw = gzip.decompress((root / name / "html" / f"{pid}.html.gz").read_bytes())
                    data = _extract_in_worker(decode(raw, None), info.get("url", ""))
                    rec = {"id": pid, "text": (data or {}).get("text")}
                    for key in ("title", "date", "author"):
                        rec[key] = (data or {}).get(key)
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            print(f"== {name} ({len(truth)} pages)", flush=True)
            subprocess.run([sys.executable, str(root / "score.py"), str(truth_path), str(preds)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
