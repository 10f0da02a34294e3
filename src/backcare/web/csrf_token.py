"""The request's CSRF token, masked once per request: a page puts it in several places (the
htmx headers, the header's log-out form, each kept part's forms), and masking it again for each
(Django's ``get_token``, 32 random characters) was a noticeable part of a page's own time."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware import csrf
from django.utils.functional import SimpleLazyObject

_KEPT = "_backcare_masked_csrf_token"  # (the secret it masks, the masked token)


def get_token(request: HttpRequest) -> str:
    """What Django's ``get_token`` returns, masked at the first call of the request and then
    the same while the secret is (a sign-in rotates it: the token is masked again)."""
    kept: tuple[str, str] | None = getattr(request, _KEPT, None)
    if kept is not None and request.META.get("CSRF_COOKIE") == kept[0]:
        return kept[1]
    token = csrf.get_token(request)
    setattr(request, _KEPT, (request.META["CSRF_COOKIE"], token))
    return token


def context(request: HttpRequest) -> dict[str, object]:
    """The template context's ``csrf_token`` (in place of Django's own processor's, which it
    follows), evaluated only when a template shows it, as Django's is."""
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}
