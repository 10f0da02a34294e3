"""Data directories for the tests that run ``backcare serve``: copies of ones the suite makes
once, with the database migrated and the static files collected (and, for the browser tests,
the demo clinic added), by the same code a server runs at its first start. A server started on
a copy starts as a restarted one does, instead of compressing the same static files and
building the same demo clinic again for every test. tests/unit/test_serve_behind_proxy.py
keeps a first start on an empty data directory."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

# What a first `backcare serve` does to an empty data directory before it listens.
FIRST_START = (
    "from backcare.cli import database, static; "
    "database.django_setup(); database.migrate(); static.collect()"
)
KINDS = {
    "plain": [sys.executable, "-c", FIRST_START],
    "demo": [sys.executable, "-m", "backcare", "demo"],  # on a copy of the plain one
}


def copy_into(home: Path, kind: str = "plain") -> None:
    """Fill ``home`` (empty, or missing) with a copy of the suite's data directory ``kind``."""
    shutil.copytree(_made(kind), home, dirs_exist_ok=True)


def _made(kind: str) -> Path:
    """The suite's data directory ``kind``, made by the first test worker that asks for it
    while the others wait (the suite's shared directory is made in tests/conftest.py)."""
    shared = Path(os.environ["BACKCARE_SUITE_DIR"])
    made = shared / f"home-{kind}"
    with (shared / f"home-{kind}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            part = shared / f"home-{kind}.part"
            shutil.rmtree(part, ignore_errors=True)
            if kind != "plain":
                shutil.copytree(_made("plain"), part)
            env = {**os.environ, "BACKCARE_HOME": str(part)}
            env.pop("BACKCARE_DATABASE_URL", None)
            env.pop("DJANGO_SETTINGS_MODULE", None)
            # the server's umask (cli/server.py), so the copies are as private as its own files
            run = subprocess.run(KINDS[kind], env=env, umask=0o077, capture_output=True, text=True)
            assert run.returncode == 0, f"making the {kind} data directory failed:\n{run.stderr}"
            part.rename(made)
    return made
