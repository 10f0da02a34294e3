"""Client list, new client, the client page, an assessment, the plan and clearances."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from backcare import limits
from backcare.clinical.assessment import avoided_regions
from backcare.errors import SaveFailed
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import (
    audit,
    clearances,
    client_details,
    clients,
    clinic_settings,
    documents,
    kept,
    merge,
    plans,
    referrals,
    selfservice,
    sessions,
    summary,
)
from backcare.records.models import Client
from backcare.reports import progress
from backcare.reports.bodymap import body_map
from backcare.web import fragments, handout
from backcare.web.forms import ClearanceForm, ClientEditForm, ClientForm, PlanForm, SearchForm
from backcare.web.pictures import outline_map
from backcare.web.views.common import attempt, clinic_page, page_number, today, user_of
from backcare.web.views.links import link_url
from backcare.web.views.measures import log_links, outcomes_context

CLIENTS_PER_PAGE = 50


@clinic_page
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    form = SearchForm({"q": query})
    words = form.cleaned_data["q"] if form.is_valid() else None
    matching: clients.Listing | list[clients.Listed] = (
        [] if words is None else clients.listing(user=user_of(request), today=today(), words=words)
    )
    page: Page[clients.Listed] = Paginator(matching, CLIENTS_PER_PAGE).get_page(
        page_number(request)
    )
    found = list(page)
    audit.record(
        user=user_of(request),
        action="client.search",
        target=" ".join(words or [])[:100],
        detail={"clients": sorted(c.pk for c in found), "page": page.number},
    )
    context = {
        "clients": found,
        "page": page,
        "query": query.strip()[: limits.SEARCH_CHARS * 2],
        "max_chars": limits.SEARCH_CHARS,
        "errors": [line for said in form.errors.values() for line in said],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(fragments.rendered(request, "web/_client_rows.html", context))
    return fragments.page(request, "web/client_list.html", "web/_client_list.html", context)


@clinic_page
def client_new(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = clients.create_client(user=user_of(request), data=form.cleaned_data)
        except SaveFailed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{client} added. Next: the intake.")
            return redirect("intake_new", client_id=client.pk)
    return render(request, "web/client_new.html", {"form": form})


@clinic_page
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    """Correct the client's details; every changed field is kept with who, when and why."""
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="details")
    form = ClientEditForm(
        request.POST or None, instance=clients.get(user=user, client_id=client_id)
    )
    if request.method == "POST" and form.is_valid():
        changed = client_details.update_client(
            user=user,
            client=client,
            data={name: form.cleaned_data[name] for name in form.changed_data if name != "reason"},
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Details saved ({len(changed)} changed); the change is kept.")
        return redirect("client", client_id=client.pk)
    return render(
        request,
        "web/client_edit.html",
        {
            "client": client,
            "form": form,
            "history": client_details.history(client),
        },
    )


@clinic_page
def client_page(request: HttpRequest, client_id: int) -> HttpResponse:
    kb = load_knowledge()
    client = clients.open_client(user=user_of(request), client_id=client_id, purpose="overview")
    assert client.clinic is not None
    day = today()
    worked_out = kept.until_saved(
        f"client page {client.pk}",
        client.clinic,
        day,
        lambda: _worked_out(client, kb, day),
        depends_on=(kb.version,),
    )
    context = {
        **{name: fragments.Same(value) for name, value in worked_out.items()},
        "client": client,
        "kb": kb,
        "referrals": referrals.of_client(client, today=day),
        "log_links": log_links(request, client),
        "links": [
            (row, link_url(request, row.token) if row.token else "")
            for row in selfservice.links(client=client, now=timezone.now())
        ],
    }
    return fragments.page(
        request,
        "web/client_page.html",
        "web/_client_page.html",
        context,
        around={"title": str(client)},
    )


def _worked_out(client: Client, kb: KnowledgeBase, day: date) -> dict[str, Any]:
    """What the client page works out from the client's records: kept between views until
    something is saved in the clinic (records/kept.py), as these records change only through
    audited saves. Read here, after the check, so that a save made meanwhile is seen next."""
    view = clients.overview_of(client, today=day)
    result = view.assessment.result if view.assessment else None
    data = view.intake.data if view.intake else {}
    avoided = avoided_regions(result) if result else {}
    outcomes = outcomes_context(client, kb)
    return {
        "view": view,
        "result": result,
        "summary": summary.summary(data, result, kb, physician=client.physician),
        "changes": summary.todays_changes(result, data, kb) if result else None,
        "findings": summary.findings(result, data, kb) if result else [],
        "documents": {c.pk for c in view.clearances if c.document},
        "map": body_map(avoided=avoided, title="Regions to avoid", legend=[("hatch", "avoid")])
        if result and result["massage_today"]
        else "",
        "outcomes": outcomes,
        "charts": progress.outcome_charts(
            client=client,
            plan=plans.current(client),
            sessions=list(client.sessions.all()),
            progress=outcomes["progress"],
            kb=kb,
        ),
        "stopped": sessions.stopped_by(client),
        "rescreen": sessions.awaiting_rescreen(client),
        "drafts": merge.pending_for(client),
    }


@clinic_page
def assessment_page(request: HttpRequest, client_id: int, assessment_id: int) -> HttpResponse:
    client, assessment, history = clients.assessment(
        user=user_of(request), client_id=client_id, assessment_id=assessment_id
    )
    kb = load_knowledge()
    return render(
        request,
        "web/assessment.html",
        {
            "client": client,
            "assessment": assessment,
            "result": assessment.result,
            "findings": summary.findings(assessment.result, assessment.intake.data, kb),
            "summary": summary.summary(
                assessment.intake.data, assessment.result, kb, physician=client.physician
            ),
            "kb": kb,
            "history": history,
        },
    )


@clinic_page
def plan_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="plan")
    plan = plans.current(client)
    if plan is None:
        return _no_plan(request, client)
    kb = load_knowledge()
    errors: list[str] = []
    if request.method == "POST":
        _, errors = attempt(
            PlanForm(request.POST),
            lambda data: plans.update_plan(
                user=user,
                client=client,
                changes={name: data[name] for name in plans.EDITABLE},
                reason=data["reason"],
            ),
        )
        if not errors:
            messages.success(request, "Plan updated; the change is recorded.")
            return redirect("client", client_id=client.pk)
    return render(
        request,
        "web/plan_edit.html",
        {
            "client": client,
            "plan": plan,
            "kb": kb,
            "limits": limits,
            "errors": errors,
            "typed": request.POST if errors else {},
            "changes": plans.changes(plan),
            "excluded": {e["modality"] for e in plan.assessment.result["excluded_modalities"]},
            "outline": (outline := plans.outline(plan)),
            "map": outline_map(outline, avoided_regions(plan.assessment.result)),
        },
    )


