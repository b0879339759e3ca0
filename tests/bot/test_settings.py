from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import FIELDS, Settings, SettingsError, read_env_file

ROOT = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    s = Settings.from_mapping({})
    assert s == Settings()
    assert s.spacy_model is None and s.summary_method == "news" and s.summary_sentences == 3


def test_values_are_parsed_and_normalised() -> None:
    s = Settings.from_mapping(
        {
            "BRIEFBOT_SPACY_MODEL": "en_core_web_md",
            "BRIEFBOT_SUMMARY_SENTENCES": " 5 ",
            "BRIEFBOT_SUMMARY_METHOD": "LexRank",
            "BRIEFBOT_MAX_ARTICLE_CHARS": "100_000",
            "BRIEFBOT_WORKERS": "2",
            "BRIEFBOT_LOG_LEVEL": "debug",
        }
    )
    assert (s.spacy_model, s.summary_sentences, s.summary_method) == ("en_core_web_md", 5, "lexrank")
    assert (s.max_article_chars, s.worker_count, s.log_level) == (100_000, 2, "DEBUG")


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("BRIEFBOT_SUMMARY_SENTENCES", "0"),
        ("BRIEFBOT_SUMMARY_SENTENCES", "three"),
        ("BRIEFBOT_SUMMARY_METHOD", "gpt"),
        ("BRIEFBOT_WORKERS", "-1"),
        ("BRIEFBOT_LOG_LEVEL", "LOUD"),
        ("BRIEFBOT_DB", "mysql://u@db.example/briefbot"),
    ],
)
def test_bad_values_name_the_setting(env: str, value: str) -> None:
    with pytest.raises(SettingsError, match=env):
        Settings.from_mapping({env: value})


def test_env_file_parsing(tmp_path: Path) -> None:
    f = tmp_path / ".env"
    f.write_text('# comment\nexport A=1\nB="two words"\nC=3 # trailing\n\nnot a line\nD=\n')
    assert read_env_file(f) == {"A": "1", "B": "two words", "C": "3", "D": ""}


def test_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / ".env"
    f.write_text("BRIEFBOT_SUMMARY_SENTENCES=4\nBRIEFBOT_WORKERS=3\n")
    monkeypatch.setenv("BRIEFBOT_WORKERS", "1")
    s = Settings.load(f)
    assert (s.summary_sentences, s.workers) == (4, 1)


def test_env_example_lists_every_setting_with_its_default() -> None:
    example = read_env_file(ROOT / ".env.example")
    assert example == {f.env: f.default for f in FIELDS.values()}
    text = (ROOT / ".env.example").read_text()
    for f in FIELDS.values():
        assert re.search(rf"# .+\n{f.env}=", text), f"{f.env} has no comment"


def test_only_settings_reads_the_environment() -> None:
    offenders = [
        p.relative_to(ROOT).as_posix()
        for pkg in ("bot", "adapters", "summarizer")
        for p in (ROOT / pkg).rglob("*.py")
        if re.search(r"os\.environ|os\.getenv|getenv\(", p.read_text()) and p.name != "settings.py"
    ]
    assert offenders == []


def test_readme_configuration_table_is_the_generated_one() -> None:
    from bot.settings import markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert markdown_table() in section, (
        "regenerate it: python -c 'from bot.settings import markdown_table as t; print(t())'"
    )


def test_slack_settings_are_checked_before_connecting() -> None:
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxp-user-token"})
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_MODE": "http"})
    with pytest.raises(SettingsError, match="SLACK_MODE"):
        Settings.from_mapping({"SLACK_MODE": "carrier-pigeon"})
    ok = Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-2"})
    assert ok.slack_enabled and ok.slack_mode == "socket"


def test_secrets_never_appear_in_the_repr() -> None:
    s = Settings.from_mapping(
        {"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_APP_TOKEN": "xapp-also-secret", "SLACK_SIGNING_SECRET": "shh"}
    )
    text = repr(s) + str(s)
    assert "very-secret" not in text and "also-secret" not in text and "shh" not in text
    assert "slack_bot_token='***'" in text
    pg = Settings.from_mapping({"BRIEFBOT_DB": "postgresql://briefbot:hunter2@db.example:5432/briefbot"})
    assert pg.db.startswith("postgresql://") and "hunter2" not in repr(pg) and "db.example" in repr(pg)


def test_discord_shards_take_a_count_and_ranges_of_ids() -> None:
    s = Settings.from_mapping({"DISCORD_SHARD_COUNT": "8", "DISCORD_SHARD_IDS": "4-5, 7,0"})
    assert (s.discord_shard_count, s.discord_shard_ids) == (8, (0, 4, 5, 7))
    assert Settings.from_mapping({"DISCORD_SHARD_COUNT": "4"}).discord_shard_ids == ()
    # The older single setting still counts, and the new one wins over it.
    assert Settings.from_mapping({"DISCORD_SHARDS": "2"}).discord_shard_count == 2
    assert Settings.from_mapping({"DISCORD_SHARDS": "2", "DISCORD_SHARD_COUNT": "3"}).discord_shard_count == 3


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"DISCORD_SHARD_IDS": "0-1"}, "needs DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "2-4"}, "2-4 is not within shards 0-3"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "3-1"}, "3-1 is not within"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "one"}, "numbers and ranges"),
        ({"DISCORD_SHARD_COUNT": "-1"}, "DISCORD_SHARD_COUNT must be between"),
    ],
)
def test_bad_shard_settings_say_what_is_wrong(env: dict[str, str], said: str) -> None:
    with pytest.raises(SettingsError, match=said):
        Settings.from_mapping(env)
