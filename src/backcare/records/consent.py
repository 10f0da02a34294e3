"""The client's consent to a self-service intake: that the clinic keeps their answers and its
therapists see them, signed with their typed name and dated. It is required to send the
answers, kept on the draft, and carried to the intake version the therapist makes from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backcare.errors import InvalidIntake, Problem
from backcare.records.models import Intake, IntakeDraft

MAX_NAME = 200
REFUSED = (
    "Please tick that you agree, and type your full name to sign, on the consent step: your "
    "answers cannot be sent without your consent."
)


@dataclass(frozen=True)
class Consent:
    name: str
    at: datetime


def given(*, agreed: bool, name: str, now: datetime) -> Consent:
    """The consent, or InvalidIntake naming what is missing (the tick, or the typed name)."""
    name = " ".join(name.split())
    problems = []
    if not agreed:
        problems.append(Problem("consent", REFUSED))
    if not name:
        problems.append(Problem("consent_name", "type your full name to sign"))
    elif len(name) > MAX_NAME:
        problems.append(Problem("consent_name", f"at most {MAX_NAME} characters"))
    if problems:
        raise InvalidIntake(problems)
    return Consent(name, now)


def of(record: IntakeDraft | Intake) -> Consent | None:
    """The consent kept with a draft or an intake version, if any."""
    if not record.consent_name or record.consented_at is None:
        return None
    return Consent(record.consent_name, record.consented_at)
