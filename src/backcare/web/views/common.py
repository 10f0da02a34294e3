"""What every page handler shares: the clinic user, today, the error mapping, and saving a
posted form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from backcare.errors import (
    InvalidIntake,
    LinkRefused,
    NotAllowed,
    NotFound,
    OutsideClinic,
    SaveFailed,
)
from backcare.records import accounts, clients
from backcare.records.models import User
from backcare.web.fields import CheckedForm

View = Callable[..., HttpResponseBase]


def clinic_page(view: View) -> View:
    """Login required; a record outside the user's clinic is a 404 (a client outside it is
    also written to the audit trail), a role problem a 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or user.clinic_id is None:
            raise PermissionDenied("this account belongs to no clinic")
        accounts.read_clinic(user)
        try:
            return view(request, *args, **kwargs)
        except OutsideClinic as error:  # recorded here, after the refused work was rolled back
            clients.refused(user=user, error=error)
            raise Http404(str(error)) from None
        except NotFound as error:
            raise Http404(str(error)) from None
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None

    return wrapper


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def today() -> date:
    return timezone.localdate()


def link_refused(request: HttpRequest, error: LinkRefused) -> HttpResponse:
    """A client's link (intake or pain log) that no longer opens: why, on the styled 410 page."""
    context = {"heading": "This link cannot be used", "message": str(error)}
    return render(request, "410.html", context, status=410)


T = TypeVar("T")


def attempt(form: CheckedForm, save: Callable[[dict[str, Any]], T]) -> tuple[T | None, list[str]]:
    """Save a posted form: ``save`` runs with the form's clean data when the form is valid.
    Returns what ``save`` returned and every problem found on the way (the form's, the service's
    or a busy database's), one line each; no problem means it was saved."""
    if not form.is_valid():
        return None, form.problems()
    try:
        return save(form.cleaned_data), []
    except InvalidIntake as error:
        return None, [str(p) for p in error.problems]
    except SaveFailed as error:
        return None, [str(error)]


def page_number(request: HttpRequest) -> int:
    """The ?page= number; anything but a whole number from 1 is the first page."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1
