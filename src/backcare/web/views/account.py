"""A user's own account: password, second factor, the code after the password, and the page a
one-time link opens to set a password."""

from __future__ import annotations

import base64
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit, second_factor
from backcare.records.accounts import audit_target
from backcare.web.views.common import user_of


class _PasswordPage:
    """A page that sets a password: every rule shown beside the fields (the validators' own
    texts); once set, audited and confirmed."""

    audit_action: str
    done: str

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["rules"] = password_validators_help_texts()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        audit.record(user=form.user, action=self.audit_action, target=audit_target(form.user))
        messages.success(self.request, self.done)  # type: ignore[attr-defined]
        return response


class PasswordChange(_PasswordPage, auth_views.PasswordChangeView):
    """Change one's own password, giving the current one; other sessions of the user end."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("dashboard")
    audit_action = "password_changed"
    done = "Your password is changed."


class SetPassword(_PasswordPage, auth_views.PasswordResetConfirmView):
    """The page a one-time link opens: choose a password, then sign in with it."""

    template_name = "web/set_password.html"
    success_url = reverse_lazy("login")
    audit_action = "password_set"
    done = "Your password is set. Sign in with it now."


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (QR code or the secret typed in, confirmed by a code), or
    turn it off with a current code."""
    user = user_of(request)
    errors: list[str] = []
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            if request.POST.get("action") == "off":
                second_factor.turn_off(user=user, code=code)
                messages.success(request, "Second factor turned off.")
            else:
                otp_login(request, second_factor.confirm(user=user, code=code))
                messages.success(request, "Second factor on: you will be asked for a code.")
            return redirect("two_factor")
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
    context: dict[str, Any] = {"errors": errors, "on": second_factor.has_second_factor(user)}
    if not context["on"]:
        context.update(_setup_pictures(second_factor.pending(user)))
    return render(request, "web/two_factor.html", context, status=400 if errors else 200)


def _setup_pictures(device: TOTPDevice) -> dict[str, str]:
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "qr": segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@login_required
def verify(request: HttpRequest) -> HttpResponseBase:
    """The code after the password. Wrong codes count as failed sign-ins (the same lockout)."""
    user = user_of(request)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("dashboard")  # an address, never a view's name to look up
    if not second_factor.has_second_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(target)
    credentials = {"username": user.username}
    errors: list[str] = []
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked(request, credentials)
        try:
            device = second_factor.check(user=user, code=request.POST.get("code", ""))
            if device is not None:
                otp_login(request, device)
                return HttpResponseRedirect(target)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked(request, credentials)
            errors.append(str(Problem("code", second_factor.WRONG_CODE)))
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
    return render(
        request,
        "web/verify.html",
        {"errors": errors, "next": target},
        status=400 if errors else 200,
    )


def _locked(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    from axes.helpers import get_lockout_response

    logout(request)
    response: HttpResponse = get_lockout_response(request, credentials=credentials)
    return response
