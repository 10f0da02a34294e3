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

from backcare.clinical.progress import Change as InstrumentChange
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.knowledge.outcome import Instrument
from backcare.records import clearances, clients, plans, referrals, summary
from backcare.records.models import Assessment, Clearance, Client, Clinic, Plan, SessionNote, User
from backcare.records.progress import ClientProgress, client_progress


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
class PlanEdit:
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
    referral: str  # to whom: the newest referral's referrer, else the client's physician
    referred: referrals.Standing | None  # the newest referral, with its visits used and left
    pain: list[str]
    diagnoses: list[Diagnosis]
    assessment: Assessment | None
    clearances: list[Clearance]
    waiting: list[str]
    plan: Plan | None
    sessions: list[SessionNote]
    attended: int
    planned: int
    goals: list[GoalProgress]
    progress: ClientProgress | None
    changes: list[PlanEdit]
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
    progress = client_progress(client=client, today=today, kb=kb)
    referred = next(iter(referrals.of_client(client, today=today)), None)
    return ProgressReport(
        clinic=client.clinic,
        client=client,
        today=today,
        period=(sessions[0].session_date, sessions[-1].session_date) if sessions else None,
        referral=_addressee(referred) if referred else client.physician,
        referred=referred,
        pain=summary.summary(data, None, kb).pain,
        diagnoses=diagnoses(data, kb),
        assessment=assessment,
        clearances=list(client.clearances.all()),
        waiting=[f["title"] for f in clearances.pending(client)],
        plan=plan,
        sessions=sessions,
        attended=len(on_plan),
        planned=plan.total_sessions if plan else 0,
        goals=_goals(plan, sessions, progress, kb),
        progress=progress,
        changes=_changes(plan, kb),
        recommendation=recommendation(progress),
        sources=_sources(plan, progress, kb),
        signature=Signature(
            name=user.get_full_name() or user.username, credentials=user.credentials, day=today
        ),
    )


def _addressee(referred: referrals.Standing) -> str:
    contact = referred.referral.referrer_contact
    return f"{referred.referral.referrer}{f' ({contact})' if contact else ''}, who referred"


def diagnoses(data: dict[str, Any], kb: KnowledgeBase) -> list[Diagnosis]:
    """The intake's conditions by name, with the ICD-10 code where the knowledge base has one."""
    found = []
    for entry in data.get("conditions", []):
        known, _ = summary.known_condition(entry["id"], kb)
        found.append(
            Diagnosis(
                name=known.name if known else entry["id"].replace("_", " "),
                status=summary.STATUS.get(entry.get("status", "active"), ""),
                icd10=(known.icd10 or "") if known else "",
            )
        )
    return found


def recommendation(progress: ClientProgress | None) -> list[str]:
    """What the course says to do next: the first progress rule of the knowledge base that
    holds (clinical/progress.py), in its own words."""
    if progress is None:
        return ["There is no active plan: massage is on hold (see the screening above)."]
    found = progress.progress
    return [f"{found.action_text}: {found.title.rstrip('.')}.", found.why]


def _goals(
    plan: Plan | None,
    sessions: list[SessionNote],
    progress: ClientProgress | None,
    kb: KnowledgeBase,
) -> list[GoalProgress]:
    """The plan's goals, then each outcome measure's start, latest score and the important
    change it aims for."""
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
                    text=f"{_scale_name(kb.instruments['nprs'])}, before the session",
                    baseline=_text(goal.get("baseline")),
                    current=_text(current),
                    target="" if target is None else f"{target} or less",
                    met=None if current is None or target is None else current <= target,
                )
            )
        else:
            shown.append(GoalProgress(goal["text"], "", "", "", None))
    moved = progress.progress.changes if progress else ()
    return shown + [_measure_goal(c, kb) for c in moved if c.instrument != "nprs"]


def _measure_goal(moved: InstrumentChange, kb: KnowledgeBase) -> GoalProgress:
    instrument = kb.instruments[moved.instrument]
    important = instrument.important_change
    step = important.points if important else 0
    if instrument.lower_is_better:
        target = f"{summary.number(max(instrument.min, moved.baseline - step))} or less"
    else:
        target = f"{summary.number(min(instrument.max, moved.baseline + step))} or more"
    return GoalProgress(
        text=_scale_name(instrument),
        baseline=summary.number(moved.baseline),
        current=summary.number(moved.latest),
        target=f"{target} (an important change)",
        met=moved.verdict == "improved",
    )


def _scale_name(instrument: Instrument) -> str:
    return f"{instrument.name} ({summary.number(instrument.min)}-{summary.number(instrument.max)})"


def _changes(plan: Plan | None, kb: KnowledgeBase) -> list[PlanEdit]:
    if plan is None:
        return []
    names: dict[str, Mapping[str, object]] = {"modality": kb.modalities}
    shown = []
    for change in reversed(plans.changes(plan)):
        table = names.get(change.field, {})
        shown.append(
            PlanEdit(
                day=change.changed_at.date(),
                what=change.field.replace("_", " "),
                old=_named(change.old, table),
                new=_named(change.new, table),
                reason=change.reason,
                by=change.changed_by.get_full_name() or change.changed_by.username,
            )
        )
    return shown


def _sources(plan: Plan | None, progress: ClientProgress | None, kb: KnowledgeBase) -> list[str]:
    important = kb.instruments["nprs"].important_change
    ids = [
        *(plan.details.get("sources", []) if plan else []),
        *(important.sources if important else []),
        *(progress.progress.sources if progress else []),
    ]
    return [kb.sources[s].title for s in dict.fromkeys(ids) if s in kb.sources]


def _named(value: object, table: Mapping[str, object]) -> str:
    entry = table.get(str(value))
    name = getattr(entry, "name", None)
    return str(name) if name else summary.number(value)


def _text(value: object) -> str:
    return "" if value is None else summary.number(value)


def _session_order(session: SessionNote) -> tuple[date, int]:
    return session.session_date, session.pk
