"""Reading a client's progress: each instrument's change from its first score to its latest,
judged against the instrument's important change, and the progress rule that decides what to
do (``progress.yaml``). Pure: the caller passes the scores, the plan's numbers and the flags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from backcare.knowledge import KnowledgeBase
from backcare.knowledge.outcome import Instrument

Verdict = Literal["improved", "worse", "unchanged", "little_room"]
_EPSILON = 1e-9


@dataclass(frozen=True)
class Change:
    """One instrument's course: ``improvement`` is positive when the client is better."""

    instrument: str
    baseline: float
    latest: float
    improvement: float
    percent: float | None
    verdict: Verdict


@dataclass(frozen=True)
class CourseFacts:
    """What the plan says and what happened besides the scores."""

    sessions: int
    reassess_after_sessions: int
    pain_goal: int | None = None
    new_warning_sign: bool = False
    adverse_event: bool = False


@dataclass(frozen=True)
class ClaimNote:
    text: str
    grade: str
    verdict: str


@dataclass(frozen=True)
class Progress:
    action: str
    action_text: str
    rule: str
    title: str
    why: str
    sources: tuple[str, ...]
    claims: tuple[ClaimNote, ...]
    changes: tuple[Change, ...]
    basis: str


def change(instrument: Instrument, baseline: float, latest: float) -> Change:
    """How far the client moved on one instrument, and whether it matters."""
    better = baseline - latest if instrument.lower_is_better else latest - baseline
    important = instrument.important_change
    percent = 100 * better / baseline if instrument.lower_is_better and baseline > 0 else None
    verdict: Verdict = "unchanged"
    if important is not None:
        room = abs(baseline - instrument.best)
        by_percent = important.percent is not None and percent is not None
        if -better + _EPSILON >= important.points:
            verdict = "worse"
        elif better + _EPSILON >= important.points or (
            by_percent and percent is not None and percent + _EPSILON >= (important.percent or 0)
        ):
            verdict = "improved"
        elif room + _EPSILON < important.points:
            verdict = "little_room"
    return Change(instrument.id, baseline, latest, round(better, 2), percent, verdict)


def changes(
    courses: Mapping[str, Sequence[tuple[date, float]]], kb: KnowledgeBase
) -> tuple[Change, ...]:
    """The change of every instrument with a first and a later score (oldest first given)."""
    found = []
    for instrument_id, points in courses.items():
        instrument = kb.instruments[instrument_id]
        if len(points) >= 2 and instrument.important_change is not None:
            found.append(change(instrument, points[0][1], points[-1][1]))
    return tuple(found)


def facts(
    moved: Sequence[Change], course: CourseFacts, latest_pain: float | None
) -> dict[str, bool | int]:
    """The facts the progress rules read (``PROGRESS_FACTS``)."""
    worse = any(c.verdict == "worse" for c in moved)
    return {
        "new_warning_sign": course.new_warning_sign,
        "adverse_event": course.adverse_event,
        "worse": worse,
        "responder": not worse and any(c.verdict == "improved" for c in moved),
        "at_floor": bool(moved) and not worse and all(c.verdict == "little_room" for c in moved),
        "goal_met": course.pain_goal is not None
        and latest_pain is not None
        and latest_pain <= course.pain_goal,
        "reviewed": course.sessions >= course.reassess_after_sessions,
        "sessions": course.sessions,
        "measured": len(moved),
    }


def progress(
    courses: Mapping[str, Sequence[tuple[date, float]]],
    course: CourseFacts,
    kb: KnowledgeBase,
) -> Progress:
    """What the client's course says to do, from the first progress rule that holds.

    ``courses`` maps instrument ids to their scores oldest first; the pain course is ``nprs``.
    """
    moved = changes(courses, kb)
    pain = courses.get("nprs") or ()
    found = facts(moved, course, pain[-1][1] if pain else None)
    compiled = next(c for c in kb.progress_rules if c.holds(found))
    rule = compiled.rule
    claims = tuple(
        ClaimNote(kb.claims[c].text, kb.claims[c].grade, kb.claims[c].verdict) for c in rule.claims
    )
    return Progress(
        action=rule.action,
        action_text=kb.progress.actions[rule.action],
        rule=rule.id,
        title=rule.title,
        why=rule.why,
        sources=tuple(rule.sources),
        claims=claims,
        changes=moved,
        basis=rule.basis,
    )
