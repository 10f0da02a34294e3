"""The expected course of a client's pain, in the open: the typical fall among the clinic's own
finished courses of similar clients (median, quartiles and how many), or, with too few of
them, the published course of massage trials (``progress.yaml`` expected_course).

Falls are percentages of the starting pain, so clients who start at different scores within
one pain band can be pooled. Pure: the caller gathers the similar courses.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backcare.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Similar:
    """Who counts as similar: the same stage of pain, pain band and STarT Back group."""

    chronicity: str | None
    pain_band: str | None
    start_back: str | None


@dataclass(frozen=True)
class Expected:
    basis: Literal["clinic", "published"]
    median: float
    low: float
    high: float
    clients: int
    sessions: int
    says: str
    sources: tuple[str, ...]

    def score_at(self, baseline: float, session: int) -> float:
        """The pain expected after ``session`` sessions, the fall spread evenly over the course."""
        share = min(1.0, session / self.sessions)
        return round(baseline * (1 - self.median / 100 * share), 1)


def pain_band(pain: float | None, kb: KnowledgeBase) -> str | None:
    if pain is None:
        return None
    return next(b.id for b in kb.progress.expected_course.pain_bands if pain <= b.max)


def percent_fall(baseline: float, latest: float) -> float | None:
    """How far pain fell, as a percentage of where it started (None from no pain)."""
    return 100 * (baseline - latest) / baseline if baseline > 0 else None


def expected(falls: Sequence[float], sessions: int, kb: KnowledgeBase) -> Expected:
    """The typical fall from the clinic's similar finished courses (``falls``, percent), over a
    course of ``sessions``; the published course when there are too few of them."""
    course = kb.progress.expected_course
    if len(falls) >= course.min_clients:
        q1, q2, q3 = statistics.quantiles(falls, n=4, method="inclusive")
        return Expected(
            "clinic",
            round(q2, 1),
            round(q1, 1),
            round(q3, 1),
            len(falls),
            sessions,
            f"The median fall among {len(falls)} similar clients of this clinic who finished "
            f"their course (middle half: {q1:.0f} to {q3:.0f} percent).",
            (),
        )
    published = course.published
    return Expected(
        "published",
        published.change_percent,
        published.change_percent,
        published.change_percent,
        0,
        published.sessions,
        f"{course.min_clients_why} {published.says}",
        tuple(published.sources),
    )


def well_below(
    expected_course: Expected,
    baseline: float,
    latest: float,
    session: int,
    planned: int,
    kb: KnowledgeBase,
) -> bool:
    """Whether the course is falling well short of expected while there is time to change it."""
    course = kb.progress.expected_course
    if not course.flag_from_session <= session < planned:
        return False
    fall = percent_fall(baseline, latest)
    due = expected_course.median * min(1.0, session / expected_course.sessions)
    return fall is not None and due > 0 and fall < course.well_below * due
