"""The therapist's intake form and corrections (new versions)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backcare.errors import InvalidIntake, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.records import clients, draft, intakes, versions
from backcare.web.intake_form import IntakeForm
from backcare.web.prefill import initial_from, rows_for, today_initial
from backcare.web.questions import bound_red_flags
from backcare.web.views.common import clinic_page, today, user_of


def condition_names() -> list[str]:
    """Every condition id and synonym, to suggest as a name is typed."""
    kb = load_knowledge()
    return sorted({*kb.conditions, *(s for c in kb.conditions.values() for s in c.synonyms)})


def context(form: IntakeForm, **extra: object) -> dict[str, object]:
    return {
        "form": form,
        "condition_names": condition_names(),
        "red_flags": bound_red_flags(form),
        **extra,
    }


@clinic_page
def intake_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="intake")
    previous = intakes.latest_data(client)
    initial = {**(initial_from(previous) if previous else {}), **today_initial(client, today())}
    if (
        previous
        and previous.get("client", {}).get("age") is not None
        and client.date_of_birth is None
    ):
        initial["age"] = previous["client"]["age"]
    form = IntakeForm(
        request.POST or None,
        initial=initial,
        correcting=previous is not None,
        rows=rows_for(previous),
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = draft.keep_unshown(form.to_intake(), previous)  # clearances and the like
            assessment = intakes.record_intake(
                user=user,
                client=client,
                data=data,
                today=today(),
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(request, f"Intake saved. Decision: {assessment.decision}.")
            return redirect("client", client_id=client.pk)
        except InvalidIntake as error:
            form.add_problems(error.problems)
        except SaveFailed as error:
            form.add_error(None, str(error))
    return render(
        request,
        "web/intake_form.html",
        context(form, client=client, correcting=previous is not None, self_service=False),
    )


@clinic_page
def intake_version(request: HttpRequest, client_id: int, version: int) -> HttpResponse:
    """What changed in an intake version against another (the one before it unless asked)."""
    against = request.GET.get("against", "")
    comparison = versions.compare_versions(
        user=user_of(request),
        client_id=client_id,
        version=version,
        against=int(against) if against.isdigit() else None,
    )
    return render(
        request, "web/intake_version.html", {"c": comparison, "client": comparison.client}
    )
