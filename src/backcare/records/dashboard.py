"""The dashboard: today's and recent clients, and what needs attention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Max, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from backcare import config
from backcare.errors import NotFound
from backcare.knowledge import load_knowledge
from backcare.records import alert_kinds, audit, kept, statements
from backcare.records.alert_kinds import KINDS, ORDER, Alert
from backcare.records.models import AlertAcknowledgement, Client, Referral, SessionNote, User

SHOWN_PER_KIND = 5  # alerts of one kind on the dashboard; the rest are a link away
PAGE_SIZE = 50  # alerts on a page of one kind
RECENT_DAYS, RECENT_SHOWN = 14, 12
TODAY_SHOWN = 30  # of today's sessions; more are counted


@dataclass
class Group:
    """The alerts of one kind: how many there are and the most urgent few to show."""

    kind: str
    title: str
    count: int
    shown: list[Alert]


@dataclass(frozen=True)
class Sources:
    """What a dashboard or a page of alerts is worked out from, and nothing else: the part
    kept between views (the same object until something is saved: records/kept.py) and what
    is read at every view."""

    kept: object
    read: tuple[object, ...]


@dataclass
class Dashboard:
    today_sessions: list[SessionNote] = field(default_factory=list)
    today_count: int = 0
    recent_clients: list[Client] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    acknowledged: list[Alert] = field(default_factory=list)
    acknowledged_count: int = 0
    sources: Sources | None = None

    @property
    def alerts(self) -> list[Alert]:
        """The alerts shown, most urgent kind first."""
        return [a for g in self.groups for a in g.shown]


def dashboard(*, user: User, today: date) -> Dashboard:
    """Today's sessions, the clients seen lately and the most urgent alerts of each kind with
    the count of each; the audit log names the clients shown, and only those."""
    kept_board = _kept(user, today)
    board = Dashboard(
        today_sessions=list(kept_board.today_sessions),
        today_count=kept_board.today_count,
        recent_clients=list(kept_board.recent_clients),
    )
    listed = _listed(user, kept_board)
    board.sources = Sources(kept_board, listed.read)
    board.groups = [
        Group(kind, KINDS[kind], count, first)
        for kind in KINDS
        if (count := listed.waiting_count(kind)) and (first := listed.waiting(kind, SHOWN_PER_KIND))
    ]
    done = listed.acknowledged()
    board.acknowledged_count = len(done)
    board.acknowledged = sorted(done, key=_acknowledged_at, reverse=True)[:SHOWN_PER_KIND]
    shown = {c.pk for c in board.recent_clients} | {a.client.pk for a in board.alerts}
    shown |= {a.client.pk for a in board.acknowledged}
    shown |= {s.client_id for s in board.today_sessions}
    audit.record(user=user, action="dashboard.view", detail={"clients": sorted(shown)})
    return board


def _acknowledged_at(alert: Alert) -> datetime:
    assert alert.acknowledged is not None
    return alert.acknowledged.acknowledged_at


@dataclass
class KindPage:
    kind: str
    title: str
    page: Page[Alert]
    sources: Sources


def alerts_of_kind(*, user: User, kind: str, page: int, today: date) -> KindPage:
    """One page of the alerts of one kind waiting for acknowledgement, most urgent first; the
    audit log names the clients on that page. NotFound for a kind that does not exist."""
    if kind not in KINDS:
        raise NotFound(f"no alerts of kind {kind!r}; the kinds are {', '.join(KINDS)}")
    kept_board = _kept(user, today)
    listed = _listed(user, kept_board)
    shown = Paginator(listed.waiting(kind), PAGE_SIZE).get_page(page)
    audit.record(
        user=user,
        action="alerts.view",
        target=f"{kind} page {shown.number}",
        detail={"clients": sorted({a.client.pk for a in shown})},
    )
    sources = Sources(kept_board, (*listed.read, kind, shown.number))
    return KindPage(kind, KINDS[kind], shown, sources)


def current_alerts(user: User, *, today: date | None = None) -> list[Alert]:
    """Every alert of the user's clinic, most urgent first, each with its acknowledgement."""
    day = today or timezone.localdate()
    listed = _listed(user, _kept(user, day))
    every = [listed.with_acknowledgement(a) for kind in KINDS for a in listed.of_kind(kind)]
    return sorted(every, key=_urgency)


AlertKey = tuple[int, str, str]  # client, kind, situation: what an acknowledgement holds for


def _key(alert: Alert) -> AlertKey:
    return (alert.client.pk, alert.kind, alert.situation)


def _urgency(alert: Alert) -> int:
    return ORDER.get(alert.severity, 9)


@dataclass(frozen=True)
class _ByKind:
    """Alerts by kind, each kind most urgent first, and the alerts of each key. Shared by
    every view while it is kept: never changed."""

    alerts: dict[str, list[Alert]]
    index: dict[AlertKey, list[Alert]]

    @classmethod
    def of(cls, alerts: list[Alert]) -> _ByKind:
        by_kind: dict[str, list[Alert]] = {}
        index: dict[AlertKey, list[Alert]] = {}
        for alert in sorted(alerts, key=_urgency):
            by_kind.setdefault(alert.kind, []).append(alert)
            index.setdefault(_key(alert), []).append(alert)
        return cls(by_kind, index)


