"""Checking the stored audit trail: every clinic's hash chain, one event at a time, and the
triggers that refuse changes (``backcare audit verify``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.db import connection

from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.records import chain, guards
from backcare.records.models import AuditEvent, Clinic

_FIELDS = ("pk", "seq", "prev_hash", "hash", "at", "actor", "action", "target", "detail")
CHUNK = 2000  # events read from the database at a time: memory stays bounded


@dataclass(frozen=True, slots=True)
class ChainReport:
    """One clinic's chain: its events checked, the first break (None when whole), and its
    head (the newest event's number and hash), to note down and give back as an anchor."""

    clinic_id: int | None
    clinic: str
    checked: int
    broken: chain.Break | None
    head: tuple[int, str] | None


@dataclass(frozen=True, slots=True)
class Anchor:
    """An event's number and (the start of) its hash, noted from an earlier verify: a chain
    cut back before it still links, so only a head kept elsewhere shows the cut."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, _, value = text.partition(":")
        if not (seq.isdigit() and len(value) >= 12 and set(value) <= set("0123456789abcdef")):
            raise InvalidIntake(
                [Problem("--anchor", f"{text!r} is not NUMBER:HASH (at least 12 hex digits)")]
            )
        return cls(int(seq), value)


def verify(*, clinic_id: int | None = None, anchor: Anchor | None = None) -> Iterator[ChainReport]:
    """Walk the chain of one clinic, or of every clinic (and of the events with no clinic);
    with an anchor, the clinic's chain must also still hold that event, unchanged."""
    if clinic_id is not None:
        found = Clinic.objects.filter(pk=clinic_id).first()
        if found is None:
            raise NotFound(f"no clinic {clinic_id}; 'backcare audit verify' alone checks all")
        report = _report(found.pk, found.name)
        yield _anchored(report, anchor) if anchor and report.broken is None else report
        return
    if anchor is not None:
        raise InvalidIntake([Problem("--anchor", "an anchor belongs to one clinic: add --clinic")])
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
    head = events.order_by("-seq").values_list("seq", "hash").first()
    return ChainReport(clinic_id, name, checked, broken, head)


def _anchored(report: ChainReport, anchor: Anchor) -> ChainReport:
    events = AuditEvent.objects.filter(clinic=report.clinic_id, seq=anchor.seq)
    held = events.values_list("pk", "at", "hash").first()
    if held is None:
        problem = f"event {anchor.seq} of the anchor is missing: the trail ends at {report.checked}"
        last = AuditEvent.objects.filter(clinic=report.clinic_id).order_by("-seq").first()
        cut = (
            chain.Break(last.pk, last.seq, last.at, problem)
            if last
            else chain.Break(0, 0, None, problem)
        )
        return replace(report, broken=cut)
    if not held[2].startswith(anchor.hash):
        problem = f"event {anchor.seq} differs from the anchor: hash {held[2][:12]}..."
        return replace(report, broken=chain.Break(held[0], anchor.seq, held[1], problem))
    return report
