"""Checking the stored audit trail: every clinic's hash chain, one event at a time, and the
triggers that refuse changes (``backcare audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from backcare.errors import NotFound
from backcare.records import chain, guards
from backcare.records.models import AuditEvent, Clinic

_FIELDS = ("pk", "seq", "prev_hash", "hash", "at", "user__username", "action", "target", "detail")
CHUNK = 2000  # events read from the database at a time: memory stays bounded


@dataclass(frozen=True, slots=True)
class ChainReport:
    """One clinic's chain: its events checked, and the first break (None when whole)."""

    clinic_id: int | None
    clinic: str
    checked: int
    broken: chain.Break | None


def verify(*, clinic_id: int | None = None) -> Iterator[ChainReport]:
    """Walk the chain of one clinic, or of every clinic (and of the events with no clinic)."""
    if clinic_id is not None:
        found = Clinic.objects.filter(pk=clinic_id).first()
        if found is None:
            raise NotFound(f"no clinic {clinic_id}; 'backcare audit verify' alone checks all")
        yield _report(found.pk, found.name)
        return
    for pk, name in Clinic.objects.order_by("pk").values_list("pk", "name"):
        yield _report(pk, name)
    if AuditEvent.objects.filter(clinic=None).exists():
        yield _report(None, "(events of no clinic)")


def unguarded_tables() -> list[str]:
    """Tables whose change-refusing triggers are missing: someone with the database owner's
    rights removed them, or a restore came from a database without them."""
    return guards.missing(connection)


def _report(clinic_id: int | None, name: str) -> ChainReport:
    events = AuditEvent.objects.all()
    events = (
        events.filter(clinic__isnull=True) if clinic_id is None else events.filter(clinic=clinic_id)
    )
    rows = events.order_by("seq").values_list(*_FIELDS).iterator(chunk_size=CHUNK)
    checked, broken = chain.walk(chain.Link(*row) for row in rows)
    return ChainReport(clinic_id, name, checked, broken)
