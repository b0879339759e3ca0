"""README's quick start, as a new user runs it: a fresh clone, the two commands, in order."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
#: Set inside the clone, so that its own ``make test`` does not clone again.
NESTED = "BRIEFBOT_README_CHECK"
#: What the clone's test command runs: the layering rules and the brief of a real article.
SMOKE = ("tests/test_layering.py", "tests/summarizer/test_brief.py")


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```\w*\n(.*?)```", section, re.DOTALL)
    assert block is not None, "no code block under Quick start"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands() -> None:
    assert quick_start() == ["make demo", "make test"]


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already inside the README check")
def test_readme_commands_work_in_a_fresh_clone(tmp_path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed")
    clone = tmp_path / "briefbot"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_", "VIRTUAL_ENV"))}
    env[NESTED] = "1"
    demo, test = quick_start()
    first = subprocess.run(demo.split(), cwd=clone, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "As tensions in Ukraine rise" in first.stdout and "Key quotes" in first.stdout
    # The suite itself runs in this checkout (CI is a fresh clone already): in the clone the test
    # command runs its lint and type checks and a smoke test of the package, not every test again.
    smoke = [*test.split(), f"PYTEST_ARGS={' '.join(SMOKE)}"]
    second = subprocess.run(smoke, cwd=clone, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-2000:]
    assert " passed" in second.stdout and " failed" not in second.stdout