@clinic_page
def selfcare_guide(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's printable home routines, as the therapist picked and ordered them (the
    pick travels in the address: see web/handout.py), each with its map."""
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="self-care")
    plan = plans.current(client)
    if plan is None:
        return _no_plan(request, client)
    home_care = plan.details["home_care"]
    asked = request.GET.getlist("routine") if "routine" in request.GET else None
    chosen, problems = handout.pick(home_care, asked)
    avoided = avoided_regions(plan.assessment.result)
    return render(
        request,
        "web/client_selfcare.html",
        {
            "client": client,
            "clinic": client.clinic,
            "logo": clinic_settings.logo_src(client.clinic),
            "therapist": handout.therapist_line(user),
            "today": today(),
            "home_care": home_care,
            "routines": handout.routines(chosen, avoided),
            "slots": [
                chosen[i]["id"] if i < len(chosen) else "" for i in range(handout.MAX_ROUTINES)
            ],
            "sources": handout.sources(chosen),
            "errors": [str(p) for p in problems],
        },
        status=400 if problems else 200,
    )


@clinic_page
def clearance_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="clearance")
    errors: list[str] = []
    if request.method == "POST":
        _, errors = attempt(
            ClearanceForm(request.POST),
            lambda data: clearances.record_clearance(
                user=user,
                client=client,
                covers=request.POST.getlist("covers"),
                document=request.FILES.get("document"),
                today=today(),
                **data,
            ),
        )
        if not errors:
            messages.success(request, "Clearance recorded; the intake was assessed again with it.")
            return redirect("client", client_id=client.pk)
    return render(
        request,
        "web/clearance_new.html",
        {
            "client": client,
            "errors": errors,
            "today": today(),
            "pending": clearances.pending(client),
            "typed": request.POST,
        },
    )


@clinic_page
def clearance_document(request: HttpRequest, client_id: int, clearance_id: int) -> HttpResponseBase:
    """The scanned clearance, downloaded (never shown inline), and the view audited."""
    clearance = clearances.open_document(
        user=user_of(request), client_id=client_id, clearance_id=clearance_id
    )
    content_type, name = documents.sent_as(
        clearance.document, content_type=clearance.document_type, name=clearance.document_name
    )
    response = FileResponse(
        clearance.document.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _no_plan(request: HttpRequest, client: Client) -> HttpResponse:
    """Why there is no plan now (a hold, a referral, no intake yet) and what to do next."""
    latest = client.assessments.first()
    return render(
        request,
        "web/plan_hold.html",
        {
            "client": client,
            "stopped": sessions.stopped_by(client),
            "result": latest.result if latest else None,
        },
    )
