"""A demo clinic: therapists, about twenty clients with intakes, assessments, plans and
sessions over the past weeks, so that every page has something real to show.

Everything goes through the same services a therapist uses; nothing is written around them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from importlib import resources
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import (
    accounts,
    clinic_settings,
    demo_outcomes,
    intakes,
    plans,
    selfservice,
    sessions,
)
from backcare.records.models import Client, Clinic, User

CLINIC = "Demo clinic"
ADMIN, THERAPIST = "demo-admin", "demo-therapist"
PASSWORD = "backcare-demo-2026"
NO_FLAGS = dict.fromkeys(RED_FLAGS, False)

# (first, last, born, weeks ago the intake was taken, intake without assessed_on)


def _clients() -> list[dict[str, Any]]:
    """The demo clients, from demo_clients.yaml beside this module."""
    text = (resources.files("backcare.records") / "demo_clients.yaml").read_text(encoding="utf-8")
    clients: list[dict[str, Any]] = yaml.safe_load(text)
    return clients


def ensure_demo(*, today: date | None = None) -> bool:
    """Create the demo clinic unless it exists; True when it was created now."""
    if Clinic.objects.filter(name=CLINIC).exists():
        return False
    _build(today or timezone.localdate())
    return True


@transaction.atomic
def _build(today: date) -> None:
    admin = accounts.create_clinic_with_admin(
        clinic_name=CLINIC,
        username=ADMIN,
        password=PASSWORD,
        full_name="Dana Admin",
        email="admin@demo.invalid",
    )
    clinic_settings.update_settings(
        user=admin,
        data={
            "name": CLINIC,
            "address": "1 Example Street\nSpringfield",
            "phone": "+1 555 0100",  # 555-0100 to 0199: reserved for fiction
            "email": "desk@demo.invalid",
        },
    )
    clinic = admin.clinic
    assert clinic is not None
    therapists = [
        accounts.create_user(
            clinic=clinic,
            username=THERAPIST,
            password=PASSWORD,
            full_name="Sam Rivers",
            credentials="Licensed massage therapist",
        ),
        accounts.create_user(
            clinic=clinic,
            username="demo-therapist2",
            password=PASSWORD,
            full_name="Kim Lee",
            credentials="Remedial massage therapist",
        ),
    ]
    rng = random.Random(2026)
    for index, person in enumerate(_clients()):
        first, last, born = person["first_name"], person["last_name"], person["born"]
        weeks_ago, data = person["intake_weeks_ago"], person["intake"]
        therapist = therapists[index % 2]
        client = Client.objects.create(
            clinic=clinic,
            first_name=first,
            last_name=last,
            date_of_birth=date.fromisoformat(born),
            email=f"{first.lower()}.{last.lower()}@example.invalid",
            created_by=therapist,
        )
        taken = today - timedelta(weeks=weeks_ago)
        intakes.record_intake(user=therapist, client=client, data=_dated(data, taken), today=taken)
        _sessions(therapist, client, taken, today, rng)
    selfservice.create_link(
        user=therapists[0],
        client=Client.objects.get(clinic=clinic, last_name="Petrova"),
        now=timezone.now(),
    )
    demo_outcomes.build(therapists=therapists, clinic=clinic, today=today, rng=rng)


def _dated(data: dict[str, Any], taken: date) -> dict[str, Any]:
    intake = {**data, "red_flags": {**NO_FLAGS, **data.get("red_flags", {})}, "assessed_on": taken}
    intake["procedures"] = [
        {
            **{k: v for k, v in p.items() if k != "days_ago"},
            "date": taken - timedelta(days=p["days_ago"]),
        }
        for p in data.get("procedures", [])
    ]
    return intake


def _sessions(
    therapist: User, client: Client, start: date, today: date, rng: random.Random
) -> None:
    """Weekly sessions since the intake, pain easing with some noise, within the plan's limits."""
    plan = plans.current(client)
    if plan is None:
        return
    kb = load_knowledge()
    avoided = sessions.avoided_regions(plan)
    modality = kb.modalities[plan.modality]
    techniques = [t for t in modality.techniques if t not in plan.details["avoid_techniques"]]
    pain = client.intakes.first().data.get("pain") or {}  # type: ignore[union-attr]
    regions = [r for r in pain.get("regions", ["upper_back_left"]) if r not in avoided]
    level = pain.get("intensity") or 4
    count = rng.randint(1, plan.reassess_after_sessions + 1)
    last = today - timedelta(days=rng.choice([0, 1, 2, 3, 5, 8]))
    day = max(start, last - timedelta(weeks=count - 1))
    for _ in range(count):
        if day > today:
            break
        after = max(1, level - rng.choice([1, 1, 2]))
        sessions.record_session(
            user=therapist,
            client=client,
            today=today,
            note={
                "session_date": day,
                "subjective": rng.choice(
                    [
                        "Stiff after long days at the desk.",
                        "Slept better this week.",
                        "Sore after gardening at the weekend.",
                        "Feels looser in the mornings.",
                    ]
                ),
                "objective": "Tension in the paraspinal muscles; range of motion improving.",
                "analysis": "Tolerated the session well.",
                "next_steps": "Continue the plan.",
                "techniques": techniques[:3],
                "regions": regions or ["upper_back_left"],
                "pressure": plan.max_pressure,
                "minutes": plan.session_minutes,
                "pain_before": level,
                "pain_after": after,
                "adverse_events": "",
            },
        )
        level = max(2, level - rng.choice([0, 1, 1]))
        day += timedelta(days=7)
