"""The clinic's accounts, for its admins: the list, invitations and changes to one account."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backcare.errors import InvalidIntake, NotAllowed, Problem, SaveFailed
from backcare.records import user_admin
from backcare.records.models import User
from backcare.web.set_password_link import link_for
from backcare.web.views.common import clinic_page, user_of

INVITE_FIELDS = ("username", "full_name", "email", "role")


@clinic_page
def user_list(request: HttpRequest) -> HttpResponse:
    admin = user_of(request)
    accounts = user_admin.users(admin=admin)  # NotAllowed (403) for a therapist
    errors: list[str] = []
    if request.method == "POST":
        try:
            invited = user_admin.invite(
                actor=admin, **{name: request.POST.get(name, "") for name in INVITE_FIELDS}
            )
            return _link_page(request, invited, invited=True)
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
        except SaveFailed as error:
            errors.append(str(error))
    return render(
        request,
        "web/users.html",
        {"accounts": accounts, "errors": errors, "typed": request.POST, "roles": User.Role},
        status=400 if errors else 200,
    )


@clinic_page
@require_POST
def user_change(request: HttpRequest, user_id: int) -> HttpResponseBase:
    """One change to one account of the admin's clinic; back to the list with what happened."""
    admin = user_of(request)
    account = user_admin.find(actor=admin, user_id=user_id)  # another clinic's: 404
    action = request.POST.get("action", "")
    try:
        if action == "reset":
            user_admin.reset(actor=admin, account=account)
            return _link_page(request, account, invited=False)
        messages.success(request, _change(admin, account, action, request.POST.get("role", "")))
    except (InvalidIntake, NotAllowed, SaveFailed) as error:
        messages.error(request, str(error))
    return redirect("users")


def _change(admin: User, account: User, action: str, role: str) -> str:
    name = account.username
    if action == "role":
        user_admin.change_role(actor=admin, account=account, role=role)
        return f"{name} is now {account.get_role_display()}."
    if action in ("deactivate", "reactivate"):
        user_admin.set_active(actor=admin, account=account, active=action == "reactivate")
        ended = " Their sessions ended." if action == "deactivate" else ""
        return f"{name} is {action}d.{ended}"
    if action == "second_factor":
        had = user_admin.reset_second_factor(actor=admin, account=account)
        return f"{name}'s second factor was removed." if had else f"{name} had no second factor."
    allowed = "role, deactivate, reactivate, reset, second_factor"
    raise InvalidIntake([Problem("action", f"{action!r} is not a change; allowed: {allowed}")])


def _link_page(request: HttpRequest, account: User, *, invited: bool) -> HttpResponse:
    return render(
        request,
        "web/user_link.html",
        {"account": account, "link": link_for(request, account), "invited": invited},
    )
