"""Importing a FHIR R4 Bundle as a new client of a clinic: the Patient's name and birth date,
and an intake read by ``read.py`` and assessed like any other. The intake is checked before
anything is saved, so a Bundle that cannot become an intake stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from backcare.clinical.intake import check_against, parse_intake
from backcare.errors import InvalidFhir, Problem
from backcare.interop.fhir.read import Reading, Unmapped, read_bundle
from backcare.knowledge import load_knowledge
from backcare.records import audit, intakes, saving
from backcare.records.models import Assessment, Client, Clinic, User

REASON = "Imported from a FHIR R4 Bundle"


@dataclass(frozen=True)
class Imported:
    client: Client
    assessment: Assessment
    unmapped: tuple[Unmapped, ...]


def import_bundle(*, clinic: Clinic, user: User | None, bundle: Any, today: date) -> Imported:
    """Create the Bundle's client in ``clinic`` with its intake and assessment (audited)."""
    kb = load_knowledge()
    reading = read_bundle(bundle, kb, today=today)
    check_against(parse_intake(reading.intake, today=today), kb.modalities)
    return _save(clinic=clinic, user=user, reading=reading, today=today)


@saving.atomic
def _save(*, clinic: Clinic, user: User | None, reading: Reading, today: date) -> Imported:
    family, given = reading.family, reading.given
    if not family and not given:
        raise InvalidFhir([Problem("Patient.name", "the Patient needs a name (family or given)")])
    client = Client.objects.create(
        clinic=clinic,
        created_by=user,
        first_name=(given or "")[:100],
        last_name=(family or "")[:100],
        date_of_birth=reading.born,
    )
    left_out = [{"resource": u.resource, "why": u.why} for u in reading.unmapped]
    audit.record(
        user=user,
        action="client.import_fhir",
        client=client,
        detail={"left_out": left_out},
    )
    assessment = intakes.record_intake(
        user=user, client=client, data=reading.intake, today=today, reason=REASON
    )
    return Imported(client, assessment, reading.unmapped)
