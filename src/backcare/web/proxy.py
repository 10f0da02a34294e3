"""The WSGI application as served: what a proxy in front may tell it, and only that proxy.

Only requests from the address BACKCARE_TRUSTED_PROXY names may say, in X-Forwarded-For and
X-Forwarded-Proto, which client sent them and whether over HTTPS (waitress's proxy-header
middleware reads them); from anyone else those headers are dropped, so no client can pose as
another address or as HTTPS. Before that, a request that came through any proxy is marked
(``FORWARDED``), so that the setup page knows it did not come from this machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from waitress.proxy_headers import proxy_headers_middleware

FORWARDED = "backcare.forwarded"
FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_BY",
    "HTTP_X_REAL_IP",
)
TRUSTED_HEADERS = {"x-forwarded-for", "x-forwarded-proto"}

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def behind_proxy(application: WSGIApp, *, trusted_proxy: str | None) -> WSGIApp:
    """``application`` reading the forwarded client and protocol from ``trusted_proxy`` only."""
    translated = proxy_headers_middleware(
        application,
        trusted_proxy=trusted_proxy,
        trusted_proxy_headers=TRUSTED_HEADERS if trusted_proxy else None,
        clear_untrusted=True,
    )

    def marked(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[FORWARDED] = any(header in environ for header in FORWARDING_HEADERS)
        return translated(environ, start_response)  # type: ignore[no-any-return]

    return marked
