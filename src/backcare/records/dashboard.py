"""The dashboard: today's and recent clients, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from backcare.records import audit, merge
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
from backcare.records.progress import Attention, needing_attention

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


@dataclass
class Dashboard:
    today_sessions: list[SessionNote] = field(default_factory=list)
    recent_clients: list[Client] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    acknowledged: list[Alert] = field(default_factory=list)


def dashboard(*, user: User, today: date) -> Dashboard:
    clinic = user.clinic
    board = Dashboard()
    board.today_sessions = list(
        SessionNote.objects.filter(clinic=clinic, session_date=today).select_related("client")
    )
    recent = SessionNote.objects.filter(clinic=clinic, session_date__gte=today - timedelta(days=14))
    seen: dict[int, Client] = {}
    for session in recent.select_related("client").order_by("-session_date", "-pk"):
        seen.setdefault(session.client_id, session.client)
    board.recent_clients = list(seen.values())[:12]
    every = current_alerts(user)
    board.alerts = [a for a in every if a.acknowledged is None]
    board.acknowledged = [a for a in every if a.acknowledged is not None]
    shown = {c.pk for c in board.recent_clients} | {a.client.pk for a in every}
    shown |= {s.client_id for s in board.today_sessions}
    audit.record(user=user, action="dashboard.view", detail={"clients": sorted(shown)})
    return board


ORDER = {
    "emergency": 0,
    "refer": 1,
    "adverse": 2,
    "clearance": 3,
    "answers": 4,
    "postpone": 5,
    "reassess": 6,
    "progress": 7,
}


def current_alerts(user: User) -> list[Alert]:
    """Every alert of the user's clinic, most urgent first, each with its acknowledgement."""
    alerts = [
        *_stop_alerts(user),
        *_drafts_waiting(user),
        *_adverse_events(user),
        *_reassessments_due(user),
        *(_from_progress(a) for a in needing_attention(user=user, today=timezone.localdate())),
    ]
    seen = {
        (a.client_id, a.kind, a.situation): a
        for a in AlertAcknowledgement.objects.filter(clinic=user.clinic)
        .select_related("acknowledged_by")
        .order_by("acknowledged_at", "pk")
    }
    for alert in alerts:
        alert.acknowledged = seen.get((alert.client.pk, alert.kind, alert.situation))
    alerts.sort(key=lambda alert: ORDER.get(alert.severity, 9))
    return alerts


WAITING = {"clearance": "Waiting for the physician's clearance"}


def _stop_alerts(user: User) -> list[Alert]:
    """Clients whose latest assessment says no massage (one query)."""
    newest = (
        Assessment.objects.filter(client=OuterRef("client"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = Assessment.objects.filter(
        clinic=user.clinic, pk=Subquery(newest), decision__in=STOP
    ).select_related("client")
    return [
        Alert(
            a.client,
            "stop",
            WAITING.get(a.decision, a.result["summary"]),
            a.decision,
            situation=f"assessment {a.pk}",
        )
        for a in latest
    ]


def _drafts_waiting(user: User) -> list[Alert]:
    """One alert for each self-service draft waiting to be merged (one query)."""
    return [
        Alert(d.client, "draft", _draft_text(d), "answers", f"draft {d.pk}", draft_id=d.pk)
        for d in merge.pending(user=user)
    ]


def _draft_text(waiting: IntakeDraft) -> str:
    sent = waiting.submitted_at
    text = f"Self-service answers sent {sent.day} {sent:%b}, waiting to be compared and merged"
    if waiting.preview_decision in STOP:
        text += f"; with them the decision would be {waiting.preview_decision}"
    return text


def _adverse_events(user: User) -> list[Alert]:
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


def _reassessments_due(user: User) -> list[Alert]:
    """Active plans with as many sessions as the plan's reassessment point (one query)."""
    plans = (
        Plan.objects.filter(clinic=user.clinic, active=True)
        .annotate(done=Count("sessionnote"))
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
        if p.done >= p.reassess_after_sessions
    ]


def _from_progress(found: Attention) -> Alert:
    return Alert(found.client, found.kind, found.text, found.severity, situation=found.situation)
