"""The kinds of dashboard alert and where each comes from: one query for each kind over the
clinic's records (the outcome alerts from the progress rules, records/progress.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from backcare.records import merge, referrals, statements
from backcare.records.models import (
    AlertAcknowledgement,
    Assessment,
    Client,
    Intake,
    IntakeDraft,
    Plan,
    SessionNote,
    User,
)
from backcare.records.progress import needing_attention

STOP = ("postpone", "clearance", "refer", "emergency")


@dataclass
class Alert:
    """Something about a client that needs attention. ``situation`` names what raised it (an
    assessment, a plan, a session): an acknowledgement holds for that situation only."""

    client: Client
    kind: str
    text: str
    severity: str
    situation: str = ""
    acknowledged: AlertAcknowledgement | None = None
    draft_id: int | None = None


KINDS = {
    "stop": "Stop, refer or wait",
    "adverse": "Adverse events to re-screen",
    "draft": "Self-service answers waiting",
    "progress": "Progress says act",
    "behind": "Behind the expected course",
    "reassess": "Reassessments due",
    "measure": "Measures due",
    "referral": "Referrals running out",
}


ORDER = {
    "emergency": 0,
    "refer": 1,
    "adverse": 2,
    "clearance": 3,
    "answers": 4,
    "postpone": 5,
    "reassess": 6,
    "referral": 7,
    "progress": 8,
}


WAITING = {"clearance": "Waiting for the physician's clearance"}


def stop_alerts(user: User) -> list[Alert]:
    """Clients whose latest assessment says no massage (one query)."""
    newest = (
        Assessment.objects.filter(client=OuterRef("client"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = (
        Assessment.objects.filter(clinic=user.clinic, pk=Subquery(newest), decision__in=STOP)
        .defer("result")
        .annotate(summary=F("result__summary"))
        .select_related("client")
    )
    return [
        Alert(
            a.client,
            "stop",
            WAITING.get(a.decision, a.summary or ""),
            a.decision,
            situation=f"assessment {a.pk}",
        )
        for a in latest
    ]


def drafts_waiting(user: User) -> list[Alert]:
    """One alert for each self-service draft waiting to be merged (one query, compiled once:
    the dashboard reads it at every view)."""
    assert user.clinic_id is not None
    return [
        Alert(d.client, "draft", _draft_text(d), "answers", f"draft {d.pk}", draft_id=d.pk)
        for d in statements.fetch(_drafts_waiting, user.clinic_id)
    ]


def _drafts_waiting(clinic_id: int) -> QuerySet[IntakeDraft]:
    return merge.pending(clinic_id).defer("answers", "progress", "unsure", "accepted")


def _draft_text(waiting: IntakeDraft) -> str:
    sent = waiting.submitted_at
    text = f"Self-service answers sent {sent.day} {sent:%b}, waiting to be compared and merged"
    if waiting.preview_decision in STOP:
        text += f"; with them the decision would be {waiting.preview_decision}"
    return text


def adverse_events(user: User) -> list[Alert]:
    """Sessions with an adverse event and no intake recorded since (one query): re-screen."""
    newest_intake = (
        Intake.objects.filter(client=OuterRef("client"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    noted = (
        SessionNote.objects.filter(clinic=user.clinic)
        .exclude(adverse_events="")
        .annotate(rescreened=Subquery(newest_intake))
        .filter(Q(rescreened__isnull=True) | Q(rescreened__lt=F("created_at")))
        .select_related("client")
    )
    return [
        Alert(
            s.client,
            "adverse",
            f"Adverse event on {s.session_date:%-d %b %Y}: {s.adverse_events.strip()[:120]}. "
            "Re-screen (update the intake) before the next session.",
            "adverse",
            situation=f"session {s.pk}",
        )
        for s in noted
    ]


def reassessments_due(user: User) -> list[Alert]:
    """Active plans with as many sessions as the plan's reassessment point (one query)."""
    plans = (
        Plan.objects.filter(clinic=user.clinic, active=True)
        .defer("details")
        .annotate(done=Count("sessionnote"))
        .filter(done__gte=F("reassess_after_sessions"))
        .select_related("client")
    )
    return [
        Alert(
            p.client,
            "reassess",
            f"Reassessment due: {p.done} sessions since the plan began",
            "reassess",
            situation=f"plan {p.pk}",
        )
        for p in plans
    ]


def referrals_running_out(user: User, today: date) -> list[Alert]:
    """Each client's newest referral whose visits are used up or nearly, or that expires soon
    or has expired (thresholds: BACKCARE_REFERRAL_* in docs/configuration.md)."""
    return [
        Alert(
            s.referral.client,
            "referral",
            f"Referral from {s.referral.referrer}: {text}",
            "referral",
            situation=f"referral {s.referral.pk} {situation}",
        )
        for s in referrals.latest_in_clinic(user, today=today)
        for situation, text in s.warnings()
    ]


def from_progress(user: User, today: date) -> list[Alert]:
    return [
        Alert(a.client, a.kind, a.text, a.severity, situation=a.situation)
        for a in needing_attention(user=user, today=today)
    ]
