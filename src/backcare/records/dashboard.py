"""The dashboard: today's and recent clients, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Subquery

from backcare.records import audit, merge
from backcare.records.models import Assessment, Client, IntakeDraft, Plan, SessionNote, User

STOP = ("postpone", "clearance", "refer", "emergency")


@dataclass
class Alert:
    client: Client
    kind: str
    text: str
    severity: str
    draft_id: int | None = None


@dataclass
class Dashboard:
    today_sessions: list[SessionNote] = field(default_factory=list)
    recent_clients: list[Client] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


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
    board.alerts = [*_stop_alerts(user), *_drafts_waiting(user), *_reassessments_due(user)]
    order = {"emergency": 0, "refer": 1, "clearance": 2, "answers": 3, "postpone": 4, "reassess": 5}
    board.alerts.sort(key=lambda alert: order.get(alert.severity, 9))
    shown = {c.pk for c in board.recent_clients} | {a.client.pk for a in board.alerts}
    shown |= {s.client_id for s in board.today_sessions}
    audit.record(user=user, action="dashboard.view", detail={"clients": sorted(shown)})
    return board


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
        Alert(a.client, "stop", WAITING.get(a.decision, a.result["summary"]), a.decision)
        for a in latest
    ]


def _drafts_waiting(user: User) -> list[Alert]:
    """One alert for each self-service draft waiting to be merged (one query)."""
    return [
        Alert(d.client, "draft", _draft_text(d), "answers", d.pk) for d in merge.pending(user=user)
    ]


def _draft_text(waiting: IntakeDraft) -> str:
    sent = waiting.submitted_at
    text = f"Self-service answers sent {sent.day} {sent:%b}, waiting to be compared and merged"
    if waiting.preview_decision in STOP:
        text += f"; with them the decision would be {waiting.preview_decision}"
    return text


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
        )
        for p in plans
        if p.done >= p.reassess_after_sessions
    ]
