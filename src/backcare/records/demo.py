"""A demo clinic: therapists, about twenty clients with intakes, assessments, plans and
sessions over the past weeks, so that every page has something real to show.

Everything goes through the same services a therapist uses; nothing is written around them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import accounts, intakes, selfservice, sessions
from backcare.records.models import Client, Clinic, User

CLINIC = "Demo clinic"
ADMIN, THERAPIST = "demo-admin", "demo-therapist"
PASSWORD = "backcare-demo-2026"
NO_FLAGS = dict.fromkeys(RED_FLAGS, False)

# (first, last, born, weeks ago the intake was taken, intake without assessed_on)
CLIENTS: list[tuple[str, str, str, int, dict[str, Any]]] = [
    (
        "Tom",
        "Baker",
        "1988-03-14",
        8,
        {
            "client": {"age": 38, "sex": "male", "occupation": "desk"},
            "pain": {
                "regions": ["low_back", "upper_back"],
                "duration_weeks": 26,
                "intensity": 6,
                "cause": "posture",
            },
            "preferences": {
                "pressure": "medium",
                "massage_experience": "some",
                "session_minutes": 60,
                "goals": "sit through a work day without pain",
            },
        },
    ),
    (
        "Arthur",
        "Hughes",
        "1955-06-02",
        6,
        {
            "client": {"age": 71, "sex": "male"},
            "pain": {
                "regions": ["mid_back"],
                "duration_weeks": 15,
                "intensity": 5,
                "cause": "posture",
            },
            "medications": ["enoxaparin injections daily"],
            "skin": [{"finding": "bruise", "region": "mid_back_left"}],
        },
    ),
    (
        "Priya",
        "Shah",
        "1997-01-20",
        5,
        {
            "client": {"age": 29, "sex": "female", "pregnant_weeks": 28},
            "pain": {
                "regions": ["low_back", "hips"],
                "duration_weeks": 6,
                "intensity": 5,
                "cause": "posture",
            },
        },
    ),
    (
        "Grace",
        "Okafor",
        "1982-09-09",
        0,
        {
            "client": {"age": 44, "sex": "female"},
            "conditions": ["flu"],
            "vitals": {"temperature_c": 38.2},
        },
    ),
    (
        "Martin",
        "Kowalski",
        "1969-04-30",
        1,
        {
            "client": {"age": 57, "sex": "male"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 30,
                "intensity": 5,
                "cause": "unknown",
            },
            "procedures": [{"kind": "surgery", "region": "low_back", "days_ago": 21}],
        },
    ),
    (
        "Helen",
        "Price",
        "1976-02-11",
        0,
        {
            "client": {"age": 50, "sex": "female"},
            "pain": {
                "regions": ["low_back", "buttocks"],
                "duration_weeks": 1,
                "intensity": 8,
                "cause": "unknown",
            },
            "red_flags": {"saddle_numbness": True, "bladder_or_bowel_change": True},
        },
    ),
    (
        "Margaret",
        "Ellis",
        "1950-12-01",
        7,
        {
            "client": {"age": 75, "sex": "female"},
            "pain": {
                "regions": ["mid_back", "low_back"],
                "duration_weeks": 40,
                "intensity": 4,
                "cause": "posture",
            },
            "conditions": [{"id": "osteoporosis", "status": "controlled"}],
            "medications": ["alendronate 70 mg weekly"],
        },
    ),
    (
        "Lucas",
        "Moreau",
        "2001-07-07",
        6,
        {
            "client": {"age": 25, "sex": "male", "occupation": "athlete"},
            "pain": {
                "regions": ["low_back_right"],
                "duration_weeks": 5,
                "intensity": 4,
                "cause": "sport",
            },
            "preferences": {
                "modalities": ["sports"],
                "pressure": "firm",
                "massage_experience": "regular",
            },
        },
    ),
    (
        "Sara",
        "Lindqvist",
        "1979-10-15",
        6,
        {
            "client": {"age": 47, "sex": "female", "occupation": "desk"},
            "pain": {
                "regions": ["low_back_left", "buttock_left"],
                "duration_weeks": 10,
                "intensity": 6,
                "cause": "lifting",
                "radiates_below_knee": True,
            },
            "conditions": ["sciatica"],
        },
    ),
    (
        "Daniel",
        "Reyes",
        "1972-05-22",
        7,
        {
            "client": {"age": 54, "sex": "male", "occupation": "manual"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 20,
                "intensity": 5,
                "cause": "overuse",
            },
            "conditions": [
                {"id": "diabetes", "status": "controlled"},
                {"id": "high blood pressure", "status": "controlled"},
            ],
            "medications": ["metformin 500mg twice daily", "lisinopril 10 mg"],
            "vitals": {"systolic": 132, "diastolic": 84},
        },
    ),
    (
        "Emma",
        "Walsh",
        "1985-11-03",
        8,
        {
            "client": {"age": 41, "sex": "female"},
            "pain": {
                "regions": ["upper_back", "shoulders", "low_back"],
                "duration_weeks": 104,
                "intensity": 6,
                "cause": "unknown",
            },
            "conditions": ["fibromyalgia", "insomnia"],
            "preferences": {"pressure": "light", "modalities": ["myofascial_release"]},
        },
    ),
    (
        "Robert",
        "Chen",
        "1961-08-19",
        0,
        {
            "client": {"age": 65, "sex": "male"},
            "pain": {
                "regions": ["mid_back"],
                "duration_weeks": 3,
                "intensity": 6,
                "cause": "unknown",
            },
            "red_flags": {**NO_FLAGS, "history_of_cancer": True},
        },
    ),
    (
        "Joan",
        "Murphy",
        "1948-02-27",
        0,
        {
            "client": {"age": 78, "sex": "female"},
            "pain": {"regions": ["low_back"], "duration_weeks": 1, "intensity": 7, "cause": "fall"},
            "conditions": ["osteoporosis"],
            "medications": ["prednisolone 5mg daily"],
        },
    ),
    (
        "Aisha",
        "Bello",
        "1993-04-12",
        5,
        {
            "client": {"age": 33, "sex": "female", "occupation": "desk"},
            "pain": {
                "regions": ["upper_back", "neck"],
                "duration_weeks": 16,
                "intensity": 5,
                "cause": "stress",
            },
            "conditions": ["anxiety", {"id": "migraine", "status": "controlled"}],
            "preferences": {"modalities": ["shiatsu"], "massage_experience": "none"},
        },
    ),
    (
        "Peter",
        "Novak",
        "1980-01-05",
        4,
        {
            "client": {"age": 46, "sex": "male", "occupation": "manual"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 3,
                "intensity": 6,
                "cause": "lifting",
            },
            "conditions": ["muscle strain"],
            "medications": ["ibuprofen 400 mg as needed"],
        },
    ),
    (
        "Olivia",
        "Grant",
        "1990-06-30",
        6,
        {
            "client": {"age": 36, "sex": "female", "breastfeeding": True},
            "pain": {
                "regions": ["upper_back", "shoulders"],
                "duration_weeks": 12,
                "intensity": 4,
                "cause": "posture",
            },
            "allergies": ["almond oil"],
        },
    ),
    (
        "George",
        "Adams",
        "1958-09-14",
        5,
        {
            "client": {"age": 68, "sex": "male"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 52,
                "intensity": 5,
                "cause": "unknown",
            },
            "conditions": ["osteoarthritis", {"id": "varicose veins", "regions": ["calves"]}],
            "medications": ["clopidogrel 75mg"],
        },
    ),
    (
        "Nina",
        "Petrova",
        "1987-12-24",
        0,
        {
            "client": {"age": 38, "sex": "female"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 2,
                "intensity": 4,
                "cause": "posture",
            },
            "red_flags": {**NO_FLAGS, "calf_swelling_one_side": True},
        },
    ),
    (
        "Samuel",
        "Ortiz",
        "1999-03-03",
        3,
        {
            "client": {"age": 27, "sex": "male", "occupation": "athlete"},
            "pain": {
                "regions": ["hips", "buttocks"],
                "duration_weeks": 8,
                "intensity": 3,
                "cause": "sport",
            },
            "preferences": {"modalities": ["trigger_point"], "pressure": "firm"},
        },
    ),
    (
        "Claire",
        "Dubois",
        "1974-07-18",
        4,
        {
            "client": {"age": 52, "sex": "female"},
            "pain": {
                "regions": ["low_back"],
                "duration_weeks": 20,
                "intensity": 5,
                "cause": "posture",
            },
            "conditions": [{"id": "cancer", "status": "history"}],
            "red_flags": {**NO_FLAGS},
        },
    ),
]


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
    for index, (first, last, born, weeks_ago, data) in enumerate(CLIENTS):
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


def _dated(data: dict[str, Any], taken: date) -> dict[str, Any]:
    intake = {"red_flags": NO_FLAGS, **data, "assessed_on": taken}
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
    plan = client.plans.filter(active=True).first()
    if plan is None:
        return
    kb = load_knowledge()
    avoided = sessions.avoided_regions(client)
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
