"""What the API takes and gives. Input schemas are strict: a field of another type, an unknown
field or a date that is not written YYYY-MM-DD is refused, never guessed. Output schemas are
plain and separate (ninja checks every answer against them, so they carry no input rules)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> date:
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise ValueError("a date written YYYY-MM-DD, such as 2026-12-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None


Day = Annotated[date, BeforeValidator(_iso_day)]


class In(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


class ClientIn(In):
    first_name: str
    last_name: str
    date_of_birth: Day | None = None
    email: str = ""
    phone: str = ""
    physician: str = ""
    notes: str = ""


class IntakeIn(In):
    intake: dict[str, Any] = Field(description="An intake of the contract (docs/intake-v1.md).")
    reason: str = Field("", description="Why, when this corrects the client's last intake.")


class FollowUpIn(In):
    """What is new since the last intake, asked at the visit (as on the session page)."""

    warning_signs: list[str] = Field(default_factory=list)
    medications: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


class SessionIn(In):
    session_date: Day
    pressure: str
    minutes: int
    subjective: str = ""
    objective: str = ""
    analysis: str = ""
    next_steps: str = ""
    techniques: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    pain_before: int | None = None
    pain_after: int | None = None
    adverse_events: str = ""
    deviation_reason: str = ""
    confirm_avoided: bool = False
    follow_up: FollowUpIn | None = None


class MeasureIn(In):
    instrument: str
    answers: dict[str, Any]
    measured_on: Day
    point: str = "session"
    session: int | None = None
    corrects: int | None = None
    reason: str = ""


class ReferralIn(In):
    referrer: str
    diagnosis: str
    referred_on: Day
    visits_authorised: int
    referrer_contact: str = ""
    icd10: str = ""
    frequency: str = ""
    expires_on: Day | None = None
    notes: str = ""


class ClientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    email: str
    phone: str
    physician: str
    notes: str
    created_at: datetime


class IntakeOut(Schema):
    id: int
    version: int
    data: dict[str, Any]
    source: str
    reason: str
    created_at: datetime


class AssessmentOut(Schema):
    id: int
    intake_id: int
    decision: str
    knowledge_version: str
    result: dict[str, Any]
    created_at: datetime


class PlanOut(Schema):
    id: int
    assessment_id: int
    active: bool
    modality: str
    session_minutes: int
    sessions_per_week: float
    total_sessions: int
    reassess_after_sessions: int
    max_pressure: str
    pain_goal: int | None
    details: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class SessionOut(Schema):
    id: int
    session_date: date
    therapist: str
    plan_id: int | None
    subjective: str
    objective: str
    analysis: str
    next_steps: str
    techniques: list[str]
    regions: list[str]
    pressure: str
    minutes: int
    pain_before: int | None
    pain_after: int | None
    adverse_events: str
    deviation_reason: str
    created_at: datetime


class MeasureOut(Schema):
    id: int
    instrument: str
    measured_on: date
    point: str
    score: float | None
    answers: dict[str, Any]
    result: dict[str, Any]
    session_id: int | None
    correction_of_id: int | None
    reason: str
    created_at: datetime


class ReferralOut(Schema):
    id: int
    referrer: str
    referrer_contact: str
    referred_on: date
    diagnosis: str
    icd10: str
    frequency: str
    visits_authorised: int
    visits_used: int
    visits_left: int
    expires_on: date | None
    days_left: int | None
    notes: str
    created_at: datetime
