"""Sessions end after BACKCARE_IDLE_MINUTES without a request (30 by default), so a clinic
computer left signed in does not stay open to the next person, and in any case
SESSION_COOKIE_AGE (8 hours) after sign-in; the login page then says why.

The 8 hours are counted here because Django counts them from the session's last save, and the
time of the last request saved below would otherwise push them on for ever.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

LAST_SEEN = "backcare_last_seen"
SIGNED_IN = "backcare_signed_in"
# The time of the last request is saved at most once a minute (not a session write per request),
# so a session ends between the idle time and a minute after it.
RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last, started = session.get(LAST_SEEN), session.get(SIGNED_IN)
            minutes = settings.BACKCARE_IDLE_MINUTES
            if isinstance(last, int) and now - last > minutes * 60:
                return _signed_out(request, f"after {minutes} minutes without activity")
            if isinstance(started, int) and now - started > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                return _signed_out(request, f"because a session lasts at most {hours} hours")
            if not isinstance(started, int):
                session[SIGNED_IN] = now
            if not isinstance(last, int) or now - last >= RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


def stamp_sign_in(sender: object, request: HttpRequest, **kwargs: object) -> None:  # noqa: ARG001
    """Stamp a new session with its sign-in time, saved with the sign-in itself, so the first
    pages after signing in do not have to write the session again."""
    now = int(time.time())
    request.session[SIGNED_IN] = now
    request.session[LAST_SEEN] = now


def _signed_out(request: HttpRequest, why: str) -> HttpResponseBase:
    logout(request)
    messages.info(
        request, f"You were signed out {why}. Sign in again to go on; nothing you saved is lost."
    )
    response = redirect_to_login(request.get_full_path())
    if request.headers.get("HX-Request"):
        response["HX-Redirect"] = response["Location"]  # htmx: load the login page whole
    return response
