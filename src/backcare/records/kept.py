"""Figures of a clinic that are slow to work out, kept in memory between page views until
something changes in the clinic: the outcome alerts (the progress rules run for every active
plan), the clinic's courses (for the outcomes page and each client's expected course).

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
from typing import TypeVar

from django.db.models import Q

from backcare import lru
from backcare.records.models import AuditEvent, Clinic

VIEWS = frozenset(
    {"dashboard.view", "alerts.view", "client.view", "client.search", "outcomes.view", "audit.view"}
)
T = TypeVar("T")
Key = tuple[date, int, str, tuple[object, ...]]
LIMIT = 500
_kept: lru.Kept[tuple[str, int], tuple[Key, object]] = lru.Kept(size=LIMIT)
_lock = threading.Lock()  # for _heads


def until_saved(
    what: str,
    clinic: Clinic,
    today: date,
    work_out: Callable[[], T],
    *,
    depends_on: tuple[object, ...],
) -> T:
    """What ``work_out`` returns for the clinic today (``what`` names it), worked out again
    only after a change in the clinic or in ``depends_on`` (the settings and knowledge it
    reads). The caller must not change what it returns."""
    change = last_change(clinic)
    if change is None:  # nothing recorded to check against: work it out every time
        return work_out()
    key = (today, *change, depends_on)
    found = _kept.find((what, clinic.pk))
    if found is not None and found[0] == key:
        return found[1]  # type: ignore[return-value]
    value = work_out()  # after reading the key: a save made meanwhile changes it for the next
    _kept.keep((what, clinic.pk), (key, value))
    return value


def last_change(clinic: Clinic) -> tuple[int, str] | None:
    """The number and hash of the clinic's newest audit event that is not a view, if any.

    Every view writes an event, so the newest change lies ever further behind the head of
    the chain while nobody saves. The head seen at the last check is remembered: only the
    events written since then are read, with the remembered one, whose hash, unchanged, shows
    that the chain before it is the same (each event's hash covers the one before it). A chain
    that is not (a database restored from a backup) is read in full.
    """
    with _lock:
        known = _heads.get(_which(clinic))
    events = AuditEvent.objects.filter(clinic=clinic)
    head = events.order_by("-seq").values_list("seq", "hash").first()
    change: tuple[int, str] | None
    if known is not None and head is not None and head[0] >= known[0][0]:
        (seen, seen_hash), before = known
        rows = list(
            events.filter(seq__gte=seen)
            .filter(Q(seq=seen) | ~Q(action__in=VIEWS))
            .order_by("-seq")
            .values_list("seq", "hash")
        )
        if rows and rows[-1] == (seen, seen_hash):
            change = rows[0] if rows[0][0] > seen else before
            return _remember(clinic, head, change)
    change = events.exclude(action__in=VIEWS).order_by("-seq").values_list("seq", "hash").first()
    return _remember(clinic, head, change)


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
