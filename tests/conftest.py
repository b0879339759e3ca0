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
