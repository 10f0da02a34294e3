"""Amending a session note as clinical records do: a dated addendum signed by its author;
the note as first written is kept and shown unchanged."""

from __future__ import annotations

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit
from backcare.records.models import SessionAmendment, SessionNote, User


def amend_session(*, user: User, session: SessionNote, text: str) -> SessionAmendment:
    """Add an addendum to a session note (the caller opened the note in the user's clinic)."""
    if not text.strip():
        raise InvalidIntake([Problem("text", "write the addendum")])
    amendment = SessionAmendment.objects.create(
        clinic=session.clinic, session=session, author=user, text=text.strip()
    )
    audit.record(
        user=user,
        action="session.amend",
        client=session.client,
        target=f"session {session.pk}",
        detail={"amendment": amendment.pk},
    )
    return amendment
