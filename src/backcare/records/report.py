"""The physician progress report's content, gathered in one place: who and where from, the
reporting period, referral and diagnoses, the screening and its clearances, the plan and how much
of it was done, each goal's baseline, current value and target, the plan's changes, the
recommendation, the sources and who signs.

Reading it is a view of the client's record: it goes through ``clients.open_client`` (scoped to
the user's clinic, audited). Rendering it (HTML, PDF) is reports/progress.py's work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import clients, plans, summary
from backcare.records.models import Assessment, Clearance, Client, Clinic, Plan, SessionNote, User


@dataclass(frozen=True)
class Diagnosis:
    name: str
    status: str
    icd10: str


@dataclass(frozen=True)
class GoalProgress:
    text: str
    baseline: str
    current: str
    target: str
    met: bool | None


@dataclass(frozen=True)
class Change:
    day: date
    what: str
    old: str
    new: str
    reason: str
    by: str


@dataclass(frozen=True)
class Signature:
    name: str
    credentials: str
    day: date


@dataclass(frozen=True)
class ProgressReport:
    clinic: Clinic
    client: Client
    today: date
    period: tuple[date, date] | None
    referral: str
    pain: list[str]
    diagnoses: list[Diagnosis]
    assessment: Assessment | None
    clearances: list[Clearance]
    plan: Plan | None
    sessions: list[SessionNote]
    attended: int
    planned: int
    goals: list[GoalProgress]
    changes: list[Change]
    recommendation: list[str]
    sources: list[str]
    signature: Signature


def progress_report(
    *, user: User, client_id: int, today: date, purpose: str = "progress report"
) -> ProgressReport:
    """The report on a client of the user's clinic, signed by the user; the view is audited
    with ``purpose`` (which form of the report was made)."""
    client = clients.open_client(user=user, client_id=client_id, purpose=purpose)
    kb = load_knowledge()
    intake = client.intakes.first()
    data = intake.data if intake else {}
    assessment = client.assessments.first()
    plan = plans.current(client)
    sessions = sorted(client.sessions.select_related("therapist"), key=_session_order)
    on_plan = [s for s in sessions if plan is not None and s.plan_id == plan.pk]
    goals = _goals(plan, sessions)
    return ProgressReport(
        clinic=client.clinic,
        client=client,
        today=today,
        period=(sessions[0].session_date, sessions[-1].session_date) if sessions else None,
        referral=client.physician,
        pain=summary.summary(data, None, kb).pain,
        diagnoses=diagnoses(data, kb),
        assessment=assessment,
        clearances=list(client.clearances.all()),
        plan=plan,
        sessions=sessions,
        attended=len(on_plan),
        planned=plan.total_sessions if plan else 0,
        goals=goals,
        changes=_changes(plan, kb),
        recommendation=recommendation(plan, on_plan, kb),
        sources=_sources(plan, kb),
        signature=Signature(
            name=user.get_full_name() or user.username, credentials=user.credentials, day=today
        ),
    )


def diagnoses(data: dict[str, Any], kb: KnowledgeBase) -> list[Diagnosis]:
    """The intake's conditions by name, with the ICD-10 code where the knowledge base has one."""
    found = []
    for entry in data.get("conditions", []):
        known = kb.conditions.get(entry["id"])
        found.append(
            Diagnosis(
                name=known.name if known else entry["id"].replace("_", " "),
                status=summary.STATUS.get(entry.get("status", "active"), ""),
                icd10=(known.icd10 or "") if known else "",
            )
        )
    return found


def recommendation(plan: Plan | None, done: list[SessionNote], kb: KnowledgeBase) -> list[str]:
    """What the course shows so far, in sentences: the pain goal and the minimal important change
    (from the knowledge base) against the first and latest ratings before a session."""
    if plan is None:
        return ["There is no active plan: massage is on hold (see the screening above)."]
    rated = [s.pain_before for s in done if s.pain_before is not None]
    mic = kb.plan.pain_goal.min_points
    left = max(plan.total_sessions - len(done), 0)
    if len(rated) < 2:
        return [f"Too early to judge: {len(done)} of {plan.total_sessions} sessions so far."]
    first, latest = rated[0], rated[-1]
    if plan.pain_goal is not None and latest <= plan.pain_goal:
        return [
            f"Pain has reached the goal ({latest}, goal {plan.pain_goal} or less).",
            f"We plan to finish the course ({left} session{'' if left == 1 else 's'} left) "
            "and to continue the home routine.",
        ]
    if first - latest >= mic:
        return [
            f"Pain has fallen from {first} to {latest}, a change patients notice as important "
            f"({mic} points or more).",
            f"We plan to continue the course as planned ({left} left) and to review at its end.",
        ]
    if len(done) >= plan.reassess_after_sessions:
        return [
            f"After {len(done)} sessions pain has not changed by the {mic} points patients notice "
            f"as important ({first} then {latest}).",
            "We are reviewing the plan and would welcome your advice on further assessment.",
        ]
    return [
        f"Pain {first} then {latest}; the plan is reviewed after session "
        f"{plan.reassess_after_sessions}."
    ]


def _goals(plan: Plan | None, sessions: list[SessionNote]) -> list[GoalProgress]:
    if plan is None:
        return []
    rated = [s.pain_before for s in sessions if s.pain_before is not None]
    shown = []
    for goal in plan.details.get("goals", []):
        if goal["kind"] == "pain":
            target = plan.pain_goal if plan.pain_goal is not None else goal.get("target")
            current = rated[-1] if rated else None
            shown.append(
                GoalProgress(
                    text="Pain (0-10 numeric rating, before the session)",
                    baseline=_text(goal.get("baseline")),
                    current=_text(current),
                    target="" if target is None else f"{target} or less",
                    met=None if current is None or target is None else current <= target,
                )
            )
        else:
            shown.append(GoalProgress(goal["text"], "", "", "", None))
    return shown


def _changes(plan: Plan | None, kb: KnowledgeBase) -> list[Change]:
    if plan is None:
        return []
    names: dict[str, Mapping[str, object]] = {"modality": kb.modalities}
    shown = []
    for change in reversed(plans.changes(plan)):
        table = names.get(change.field, {})
        shown.append(
            Change(
                day=change.changed_at.date(),
                what=change.field.replace("_", " "),
                old=_named(change.old, table),
                new=_named(change.new, table),
                reason=change.reason,
                by=change.changed_by.get_full_name() or change.changed_by.username,
            )
        )
    return shown


def _sources(plan: Plan | None, kb: KnowledgeBase) -> list[str]:
    ids = [*(plan.details.get("sources", []) if plan else []), *kb.plan.pain_goal.sources]
    return [kb.sources[s].title for s in dict.fromkeys(ids) if s in kb.sources]


def _named(value: object, table: Mapping[str, object]) -> str:
    entry = table.get(str(value))
    name = getattr(entry, "name", None)
    return str(name) if name else summary.number(value)


def _text(value: object) -> str:
    return "" if value is None else summary.number(value)


def _session_order(session: SessionNote) -> tuple[date, int]:
    return session.session_date, session.pk
