"""A self-service draft beside the current intake: choose item by item, then merge (at once,
or after editing the merged intake in the form), or discard it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backcare.errors import InvalidIntake, Problem
from backcare.records import merge
from backcare.web.comparison import sections
from backcare.web.intake_form import IntakeForm
from backcare.web.prefill import initial_from, rows_for
from backcare.web.views.common import clinic_page, today, user_of
from backcare.web.views.intakes import context


@clinic_page
def draft_page(request: HttpRequest, client_id: int, draft_id: int) -> HttpResponse:
    user = user_of(request)
    review = merge.open_draft(user=user, client_id=client_id, draft_id=draft_id)
    accepted, take_note = review.accepted, review.draft.take_note
    problems: list[Problem] = []
    if request.method == "POST":
        accepted = {i.key for i in review.items if request.POST.get(f"take {i.key}") == "client"}
        take_note = request.POST.get("take_note") == "on"
        try:
            if request.POST.get("then") == "review":
                merge.choose(user=user, review=review, accepted=accepted, take_note=take_note)
                return redirect("draft_review", client_id=client_id, draft_id=draft_id)
            assessment = merge.merge_draft(
                user=user, review=review, accepted=accepted, take_note=take_note, today=today()
            )
            messages.success(request, f"Answers merged. Decision: {assessment.decision}.")
            return redirect("client", client_id=client_id)
        except InvalidIntake as error:
            problems = error.problems
    return render(
        request,
        "web/draft.html",
        {
            "review": review,
            "client": review.client,
            "sections": sections(review.items, accepted),
            "take_note": take_note,
            "problems": problems,
        },
    )


@clinic_page
def draft_review(request: HttpRequest, client_id: int, draft_id: int) -> HttpResponse:
    """The merged intake in the therapist's form, to edit before it is saved and assessed."""
    user = user_of(request)
    review = merge.open_draft(user=user, client_id=client_id, draft_id=draft_id)
    if not review.waiting:
        return redirect("draft", client_id=client_id, draft_id=draft_id)
    merged = {**review.merged(), "assessed_on": today()}
    form = IntakeForm(
        request.POST or None,
        initial={**initial_from(merged), "assessed_on": today(), "reason": review.reason},
        correcting=True,
        rows=rows_for(merged),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = merge.save_edited(
                user=user,
                review=review,
                data=form.to_intake(),
                today=today(),
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(request, f"Answers merged. Decision: {assessment.decision}.")
            return redirect("client", client_id=client_id)
        except InvalidIntake as error:
            form.add_problems(error.problems)
    return render(
        request,
        "web/intake_form.html",
        context(form, client=review.client, correcting=True, merging=True, self_service=False),
    )


@clinic_page
def draft_discard(request: HttpRequest, client_id: int, draft_id: int) -> HttpResponse:
    user = user_of(request)
    review = merge.open_draft(user=user, client_id=client_id, draft_id=draft_id)
    if request.method == "POST":
        try:
            merge.discard(user=user, review=review)
            messages.success(request, "Self-service answers set aside; the intake is unchanged.")
        except InvalidIntake as error:
            messages.error(request, "; ".join(p.message for p in error.problems))
    return redirect("client", client_id=client_id)
