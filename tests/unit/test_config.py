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
