"""The dashboard: today's and recent clients, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from backcare.records import audit
from backcare.records.models import Assessment, Client, SessionNote, User

STOP = ("postpone", "clearance", "refer", "emergency")


@dataclass
class Alert:
    client: Client
    kind: str
    text: str
    severity: str


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
    for assessment in _latest_assessments(user):
        board.alerts.extend(_alerts_for(assessment))
    order = {"emergency": 0, "refer": 1, "clearance": 2, "postpone": 3, "reassess": 4}
    board.alerts.sort(key=lambda alert: order.get(alert.severity, 9))
    shown = {c.pk for c in board.recent_clients} | {a.client.pk for a in board.alerts}
    shown |= {s.client_id for s in board.today_sessions}
    audit.record(user=user, action="dashboard.view", detail={"clients": sorted(shown)})
    return board


def _latest_assessments(user: User) -> list[Assessment]:
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(clinic=user.clinic)
        .select_related("client")
        .order_by("-created_at", "-pk")
    ):
        latest.setdefault(assessment.client_id, assessment)
    return list(latest.values())


def _alerts_for(assessment: Assessment) -> list[Alert]:
    client, decision = assessment.client, assessment.decision
    alerts: list[Alert] = []
    if decision == "clearance":
        if not client.clearances.filter(created_at__gte=assessment.created_at).exists():
            alerts.append(
                Alert(client, "clearance", "Waiting for the physician's clearance", decision)
            )
    elif decision in STOP:
        alerts.append(Alert(client, "stop", assessment.result["summary"], decision))
    plan = client.plans.filter(active=True, assessment=assessment).first()
    if plan is not None:
        done = client.sessions.filter(plan=plan).count()
        if done >= plan.reassess_after_sessions:
            alerts.append(
                Alert(
                    client,
                    "reassess",
                    f"Reassessment due: {done} sessions since the plan began",
                    "reassess",
                )
            )
    return alerts
