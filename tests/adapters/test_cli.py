"""The ``briefbot`` command end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

pytestmark = pytest.mark.slow


def run(*args: str, stdin: bytes | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.app", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env={**full_env, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )


def assert_one_line_error(proc, status: int, fragment: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_brief_text_of_the_seed() -> None:
    proc = run("brief", str(SEED))
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.startswith("As tensions in Ukraine rise, US and Russian ministers will meet.\n")
    assert "2021-12-02" in out
    assert " 1. On Thursday, America’s top diplomat" in out
    assert " 3. " in out and " 4. " not in out


def test_brief_json_markdown_and_options() -> None:
    proc = run("brief", str(SEED), "--format", "json", "--sentences", "2", "--method", "lexrank")
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert len(data["summary"]) == 2
    body = SEED.read_text(encoding="utf-8")
    assert all(s in body for s in data["summary"])
    md = run("brief", str(SEED), "--format", "markdown").stdout.decode()
    assert md.startswith("## As tensions in Ukraine rise") and "\n1. " in md


def test_brief_reads_stdin() -> None:
    proc = run("brief", "-", "--format", "json", stdin=SEED.read_bytes())
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["date"] == "2021-12-02"


def test_invalid_utf8_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(
        SEED.read_text(encoding="utf-8").replace("’", "'").encode("cp1252", errors="replace") + "Café.".encode("cp1252")
    )
    proc = run("brief", str(path))
    assert proc.returncode == 0
    assert "not valid UTF-8" in proc.stderr.decode()


@pytest.mark.parametrize(
    ("content", "status", "fragment"),
    [
        (None, 2, "no such file"),
        (b"", 1, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4, 1, "binary"),
        (b"All work and no play makes Jack a dull boy. " * 120_000, 1, "too long"),
        (b"words without any stop at all\nand more words on a line", 1, "punctuation"),
        (
            "Der Minister sagte am Dienstag, dass die Regierung die Steuern nicht erhöhen werde. "
            "Die Kritiker waren verärgert über diese Entscheidung der Koalition.".encode(),
            1,
            "English",
        ),
    ],
    ids=["missing", "empty", "binary", "5MB", "no-punctuation", "german"],
)
def test_bad_input_is_one_line_and_a_status(tmp_path: Path, content: bytes | None, status: int, fragment: str) -> None:
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(run("brief", str(path)), status, fragment)


def test_directory_and_unknown_method(tmp_path: Path) -> None:
    assert_one_line_error(run("brief", str(tmp_path)), 2, "directory")
    assert_one_line_error(run("brief", str(SEED), "--method", "gpt4"), 2, "unknown method")


def test_bad_setting_names_the_variable() -> None:
    proc = run("brief", str(SEED), env={"BRIEFBOT_SUMMARY_SENTENCES": "many"})
    assert_one_line_error(proc, 2, "BRIEFBOT_SUMMARY_SENTENCES")


def test_dotenv_file_is_read_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BRIEFBOT_SUMMARY_SENTENCES=1\n")
    proc = run("brief", str(SEED), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert len(json.loads(proc.stdout)["summary"]) == 1


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_streams_one_line_per_input_in_order(tmp_path: Path, workers: str) -> None:
    seed = SEED.read_text(encoding="utf-8")
    lines = [json.dumps({"id": f"a{i}", "text": seed, "title": "T"}) for i in range(20)]
    lines.insert(3, "{not json")
    lines.insert(7, json.dumps({"id": "empty", "text": ""}))
    lines.insert(9, json.dumps(["a list"]))
    lines.insert(11, json.dumps({"id": "no-text"}))
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n\n")
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(src), "-o", str(out), "--workers", workers, "--sentences", "2")
    assert proc.returncode == 1  # some lines failed; the others were written
    results = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(results) == 24
    assert [r.get("id") for r in results if "error" not in r] == [f"a{i}" for i in range(20)]
    errors = {r["line"]: r["error"] for r in results if "error" in r}
    assert sorted(errors) == [4, 8, 10, 12]
    assert "JSON" in errors[4] and "empty" in errors[8] and "object" in errors[10] and "text" in errors[12]
    err = proc.stderr.decode()
    assert "line 4:" in err and "Traceback" not in err
    assert all(len(r["summary"]) == 2 for r in results if "error" not in r)


def test_batch_to_stdout_and_missing_input(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": SEED.read_text(encoding="utf-8")}) + "\n")
    proc = run("batch", str(src), "--workers", "1")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["id"] == "x"
    assert_one_line_error(run("batch", str(tmp_path / "nope.jsonl")), 2, "no such file")


def test_quotes_view_lists_every_quote_with_speaker_and_role() -> None:
    proc = run("quotes", str(SEED))
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.count("•") == 8
    assert "— Dmytro Kuleba (Blinken's Ukrainian counterpart)" in out
    assert "— a US official" in out


def test_quotes_view_filters_by_speaker_as_json() -> None:
    proc = run("quotes", str(SEED), "--speaker", "kuleba", "--format", "json")
    data = json.loads(proc.stdout)
    from summarizer.article import parse_article

    body = parse_article(SEED.read_text(encoding="utf-8")).text
    assert [q["quote"] for q in data["quotes"]] == ["exercise moderation,", "craft a deterrence package"]
    assert all(q["speaker"] == "Dmytro Kuleba" for q in data["quotes"])
    assert all(body[q["start"] : q["end"]] == q["quote"] for q in data["quotes"])


def test_actors_view_groups_by_kind() -> None:
    proc = run("actors", str(SEED), "--format", "markdown")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.index("### People") < out.index("### Organisations") < out.index("### Places")
    assert "- Sergei Lavrov — Russian Foreign Minister" in out
    assert "- Russia — also Russian, Moscow, Kremlin" in out


def test_quotes_of_an_empty_article_is_a_one_line_error() -> None:
    assert_one_line_error(run("quotes", "-", stdin=b"   \n"), 1, "empty")


@pytest.fixture(scope="module")
def local_site():
    """A threaded web server on 127.0.0.1 serving two articles and a feed (the CLI runs in a subprocess)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.fakes.web import article_html, rss

    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ctype, body = pages.get(self.path, ("text/plain", b"not found"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seed = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
    paragraphs = [p for p in seed.split("\n") if p.strip()]
    pages["/ukraine"] = ("text/html; charset=utf-8", article_html("Ministers meet over Ukraine", paragraphs).encode())
    pages["/feed.xml"] = (
        "application/rss+xml",
        rss([("Ministers meet over Ukraine", base + "/ukraine", "Thu, 26 Nov 2026 07:00:00 GMT")]).encode(),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


PRIVATE_OK = {"BRIEFBOT_ALLOW_PRIVATE_NETWORKS": "true"}


def test_brief_of_a_url_through_the_fetcher(local_site) -> None:
    proc = run("brief", local_site + "/ukraine", "--format", "json", env=PRIVATE_OK)
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["title"] == "Ministers meet over Ukraine" and data["url"].endswith("/ukraine")
    assert len(data["quotes"]) == 2 and data["actors"][0]["name"] == "Russia"


def test_private_addresses_are_refused_by_default(local_site) -> None:
    assert_one_line_error(run("brief", local_site + "/ukraine"), 1, "private network")


def test_fetch_shows_what_was_read(local_site) -> None:
    proc = run("fetch", local_site + "/ukraine", "--format", "json", env=PRIVATE_OK)
    data = json.loads(proc.stdout)
    assert set(data) == {"url", "title", "date", "author", "text"}
    assert "Blinken" in data["text"] and "Home | World" not in data["text"]


def test_digest_of_a_feed_prints_one_json_object(local_site) -> None:
    proc = run("digest", "--feed", local_site + "/feed.xml", "--since", "14d", "--format", "json", env=PRIVATE_OK)
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["stories"][0]["sources"][0]["url"].endswith("/ukraine")


def test_digest_of_a_directory() -> None:
    proc = run("digest", "--dir", str(SEED.parent), "--format", "markdown")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.startswith("# Digest of") and "## 1. As tensions in Ukraine rise" in out


def test_digest_of_a_directory_keeps_every_article_and_names_each_bad_file(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    (tmp_path / "ukraine.txt").write_text(seed, encoding="utf-8")
    # A feed-style headline and lead with no full stop: too short to brief, still in the digest.
    (tmp_path / "lead.txt").write_text(
        " date 2024-03-01 Storm closes ports along the coast\n\nA storm closed every port along the coast on Friday",
        encoding="utf-8",
    )
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    proc = run("digest", "--dir", str(tmp_path), "--format", "json", "--stories", "all")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "binary.txt" in err and "empty.md" in err and "Traceback" not in err
    data = json.loads(proc.stdout)
    by_id = {s["sources"][0]["id"]: s for s in data["stories"]}
    assert set(by_id) == {"ukraine", "lead"}
    assert by_id["lead"]["headline"] == "Storm closes ports along the coast" and by_id["lead"]["summary"] == []
    assert by_id["ukraine"]["summary"]
    assert_one_line_error(run("digest", "--dir", str(tmp_path), "--stories", "0"), 2, "--stories")


def test_digest_of_a_directory_with_nothing_readable_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    proc = run("digest", "--dir", str(tmp_path))
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == f"briefbot: no article in {tmp_path} could be read"


def test_batch_quotes_all_writes_every_quote_with_its_speaker(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "seed", "text": SEED.read_text(encoding="utf-8")}) + "\n")
    key = json.loads(run("batch", str(src), "--workers", "1").stdout)
    every = json.loads(run("batch", str(src), "--workers", "1", "--quotes", "all").stdout)
    assert len(every["quotes"]) == 8 > len(key["quotes"])
    assert [q["start"] for q in every["quotes"]] == sorted(q["start"] for q in every["quotes"])
    assert {q["speaker"] for q in every["quotes"]} >= {"Antony Blinken", "Dmytro Kuleba", "a US official"}


def test_brief_lists_the_top_actors_and_the_actors_view_says_how_many_more(tmp_path: Path) -> None:
    names = [
        f"{first} {last}"
        for first in ("Anna", "Boris", "Carl", "Dana", "Emil", "Fiona")
        for last in ("Smith", "Brown", "Lopez", "Novak", "Ito")
    ]
    text = " ".join(f"{name} said on Monday that the vote was fair." for name in names)
    article = tmp_path / "many.txt"
    article.write_text(text + "\n", encoding="utf-8")
    brief = run("brief", str(article)).stdout.decode()
    listed = brief.split("Actors", 1)[1]
    assert sum(name in listed for name in names) == 8
    view = run("actors", str(article)).stdout.decode()
    assert "… and 5 more" in view
    assert len(json.loads(run("actors", str(article), "--format", "json").stdout)["actors"]) == 30


def test_db_upgrade_then_copy_to_postgresql_twice_copies_once(tmp_path: Path, postgres_url: str) -> None:
    import sqlite3

    from bot.storage import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # a database of the first release, with a subscription and a schedule
        db.executescript(MIGRATIONS[0])
        db.execute(
            "INSERT INTO subscriptions (platform, channel, workspace, url, created)"
            " VALUES ('slack', 'C1', 'T1', 'https://f.example/rss', '2026-11-01T00:00:00+00:00')"
        )
        db.execute("INSERT INTO schedules VALUES ('slack', 'C1', 'T1', '07:30', 'Europe/Berlin')")
        db.execute("PRAGMA user_version = 1")
    env = {"BRIEFBOT_DB": str(path)}
    up = run("db", "upgrade", env=env)
    assert up.returncode == 0, up.stderr.decode()
    assert f"schema {len(MIGRATIONS)}, migrated from schema 1" in up.stdout.decode()
    assert "up to date" in run("db", "upgrade", env=env).stdout.decode()
    with sqlite3.connect(path) as db:  # an OAuth-mode workspace, its record sealed
        db.execute("INSERT INTO installations VALUES ('slack', '', 'T1', '', 'bot', 'fernet:x', '2026-12-01')")
    first = run("db", "copy", "--to", postgres_url, env=env)
    assert first.returncode == 0, first.stderr.decode()
    assert "1 subscriptions, 1 schedules" in first.stdout.decode()
    assert "1 installations" in first.stdout.decode()
    again = run("db", "copy", "--to", postgres_url, env=env)
    assert "0 subscriptions, 0 schedules" in again.stdout.decode() and "0 installations" in again.stdout.decode()
    # The bot on the new database finds the channel's feed and digest time.
    doctor = run("doctor", env={"BRIEFBOT_DB": postgres_url})
    assert "1 subscriptions, 1 schedules" in doctor.stdout.decode() + doctor.stderr.decode()
    assert "queue     not set up yet" in doctor.stdout.decode()
    upgraded = run("db", "upgrade", env={"BRIEFBOT_DB": postgres_url})
    assert "brief queue created" in upgraded.stdout.decode(), upgraded.stderr.decode()
    doctor = run("doctor", env={"BRIEFBOT_DB": postgres_url})
    assert "queue     no worker alive (instances brief); jobs waiting 0, running 0, failed 0" in doctor.stdout.decode()


def test_an_unreachable_database_is_one_line_without_its_password() -> None:
    proc = run("db", "upgrade", env={"BRIEFBOT_DB": "postgresql://briefbot:hunter2@127.0.0.1:9/briefbot"})
    assert_one_line_error(proc, 1, "database:")
    assert "hunter2" not in proc.stderr.decode() + proc.stdout.decode()


def test_secret_key_prints_a_key_the_setting_takes_and_a_bad_key_is_one_line() -> None:
    from bot.sealing import valid_key

    first, second = run("secret-key"), run("secret-key")
    key = first.stdout.decode().strip()
    assert first.returncode == 0 and valid_key(key) and key != second.stdout.decode().strip()
    assert_one_line_error(run("doctor", env={"BRIEFBOT_SECRET_KEY": "hunter2"}), 2, "BRIEFBOT_SECRET_KEY must be")
