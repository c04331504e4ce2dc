"""The typed settings object (congdong/config.py): the values the project always read, and a
bad value stops the start with a message that names the variable and the value."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from congdong.config import ConfigError, load

from .test_project import congdong

ROOT = Path(__file__).resolve().parents[2]


def _clear(monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("CONGDONG_") or name in ("DATABASE_URL", "REDIS_URL", "AUTHZ_SHOWN"):
            monkeypatch.delenv(name)


def test_the_defaults_are_those_of_a_laptop(monkeypatch):
    _clear(monkeypatch)
    config = load()
    assert config.data_dir == Path("var")
    assert config.allowed_hosts == ["127.0.0.1", "localhost"]
    assert config.working_weekdays == [1, 2, 3, 4, 5]
    assert config.moderation_lock_windows == [(5, 30), (10, 90)]
    assert config.login_failures_minutes == 30.0 and isinstance(
        config.login_failures_minutes, float
    )
    assert config.debug is False and config.serve_media is True
    assert config.database_url == "" and config.redis_url == ""
    assert config.public_holidays == "VN"


def test_values_are_read_as_before(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("CONGDONG_DEBUG", " Yes ")
    monkeypatch.setenv("CONGDONG_SERVE_MEDIA", "0")
    monkeypatch.setenv("CONGDONG_HTTPS", "")  # empty: the default
    monkeypatch.setenv("CONGDONG_ALLOWED_HOSTS", " a.vn, ,b.vn ")
    monkeypatch.setenv("CONGDONG_MODERATION_LOCK_WINDOWS", "2:10, 4:20")
    monkeypatch.setenv("CONGDONG_PUBLIC_HOLIDAYS", "")  # empty: none
    monkeypatch.setenv("CONGDONG_CSP", "")  # empty: no policy header
    monkeypatch.setenv("CONGDONG_LOGIN_FAILURES", " 7 ")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/d")
    monkeypatch.setenv("AUTHZ_SHOWN", "3")
    config = load()
    assert config.debug is True and config.serve_media is False and config.https is False
    assert config.allowed_hosts == ["a.vn", "b.vn"]
    assert config.moderation_lock_windows == [(2, 10), (4, 20)]
    assert config.public_holidays == "" and config.csp == ""
    assert config.login_failures == 7
    assert config.database_url == "postgres://u@h:5432/d" and config.authz_shown == 3
    assert {"debug", "database_url"} <= config.model_fields_set
    assert "site_url" not in config.model_fields_set


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "CONGDONG_LOGIN_FAILURES",
            "abc",
            "CONGDONG_LOGIN_FAILURES must be a whole number, got 'abc'",
        ),
        ("CONGDONG_MAX_BODY_MB", "2MB", "CONGDONG_MAX_BODY_MB must be a number, got '2MB'"),
        ("CONGDONG_DEBUG", "maybe", "CONGDONG_DEBUG must be one of 1, true, yes, on"),
        ("CONGDONG_WORKING_WEEKDAYS", "1,x", "CONGDONG_WORKING_WEEKDAYS must be whole numbers"),
        ("CONGDONG_MODERATION_LOCK_WINDOWS", "5", "CONGDONG_MODERATION_LOCK_WINDOWS must be"),
        ("CONGDONG_TRUSTED_PROXIES", "10.0.0.1,proxy", "'proxy' is neither"),
        ("CONGDONG_SITE_URL", "congdong.vn", "CONGDONG_SITE_URL must be like https://"),
        ("AUTHZ_SHOWN", "many", "AUTHZ_SHOWN must be a whole number, got 'many'"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch, name, value, message):
    _clear(monkeypatch)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load()
    assert message in str(raised.value)


def test_every_bad_value_is_named_at_once(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("CONGDONG_LOGIN_FAILURES", "abc")
    monkeypatch.setenv("CONGDONG_CHANNEL_TIMEOUT", "soon")
    with pytest.raises(ConfigError) as raised:
        load()
    assert "CONGDONG_LOGIN_FAILURES" in str(raised.value)
    assert "CONGDONG_CHANNEL_TIMEOUT" in str(raised.value)


def test_the_settings_module_reads_the_object(monkeypatch, tmp_path):
    _clear(monkeypatch)
    monkeypatch.setenv("CONGDONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CONGDONG_MAX_BODY_MB", "1.5")
    monkeypatch.setenv("CONGDONG_OPINION_MIN_SENDERS", "1")
    monkeypatch.setenv("CONGDONG_LIMIT_SHARES", "4")
    read = runpy.run_path(str(ROOT / "congdong" / "settings.py"))
    assert read["DATA_DIR"] == tmp_path.resolve()
    assert read["MAX_BODY_BYTES"] == 1_500_000
    assert read["OPINION_MIN_SENDERS"] == 2
    assert read["ENGAGEMENT_LIMITS"]["share"] == 4
    assert read["PRIVATE_ROOT"] == (tmp_path / "private").resolve()
    assert read["SMS_FILE_PATH"] == tmp_path.resolve() / "sms.jsonl"
    assert not any(name.isupper() and "config" in name.lower() for name in read)


def test_the_command_stops_at_start_naming_the_variable(tmp_path):
    result = congdong(
        "check", env={"CONGDONG_DATA_DIR": str(tmp_path), "CONGDONG_LOGIN_FAILURES": "abc"}
    )
    assert result.returncode != 0
    assert "CONGDONG_LOGIN_FAILURES must be a whole number, got 'abc'" in result.stderr
    assert "Traceback" not in result.stderr
