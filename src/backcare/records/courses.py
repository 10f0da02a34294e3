"""The clinic's courses of treatment, one row a plan, read in a few queries: who the client was
(stage of pain, pain band, STarT Back group), how pain moved from the plan's intake to the last
session, and whether the course was completed, dropped or is still going. The expected course
of a client and the clinic outcomes page both read these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from backcare.clinical.course import Similar, pain_band, percent_fall
from backcare.clinical.progress import change
from backcare.knowledge import KnowledgeBase
from backcare.records import kept
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


def courses(
    *, clinic: Clinic, today: date, kb: KnowledgeBase, completed_only: bool = False
) -> list[Course]:
    """Every course of the clinic with at least one session (one query, and one for STarT Back:
    the counts and first and last pain ratings are worked out by the database); only the
    completed ones (every planned session done) with ``completed_only``."""
    rated = SessionNote.objects.filter(plan=OuterRef("pk"), pain_before__isnull=False)
    first = rated.order_by("session_date", "pk").values("pain_before")[:1]
    last = rated.order_by("-session_date", "-pk").values("pain_before")[:1]
    rows = (
        Plan.objects.filter(clinic=clinic)
        .annotate(
            done=Count("sessionnote"),
            last_day=Max("sessionnote__session_date"),
            ratings=Count("sessionnote", filter=Q(sessionnote__pain_before__isnull=False)),
            first_pain=Subquery(first),
            last_pain=Subquery(last),
        )
        .filter(done__gt=0)
        .filter(**({"done__gte": F("total_sessions")} if completed_only else {}))
        .values_list(
            "pk",
            "client_id",
            "modality",
            "total_sessions",
            "assessment__result__chronicity",
            "assessment__intake__data__pain__intensity",
            "done",
            "last_day",
            "ratings",
            "first_pain",
            "last_pain",
        )
    )
    groups = start_back_groups(clinic)
    stale = today - timedelta(days=kb.progress.dropout_after_days)
    found = []
    for (
        plan_id,
        client_id,
        modality,
        total,
        chronicity,
        start,
        done,
        last_day,
        ratings,
        *pain,
    ) in rows:
        first_pain, last_pain = pain
        baseline = start if start is not None else first_pain
        status = "completed" if done >= total else "ongoing"
        if status == "ongoing" and last_day < stale:
            status = "dropped"
        enough = ratings > 0 and (start is not None or ratings > 1)
        similar = Similar(chronicity, pain_band(baseline, kb), groups.get(client_id))
        found.append(
            Course(
                plan_id,
                client_id,
                modality,
                similar,
                done,
                total,
                baseline,
                last_pain if enough else None,
                status,
            )
        )
    return found


def kept_courses(
    *, clinic: Clinic, today: date, kb: KnowledgeBase, completed_only: bool = False
) -> list[Course]:
    """``courses``, kept between page views until something is saved in the clinic."""
    return kept.until_saved(
        f"courses {'completed' if completed_only else 'all'}",
        clinic,
        today,
        lambda: courses(clinic=clinic, today=today, kb=kb, completed_only=completed_only),
        depends_on=(kb.version,),
    )


def start_back_groups(clinic: Clinic) -> dict[int, str]:
    """Each client's first STarT Back risk group (the baseline one)."""
    first: dict[int, str] = {}
    for client_id, group in (
        Measure.objects.filter(
            clinic=clinic,
            instrument="start_back",
            score__isnull=False,
            corrected_by__isnull=True,
        )
        .order_by("measured_on", "pk")
        .values_list("client_id", "result__group")
    ):
        first.setdefault(client_id, group)
    return first
