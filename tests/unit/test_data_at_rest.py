"""Health data at rest: the data directory 700 and its files 600, from creation on."""

from __future__ import annotations

import stat
from pathlib import Path

from backcare import config, data_at_rest


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_is_open_to_its_owner_only(tmp_path, monkeypatch):
    home = tmp_path / "nested" / "backcare"
    monkeypatch.setenv("BACKCARE_HOME", str(home))
    assert config.data_dir() == home
    assert mode(home) == 0o700


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path):
    database = tmp_path / "backcare.sqlite3"
    data_at_rest.private_file(database)
    assert mode(database) == 0o600


def test_loose_lists_what_others_could_read_and_tighten_puts_it_right(tmp_path):
    home = tmp_path / "home"
    (home / "documents" / "clearances").mkdir(parents=True)
    letter = home / "documents" / "clearances" / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4")
    outside = tmp_path / "elsewhere.sqlite3"
    outside.write_bytes(b"")
    folder = home / "documents"
    private_folder = folder / "clearances"
    for path, bits in [(home, 0o755), (folder, 0o750), (private_folder, 0o700)]:
        path.chmod(bits)
    for path, bits in [(letter, 0o644), (outside, 0o640)]:
        path.chmod(bits)

    found = dict(data_at_rest.loose(home, outside))
    assert found == {home: 0o755, folder: 0o750, letter: 0o644, outside: 0o640}

    data_at_rest.tighten(home, outside)
    assert data_at_rest.loose(home, outside) == []
    assert (mode(home), mode(letter), mode(outside)) == (0o700, 0o600, 0o600)
    assert mode(folder) == 0o700


def test_private_paths_are_not_reported(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    data_at_rest.private_file(home / "secret_key")
    assert data_at_rest.loose(home) == []
