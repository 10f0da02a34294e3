"""Dashboard, knowledge browser, and the one-time setup page."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from backcare import setup_token
from backcare.knowledge import load_knowledge
from backcare.knowledge.search import label, search
from backcare.records import accounts, alerts
from backcare.records.dashboard import Dashboard, KindPage, alerts_of_kind
from backcare.records.dashboard import dashboard as build_dashboard
from backcare.web import fragments
from backcare.web.forms import AcknowledgeForm, SearchForm, SetupForm
from backcare.web.setup_access import from_this_machine, may_set_up, token_of
from backcare.web.views.common import attempt, clinic_page, page_number, today, user_of


def dashboard(request: HttpRequest) -> HttpResponseBase:
    """The start page; on a fresh install (no account yet) it says how to make the first one."""
    if not request.user.is_authenticated and accounts.first_run():
        local = from_this_machine(request)
        return render(request, "web/fresh_install.html", {"local": local, "public": True})
    return _clinic_dashboard(request)


@clinic_page
def _clinic_dashboard(request: HttpRequest) -> HttpResponse:
    day = today()
    board = build_dashboard(user=user_of(request), today=day)
    context = {"board": board, "today": day}
    made_of = {**_made_of(board), "today": day}
    return fragments.page(
        request, "web/dashboard.html", "web/_dashboard.html", context, made_of=made_of
    )


def _made_of(shown: Dashboard | KindPage) -> dict[str, object]:
    """What a dashboard or a page of alerts shows follows from its sources alone."""
    assert shown.sources is not None
    return {"kept": fragments.Same(shown.sources.kept), "read": shown.sources.read}


@clinic_page
def alerts_page(request: HttpRequest, alert_kind: str) -> HttpResponse:
    """Every alert of one kind waiting for acknowledgement, a page at a time."""
    found = alerts_of_kind(
        user=user_of(request), kind=alert_kind, page=page_number(request), today=today()
    )
    return fragments.page(
        request,
        "web/alerts.html",
        "web/_alerts.html",
        {"found": found},
        made_of=_made_of(found),
        around={"title": found.title},
    )


@clinic_page
def alert_acknowledge(request: HttpRequest) -> HttpResponse:
    """Acknowledge a dashboard alert with a note; back to the dashboard either way."""
    if request.method != "POST":
        return redirect("dashboard")
    _, errors = attempt(
        AcknowledgeForm(request.POST),
        lambda data: alerts.acknowledge(
            user=user_of(request),
            client_id=data["client"],
            kind=data["kind"],
            situation=data["situation"],
            note=data["note"],
        ),
    )
    if errors:
        messages.error(request, "; ".join(errors))
    else:
        messages.success(request, "Alert acknowledged; it comes back if the situation changes.")
    return redirect("dashboard")


@clinic_page
def knowledge(request: HttpRequest) -> HttpResponse:
    kb = load_knowledge()
    form = SearchForm({"q": request.GET.get("q", "")})
    query = " ".join(form.cleaned_data["q"]) if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, "Search: " + "; ".join(form.errors["q"]))
    hits = search(kb, query) if query else []
    kinds = {kind: len(entries) for kind, entries in kb.kinds().items()}
    grades: dict[str, int] = {}
    for claim in kb.claims.values():
        grades[claim.grade] = grades.get(claim.grade, 0) + 1
    return render(
        request,
        "web/knowledge.html",
        {"kb": kb, "query": query, "hits": hits, "kinds": kinds, "grades": grades},
    )


@clinic_page
def knowledge_kind(request: HttpRequest, kind: str) -> HttpResponse:
    kb = load_knowledge()
    entries = kb.kinds().get(kind)
    if entries is None:
        raise Http404(kind)
    rows = [(entry_id, label(entry), entry) for entry_id, entry in entries.items()]
    return render(request, "web/knowledge_kind.html", {"kind": kind, "rows": rows})


@clinic_page
def knowledge_entry(request: HttpRequest, kind: str, entry_id: str) -> HttpResponse:
    kb = load_knowledge()
    entry = kb.kinds().get(kind, {}).get(entry_id)
    if entry is None:
        raise Http404(entry_id)
    data = entry.model_dump(exclude_defaults=True, mode="json")
    cited = kb.cited(entry)
    return render(
        request,
        "web/knowledge_entry.html",
        {
            "kind": kind,
            "entry": entry,
            "name": label(entry),
            "stored": yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=96),
            "sources": [kb.sources[s] for s in cited],
            "statuses": kb.condition_outcomes.get(entry_id) if kind == "conditions" else None,
        },
    )


def setup(request: HttpRequest) -> HttpResponse:
    """First run only, from this machine or with the setup token: the clinic and its admin."""
    if not accounts.first_run():
        raise Http404("setup is done")
    if not may_set_up(request):
        raise PermissionDenied(
            "the setup page answers only on this machine (localhost, not through a proxy), "
            "or with the one-time link that 'backcare serve' prints"
        )
    errors: list[str] = []
    if request.method == "POST":
        user, errors = attempt(
            SetupForm(request.POST),
            lambda data: accounts.set_up(
                clinic_name=data["clinic"],
                username=data["username"].strip(),
                password=data["password"],
                email=data["email"],
                full_name=data["full_name"],
            ),
        )
        if user is not None:
            setup_token.discard()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome. Your clinic is ready; add your first client.")
            return redirect("dashboard")
    return render(
        request,
        "web/setup.html",
        {"errors": errors, "post": request.POST, "token": token_of(request)},
    )
