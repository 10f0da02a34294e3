"""Recording a treatment session (SOAP note, body chart, pain before and after)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.clinical.assessment import avoided_regions as assessment_avoided
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import REGIONS
from backcare.records import audit, saving
from backcare.records.models import Client, Plan, SessionNote, User
from backcare.records.plans import current


def avoided_regions(plan: Plan | None) -> dict[str, str]:
    """Regions a plan's assessment avoids, with the findings that ask for it."""
    return assessment_avoided(plan.assessment.result) if plan else {}


def stopped_by(client: Client) -> str:
    """Why no massage may be recorded now ("" when it may): the latest decision stops it."""
    latest = client.assessments.first()
    if latest is None:
        return "no intake yet: record the intake before the first session"
    if not latest.result["massage_today"]:
        return f"the latest assessment says {latest.decision}: {latest.result['summary']}"
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
    """Store a session. Treating a region the plan avoids needs ``confirm_avoided``.

    The client is held while the note is checked against the latest decision and plan, so an
    intake saved at the same moment cannot change them between the check and the save.
    """
    problems = _check(note, today)
    saving.lock_client(client)
    stop = stopped_by(client)
    if stop:
        problems.append(Problem("session", stop))
    plan = current(client)
    avoided = avoided_regions(plan)
    touched = [r for r in note.get("regions", []) if r in avoided]
    if touched and not confirm_avoided:
        problems.append(
            Problem(
                "regions",
                "the plan avoids "
                + "; ".join(f"{r} ({avoided[r]})" for r in touched)
                + ": confirm to record it anyway",
            )
        )
    if problems:
        raise InvalidIntake(problems)
    session = SessionNote.objects.create(
        clinic=client.clinic,
        client=client,
        therapist=user,
        plan=plan,
        **note,
    )
    audit.record(
        user=user,
        action="session.record",
        client=client,
        target=f"session {session.pk}",
        detail={"avoided_regions_treated": touched} if touched else {},
    )
    return session


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
        if value is not None and not 0 <= value <= 10:
            problems.append(Problem(field, "must be 0 to 10"))
    if not 5 <= note["minutes"] <= 240:
        problems.append(Problem("minutes", "must be 5 to 240"))
    return problems