@dataclass(frozen=True)
class _Listed:
    """The clinic's alerts at one view with their acknowledgements: what is waiting of each
    kind and what was acknowledged, found without going through every alert of a large clinic
    (the acknowledgements are few beside them)."""

    parts: tuple[_ByKind, ...]
    seen: dict[AlertKey, AlertAcknowledgement]  # the acknowledgements of current alerts

    @property
    def read(self) -> tuple[object, ...]:
        """What was read at this view, beside the kept alerts: the drafts and the
        acknowledgements."""
        return (self.parts[1].alerts, self.seen)

    def of_kind(self, kind: str) -> list[Alert]:
        """Every alert of the kind, most urgent first (each kind comes from one part)."""
        return next((part.alerts[kind] for part in self.parts if kind in part.alerts), [])

    def waiting(self, kind: str, at_most: int | None = None) -> list[Alert]:
        """The kind's alerts not acknowledged, most urgent first (the first ``at_most``)."""
        every = self.of_kind(kind)
        if not any(key[1] == kind for key in self.seen):
            return every[:at_most]
        return list(islice((a for a in every if _key(a) not in self.seen), at_most))

    def waiting_count(self, kind: str) -> int:
        every = sum(len(part.alerts.get(kind, ())) for part in self.parts)
        return every - sum(len(a) for a in self._acknowledged() if a[0].kind == kind)

    def acknowledged(self) -> list[Alert]:
        return [self.with_acknowledgement(a) for same in self._acknowledged() for a in same]

    def _acknowledged(self) -> Iterator[list[Alert]]:
        return (part.index[key] for key in self.seen for part in self.parts if key in part.index)

    def with_acknowledgement(self, alert: Alert) -> Alert:
        """A kept alert is shared: an acknowledged one is a copy."""
        ack = self.seen.get(_key(alert))
        return alert if ack is None else replace(alert, acknowledged=ack)


def _listed(user: User, kept_board: _KeptBoard) -> _Listed:
    """The kept alerts and the drafts waiting, read at every view, with the acknowledgements,
    always read afresh."""
    assert user.clinic_id is not None
    parts = (kept_board.alerts, _ByKind.of(alert_kinds.drafts_waiting(user)))
    seen = {
        key: a
        for a in statements.fetch(_acknowledgements, user.clinic_id)
        if any((key := (a.client_id, a.kind, a.situation)) in part.index for part in parts)
    }
    return _Listed(parts, seen)


def _acknowledgements(clinic_id: int) -> QuerySet[AlertAcknowledgement]:
    found = AlertAcknowledgement.objects.filter(clinic_id=clinic_id)
    return found.select_related("acknowledged_by").order_by("acknowledged_at", "pk")


@dataclass(frozen=True)
class _KeptBoard:
    """What the dashboard shows that is worked out from records changed only through audited
    saves, kept between views until something is saved in the clinic (records/kept.py)."""

    today_sessions: list[SessionNote]
    today_count: int
    recent_clients: list[Client]
    alerts: _ByKind  # every kind but the drafts waiting


def _kept(user: User, today: date) -> _KeptBoard:
    """The kept part of the dashboard: worked out again after a save in the clinic, on another
    day, with another knowledge base, and when a referral's figures or the referral thresholds
    differ from the last view's (so a referral corrected by hand shows at once)."""
    assert user.clinic is not None
    return kept.until_saved(
        "dashboard",
        user.clinic,
        today,
        lambda: _work_out(user, today),
        depends_on=(
            load_knowledge().version,
            config.referral_visits_warning(),
            config.referral_expiry_warning_days(),
            *statements.fetch(_referral_figures, user.clinic.pk),
        ),
    )


def _referral_figures(clinic_id: int) -> QuerySet[Referral, Any]:
    """Every referral's figures, compared with the last view's and never shown: the dates as
    the database holds them, not read as dates (a large clinic has thousands)."""
    dates = [Cast(name, CharField()) for name in ("referred_on", "expires_on")]
    figures = Referral.objects.filter(clinic_id=clinic_id).order_by("pk")
    return figures.values_list("pk", "client_id", "visits_authorised", "referrer", *dates)


def _work_out(user: User, today: date) -> _KeptBoard:
    clinic = user.clinic
    on_the_day = SessionNote.objects.filter(clinic=clinic, session_date=today)
    today_sessions = list(
        on_the_day.select_related("client")
        .only("client", "minutes", "pain_before", "pain_after", "session_date")
        .order_by("-pk")[:TODAY_SHOWN]
    )
    recent = (
        SessionNote.objects.filter(
            clinic=clinic, session_date__gte=today - timedelta(days=RECENT_DAYS)
        )
        .values("client_id")
        .annotate(last_day=Max("session_date"), last_pk=Max("pk"))
        .order_by("-last_day", "-last_pk")[:RECENT_SHOWN]
    )
    order = [row["client_id"] for row in recent]
    found = Client.objects.filter(clinic=clinic, pk__in=order).in_bulk()
    alerts = [
        *alert_kinds.stop_alerts(user),
        *alert_kinds.adverse_events(user),
        *alert_kinds.reassessments_due(user),
        *alert_kinds.referrals_running_out(user, today),
        *alert_kinds.from_progress(user, today),
    ]
    return _KeptBoard(
        today_sessions, on_the_day.count(), [found[pk] for pk in order], _ByKind.of(alerts)
    )
