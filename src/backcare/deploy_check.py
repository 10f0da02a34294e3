"""``backcare check --deploy``: the settings that would put health data at risk in production.

Each problem names the environment variable (docs/configuration.md) or the path to put right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backcare import config, data_at_rest

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def problems(settings: Any, *, sqlite_file: Path | None) -> list[str]:
    """Every unsafe setting of this installation, as sentences; none when it is fit to deploy."""
    return [
        *_web(settings),
        *_https(settings),
        *(
            f"{path} is mode {mode:o}: others on this machine can read it; "
            f"chmod {'700' if path.is_dir() else '600'} it (backcare serve does at start)"
            for path, mode in data_at_rest.loose(config.data_dir(), sqlite_file)
        ),
    ]


def _web(settings: Any) -> list[str]:
    found = []
    if settings.DEBUG:
        found.append("BACKCARE_WEB_DEBUG=1 shows anyone debug pages, with health data; unset it")
    if "*" in settings.ALLOWED_HOSTS:
        found.append("BACKCARE_ALLOWED_HOSTS holds '*': name the host names the app answers to")
    key = settings.SECRET_KEY
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        found.append(
            "BACKCARE_SECRET_KEY is short or guessable: unset it (a key is generated and kept) "
            "or give 50 random characters"
        )
    return found


def _https(settings: Any) -> list[str]:
    found = []
    if config.trusted_proxy() is None:
        found.append(
            "BACKCARE_TRUSTED_PROXY is unset: backcare itself speaks plain HTTP only; put a TLS "
            "proxy in front (docs/deploy.md) and give its address"
        )
    if not settings.SESSION_COOKIE_SECURE:
        found.append(
            "session cookies travel over plain HTTP (BACKCARE_INSECURE_COOKIES=1, or backcare "
            "serve on localhost without BACKCARE_TRUSTED_PROXY)"
        )
    if settings.SECURE_HSTS_SECONDS < 180 * 24 * 60 * 60:
        found.append(
            "BACKCARE_HSTS_SECONDS is under 180 days (15552000): a browser may be led back to "
            "plain HTTP"
        )
    found.extend(
        f"BACKCARE_CSRF_TRUSTED_ORIGINS holds {origin}: forms would be accepted over plain HTTP"
        for origin in settings.CSRF_TRUSTED_ORIGINS
        if origin.startswith("http://")
    )
    return found
