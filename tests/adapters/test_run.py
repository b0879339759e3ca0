"""``briefbot run`` end to end in a subprocess: Slack (Socket Mode) and Discord fakes, health, signals."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys

import aiohttp
import pytest

from tests.conftest import ROOT, SEED
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.web import article_html, serve

pytestmark = pytest.mark.slow


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without briefbot or platform settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_"))}
    return {**env, "PYTHONPATH": str(ROOT), **settings}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_serves_both_platforms_and_stops_on_sigterm(tmp_path) -> None:
    slack, discord_fake = FakeSlack(), FakeDiscord()
    await slack.start()
    await discord_fake.start()
    health = free_port()
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n")[1:] if p.strip()]
    async with serve() as web:
        article = web.add("/ukraine", article_html("Ministers meet over Ukraine", paragraphs))
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-secret-bot-token",
            SLACK_APP_TOKEN="xapp-secret-app-token",
            SLACK_API_URL=slack.base + "/api/",
            DISCORD_TOKEN="secret-discord-token",
            DISCORD_API_BASE=discord_fake.base + "/api/v10",
            DISCORD_GATEWAY_URL=discord_fake.base.replace("http", "ws") + "/gateway",
            BRIEFBOT_DB=str(tmp_path / "briefbot.sqlite3"),
            BRIEFBOT_HEALTH_PORT=str(health),
            BRIEFBOT_ALLOW_PRIVATE_NETWORKS="true",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli.app", "run", cwd=str(tmp_path), env=env, stderr=asyncio.subprocess.PIPE
        )
        try:
            await asyncio.wait_for(slack.connected.wait(), 60)
            await discord_fake.wait(lambda: bool(discord_fake.identify), 60)
            await asyncio.sleep(2.5)  # READY after the guild wait
            record = await discord_fake.send_interaction(
                "actors", [{"type": 3, "name": "url_or_text", "value": article}]
            )
            await slack.push_envelope(
                {
                    "command": "/brief",
                    "text": article,
                    "channel_id": "C1",
                    "team_id": "T1",
                    "user_id": "U1",
                    "response_url": slack.issue_response_url(),
                }
            )
            await discord_fake.wait(lambda: len(record.responded) >= 2, 60)
            assert any("Sergei Lavrov" in f["value"] for f in record.responded[1]["embeds"][0]["fields"])
            for _ in range(600):
                if slack.responses():
                    break
                await asyncio.sleep(0.1)
            assert "Antony Blinken" in json.dumps(slack.responses()[0].body)
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{health}/healthz") as resp:
                    assert resp.status == 200 and set((await resp.json())["adapters"]) == {"slack", "discord"}
                async with http.get(f"http://127.0.0.1:{health}/metrics") as resp:
                    metrics = await resp.text()
            assert 'briefbot_commands_total{platform="discord",command="actors",outcome="ok"} 1' in metrics
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 30) == 0
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await slack.stop()
            await discord_fake.stop()
        assert proc.stderr is not None
        log = (await proc.stderr.read()).decode()
    assert "briefbot stopped" in log and "command platform=slack command=brief" in log
    for secret in ("xoxb-secret-bot-token", "xapp-secret-app-token", "secret-discord-token"):
        assert secret not in log


def test_run_with_nothing_configured_says_what_to_set() -> None:
    from tests.adapters.test_cli import assert_one_line_error, run

    assert_one_line_error(run("run"), 2, "SLACK_BOT_TOKEN")
    assert_one_line_error(run("run", env={"SLACK_BOT_TOKEN": "xoxb-1"}), 2, "SLACK_APP_TOKEN")


async def test_slack_http_mode_serves_a_signed_command_and_stops_within_5_s(tmp_path) -> None:
    import time

    from tests.adapters.test_slack import signed

    slack = FakeSlack()
    await slack.start()
    port = free_port()
    env = clean_env(
        SLACK_MODE="http",
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="http-mode-secret",
        SLACK_API_URL=slack.base + "/api/",
        BRIEFBOT_HTTP_PORT=str(port),
        BRIEFBOT_DB=str(tmp_path / "b.sqlite3"),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli.app", "run", cwd=str(tmp_path), env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        from urllib.parse import urlencode

        body = urlencode(
            {
                "command": "/brief",
                "text": "help",
                "channel_id": "C1",
                "team_id": "T1",
                "user_id": "U1",
                "response_url": slack.issue_response_url(),
            }
        )
        url = f"http://127.0.0.1:{port}/slack/events"
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.post(url, data=body.encode(), headers=signed(body, "http-mode-secret")) as resp:
                        status, text = resp.status, await resp.text()
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert status == 200 and "briefbot commands" in text
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        assert time.monotonic() - start < 5
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await slack.stop()


async def test_doctor_checks_tokens_against_the_platforms(tmp_path) -> None:
    slack, discord_fake = FakeSlack(), FakeDiscord()
    await slack.start()
    await discord_fake.start()
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-doctor-secret-1",
        SLACK_APP_TOKEN="xapp-doctor-secret-2",
        SLACK_API_URL=slack.base + "/api/",
        DISCORD_TOKEN="doctor-secret-3",
        DISCORD_API_BASE=f"http://127.0.0.1:{free_port()}/api/v10",  # nothing listens there
        BRIEFBOT_DB=str(tmp_path / "b.sqlite3"),
    )
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli.app",
            "doctor",
            cwd=str(tmp_path),
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 120)
    finally:
        await slack.stop()
        await discord_fake.stop()
    report = out.decode()
    assert proc.returncode == 1
    assert "ok   slack     token works (team T1" in report
    assert "FAIL discord   " in report and "did not answer" in report
    assert "ok   database" in report and "ok   model" in report
    assert "doctor-secret" not in report  # no token, not even the one Discord refused


async def test_run_in_oauth_mode_installs_a_workspace_and_doctor_reports_it(tmp_path) -> None:
    import re
    from urllib.parse import parse_qs, urlencode, urlparse

    from bot.sealing import new_key
    from tests.adapters.test_slack import signed

    slack = FakeSlack(check_tokens=True)
    await slack.start()
    port = free_port()
    key = new_key()
    settings = {
        "SLACK_MODE": "http",
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        "SLACK_SIGNING_SECRET": "oauth-mode-secret",
        "SLACK_API_URL": slack.base + "/api/",
        "BRIEFBOT_HTTP_PORT": str(port),
        "BRIEFBOT_DB": str(tmp_path / "b.sqlite3"),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli.app",
        "run",
        cwd=str(tmp_path),
        env=clean_env(**settings, BRIEFBOT_SECRET_KEY=key),
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.get(base + "/slack/install") as resp:
                        page, cookie = await resp.text(), resp.headers["Set-Cookie"].split(";")[0]
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            link = re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page)
            assert link is not None and link.group(1).startswith(slack.base + "/oauth/v2/authorize")
            state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
            query = urlencode({"code": slack.authorize("T5"), "state": state})
            async with http.get(f"{base}/slack/oauth_redirect?{query}", headers={"Cookie": cookie}) as resp:
                assert resp.status == 200
            body = urlencode(
                {"command": "/brief", "text": "feeds", "channel_id": "C1", "team_id": "T5", "user_id": "U1",
                 "response_url": slack.issue_response_url()}
            )  # fmt: skip
            async with http.post(
                base + "/slack/events", data=body.encode(), headers=signed(body, "oauth-mode-secret")
            ) as resp:
                assert resp.status == 200
        for _ in range(300):
            if slack.answered:
                break
            await asyncio.sleep(0.05)
        assert "no feeds" in json.dumps(slack.answered).lower()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        _out, err = await proc.communicate()
        assert not [t for t in slack.issued if t.encode() in err]
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await slack.stop()

    async def doctor(**extra: str) -> tuple[int, str]:
        p = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli.app", "doctor", cwd=str(tmp_path),
            env=clean_env(**settings, **extra), stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(p.communicate(), 120)
        return int(p.returncode or 0), out.decode()

    status, report = await doctor(BRIEFBOT_SECRET_KEY=key)
    assert status == 0 and "ok   slack     OAuth mode: installed in 1 workspace" in report
    assert "ok   secrets   3 installation records sealed" in report
    status, report = await doctor()
    assert status == 1 and "FAIL slack     The stored Slack installations are encrypted" in report
    status, report = await doctor(BRIEFBOT_SECRET_KEY=new_key())
    assert status == 1 and "BRIEFBOT_SECRET_KEY does not open" in report and "Traceback" not in report
