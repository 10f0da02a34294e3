"""After the password, a user with an authenticator set up must give its code before any page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from backcare.records.models import User
from backcare.records.second_factor import has_second_factor

OPEN_BEFORE_CODE = ("two_factor_verify", "logout")


class SecondFactorMiddleware:
    """Runs after django-otp's OTPMiddleware, which tells whether this session gave a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.open_paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if isinstance(user, User) and not user.is_verified() and has_second_factor(user):  # type: ignore[attr-defined]
            if self.open_paths is None:
                self.open_paths = frozenset(reverse(name) for name in OPEN_BEFORE_CODE)
            if request.path not in self.open_paths:
                verify = reverse("two_factor_verify")
                return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
