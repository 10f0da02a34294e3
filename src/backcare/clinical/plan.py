"""The course of treatment, when massage may go ahead: modality, dose, limits, goals, home
care filtered by the screening, and when to stop and refer. Schedules come from the
knowledge base's plan policy, with the sources behind them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from backcare.clinical.facts import Reading
from backcare.clinical.intake import Intake
from backcare.clinical.recommendation import Recommendation
from backcare.clinical.screening import Screening
from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m

_WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True, slots=True)
class Goal:
    kind: str
    text: str
    baseline: int | None
    target: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HomeCare:
    """A self-care routine from the knowledge base, on the regions this client may use it on."""

    routine: m.SelfCare
    regions: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.routine.id

    @property
    def kind(self) -> str:
        return self.routine.kind


@dataclass(frozen=True, slots=True)
class Plan:
    modality: str
    alternatives: tuple[str, ...]
    session_minutes: int
    sessions_per_week: float
    total_sessions: int
    reassess_after_sessions: int
    max_pressure: str
    avoid_regions: tuple[str, ...]
    avoid_techniques: tuple[str, ...]
    positioning: tuple[str, ...]
    goals: tuple[Goal, ...]
    home_care: tuple[HomeCare, ...]
    review_triggers: tuple[m.ReviewTrigger, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]


def make_plan(
    intake: Intake,
    reading: Reading,
    screening: Screening,
    ranked: tuple[Recommendation, ...],
    kb: KnowledgeBase,
) -> Plan | None:
    """A plan from the top-ranked modality; ``None`` when nothing may be given today."""
    if not ranked:
        return None
    policy, limits = kb.plan, screening.limits
    modality = kb.modalities[ranked[0].modality]
    schedule = _schedule(reading.chronicity if intake.pain else "none", policy)
    notes: list[str] = [policy.active_care_note]
    if schedule.basis == "inference":
        notes.append(f"Schedule: {schedule.why}")

    minutes = intake.preferences.session_minutes or policy.session_minutes
    if limits.max_session_minutes is not None:
        minutes = min(minutes, limits.max_session_minutes)
    if minutes < policy.session_minutes:
        notes.append(policy.short_session_note)

    per_week = schedule.sessions_per_week
    wanted = intake.preferences.sessions_per_month
    if wanted is not None and wanted / _WEEKS_PER_MONTH < per_week:
        per_week = round(wanted / _WEEKS_PER_MONTH, 2)
        notes.append(policy.frequency_preference_note)

    max_pressure = kb.gentlest(modality.pressure.max, limits.max_pressure)

    return Plan(
        modality=modality.id,
        alternatives=tuple(r.modality for r in ranked[1:3]),
        session_minutes=minutes,
        sessions_per_week=per_week,
        total_sessions=schedule.total_sessions,
        reassess_after_sessions=schedule.reassess_after_sessions,
        max_pressure=max_pressure,
        avoid_regions=limits.avoid_regions,
        avoid_techniques=limits.avoid_techniques,
        positioning=limits.positioning,
        goals=_goals(intake, policy),
        home_care=home_care(intake, reading, screening, kb),
        review_triggers=tuple(policy.review_triggers),
        notes=tuple(notes),
        sources=tuple(
            dict.fromkeys(
                [
                    *schedule.sources,
                    *policy.session_minutes_sources,
                    *policy.pain_goal.sources,
                    *policy.active_care_sources,
                ]
            )
        ),
    )


def _schedule(chronicity: str | None, policy: m.PlanPolicy) -> m.Schedule:
    """The schedule for this stage of pain; an unknown duration gets the shorter subacute course."""
    wanted = chronicity or "subacute"
    return next(s for s in policy.schedules if s.chronicity == wanted)


def _goals(intake: Intake, policy: m.PlanPolicy) -> tuple[Goal, ...]:
    goals: list[Goal] = []
    pain = intake.pain
    goal = policy.pain_goal
    if pain is not None and pain.intensity:
        baseline = pain.intensity
        target = math.floor(
            max(baseline - goal.min_points, baseline * (100 - goal.min_percent) / 100)
        )
        goals.append(
            Goal(
                kind="pain",
                text=(
                    f"Pain from {baseline} down to {target} or less on the 0-10 scale "
                    f"(a fall of {goal.min_points} points or {goal.min_percent}%). {goal.why}"
                ),
                baseline=baseline,
                target=target,
                sources=tuple(goal.sources),
            )
        )
    wish = intake.preferences.goals.strip()
    text = f"Client's goal: {wish}. {policy.function_goal}" if wish else policy.function_goal
    goals.append(Goal("function", text, None, None, tuple(policy.function_goal_sources)))
    return tuple(goals)


def home_care(
    intake: Intake, reading: Reading, screening: Screening, kb: KnowledgeBase
) -> tuple[HomeCare, ...]:
    """Self-care that the screening allows, on the painful regions the client can reach safely."""
    avoid = set(screening.limits.avoid_regions)
    painful = set(intake.pain.regions) if intake.pain else set()
    facts = reading.facts
    chosen: list[HomeCare] = []
    for item in kb.self_care.values():
        regions = tuple(r for r in item.regions if r not in avoid) if avoid else tuple(item.regions)
        if item.regions and (not regions or (painful and painful.isdisjoint(regions))):
            continue
        exclude, cautions = kb.self_care_rules[item.id]
        if exclude is not None and exclude(facts):
            continue
        notes = [c.note for c, holds in zip(item.cautions, cautions, strict=True) if holds(facts)]
        chosen.append(HomeCare(item, regions, tuple(notes)))
    return tuple(chosen)
