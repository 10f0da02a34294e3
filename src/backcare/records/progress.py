"""A client's progress on the current plan, for the client page and the dashboard: what the
progress rules say (``clinical/progress.py``), the actual course against the expected one
(``clinical/course.py``, from the clinic's similar finished courses) and the measures due now
(``clinical/measuring.py``). Reads only; the caller has opened the client (scoped, audited).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from backcare.clinical.course import Expected, Similar, expected, pain_band, well_below
from backcare.clinical.measuring import Due, due
from backcare.clinical.progress import CourseFacts, Progress, progress
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import courses, outcomes, sessions
from backcare.records.models import (
    Assessment,
    Client,
    Clinic,
    Intake,
    Measure,
    Plan,
    SessionNote,
    User,
)


@dataclass(frozen=True)
class Row:
    session: int
    day: date
    actual: float | None
    expected: float


@dataclass(frozen=True)
class ClientProgress:
    plan: Plan
    progress: Progress
    expected: Expected | None
    similar: Similar
    rows: tuple[Row, ...]
    below_expected: bool
    due: tuple[Due, ...]
    due_text: tuple[str, ...] = field(default=())


def client_progress(
    *,
    client: Client,
    today: date,
    kb: KnowledgeBase,
    clinic_courses: list[courses.Course] | None = None,
) -> ClientProgress | None:
    """The progress of the client's active plan (None without one). ``clinic_courses`` are
    the clinic's courses when the caller has read them already."""
    plan = client.plans.filter(active=True).select_related("assessment__intake").first()
    if plan is None:
        return None
    intake = plan.assessment.intake.data
    latest = client.assessments.first()
    read = _Read(
        start=date.fromisoformat(intake["assessed_on"]),
        baseline=(intake.get("pain") or {}).get("intensity"),
        chronicity=plan.assessment.result.get("chronicity"),
        notes=[
            _Note(n.session_date, n.pain_before)
            for n in plan.sessionnote_set.order_by("session_date", "pk")
        ],
        measures=[
            _Measured(m.instrument, m.measured_on, m.score, m.result.get("group"))
            for m in outcomes.measures(client)
        ],
        warning_sign=latest is not None and not latest.result["massage_today"],
        adverse_event=bool(sessions.awaiting_rescreen(client)),
    )
    if clinic_courses is None:
        clinic_courses = courses.kept_courses(
            clinic=client.clinic, today=today, kb=kb, completed_only=True
        )
    return _evaluate(plan, read, _finished(clinic_courses), kb)


class _Note(NamedTuple):
    session_date: date
    pain_before: int | None


class _Measured(NamedTuple):
    instrument: str
    measured_on: date
    score: float | None
    group: str | None  # the STarT Back risk group, for that instrument


@dataclass(frozen=True)
class _Read:
    """What the progress of one plan is worked out from, read one client at a time (the
    client page) or for many plans at once (the dashboard)."""

    start: date
    baseline: float | None
    chronicity: str | None
    notes: list[_Note]
    measures: list[_Measured]
    warning_sign: bool
    adverse_event: bool


Finished = dict[Similar, list[tuple[int, float]]]


def _finished(clinic_courses: list[courses.Course]) -> Finished:
    """How far pain fell in each completed course of the clinic, by who the client was."""
    found: Finished = defaultdict(list)
    for c in clinic_courses:
        if c.status == "completed" and (fall := c.fall) is not None:
            found[c.similar].append((c.plan_id, fall))
    return found


def _evaluate(plan: Plan, read: _Read, finished: Finished, kb: KnowledgeBase) -> ClientProgress:
    notes = read.notes
    pain, scored, taken, similar = _read_course(read, kb)
    # the pain course is pain at intake then before each session; an entered rating is the
    # worst pain of a week, another question, so it is shown but does not replace the course
    facts = CourseFacts(
        sessions=len(notes),
        reassess_after_sessions=plan.reassess_after_sessions,
        pain_goal=plan.pain_goal,
        new_warning_sign=read.warning_sign,
        adverse_event=read.adverse_event,
    )
    found = progress({**scored, "nprs": pain}, facts, kb)
    own = plan.pk  # read once: a large clinic has thousands of finished courses to go through
    falls = [fall for plan_id, fall in finished.get(similar, ()) if plan_id != own]
    course, rows, below = _against_expected(plan, notes, pain, falls, kb)
    measures_due = due(
        sessions=[n.session_date for n in notes],
        taken=taken,
        reassess_after_sessions=plan.reassess_after_sessions,
        total_sessions=plan.total_sessions,
        kb=kb,
    )
    return ClientProgress(
        plan,
        found,
        course,
        similar,
        rows,
        below,
        tuple(measures_due),
        tuple(d.text(kb) for d in measures_due),
    )


Scores = dict[str, list[tuple[date, float]]]


def _read_course(
    read: _Read, kb: KnowledgeBase
) -> tuple[list[tuple[date, float]], Scores, dict[str, list[date]], Similar]:
    """The pain course, each instrument's scores and dates since the plan's intake, and who
    counts as a similar client."""
    start, baseline = read.start, read.baseline
    pain = [(start, float(baseline))] if baseline is not None else []
    pain += [
        (n.session_date, float(n.pain_before)) for n in read.notes if n.pain_before is not None
    ]
    scored: Scores = defaultdict(list)
    taken: dict[str, list[date]] = defaultdict(list)
    group = None
    for measure in read.measures:
        if measure.measured_on < start:
            continue
        taken[measure.instrument].append(measure.measured_on)
        if measure.score is not None:
            scored[measure.instrument].append((measure.measured_on, measure.score))
            group = group or measure.group
    first = pain[0][1] if pain else None
    return pain, scored, taken, Similar(read.chronicity, pain_band(first, kb), group)


