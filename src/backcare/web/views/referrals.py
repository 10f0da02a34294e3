"""Recording a referral or prescription for a client."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backcare.errors import InvalidIntake, Problem, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.records import clients, referrals
from backcare.web.views.common import clinic_page, today, user_of

FIELDS = ("referrer", "referrer_contact", "diagnosis", "icd10", "frequency", "notes")


@clinic_page
def referral_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="referral")
    errors: list[str] = []
    if request.method == "POST":
        try:
            referrals.record_referral(
                user=user, client=client, data=_parsed(request), today=today()
            )
            messages.success(request, "Referral recorded.")
            return redirect("client", client_id=client.pk)
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
        except SaveFailed as error:
            errors.append(str(error))
    return render(
        request,
        "web/referral_new.html",
        {
            "client": client,
            "errors": errors,
            "typed": request.POST,
            "today": today(),
            "codes": referrals.icd10_options(load_knowledge()),
        },
        status=400 if errors else 200,
    )


def _parsed(request: HttpRequest) -> dict[str, object]:
    """The form's values; a date or number that cannot be read is a problem for its field."""
    data: dict[str, object] = {name: request.POST.get(name, "") for name in FIELDS}
    problems = []
    for name in ("referred_on", "expires_on"):
        raw = request.POST.get(name, "").strip()
        try:
            data[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems.append(Problem(name, f"{raw!r} is not a date; write it as YYYY-MM-DD"))
    raw = request.POST.get("visits_authorised", "").strip()
    data["visits_authorised"] = int(raw) if raw.isdigit() else None
    if problems:
        raise InvalidIntake(problems)
    return data
