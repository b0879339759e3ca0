"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2021-12-02-blinken-lavrov-ukraine.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    from summarizer.nlp import Pipeline, load_model

    return Pipeline(load_model())


@pytest.fixture(scope="session")
def briefer(pipeline):
    from summarizer.brief import Briefer

    return Briefer(pipeline)


@pytest.fixture(scope="session")
def parse(pipeline):
    from summarizer.article import parse_article

    def _parse(text: str):
        return pipeline.parse(parse_article(text))

    return _parse


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    path = SHARED / "eval"
    if not path.is_dir():
        pytest.skip("../shared/eval is not present")
    return path


@pytest.fixture
async def fake_slack():
    """The Slack fake, started on 127.0.0.1."""
    from tests.fakes.fake_slack import FakeSlack

    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_discord():
    """The Discord fake, started on 127.0.0.1, with discord.py pointed at it."""
    from adapters.discord.app import DEFAULT_API_BASE, DEFAULT_GATEWAY, point_at
    from tests.fakes.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    point_at(fake.base + "/api/v10", fake.base.replace("http", "ws") + "/gateway")
    yield fake
    point_at(DEFAULT_API_BASE, DEFAULT_GATEWAY)
    await fake.stop()


#: The PostgreSQL of the development and CI machines (trust auth); BRIEFBOT_TEST_POSTGRES overrides it.
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL whose tables live in a schema of their own, dropped after the test."""
    import os
    import uuid

    psycopg = pytest.importorskip("psycopg")
    base = os.environ.get("BRIEFBOT_TEST_POSTGRES", POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as db:
            db.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        how = "start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        if os.environ.get("CI", "").lower() == "true":  # CI machines run PostgreSQL: its absence is a failure
            pytest.fail(f"no PostgreSQL at {base} ({reason}); {how}")
        pytest.skip(f"no PostgreSQL at {base} ({reason}); {how}, or set BRIEFBOT_TEST_POSTGRES")
    yield f"{base}?options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True, connect_timeout=5) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")
