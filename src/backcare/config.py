"""Configuration, read from the environment when asked (never at import).

Every variable is documented in docs/configuration.md.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from backcare.errors import BackcareError


def data_dir() -> Path:
    """Where backcare keeps its database, secret key and uploaded documents."""
    configured = os.environ.get("BACKCARE_HOME")
    base = Path(configured) if configured else Path.home() / ".local" / "share" / "backcare"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)  # health data: the owner's alone
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


def idle_minutes() -> int:
    """Minutes without a request after which a signed-in session ends (BACKCARE_IDLE_MINUTES)."""
    raw = os.environ.get("BACKCARE_IDLE_MINUTES", "30")
    minutes = int(raw) if raw.strip().isdigit() else 0
    if not 1 <= minutes <= 24 * 60:
        raise BackcareError(
            f"BACKCARE_IDLE_MINUTES must be a whole number of minutes from 1 to 1440, not {raw!r}"
        )
    return minutes


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


def _listed(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def allowed_hosts() -> list[str]:
    """BACKCARE_ALLOWED_HOSTS: the host names the app answers to (the browser's Host header)."""
    return _listed("BACKCARE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")


def csrf_trusted_origins() -> list[str]:
    """BACKCARE_CSRF_TRUSTED_ORIGINS: origins (``https://clinic.example``) a form may post from,
    besides the page's own; needed only when the proxy changes the host name."""
    origins = _listed("BACKCARE_CSRF_TRUSTED_ORIGINS")
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise BackcareError(
                "BACKCARE_CSRF_TRUSTED_ORIGINS must list origins such as https://clinic.example "
                f"(scheme and host, no path), not {origin!r}"
            )
    return origins


def trusted_proxy() -> str | None:
    """BACKCARE_TRUSTED_PROXY: the address of the proxy in front; only a request from it may say,
    in X-Forwarded-For and X-Forwarded-Proto, which client sent it and whether over HTTPS."""
    raw = os.environ.get("BACKCARE_TRUSTED_PROXY", "").strip()
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise BackcareError(
            f"BACKCARE_TRUSTED_PROXY must be one IP address (such as 127.0.0.1), not {raw!r}"
        ) from None


def hsts_seconds() -> int:
    """BACKCARE_HSTS_SECONDS: how long a browser that reached the app over HTTPS keeps to HTTPS."""
    raw = os.environ.get("BACKCARE_HSTS_SECONDS", str(365 * 24 * 60 * 60))
    if not raw.isdigit() or int(raw) > 2 * 365 * 24 * 60 * 60:
        raise BackcareError(
            "BACKCARE_HSTS_SECONDS must be a whole number of seconds from 0 to 63072000, "
            f"not {raw!r}"
        )
    return int(raw)


def _whole_number(name: str, default: int, most: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) > most:
        raise BackcareError(f"{name} must be a whole number from 0 to {most}, not {raw!r}")
    return int(raw)


def referral_visits_warning() -> int:
    """BACKCARE_REFERRAL_VISITS_WARNING: the dashboard warns when a referral has this many
    authorised visits left, or fewer (none left is always an alert)."""
    return _whole_number("BACKCARE_REFERRAL_VISITS_WARNING", 2, 100)


def referral_expiry_warning_days() -> int:
    """BACKCARE_REFERRAL_EXPIRY_WARNING_DAYS: the dashboard warns this many days before a
    referral expires (an expired referral is always an alert)."""
    return _whole_number("BACKCARE_REFERRAL_EXPIRY_WARNING_DAYS", 14, 365)


def debug() -> bool:
    return os.environ.get("BACKCARE_WEB_DEBUG", "") == "1"


def secure_cookies() -> bool:
    """Cookies only over HTTPS (browsers also accept them on localhost); off only on request."""
    return os.environ.get("BACKCARE_INSECURE_COOKIES", "") != "1"


def max_upload_bytes() -> int:
    """The largest document a user may upload, in bytes: BACKCARE_MAX_UPLOAD_MB mebibytes (a whole
    number from 1 to 100; 10 unless set)."""
    from backcare.limits import UPLOAD_MEGABYTES

    raw = os.environ.get("BACKCARE_MAX_UPLOAD_MB", str(UPLOAD_MEGABYTES)).strip()
    if not (raw.isdigit() and 1 <= int(raw) <= 100):
        raise BackcareError(
            f"BACKCARE_MAX_UPLOAD_MB must be a whole number of MiB from 1 to 100, not {raw!r}"
        )
    return int(raw) * 1024 * 1024


API_RATE = re.compile(r"(\d{1,6})/(s|sec|second|m|min|minute|h|hour|d|day)")


def api_rate() -> str:
    """BACKCARE_API_RATE: how many API requests one token may make, as ``N/PERIOD`` (PERIOD one
    of s, min, h, day); more are refused with 429 and Retry-After (docs/api.md)."""
    raw = os.environ.get("BACKCARE_API_RATE", "600/min").strip()
    if not API_RATE.fullmatch(raw):
        raise BackcareError(
            f"BACKCARE_API_RATE must be a number of requests per period such as 600/min "
            f"(periods: s, min, h, day), not {raw!r}"
        )
    return raw


def api_token_days() -> int:
    """BACKCARE_API_TOKEN_DAYS: the longest an API token may last, in days (and the default)."""
    return _whole_number("BACKCARE_API_TOKEN_DAYS", 90, 3650) or 1


def batch_keep_hours() -> int:
    """Hours a screened register's files are kept before they are removed
    (BACKCARE_BATCH_KEEP_HOURS, a whole number from 1 to 720; 24 unless set)."""
    raw = os.environ.get("BACKCARE_BATCH_KEEP_HOURS", "24").strip()
    if not (raw.isdigit() and 1 <= int(raw) <= 720):
        raise BackcareError(
            f"BACKCARE_BATCH_KEEP_HOURS must be a whole number of hours from 1 to 720, not {raw!r}"
        )
    return int(raw)
