"""Referrals and prescriptions: recorded with clear errors, and counted against the sessions
since the referral date (visits used and left, days to expiry)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from backcare import config
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import KnowledgeBase
from backcare.records import audit, saving, statements
from backcare.records.models import Client, Referral, User

ICD10 = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?")
MAX_VISITS = 500
TEXT_LIMITS = {"referrer": 200, "referrer_contact": 200, "diagnosis": 300, "frequency": 100}


def icd10_options(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The ICD-10 codes the knowledge base's conditions carry, with the condition's name."""
    return sorted((c.icd10, c.name) for c in kb.conditions.values() if c.icd10)


@saving.atomic
def record_referral(*, user: User, client: Client, data: dict[str, Any], today: date) -> Referral:
    """Keep a referral for a client of the user's clinic; every problem is named by field."""
    cleaned = _checked(data, today)
    referral = Referral.objects.create(
        clinic=client.clinic, client=client, recorded_by=user, **cleaned
    )
    audit.record(
        user=user,
        action="referral.record",
        client=client,
        target=f"referral {referral.pk}",
        detail={"visits_authorised": referral.visits_authorised},
    )
    return referral


def _checked(data: dict[str, Any], today: date) -> dict[str, Any]:
    problems: list[Problem] = []
    text = {name: str(data.get(name) or "").strip() for name in TEXT_LIMITS}
    for name in ("referrer", "diagnosis"):
        if not text[name]:
            problems.append(Problem(name, "required"))
    for name, limit in TEXT_LIMITS.items():
        if len(text[name]) > limit:
            problems.append(Problem(name, f"{len(text[name])} characters; at most {limit}"))
    code = str(data.get("icd10") or "").strip().upper()
    if code and not ICD10.fullmatch(code):
        problems.append(
            Problem("icd10", f"{code!r} is not an ICD-10 code; write it as M54.5 (or leave empty)")
        )
    referred_on, expires_on = data.get("referred_on"), data.get("expires_on")
    if not isinstance(referred_on, date):
        problems.append(Problem("referred_on", "required, as a date (YYYY-MM-DD)"))
    elif referred_on > today:
        problems.append(Problem("referred_on", f"{referred_on} is in the future"))
    if isinstance(referred_on, date) and isinstance(expires_on, date) and expires_on < referred_on:
        problems.append(Problem("expires_on", f"{expires_on} is before the referral date"))
    visits = data.get("visits_authorised")
    if not isinstance(visits, int) or not 1 <= visits <= MAX_VISITS:
        problems.append(Problem("visits_authorised", f"a whole number from 1 to {MAX_VISITS}"))
    if problems:
        raise InvalidIntake(problems)
    return {
        **text,
        "icd10": code,
        "referred_on": referred_on,
        "expires_on": expires_on,
        "visits_authorised": visits,
        "notes": str(data.get("notes") or "").strip(),
    }


@dataclass(frozen=True)
class Standing:
    """Where a referral stands today: visits used and left, and days until it expires."""

    referral: Referral
    used: int
    left: int
    days_left: int | None

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def warnings(self) -> list[tuple[str, str]]:
        """(situation, text) for each thing about this referral that needs attention now."""
        found = []
        r, visits_warning = self.referral, config.referral_visits_warning()
        if self.left <= 0:
            found.append(("used up", f"all {r.visits_authorised} authorised visits are used"))
        elif self.left <= visits_warning:
            found.append(("nearly used up", f"{self.left} of {r.visits_authorised} visits left"))
        if self.expired:
            found.append(("expired", f"expired on {r.expires_on:%-d %b %Y}"))
        elif self.days_left is not None and self.days_left <= config.referral_expiry_warning_days():
            found.append(("expires soon", f"expires on {r.expires_on:%-d %b %Y}"))
        return found


def with_visits_used(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with ``used``: the client's sessions dated on or after the referral."""
    return referrals.annotate(
        used=Count(
            "client__sessions", filter=Q(client__sessions__session_date__gte=F("referred_on"))
        )
    )


def standing(referral: Referral, *, today: date) -> Standing:
    used = getattr(referral, "used", None)
    if used is None:
        used = referral.client.sessions.filter(session_date__gte=referral.referred_on).count()
    days = (referral.expires_on - today).days if referral.expires_on else None
    return Standing(referral, used, referral.visits_authorised - used, days)


def of_client(client: Client, *, today: date) -> list[Standing]:
    """The client's referrals, newest first, each with where it stands (one query, compiled
    once: the client page reads it at every view)."""
    found = statements.fetch(_of_client, client.pk)
    for referral in found:
        referral.client = client  # as client.referrals gives them
    return [standing(r, today=today) for r in found]


def _of_client(client_id: int) -> QuerySet[Referral]:
    return with_visits_used(Referral.objects.filter(client_id=client_id))


def latest_in_clinic(user: User, *, today: date) -> list[Standing]:
    """The newest referral of each client of the user's clinic (one query)."""
    newest = Referral.objects.filter(client=OuterRef("client")).order_by("-referred_on", "-pk")
    latest = Referral.objects.filter(clinic=user.clinic, pk=Subquery(newest.values("pk")[:1]))
    return [standing(r, today=today) for r in with_visits_used(latest.select_related("client"))]
