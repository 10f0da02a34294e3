"""The audit log: every view or change of a client's record, with who and when, each event
chained to the one before it in the clinic's trail (records/chain.py), written before the
view or change is answered."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from backcare.errors import NotAllowed
from backcare.records import chain, saving
from backcare.records.group_commit import GroupCommit
from backcare.records.models import AuditEvent, Client, Clinic, User


def record(
    *,
    user: User | None,
    action: str,
    client: Client | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    clinic: Clinic | None = None,
) -> AuditEvent:
    """Write one event at the head of its clinic's chain; return once it is committed.
    Its clinic is the client's, else ``clinic`` (an event with no user, such as a command run
    on the server), else the user's.

    Inside a transaction (a save, which must keep its event with its change), the event is
    written in that transaction. Outside one (a page view, an API call), it joins the events
    other threads are writing at the same moment, in one transaction (records/group_commit.py).
    """
    clinic_id: int | None = None
    if client is not None:
        clinic_id = client.clinic_id
    elif clinic is not None:
        clinic_id = clinic.pk
    elif user is not None:
        clinic_id = user.clinic_id
    event = AuditEvent(
        clinic_id=clinic_id,  # the key alone: the clinic's record need not be read for it
        user=user,
        actor=user.username if user else "",
        client=client,
        action=action,
        target=target,
        detail=detail or {},
        at=timezone.now(),
    )
    if connection.in_atomic_block:
        return _write([event])[0]
    return _together.write(event)


def _write(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Chain the events, in order, at the heads of their clinics' chains and insert them, in
    one transaction (a savepoint of the caller's, when there is one)."""
    with transaction.atomic():
        saving.lock_audit_chains(
            [(event.clinic_id, event.user_id, event.client_id) for event in events]
        )
        heads: dict[int | None, tuple[int, str]] = {}
        for event in events:
            if event.clinic_id not in heads:
                heads[event.clinic_id] = _head(event.clinic_id)
            seq, prev_hash = heads[event.clinic_id]
            event.pk, event.seq, event.prev_hash = None, seq + 1, prev_hash
            event.hash = chain.digest(
                seq=event.seq,
                prev_hash=prev_hash,
                at=event.at,
                user=event.actor,
                action=event.action,
                target=event.target,
                detail=event.detail,
            )
            heads[event.clinic_id] = (event.seq, event.hash)
        _insert(events)
    return list(events)


# Every audited request writes here, so both statements are written out once, from the model,
# rather than built by the ORM at every call (which took most of the time of a write).
_TABLE = AuditEvent._meta.db_table
_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


def _head(clinic_id: int | None) -> tuple[int, str]:
    """The number and hash of the clinic's newest event (0 and the genesis hash: none yet)."""
    quote = connection.ops.quote_name
    where = "clinic_id = %s" if clinic_id is not None else "clinic_id IS NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {quote('hash')} FROM {quote(_TABLE)} WHERE {where} "
            "ORDER BY seq DESC LIMIT 1",
            [clinic_id] if clinic_id is not None else [],
        )
        head = cursor.fetchone()
    return (int(head[0]), str(head[1])) if head else (0, chain.GENESIS)


def _insert(events: Sequence[AuditEvent]) -> None:
    """Insert the events in one statement and give each its id, each value prepared by its
    field for this database, as the ORM's own insert prepares it."""
    params = [
        field.get_db_prep_save(field.pre_save(event, True), connection)
        for event in events
        for field in _FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_statement(connection.vendor, len(events)), params)
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias


@functools.lru_cache(maxsize=64)
def _insert_statement(vendor: str, rows: int) -> str:
    """The statement inserting ``rows`` events, for the database of ``vendor`` (the default
    connection's: written out once for each size of batch)."""
    assert vendor == connection.vendor
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _FIELDS)
    row = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
    return (
        f"INSERT INTO {quote(_TABLE)} ({columns}) VALUES {', '.join([row] * rows)} "
        f"RETURNING {quote(AuditEvent._meta.pk.column)}"
    )


# A busy database fails the whole batch at once (trying each again would wait as long again).
_together: GroupCommit[AuditEvent, AuditEvent] = GroupCommit(
    _write, retry_alone=lambda error: not isinstance(error, OperationalError)
)


@dataclass(frozen=True, slots=True)
class Filter:
    """Which events of the clinic's trail to show: every one given must match."""

    user: User | None = None
    client: str = ""  # words of the client's name
    action: str = ""
    since: date | None = None  # first day, inclusive (UTC)
    until: date | None = None  # last day, inclusive

    def as_detail(self) -> dict[str, Any]:
        """The filter as an audit event records it (only what was chosen)."""
        chosen = {
            "user": self.user.username if self.user else "",
            "client": self.client,
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in chosen.items() if value}


def trail(*, user: User, chosen: Filter) -> QuerySet[AuditEvent]:
    """The clinic's events that match, newest first; the whole trail is for clinic admins."""
    if not user.is_clinic_admin:
        raise NotAllowed("only a clinic admin can read the audit log")
    found = AuditEvent.objects.filter(clinic=user.clinic)
    if chosen.user:
        found = found.filter(user=chosen.user)
    for word in chosen.client.split():
        found = found.filter(
            Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
        )
    if chosen.action:
        found = found.filter(action=chosen.action)
    if chosen.since:
        found = found.filter(at__date__gte=chosen.since)
    if chosen.until:
        found = found.filter(at__date__lte=chosen.until)
    return found.select_related("user", "client").order_by("-at", "-pk")


def actions(*, user: User) -> list[str]:
    """The actions that occur in the clinic's trail, for choosing one."""
    found = AuditEvent.objects.filter(clinic=user.clinic).values_list("action", flat=True)
    return sorted(set(found.distinct().order_by()))
