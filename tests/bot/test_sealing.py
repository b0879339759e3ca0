"""Secrets at rest: sealed with the first key, opened with any, refused in one line with a wrong one."""

from __future__ import annotations

import pytest

from bot.sealing import SEALED, Sealer, SecretKeyError, new_key, valid_key
from bot.settings import Settings, SettingsError

TOKEN = '{"bot_token": "xoxb-1-very-secret"}'


def test_a_sealed_record_hides_the_token_and_opens_with_its_key() -> None:
    key = new_key()
    sealed = Sealer((key,)).seal(TOKEN)
    assert sealed.startswith(SEALED) and "xoxb" not in sealed
    assert Sealer((key,)).open(sealed) == TOKEN
    assert Sealer((key,)).seal(TOKEN) != sealed  # a fresh IV each time: equal tokens do not look equal


def test_a_wrong_missing_or_tampered_key_is_one_line_without_the_token() -> None:
    sealed = Sealer((new_key(),)).seal(TOKEN)
    tampered = sealed[:-6] + ("AAAAAA" if not sealed.endswith("AAAAAA") else "BBBBBB")
    for sealer, record in ((Sealer((new_key(),)), sealed), (Sealer(), sealed), (Sealer((new_key(),)), tampered)):
        with pytest.raises(SecretKeyError) as caught:
            sealer.open(record)
        message = str(caught.value)
        assert "\n" not in message and "xoxb" not in message and "BRIEFBOT_SECRET_KEY" in message


def test_plain_records_stay_readable_and_are_sealed_again_when_a_key_comes() -> None:
    assert Sealer().seal(TOKEN) == TOKEN and Sealer().open(TOKEN) == TOKEN
    assert Sealer().reseal(TOKEN) is None
    key = new_key()
    resealed = Sealer((key,)).reseal(TOKEN)
    assert resealed is not None and Sealer((key,)).open(resealed) == TOKEN
    assert Sealer((key,)).reseal(resealed) is None  # already sealed with the one key


def test_a_key_is_replaced_by_listing_the_old_one_after_the_new() -> None:
    old, new = new_key(), new_key()
    record = Sealer((old,)).seal(TOKEN)
    both = Sealer((new, old))
    assert both.open(record) == TOKEN
    moved = both.reseal(record)
    assert moved is not None and Sealer((new,)).open(moved) == TOKEN
    with pytest.raises(SecretKeyError):
        Sealer((old,)).open(moved)


def test_the_setting_takes_fernet_keys_only_and_is_never_shown() -> None:
    key, other = new_key(), new_key()
    assert valid_key(key) and not valid_key("hunter2") and not valid_key("é" * 44)
    settings = Settings.from_mapping({"BRIEFBOT_SECRET_KEY": f" {key} , {other} "})
    assert settings.secret_key == (key, other)
    assert key not in repr(settings) and other not in repr(settings)
    with pytest.raises(SettingsError, match="BRIEFBOT_SECRET_KEY must be Fernet keys"):
        Settings.from_mapping({"BRIEFBOT_SECRET_KEY": f"{key},hunter2"})


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SLACK_CLIENT_ID": "1.2"}, "both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}, "not both"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "SLACK_MODE=http"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_MODE": "http"}, "SLACK_SIGNING_SECRET"),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_MODE": "http", "SLACK_SIGNING_SECRET": "x",
             "SLACK_REDIRECT_URI": "example.com/slack/oauth_redirect"},
            "SLACK_REDIRECT_URI must start with",
        ),
    ],
)  # fmt: skip
def test_oauth_mode_settings_are_checked_in_one_line(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_mapping(env)


def test_oauth_mode_settings() -> None:
    settings = Settings.from_mapping(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "client-secret-9", "SLACK_MODE": "http",
         "SLACK_SIGNING_SECRET": "x", "SLACK_REDIRECT_URI": "https://bot.example/slack/oauth_redirect"}
    )  # fmt: skip
    assert settings.slack_oauth and settings.slack_enabled and not settings.slack_bot_token
    assert "client-secret-9" not in repr(settings)
    assert not Settings.from_mapping({}).slack_oauth
