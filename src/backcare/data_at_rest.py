"""Health data at rest: only the account that runs backcare may read it.

The data directory and every directory in it are mode 700, the database and every file (uploaded
documents, the secret key) mode 600. They are made so (``private_file``, Django's upload
permissions); ``loose`` lists what is not, for ``backcare check --deploy``, and ``tighten`` puts it
right when the server starts.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 600 unless it exists (SQLite then keeps that mode for the
    database and gives the same to its -wal and -shm files)."""
    path.touch(mode=PRIVATE_FILE, exist_ok=True)


def _held(data_dir: Path, database: Path | None) -> Iterator[Path]:
    yield data_dir
    yield from sorted(data_dir.rglob("*"))
    if database is not None and data_dir not in database.parents:
        for suffix in ("", "-wal", "-shm"):
            candidate = database.with_name(database.name + suffix)
            if candidate.exists():
                yield candidate


def _wanted(path: Path) -> int | None:
    if path.is_symlink():
        return None
    return PRIVATE_DIR if path.is_dir() else PRIVATE_FILE


def loose(data_dir: Path, database: Path | None = None) -> list[tuple[Path, int]]:
    """Each path under the data directory (and the SQLite database) that others could read or
    enter, with its present mode."""
    found = []
    for path in _held(data_dir, database):
        wanted = _wanted(path)
        mode = stat.S_IMODE(path.lstat().st_mode)
        if wanted is not None and mode & 0o077:
            found.append((path, mode))
    return found


def tighten(data_dir: Path, database: Path | None = None) -> list[tuple[Path, int]]:
    """Give each loose path mode 700 (a directory) or 600 (a file); what was changed, and from
    which mode."""
    changed = loose(data_dir, database)
    for path, _ in changed:
        path.chmod(_wanted(path) or PRIVATE_FILE)
    return changed
