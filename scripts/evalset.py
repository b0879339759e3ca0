"""What the ``eval_*`` scripts share: where ../shared/eval is, and skipping cleanly when it is absent."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def load_split(name: str, split: str) -> tuple[Path, list[dict[str, Any]]] | None:
    """The directory of eval set ``name`` and the records of ``split``.

    ``None`` (after saying so) when ../shared is not beside the repository, so that ``make eval``
    passes on a bare clone.
    """
    directory = SHARED_EVAL / name
    gold = directory / f"{split}.jsonl"
    if not gold.is_file():
        print(f"skipped: {gold} not found (../shared is not beside the repository)")
        return None
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return directory, [json.loads(line) for line in gold.open(encoding="utf-8")]