def _against_expected(
    plan: Plan,
    notes: list[_Note],
    pain: list[tuple[date, float]],
    falls: list[float],
    kb: KnowledgeBase,
) -> tuple[Expected | None, tuple[Row, ...], bool]:
    """The expected course, each session's pain against it, and whether it falls well short."""
    if not pain:
        return None, (), False
    baseline = pain[0][1]
    course = expected(falls, plan.total_sessions, kb)
    rows = tuple(
        Row(number, note.session_date, note.pain_before, course.score_at(baseline, number))
        for number, note in enumerate(notes, start=1)
    )
    below = well_below(course, baseline, pain[-1][1], len(notes), plan.total_sessions, kb)
    return course, rows, below


@dataclass(frozen=True)
class Attention:
    """A course the dashboard should show: stopping, behind the expected course, or due."""

    client: Client
    kind: str
    text: str
    severity: str
    situation: str


def needing_attention(*, user: User, today: date) -> list[Attention]:
    """Active plans of the user's clinic with a session in the last weeks whose progress says
    stop, whose pain falls well short of the expected course, or that have measures due.

    A fixed number of queries however large the clinic: the plans with what their progress
    needs (dates and pain from the intake, the newest assessment's verdict, an adverse event
    waiting), then their sessions and their clients' measures, each in one query."""
    assert user.clinic is not None
    kb = load_knowledge()
    recent = today - timedelta(days=kb.progress.dropout_after_days)
    rows = list(_plans_to_check(user.clinic, recent))
    if not rows:
        return []
    notes: dict[int, list[_Note]] = defaultdict(list)
    for plan_id, day, pain in (
        SessionNote.objects.filter(plan__in=[p.pk for p in rows])
        .order_by("session_date", "pk")
        .values_list("plan_id", "session_date", "pain_before")
    ):
        notes[plan_id].append(_Note(day, pain))
    measured: dict[int, list[_Measured]] = defaultdict(list)
    for client_id, *measure in (
        Measure.objects.filter(
            clinic=user.clinic, client__in=[p.client_id for p in rows], corrected_by__isnull=True
        )
        .order_by("measured_on", "pk")
        .values_list("client_id", "instrument", "measured_on", "score", "result__group")
    ):
        measured[client_id].append(_Measured(*measure))
    finished = _finished(
        courses.kept_courses(clinic=user.clinic, today=today, kb=kb, completed_only=True)
    )
    found = []
    for plan in rows:
        read = _Read(
            start=date.fromisoformat(plan.start),  # type: ignore[attr-defined]
            baseline=plan.baseline,  # type: ignore[attr-defined]
            chronicity=plan.chronicity,  # type: ignore[attr-defined]
            notes=notes[plan.pk],
            measures=measured[plan.client_id],
            warning_sign=plan.massage_today is False,  # type: ignore[attr-defined]
            adverse_event=plan.adverse,  # type: ignore[attr-defined]
        )
        found.extend(_attention(plan.client, _evaluate(plan, read, finished, kb)))
    return found


def _plans_to_check(clinic: Clinic, recent: date) -> QuerySet[Plan]:
    """The clinic's active plans with a session since ``recent``, with their clients and what
    their progress is worked out from (one query; the plan's details are not read)."""
    newest_assessment = Assessment.objects.filter(client=OuterRef("client")).order_by(
        "-created_at", "-pk"
    )
    newest_intake = Intake.objects.filter(client=OuterRef("client")).order_by("-created_at", "-pk")
    waiting = SessionNote.objects.filter(
        client=OuterRef("client"), created_at__gt=OuterRef("intake_at")
    ).exclude(adverse_events="")
    return (
        Plan.objects.filter(
            clinic=clinic,
            active=True,
            pk__in=SessionNote.objects.filter(clinic=clinic, session_date__gte=recent).values(
                "plan_id"
            ),
        )
        .defer("details")
        .select_related("client")
        .annotate(
            start=F("assessment__intake__data__assessed_on"),
            baseline=F("assessment__intake__data__pain__intensity"),
            chronicity=F("assessment__result__chronicity"),
            massage_today=Subquery(newest_assessment.values("result__massage_today")[:1]),
            intake_at=Subquery(newest_intake.values("created_at")[:1]),
            adverse=Exists(waiting),
        )
        .order_by("pk")
    )


def _attention(client: Client, state: ClientProgress) -> list[Attention]:
    where = f"plan {state.plan.pk} after {len(state.rows)} sessions"
    found = []
    said = state.progress
    if said.action == "stop" and state.progress.rule != "progress.warning_sign":
        found.append(
            Attention(
                client,
                "progress",
                f"{said.action_text}: {said.title.lower()}. {said.why}",
                "refer",
                where,
            )
        )
    elif state.progress.action == "change":
        found.append(
            Attention(
                client,
                "progress",
                f"{state.progress.action_text}: {state.progress.why}",
                "progress",
                where,
            )
        )
    if state.below_expected:
        found.append(
            Attention(
                client,
                "behind",
                "Pain is falling well short of the expected course: review the plan before the "
                "planned sessions run out.",
                "progress",
                where,
            )
        )
    if state.due_text:
        found.append(
            Attention(
                client, "measure", "Measure due: " + "; ".join(state.due_text), "reassess", where
            )
        )
    return found
