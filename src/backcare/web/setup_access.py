"""Who may open the one-time setup page: this machine when nothing forwards, or the token holder.

Behind a proxy every request reaches the app from the proxy's address, often 127.0.0.1, so the
loopback address alone proves nothing: a request that carries a forwarding header, or any
request once BACKCARE_TRUSTED_PROXY names a proxy, needs the token printed by ``backcare serve``.
"""

from __future__ import annotations

from django.http import HttpRequest

from backcare import config, setup_token
from backcare.web.proxy import FORWARDED, FORWARDING_HEADERS

LOOPBACK = {"127.0.0.1", "::1"}


def from_this_machine(request: HttpRequest) -> bool:
    """The request came straight from this machine, not through a proxy."""
    if config.trusted_proxy() is not None:
        return False
    if request.META.get(FORWARDED) or any(h in request.META for h in FORWARDING_HEADERS):
        return False
    return request.META.get("REMOTE_ADDR") in LOOPBACK


def token_of(request: HttpRequest) -> str:
    return request.POST.get("token") or request.GET.get("token") or ""


def may_set_up(request: HttpRequest) -> bool:
    token = token_of(request)
    return setup_token.matches(token) if token else from_this_machine(request)
