"""The one-time setup token: one per data directory, private, shared by every server process."""

from __future__ import annotations

import stat

from backcare import setup_token


def test_every_process_on_a_data_directory_prints_the_same_private_token(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_HOME", str(tmp_path))
    first = setup_token.issue()
    assert setup_token.issue() == first
    assert len(first) >= 32
    assert stat.S_IMODE((tmp_path / "setup_token").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["setup_token"]


def test_only_the_issued_token_matches_and_none_after_it_is_discarded(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKCARE_HOME", str(tmp_path))
    assert not setup_token.matches("anything")
    token = setup_token.issue()
    assert setup_token.matches(token)
    assert not setup_token.matches(token[:-1])
    assert not setup_token.matches("")
    setup_token.discard()
    assert not setup_token.matches(token)
    assert setup_token.issue() != token
