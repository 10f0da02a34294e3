"""Configuration read from the environment, with a clear error naming a bad variable."""

from __future__ import annotations

import pytest

from backcare import config
from backcare.errors import BackcareError


def test_sqlite_saves_wait_thirty_seconds_for_each_other_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("BACKCARE_SQLITE_BUSY_TIMEOUT", raising=False)
    assert config.sqlite_busy_timeout() == 30
    monkeypatch.setenv("BACKCARE_SQLITE_BUSY_TIMEOUT", "2.5")
    assert config.sqlite_busy_timeout() == 2.5


@pytest.mark.parametrize("value", ["soon", "0", "-3", "86400"])
def test_a_busy_timeout_that_is_not_a_sensible_number_of_seconds_is_refused_by_name(
    monkeypatch, value
):
    monkeypatch.setenv("BACKCARE_SQLITE_BUSY_TIMEOUT", value)
    with pytest.raises(BackcareError, match=f"BACKCARE_SQLITE_BUSY_TIMEOUT.*{value!r}"):
        config.sqlite_busy_timeout()


def test_deployment_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("BACKCARE_TRUSTED_PROXY", "10.0.0.5")
    monkeypatch.setenv("BACKCARE_CSRF_TRUSTED_ORIGINS", "https://clinic.example, https://b.example")
    monkeypatch.setenv("BACKCARE_HSTS_SECONDS", "0")
    assert config.trusted_proxy() == "10.0.0.5"
    assert config.csrf_trusted_origins() == ["https://clinic.example", "https://b.example"]
    assert config.hsts_seconds() == 0


def test_without_deployment_settings_no_proxy_is_trusted_and_hsts_lasts_a_year(monkeypatch):
    for name in ("TRUSTED_PROXY", "CSRF_TRUSTED_ORIGINS", "HSTS_SECONDS"):
        monkeypatch.delenv(f"BACKCARE_{name}", raising=False)
    assert config.trusted_proxy() is None
    assert config.csrf_trusted_origins() == []
    assert config.hsts_seconds() == 365 * 24 * 60 * 60


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("BACKCARE_TRUSTED_PROXY", "proxy.local", config.trusted_proxy),
        ("BACKCARE_TRUSTED_PROXY", "*", config.trusted_proxy),
        ("BACKCARE_CSRF_TRUSTED_ORIGINS", "clinic.example", config.csrf_trusted_origins),
        ("BACKCARE_CSRF_TRUSTED_ORIGINS", "https://a.example/app", config.csrf_trusted_origins),
        ("BACKCARE_HSTS_SECONDS", "-1", config.hsts_seconds),
        ("BACKCARE_HSTS_SECONDS", "a year", config.hsts_seconds),
    ],
)
def test_a_bad_deployment_setting_is_refused_by_name(monkeypatch, name, value, read):
    monkeypatch.setenv(name, value)
    with pytest.raises(BackcareError, match=name):
        read()


def test_idle_sessions_end_after_thirty_minutes_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("BACKCARE_IDLE_MINUTES", raising=False)
    assert config.idle_minutes() == 30
    monkeypatch.setenv("BACKCARE_IDLE_MINUTES", "45")
    assert config.idle_minutes() == 45


@pytest.mark.parametrize("value", ["half an hour", "0", "-5", "1441", "7.5"])
def test_an_idle_limit_that_is_not_a_sensible_number_of_minutes_is_refused_by_name(
    monkeypatch, value
):
    monkeypatch.setenv("BACKCARE_IDLE_MINUTES", value)
    with pytest.raises(BackcareError, match=f"BACKCARE_IDLE_MINUTES.*{value!r}"):
        config.idle_minutes()
