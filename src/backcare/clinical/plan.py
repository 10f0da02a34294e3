"""The course of treatment, when massage may go ahead: modality, dose, limits, goals, home
care filtered by the screening, and when to stop and refer. Schedules come from the
knowledge base's plan policy, with the sources behind them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from backcare.clinical.facts import Reading
from backcare.clinical.home_care import HomeCare, LeftOut, select
from backcare.clinical.intake import Intake, Pain
from backcare.clinical.kept import Kept
from backcare.clinical.once import per_knowledge
from backcare.clinical.recommendation import Recommendation
from backcare.clinical.requests import overruled
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
class Frequency:
    """How often sessions are planned, in the unit they were planned in."""

    sessions: float
    per: str  # "week" or "month"

    @property
    def text(self) -> str:
        if self.sessions < 1 and self.per == "week":
            return f"1 every {1 / self.sessions:g} weeks"
        return f"{self.sessions:g} a {self.per}"


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
    home_care_left_out: tuple[LeftOut, ...]
    frequency: Frequency


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
    policy, limits, kept = kb.plan, screening.limits, per_knowledge(kb, _policy)
    modality = kb.modalities[ranked[0].modality]
    schedule = kept.schedules[_stage(reading.chronicity if intake.pain else "none")]
    notes: list[str] = [*overruled(intake, screening, modality, kb), policy.active_care_note]
    if schedule.basis == "inference":
        notes.append(f"Schedule: {schedule.why}")

    minutes = intake.preferences.session_minutes or policy.session_minutes
    if limits.max_session_minutes is not None:
        minutes = min(minutes, limits.max_session_minutes)
    if minutes < policy.session_minutes:
        notes.append(policy.short_session_note)

    per_week = schedule.sessions_per_week
    frequency = kept.weekly[schedule.chronicity]
    wanted = intake.preferences.sessions_per_month
    if wanted is not None and wanted / _WEEKS_PER_MONTH < per_week:
        per_week = round(wanted / _WEEKS_PER_MONTH, 2)
        frequency = Frequency(wanted, "month")
        notes.append(policy.frequency_preference_note)

    max_pressure = kb.gentlest(modality.pressure.max, limits.max_pressure)
    pain, wish = intake.pain, intake.preferences.goals.strip()
    home = select(intake, reading, screening, kb)

    return Plan(
        modality=modality.id,
        alternatives=tuple([r.modality for r in ranked[1:3]]),
        session_minutes=minutes,
        sessions_per_week=per_week,
        total_sessions=schedule.total_sessions,
        reassess_after_sessions=schedule.reassess_after_sessions,
        max_pressure=max_pressure,
        avoid_regions=limits.avoid_regions,
        avoid_techniques=limits.avoid_techniques,
        positioning=limits.positioning,
        goals=_GOALS.get(
            kb, (pain.intensity if pain else None, wish), lambda: _goals(pain, wish, policy)
        ),
        home_care=home.chosen,
        review_triggers=kept.triggers,
        notes=tuple(notes),
        sources=kept.sources[schedule.chronicity],
        home_care_left_out=home.left_out,
        frequency=frequency,
    )


def _stage(chronicity: str | None) -> str:
    """The stage of pain a schedule is chosen by: an unknown duration gets the shorter subacute
    course."""
    return chronicity or "subacute"


_GOALS: Kept[tuple[Goal, ...]] = Kept(size=1024)


@dataclass(frozen=True, slots=True)
class _Policy:
    """What a plan takes from the plan policy alone, worked out once per knowledge base."""

    schedules: dict[str, m.Schedule]  # the first schedule of each stage of pain
    weekly: dict[str, Frequency]  # the sessions a week each stage's schedule plans
    sources: dict[str, tuple[str, ...]]  # the sources behind the plan, for each stage
    triggers: tuple[m.ReviewTrigger, ...]


def _policy(kb: KnowledgeBase) -> _Policy:
    schedules = reversed(kb.plan.schedules)  # the first of a stage is the one used
    first: dict[str, m.Schedule] = {s.chronicity: s for s in schedules}
    weekly = {stage: Frequency(s.sessions_per_week, "week") for stage, s in first.items()}
    return _Policy(first, weekly, _sources(kb.plan), tuple(kb.plan.review_triggers))


def _sources(policy: m.PlanPolicy) -> dict[str, tuple[str, ...]]:
    """The sources behind the plan, for each schedule."""
    return {
        schedule.chronicity: tuple(
            dict.fromkeys(
                [
                    *schedule.sources,
                    *policy.session_minutes_sources,
                    *policy.pain_goal.sources,
                    *policy.active_care_sources,
                ]
            )
        )
        for schedule in reversed(policy.schedules)  # the first of a stage is the one used
    }


def _goals(pain: Pain | None, wish: str, policy: m.PlanPolicy) -> tuple[Goal, ...]:
    """The goals: the pain's from its intensity, the function goal with the client's wish."""
    goals: list[Goal] = []
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
    text = f"Client's goal: {wish}. {policy.function_goal}" if wish else policy.function_goal
    goals.append(Goal("function", text, None, None, tuple(policy.function_goal_sources)))
    return tuple(goals)
