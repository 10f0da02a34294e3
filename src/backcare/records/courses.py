"""The clinic's courses of treatment, one row a plan, read in a few queries: who the client was
(stage of pain, pain band, STarT Back group), how pain moved from the plan's intake to the last
session, and whether the course was completed, dropped or is still going. The expected course
of a client and the clinic outcomes page both read these rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from backcare.clinical.course import Similar, pain_band, percent_fall
from backcare.clinical.progress import change
from backcare.knowledge import KnowledgeBase
from backcare.records.models import Clinic, Measure, Plan, SessionNote


@dataclass(frozen=True)
class Course:
    plan_id: int
    client_id: int
    modality: str
    similar: Similar
    sessions: int
    total_sessions: int
    baseline: float | None
    latest: float | None
    status: str  # completed, dropped, ongoing

    @property
    def fall(self) -> float | None:
        """How far pain fell, in percent of the start (None without two pain ratings)."""
        if self.baseline is None or self.latest is None:
            return None
        return percent_fall(self.baseline, self.latest)

    def responder(self, kb: KnowledgeBase) -> bool | None:
        """Whether pain fell by the important change (None without two pain ratings)."""
        if self.baseline is None or self.latest is None:
            return None
        return change(kb.instruments["nprs"], self.baseline, self.latest).verdict == "improved"


def courses(*, clinic: Clinic, today: date, kb: KnowledgeBase) -> list[Course]:
    """Every course of the clinic with at least one session."""
    pain: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    for plan_id, day, before in (
        SessionNote.objects.filter(clinic=clinic, plan__isnull=False)
        .order_by("plan_id", "session_date", "pk")
        .values_list("plan_id", "session_date", "pain_before")
    ):
        pain[plan_id].append((day, before))
    groups = start_back_groups(clinic)
    stale = today - timedelta(days=kb.progress.dropout_after_days)
    found = []
    for plan_id, client_id, modality, total, chronicity, start in Plan.objects.filter(
        clinic=clinic, pk__in=pain.keys()
    ).values_list(
        "pk",
        "client_id",
        "modality",
        "total_sessions",
        "assessment__result__chronicity",
        "assessment__intake__data__pain__intensity",
    ):
        held = pain[plan_id]
        rated = [p for _, p in held if p is not None]
        baseline = start if start is not None else (rated[0] if rated else None)
        status = "completed" if len(held) >= total else "ongoing"
        if status == "ongoing" and held[-1][0] < stale:
            status = "dropped"
        similar = Similar(chronicity, pain_band(baseline, kb), groups.get(client_id))
        latest = rated[-1] if rated and (start is not None or len(rated) > 1) else None
        found.append(
            Course(
                plan_id, client_id, modality, similar, len(held), total, baseline, latest, status
            )
        )
    return found


def start_back_groups(clinic: Clinic) -> dict[int, str]:
    """Each client's first STarT Back risk group (the baseline one)."""
    first: dict[int, str] = {}
    for client_id, group in (
        Measure.objects.filter(clinic=clinic, instrument="start_back", score__isnull=False)
        .order_by("measured_on", "pk")
        .values_list("client_id", "result__group")
    ):
        first.setdefault(client_id, group)
    return first
