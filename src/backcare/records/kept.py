"""Figures of a clinic that are slow to work out, kept in memory between page views until
something changes in the clinic: the outcome alerts (the progress rules run for every active
plan), the clinic's courses (for the outcomes page and each client's expected course), the
matches of a client search (records/clients.py, in a store of their own).

Pages are opened far more often than anything is saved. These figures are worked out from
records written once (sessions, measures, intakes, assessments) and from plans, which change
only through audited saves. Every save of a clinic writes an event to the clinic's audit chain in
the same transaction (records/audit.py), so the newest event that is not a mere view, with the
day, tells whether the alerts kept are still right: a save, an acknowledgement, a merge, an
import or anything else recorded makes them be worked out again at the next view. Views listed
in ``VIEWS`` change nothing and are skipped; an action missing from that list only makes the
alerts be worked out again more often.

Kept per process; each process checks against the database, so several processes (or a
database restored from a backup) never show alerts another has made stale. At most ``LIMIT``
figures are kept (a clinic's and each client's page opened lately); the one used longest ago
goes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.db import connection

from backcare import lru
from backcare.records.models import AuditEvent, Clinic

VIEWS = frozenset(
    {"dashboard.view", "alerts.view", "client.view", "client.search", "outcomes.view", "audit.view"}
)
_VIEWS = sorted(VIEWS)
T = TypeVar("T")
Key = tuple[date, int, str, tuple[object, ...]]
LIMIT = 500
Store = lru.Kept[tuple[str, int], tuple[Key, object]]
_kept: Store = lru.Kept(size=LIMIT)
_lock = threading.Lock()  # for _heads


def until_saved(
    what: str,
    clinic: Clinic,
    today: date,
    work_out: Callable[[], T],
    *,
    depends_on: tuple[object, ...],
    store: Store | None = None,
) -> T:
    """What ``work_out`` returns for the clinic today (``what`` names it), worked out again
    only after a change in the clinic or in ``depends_on`` (the settings and knowledge it
    reads). The caller must not change what it returns. ``store``: where it is kept, when not
    among the clinic's figures (what many views each ask for once must not push those out)."""
    change = last_change(clinic)
    if change is None:  # nothing recorded to check against: work it out every time
        return work_out()
    key = (today, *change, depends_on)
    store = _kept if store is None else store
    found = store.find((what, clinic.pk))
    if found is not None and found[0] == key:
        return found[1]  # type: ignore[return-value]
    value = work_out()  # after reading the key: a save made meanwhile changes it for the next
    store.keep((what, clinic.pk), (key, value))
    return value


def last_change(clinic: Clinic) -> tuple[int, str] | None:
    """The number and hash of the clinic's newest audit event that is not a view, if any.

    Every view writes an event, so the newest change lies ever further behind the head of
    the chain while nobody saves. The head seen at the last check is remembered: only the
    events written since then are read, with the remembered one, whose hash, unchanged, shows
    that the chain before it is the same (each event's hash covers the one before it). A chain
    that is not (a database restored from a backup) is read in full. Either is one statement
    (every page runs it), which also reads the head of the chain.
    """
    with _lock:
        known = _heads.get(_which(clinic))
    if known is not None:
        (seen, seen_hash), before = known
        rows = _events(clinic, since=seen)
        if rows and rows[-1][:2] == (seen, seen_hash):
            newer = next((row[:2] for row in rows if row[0] > seen and row[2] not in VIEWS), None)
            return _remember(clinic, rows[0][:2], newer or before)
    rows = _events(clinic, since=None)
    head = rows[0][:2] if rows else None
    change = next((row[:2] for row in rows if row[2] not in VIEWS), None)
    return _remember(clinic, head, change)


def _events(clinic: Clinic, *, since: int | None) -> list[tuple[int, str, str]]:
    """The head of the clinic's chain and its newest events that are not views, newest first,
    with their actions: every such event from ``since`` on, and the one at ``since``; without
    ``since``, the head and the newest change only."""
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    views = ", ".join(["%s"] * len(_VIEWS))
    head = f"(SELECT MAX(seq) FROM {table} WHERE clinic_id = %s)"
    shown = f"seq = {head} OR {quote('action')} NOT IN ({views})"
    params: list[Any]
    if since is None:
        where, params, limit = shown, [clinic.pk, *_VIEWS], " LIMIT 2"
    else:
        where = f"seq >= %s AND (seq = %s OR {shown})"
        params, limit = [since, since, clinic.pk, *_VIEWS], ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {quote('hash')}, {quote('action')} FROM {table} "
            f"WHERE clinic_id = %s AND ({where}) ORDER BY seq DESC{limit}",
            [clinic.pk, *params],
        )
        return [(int(seq), str(digest), str(action)) for seq, digest, action in cursor.fetchall()]


def _remember(
    clinic: Clinic, head: tuple[int, str] | None, change: tuple[int, str] | None
) -> tuple[int, str] | None:
    if head is not None:
        with _lock:
            _heads[_which(clinic)] = (head, change)
    return change


def _which(clinic: Clinic) -> tuple[int, object]:
    """The clinic, told apart from one made later with the same number (a database set up
    again while the server runs)."""
    return (clinic.pk, clinic.created_at)


# each clinic's head of the chain at the last check, and its newest change then
_heads: dict[tuple[int, object], tuple[tuple[int, str], tuple[int, str] | None]] = {}
