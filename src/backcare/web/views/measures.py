"""Recording an outcome measure, the client page's outcomes part, and the pain log links."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from backcare.errors import InvalidIntake, Problem, SaveFailed
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.outcome import Instrument
from backcare.records import client_links, clients, measures, outcomes, painlog, progress
from backcare.records.models import Client, Measure, PainLogLink
from backcare.web.views.common import clinic_page, today, user_of

ROWS = range(1, 6)


def outcomes_context(client: Client, kb: KnowledgeBase) -> dict[str, Any]:
    """What the client page shows of outcomes: progress, expected course, measures, pain log
    (its links: ``log_links``)."""
    return {
        "progress": progress.client_progress(client=client, today=today(), kb=kb),
        "measures": [(m, kb.instruments.get(m.instrument)) for m in outcomes.measures(client)],
        "pain_log": outcomes.pain_log(client)[-30:],
        "instruments": list(kb.instruments.values()),
    }


def log_links(
    request: HttpRequest, client: Client
) -> list[tuple[client_links.LinkRow[PainLogLink], str]]:
    """The client's pain log links, each with its address while it is open."""
    return [
        (row, _log_url(request, row.token) if row.token else "")
        for row in painlog.links(client=client, now=timezone.now())
    ]


@clinic_page
def measure_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="outcome measure")
    kb = load_knowledge()
    chosen = kb.instruments.get(request.GET.get("instrument") or request.POST.get("instrument", ""))
    errors: list[str] = []
    post = request.POST
    if request.method == "POST" and chosen is not None:
        try:
            measure = measures.record_measure(
                user=user,
                client=client,
                instrument=chosen.id,
                answers=_answers(chosen, post),
                measured_on=_day(post.get("measured_on")),
                point=post.get("point", ""),
                session_id=int(post["session"]) if post.get("session") else None,
                correction_of=int(post["corrects"]) if post.get("corrects") else None,
                reason=post.get("reason", ""),
                today=today(),
            )
            messages.success(request, _saved(chosen, measure))
            return redirect("client", client_id=client.pk)
        except InvalidIntake as error:
            errors = [_problem_text(chosen, p.path, p.message) for p in error.problems]
        except SaveFailed as error:
            errors = [str(error)]
    return render(
        request,
        "web/measure_new.html",
        {
            "client": client,
            "instrument": chosen,
            "instruments": list(kb.instruments.values()),
            "errors": errors,
            "post": post,
            "today": today(),
            "points": Measure.Point.choices,
            "sessions": list(client.sessions.all()[:20]),
            "activities": _activities(chosen, client, post),
            "values": {i.id: post.get(f"item_{i.id}", "") for i in chosen.items} if chosen else {},
            "corrects": _corrected(
                client, chosen, request.GET.get("corrects") or post.get("corrects")
            ),
        },
    )


def _corrected(client: Client, instrument: Instrument | None, wanted: str | None) -> Measure | None:
    """The measure being corrected, when the form was opened to correct one."""
    if instrument is None or not (wanted or "").isdigit():
        return None
    return client.measures.filter(pk=int(wanted or 0), instrument=instrument.id).first()


def _answers(instrument: Instrument, post: QueryDict) -> dict[str, Any]:
    if instrument.scoring.method == "entered" or (
        post.get("total") and instrument.scoring.method == "sum_percent"
    ):
        return {"total": post.get("total", "")}
    if not instrument.items:
        return {
            "activities": [
                {
                    "activity": post.get(f"activity_{n}", "").strip(),
                    "rating": post.get(f"rating_{n}"),
                }
                for n in ROWS
                if post.get(f"activity_{n}", "").strip() or post.get(f"rating_{n}")
            ]
        }
    return {item.id: post.get(f"item_{item.id}") or None for item in instrument.items}


def _activities(instrument: Instrument | None, client: Client, post: QueryDict) -> list[Any]:
    """The PSFS rows: as typed, or the client's activities from the last PSFS to rate again."""
    if instrument is None or instrument.items:
        return []
    if post:
        return [(n, post.get(f"activity_{n}", ""), post.get(f"rating_{n}", "")) for n in ROWS]
    last = next(iter(reversed(outcomes.measures(client, instrument.id))), None)
    named = [a["activity"] for a in (last.answers.get("activities", []) if last else [])]
    return [(n, named[n - 1] if n <= len(named) else "", "") for n in ROWS]


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise InvalidIntake([Problem("measured_on", "a date such as 2026-12-01")]) from None


def _problem_text(instrument: Instrument, path: str, message: str) -> str:
    labels = {item.id: item.label for item in instrument.items}
    labels |= {"total": f"{instrument.abbreviation} total", "measured_on": "Date"}
    labels |= {"point": "When in the course", "session": "Session", "reason": "Why corrected"}
    labels |= {"correction_of": "Correction"}
    if path.startswith("activities."):
        return f"Activity {path.split('.')[1]}: {message}"
    return f"{labels.get(path, path.replace('_', ' ').capitalize())}: {message}"


def _saved(instrument: Instrument, measure: Measure) -> str:
    if measure.score is None:
        return f"{instrument.abbreviation} kept as incomplete: {measure.result['incomplete']}"
    return f"{instrument.abbreviation} recorded: {measure.score:g}."


def _log_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("pain_log", args=[token]))


@clinic_page
def log_link_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="pain log link")
    if request.method == "POST":
        painlog.create_link(user=user, client=client, now=timezone.now())
        messages.success(request, "Pain log link made: copy it below and send it to the client.")
    return redirect(reverse("client", args=[client.pk]) + "#pain-log-h")


@clinic_page
def log_link_revoke(request: HttpRequest, client_id: int, link_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="pain log link")
    if request.method == "POST":
        painlog.revoke_link(user=user, client=client, link_id=link_id, now=timezone.now())
        messages.success(request, "Pain log link revoked: it no longer opens the log.")
    return redirect(reverse("client", args=[client.pk]) + "#pain-log-h")
