"""The client's own intake from a link, one topic a step: no login, nothing of the therapist's
shown. Back and Next are plain form posts; each keeps the step's answers before moving."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from backcare.errors import InvalidIntake, LinkRefused, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.records import consent, selfservice, step_answers
from backcare.records.models import SelfServiceLink
from backcare.web import steps
from backcare.web.intake_form import IntakeForm
from backcare.web.prefill import client_initial, rows_for
from backcare.web.views.common import link_refused, today
from backcare.web.views.intakes import condition_names


def self_intake(request: HttpRequest, token: str, step_id: str = "about") -> HttpResponse:
    step = steps.step_of(step_id)
    if step is None:
        raise Http404("no such step")
    try:
        link = selfservice.open_link(token=token, now=timezone.now())
        return _page(request, token, link, step)
    except LinkRefused as error:
        return link_refused(request, error)


def _page(
    request: HttpRequest, token: str, link: SelfServiceLink, step: steps.Step
) -> HttpResponse:
    kept = step_answers.kept(link)
    start = selfservice.form_start(link)
    rows = rows_for(start)
    if request.method == "POST":
        values = {name: request.POST.getlist(name) for name in steps.field_names(step, rows)}
        step_answers.keep_step(token=token, step=step.id, values=values, now=timezone.now())
        kept[step.id] = values
    answered = IntakeForm(steps.data_of(kept), for_client=True, rows=rows)
    go = request.POST.get("go") if request.method == "POST" else None
    if go == "back":
        return _to(token, steps.neighbour(step, -1))
    errors: dict[str, list[str]] = {}
    if go in ("next", "send"):
        answered.is_valid()
        errors = steps.step_errors(step, answered)
        if step.id == "consent":
            errors |= _consent_problems(kept)
        if not errors and step.last:
            return _send(request, token, answered, kept)
        if not errors:
            return _to(token, steps.neighbour(step, 1))
    shown = answered
    if step.id not in kept:  # not yet answered: the client's earlier answers, if any
        initial = client_initial(start, link.client, today())
        shown = IntakeForm(for_client=True, rows=rows, initial=initial)
    context = _context(token, link, step, shown, answered, kept, errors, start)
    return render(request, "web/self_step.html", context)


def _to(token: str, step: steps.Step) -> HttpResponse:
    return redirect("self_intake_step", token=token, step_id=step.id)


def _consent_of(kept: dict[str, step_answers.Values]) -> consent.Consent:
    given = kept.get("consent", {})
    return consent.given(
        agreed=bool(given.get("consent")),
        name=(given.get("consent_name") or [""])[0],
        now=timezone.now(),
    )


def _consent_problems(kept: dict[str, step_answers.Values]) -> dict[str, list[str]]:
    try:
        _consent_of(kept)
    except InvalidIntake as error:
        return {p.path: [p.message] for p in error.problems}
    return {}


LOOK_AGAIN = "Some answers on this step need another look before your answers can be sent."


def _send(
    request: HttpRequest,
    token: str,
    form: IntakeForm,
    kept: dict[str, step_answers.Values],
) -> HttpResponse:
    """Check every step, then send. A step not yet seen or with a problem, or the consent not
    given, is shown again with what to do, and nothing is sent; the answers stay kept."""
    wrong = next((s for s in steps.ALL if s.id not in kept or steps.step_errors(s, form)), None)
    if wrong is not None:
        messages.error(request, LOOK_AGAIN)
        return _to(token, wrong)
    if _consent_problems(kept):
        messages.error(request, consent.REFUSED)
        return _to(token, steps.step_of("consent") or steps.ALL[0])
    try:
        selfservice.submit(
            token=token,
            data=form.to_intake(),
            consent=_consent_of(kept),
            unsure=steps.unsure(form),
            now=timezone.now(),
            today=today(),
        )
    except InvalidIntake as error:
        form.add_problems(error.problems)
        wrong = next((s for s in steps.ALL if steps.step_errors(s, form)), steps.ALL[-1])
        messages.error(request, "; ".join(str(p) for p in error.problems))
        return _to(token, wrong)
    except SaveFailed as error:
        messages.error(request, f"{error} Your answers are kept: press Send again in a moment.")
        return _to(token, steps.ALL[-1])
    context = {
        "public": True,
        "urgent_signs": load_knowledge().meta.public_check.urgent_signs,
        "advice": steps.told_now(form, today()),
        "unsure": steps.unsure(form),
    }
    return render(request, "web/self_thanks.html", context)


def _context(
    token: str,
    link: SelfServiceLink,
    step: steps.Step,
    form: IntakeForm,
    answered: IntakeForm,
    kept: dict[str, step_answers.Values],
    errors: dict[str, list[str]],
    start: dict[str, Any] | None,
) -> dict[str, Any]:
    """The page of one step: ``form`` shows it, ``answered`` holds every step's kept answers."""
    context: dict[str, Any] = {
        "public": True,
        "step": step,
        "steps": steps.ALL,
        "form": form,
        "blocks": steps.blocks(step, form),
        "errors": errors,
        "show_errors": bool(errors),
        "token": token,
        "first_name": link.client.first_name,
        "prefilled": start is not None,
        "condition_names": condition_names(),
        "clinic": link.clinic,
        "today": today(),
    }
    if steps.after_warning_signs(step):
        context["advice"] = steps.told_now(answered, today())
        context["unsure"] = steps.unsure(answered)
    if step.id == "consent" or step.last:
        given = kept.get("consent", {})
        context["agreed"] = bool(given.get("consent"))
        context["signed_name"] = (given.get("consent_name") or [""])[0]
    if step.last:
        context["review"] = [(s, steps.answers(s, answered)) for s in steps.ALL[:-2]]
    return context
