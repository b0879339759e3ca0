"""The dependency rule of architecture.md: summarizer <- bot <- adapters, checked on the imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "discord")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules("summarizer"), ids=lambda p: str(p.relative_to(ROOT)))
def test_summarizer_imports_no_project_layer_above_it(path: Path) -> None:
    bad = {m for m in imports_of(path) if top(m) in ("bot", "adapters", "aiohttp", "aiosqlite", *PLATFORM_SDKS)}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_never_imports_adapters_or_platform_sdks(path: Path) -> None:
    bad = {m for m in imports_of(path) if top(m) in ("adapters", *PLATFORM_SDKS)}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("adapters"), ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_use_only_summarizer_types_except_the_composition_root(path: Path) -> None:
    if path.relative_to(ROOT).as_posix() == "adapters/cli/app.py":
        return
    bad = {m for m in imports_of(path) if top(m) == "summarizer" and m != "summarizer.model"}
    assert not bad, f"{path.name} imports {bad}"


def test_the_checker_sees_violations(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("import discord\nfrom adapters.cli import app\nfrom . import local\n")
    assert imports_of(bad) == {"discord", "adapters.cli"}


def test_importing_the_packages_has_no_heavy_side_effects() -> None:
    import subprocess
    import sys

    code = "import sys, summarizer, bot.settings, adapters.cli.app; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_the_bots_core_does_not_import_spacy() -> None:
    # Spawned workers (page extraction) import what their parent's entry module imports: with spaCy
    # in the core, every worker would hold about 170 MB it never uses.
    import subprocess
    import sys

    code = "import sys, bot.core, bot.digest, bot.fetch, bot.storage, bot.feeds; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
