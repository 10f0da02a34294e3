"""Recording a treatment session (SOAP note, body chart, pain before and after), checked
against the screening: avoided regions and techniques need a confirmation and a reason, the
date must fall between the first intake and today, and no session while massage is stopped."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare import limits
from backcare.clinical.assessment import avoided_regions as assessment_avoided
from backcare.clinical.assessment import avoided_techniques as assessment_avoided_techniques
from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import REGIONS
from backcare.records import audit, clients, saving
from backcare.records.models import Client, Plan, SessionNote, User
from backcare.records.plans import current


def avoided_regions(plan: Plan | None) -> dict[str, str]:
    """Regions a plan's assessment avoids, with the findings that ask for it."""
    return assessment_avoided(plan.assessment.result) if plan else {}


def avoided_techniques(plan: Plan | None) -> dict[str, str]:
    """Techniques a plan's assessment rules out, with the findings that ask for it."""
    return assessment_avoided_techniques(plan.assessment.result) if plan else {}


def stopped_by(client: Client) -> str:
    """Why no massage may be recorded now ("" when it may): the latest decision stops it."""
    latest = client.assessments.first()
    if latest is None:
        return "no intake yet: record the intake before the first session"
    if not latest.result["massage_today"]:
        return (
            f"the latest assessment says {latest.decision}: {latest.result['summary'].rstrip('.')}"
        )
    return ""


@saving.atomic
def record_session(
    *,
    user: User,
    client: Client,
    note: dict[str, Any],
    today: date,
    confirm_avoided: bool = False,
) -> SessionNote:
    """Store a session. Treating a region or using a technique the plan avoids needs
    ``confirm_avoided`` and the reason in ``note["deviation_reason"]``.

    The client is held while the note is checked against the latest decision and plan, so an
    intake saved at the same moment cannot change them between the check and the save.
    """
    note = {**note, "adverse_events": note.get("adverse_events", "").strip()}
    problems = _check(note, today)
    saving.lock_client(client)
    stop = stopped_by(client)
    if stop:
        problems.append(Problem("session", stop))
    first = first_day(client)
    if first is not None and note["session_date"] < first:
        problems.append(
            Problem("session_date", f"{note['session_date']} is before the first intake ({first})")
        )
    plan = current(client)
    regions, techniques = avoided_regions(plan), avoided_techniques(plan)
    touched = [r for r in note.get("regions", []) if r in regions]
    used = [t for t in note.get("techniques", []) if t in techniques]
    reason = note.get("deviation_reason", "").strip()
    if touched and not (confirm_avoided and reason):
        problems.append(_unconfirmed("regions", touched, regions))
    if used and not (confirm_avoided and reason):
        problems.append(_unconfirmed("techniques", used, techniques))
    if problems:
        raise InvalidIntake(problems)
    session = SessionNote.objects.create(
        clinic=client.clinic,
        client=client,
        therapist=user,
        plan=plan,
        **{**note, "deviation_reason": reason if touched or used else ""},
    )
    detail: dict[str, Any] = {}
    if touched:
        detail["avoided_regions_treated"] = touched
    if used:
        detail["avoided_techniques_used"] = used
    if touched or used:
        detail["reason"] = reason
    if session.adverse_events.strip():
        detail["adverse_event"] = True
    audit.record(
        user=user,
        action="session.record",
        client=client,
        target=f"session {session.pk}",
        detail=detail,
    )
    return session


def first_day(client: Client) -> date | None:
    """The earliest day a session can be dated: the day of the client's first intake."""
    first = client.intakes.order_by("version").first()
    return date.fromisoformat(first.data["assessed_on"]) if first else None


def awaiting_rescreen(client: Client) -> list[SessionNote]:
    """Sessions noting an adverse event with no intake recorded since: re-screen first."""
    latest = client.intakes.order_by("-created_at", "-pk").first()
    noted = client.sessions.exclude(adverse_events="")
    return list(noted.filter(created_at__gt=latest.created_at) if latest else noted)


def open_session(*, user: User, client_id: int, session_id: int) -> tuple[Client, SessionNote]:
    """One session note of a client of the user's clinic, in full; the view is audited."""
    client = clients.open_client(user=user, client_id=client_id, purpose=f"session {session_id}")
    try:
        session = client.sessions.select_related("therapist", "plan").get(pk=session_id)
    except SessionNote.DoesNotExist:
        raise NotFound(f"no session {session_id}") from None
    return client, session


def _unconfirmed(field: str, used: list[str], reasons: dict[str, str]) -> Problem:
    listed = "; ".join(f"{item} ({reasons[item]})" for item in used)
    return Problem(
        field,
        f"the plan avoids {listed}: confirm and say why to record it anyway",
    )


def _check(note: dict[str, Any], today: date) -> list[Problem]:
    kb = load_knowledge()
    problems: list[Problem] = []
    if note["session_date"] > today:
        problems.append(Problem("session_date", f"{note['session_date']} is in the future"))
    for region in note.get("regions", []):
        if region not in REGIONS:
            problems.append(Problem("regions", f"unknown region {region!r}"))
    manipulations = {*kb.techniques, *kb.modalities}
    for technique in note.get("techniques", []):
        if technique not in manipulations:
            problems.append(Problem("techniques", f"unknown technique {technique!r}"))
    if note["pressure"] not in kb.pressure:
        problems.append(Problem("pressure", f"allowed: {', '.join(kb.pressure)}"))
    for field in ("pain_before", "pain_after"):
        value = note.get(field)
        if value is not None and value not in limits.PAIN_SCORE:
            problems.append(Problem(field, f"must be {limits.PAIN_SCORE}"))
    if note["minutes"] not in limits.SESSION_MINUTES:
        problems.append(Problem("minutes", f"must be {limits.SESSION_MINUTES}"))
    return problems
