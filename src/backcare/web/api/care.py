"""A client's sessions, outcome measures and referrals: listed, read and recorded through the
same services as the pages, so the same checks apply and the same audit rows are written."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from backcare.records import clients, followup, measures, outcomes, referrals, sessions
from backcare.records.models import Client, Measure, Referral, SessionNote
from backcare.web.api import paging
from backcare.web.api.auth import reader, writer
from backcare.web.api.clients import opened
from backcare.web.api.errors import Stopped, responses
from backcare.web.api.forms import checked
from backcare.web.api.schemas import (
    MeasureIn,
    MeasureOut,
    ReferralIn,
    ReferralOut,
    SessionIn,
    SessionOut,
)
from backcare.web.forms import SessionForm
from backcare.web.views.common import today

router = Router(tags=["care"])

SessionQuery = paging.query(("session_date", "created_at"), "-session_date")
MeasureQuery = paging.query(("measured_on", "created_at"), "measured_on")
ReferralQuery = paging.query(("referred_on", "created_at"), "-referred_on")


def _session(note: SessionNote) -> dict[str, Any]:
    return {
        **{f: getattr(note, f) for f in SessionOut.model_fields if f != "therapist"},
        "therapist": note.therapist.username,
    }


def _referral(row: Referral) -> dict[str, Any]:
    standing = referrals.standing(row, today=today())
    return {
        **{f: getattr(row, f) for f in ReferralOut.model_fields if hasattr(row, f)},
        "visits_used": standing.used,
        "visits_left": standing.left,
        "days_left": standing.days_left,
    }


def _writing(request: HttpRequest, client_id: int, what: str) -> tuple[Any, Client]:
    user = writer(request)
    return user, clients.open_client(user=user, client_id=client_id, purpose=f"api {what}")


@router.get("/clients/{client_id}/sessions", response=responses({200: paging.page_of(SessionOut)}))
def session_list(request: HttpRequest, client_id: int, q: Query[SessionQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    client = opened(request, client_id, "sessions")
    return paging.page(client.sessions.select_related("therapist"), q, _session)


@router.get("/clients/{client_id}/sessions/{session_id}", response=responses({200: SessionOut}))
def session_get(request: HttpRequest, client_id: int, session_id: int) -> dict[str, Any]:
    _, note = sessions.open_session(
        user=reader(request), client_id=client_id, session_id=session_id
    )
    return _session(note)


@router.post("/clients/{client_id}/sessions", response=responses({201: SessionOut}))
def session_create(request: HttpRequest, client_id: int, data: SessionIn) -> Status[dict[str, Any]]:
    """A session note (a write token), checked against the latest decision and plan: a region
    or technique the plan avoids needs ``confirm_avoided`` and ``deviation_reason``. With
    ``follow_up``, what is new is screened first (a new intake version); when that stops
    massage, no session is recorded (409)."""
    user, client = _writing(request, client_id, "session note")
    fields = data.model_dump(exclude={"techniques", "regions", "confirm_avoided", "follow_up"})
    note = checked(SessionForm, fields)
    if data.follow_up is not None:  # screened first, as on the page: anything new is an intake
        found = followup.follow_up(
            user=user, client=client, answers=followup.Answers(**data.follow_up.model_dump()),
            today=today(),
        )  # fmt: skip
        if found.stops:
            raise Stopped(
                f"the follow-up screening stops massage ({found.stops}); no session was recorded"
            )
    saved = sessions.record_session(
        user=user,
        client=client,
        note={**note, "techniques": data.techniques, "regions": data.regions},
        today=today(),
        confirm_avoided=data.confirm_avoided,
    )
    return Status(201, _session(saved))


@router.get("/clients/{client_id}/measures", response=responses({200: paging.page_of(MeasureOut)}))
def measure_list(request: HttpRequest, client_id: int, q: Query[MeasureQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    """The client's outcome measures in force (a corrected one gives way to its correction)."""
    client = opened(request, client_id, "outcome measures")
    return paging.page(outcomes.in_force(client), q)


@router.post("/clients/{client_id}/measures", response=responses({201: MeasureOut}))
def measure_create(request: HttpRequest, client_id: int, data: MeasureIn) -> Status[Measure]:
    """An outcome measure (a write token), scored by its instrument; ``corrects`` puts right an
    earlier one of the same instrument, with ``reason``."""
    user, client = _writing(request, client_id, "outcome measure")
    saved = measures.record_measure(
        user=user,
        client=client,
        instrument=data.instrument,
        answers=data.answers,
        measured_on=data.measured_on,
        point=data.point,
        session_id=data.session,
        correction_of=data.corrects,
        reason=data.reason,
        today=today(),
    )
    return Status(201, saved)


@router.get(
    "/clients/{client_id}/referrals", response=responses({200: paging.page_of(ReferralOut)})
)
def referral_list(request: HttpRequest, client_id: int, q: Query[ReferralQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    client = opened(request, client_id, "referrals")
    return paging.page(referrals.with_visits_used(client.referrals.all()), q, _referral)


@router.post("/clients/{client_id}/referrals", response=responses({201: ReferralOut}))
def referral_create(
    request: HttpRequest, client_id: int, data: ReferralIn
) -> Status[dict[str, Any]]:
    """A referral or prescription (a write token)."""
    user, client = _writing(request, client_id, "referral")
    saved = referrals.record_referral(
        user=user, client=client, data=data.model_dump(), today=today()
    )
    return Status(201, _referral(saved))
