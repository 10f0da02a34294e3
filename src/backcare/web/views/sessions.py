"""The session note (SOAP) with the clickable body chart; a note in full, and its addenda."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from backcare.errors import InvalidIntake, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import REGIONS
from backcare.records import amendments, clients, followup, plans, sessions
from backcare.reports.bodymap import body_map
from backcare.web.questions import RED_FLAG_QUESTIONS
from backcare.web.views.common import clinic_page, today, user_of


@clinic_page
def session_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="session note")
    kb = load_knowledge()
    plan = plans.current(client)
    avoided = sessions.avoided_regions(plan)
    avoided_techniques = sessions.avoided_techniques(plan)
    post = request.POST
    errors: list[str] = []
    chosen = [r for r in post.getlist("regions") if r in REGIONS]
    screened = ""
    if request.method == "POST":
        try:
            found = followup.follow_up(
                user=user, client=client, answers=_follow_up(post), today=today()
            )
            if found.assessment is not None:
                screened = "The follow-up answers were kept in a new intake version."
                plan = plans.current(client)
            if found.stops:
                messages.error(
                    request,
                    f"The follow-up screening stops massage ({found.stops}). "
                    "No session was recorded.",
                )
                return redirect("client", client_id=client.pk)
            note = {
                "session_date": date.fromisoformat(post.get("session_date", "")),
                "subjective": post.get("subjective", ""),
                "objective": post.get("objective", ""),
                "analysis": post.get("analysis", ""),
                "next_steps": post.get("next_steps", ""),
                "techniques": post.getlist("techniques"),
                "regions": post.getlist("regions"),
                "pressure": post.get("pressure", ""),
                "minutes": int(post.get("minutes", "0")),
                "pain_before": _pain(post.get("pain_before")),
                "pain_after": _pain(post.get("pain_after")),
                "adverse_events": post.get("adverse_events", ""),
                "deviation_reason": post.get("deviation_reason", ""),
            }
            sessions.record_session(
                user=user,
                client=client,
                note=note,
                today=today(),
                confirm_avoided=post.get("confirm_avoided") == "on",
            )
            messages.success(request, _recorded(post.get("adverse_events", "")))
            return redirect("client", client_id=client.pk)
        except ValueError:
            errors.append("Check the date (YYYY-MM-DD), the minutes and the pain scores (0-10).")
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
        except SaveFailed as error:
            errors.append(str(error))
    return render(
        request,
        "web/session_new.html",
        {
            "client": client,
            "plan": plan,
            "kb": kb,
            "errors": errors,
            "post": post,
            "screened": screened,
            "warning_signs": RED_FLAG_QUESTIONS,
            "today": today(),
            "avoided": avoided,
            "chosen": chosen,
            "avoided_chosen": [r for r in chosen if r in avoided],
            "avoided_techniques": avoided_techniques,
            "techniques_chosen": [t for t in post.getlist("techniques") if t in avoided_techniques],
            "stopped": sessions.stopped_by(client),
            "rescreen": sessions.awaiting_rescreen(client),
            "first_day": sessions.first_day(client),
            "outline": plans.outline(plan) if plan else None,
            "regions": [(r, kb.regions[r].name, r in avoided) for r in REGIONS],
            "map": body_map(
                selected=chosen,
                avoided=avoided,
                interactive=True,
                title="Regions treated",
                legend=[("#3b82f6", "treated"), ("hatch", "to avoid")],
            ),
            "modality": kb.modalities[plan.modality] if plan else None,
        },
    )


def _follow_up(post: QueryDict) -> followup.Answers:
    def lines(name: str) -> list[str]:
        return [line.strip() for line in post.get(name, "").splitlines() if line.strip()]

    return followup.Answers(
        warning_signs=post.getlist("new_warning_signs"),
        medications=lines("new_medications"),
        conditions=lines("new_conditions"),
    )


def _pain(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None


@clinic_page
def session_page(request: HttpRequest, client_id: int, session_id: int) -> HttpResponse:
    """A session note in full, as first written, with its dated addenda; POST adds one."""
    user = user_of(request)
    client, session = sessions.open_session(user=user, client_id=client_id, session_id=session_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            amendments.amend_session(user=user, session=session, text=request.POST.get("text", ""))
            messages.success(request, "Addendum added; the note as first written is kept.")
            return redirect("session", client_id=client.pk, session_id=session.pk)
        except InvalidIntake as error:
            errors.extend(str(p) for p in error.problems)
    avoided = sessions.avoided_regions(session.plan)
    return render(
        request,
        "web/session_page.html",
        {
            "client": client,
            "session": session,
            "amendments": list(session.amendments.select_related("author")),
            "errors": errors,
            "typed": request.POST.get("text", ""),
            "map": body_map(
                selected=session.regions,
                avoided=avoided,
                title="Regions treated",
                legend=[("#3b82f6", "treated"), ("hatch", "to avoid")],
            ),
        },
    )


def _recorded(adverse_events: str) -> str:
    if adverse_events.strip():
        return "Session recorded. It notes an adverse event: re-screen (update the intake) first."
    return "Session recorded."
