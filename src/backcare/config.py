"""Configuration, read from the environment when asked (never at import).

Every variable is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from backcare.errors import BackcareError


def data_dir() -> Path:
    """Where backcare keeps its database, secret key and uploaded documents."""
    configured = os.environ.get("BACKCARE_HOME")
    base = Path(configured) if configured else Path.home() / ".local" / "share" / "backcare"
    base.mkdir(parents=True, exist_ok=True)
    return base


def database_url() -> str:
    """The database URL: BACKCARE_DATABASE_URL, or an SQLite file in the data directory."""
    return os.environ.get("BACKCARE_DATABASE_URL") or f"sqlite:///{data_dir() / 'backcare.sqlite3'}"


def sqlite_busy_timeout() -> float:
    """Seconds a save waits for another one to finish on SQLite before it gives up (SaveFailed).

    BACKCARE_SQLITE_BUSY_TIMEOUT; SQLite takes one write at a time, and a save takes
    milliseconds, so the default of 30 s is reached only when something holds the database.
    """
    raw = os.environ.get("BACKCARE_SQLITE_BUSY_TIMEOUT", "30")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise BackcareError(
            "BACKCARE_SQLITE_BUSY_TIMEOUT must be a number of seconds above 0 and at most 3600, "
            f"not {raw!r}"
        )
    return seconds


def secret_key() -> str:
    """BACKCARE_SECRET_KEY, or a key generated on first run and kept (mode 600) in the data dir."""
    configured = os.environ.get("BACKCARE_SECRET_KEY")
    if configured:
        return configured
    path = data_dir() / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def allowed_hosts() -> list[str]:
    raw = os.environ.get("BACKCARE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    return [host.strip() for host in raw.split(",") if host.strip()]


def debug() -> bool:
    return os.environ.get("BACKCARE_WEB_DEBUG", "") == "1"


def secure_cookies() -> bool:
    """Cookies only over HTTPS (browsers also accept them on localhost); off only on request."""
    return os.environ.get("BACKCARE_INSECURE_COOKIES", "") != "1"
