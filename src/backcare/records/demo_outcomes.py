"""The demo clinic's outcomes: measures for its clients, finished courses from earlier months
(so the clinic outcomes page and the expected course have the clinic's own data), a client who
responds and has met her goal, one who is getting worse, and a between-visit pain log.

Everything goes through the services a therapist or client uses.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from backcare.knowledge.contract import RED_FLAGS
from backcare.records import intakes, measures, painlog, plans, sessions
from backcare.records.models import Client, Clinic, User

NO_FLAGS = dict.fromkeys(RED_FLAGS, False)
FINISHED = [
    ("Alma", "Berg"),
    ("Bruno", "Costa"),
    ("Cora", "Dahl"),
    ("Dev", "Erikson"),
    ("Elin", "Faure"),
    ("Femi", "Gray"),
    ("Gita", "Holm"),
    ("Hugo", "Ibsen"),
    ("Ines", "Juarez"),
    ("Jonas", "Kerr"),
    ("Kaia", "Lund"),
]
DROPPED = [("Omar", "Pike"), ("Pia", "Quist")]
LOW_RISK = {"leg_pain": "agree", "shoulder_neck": "agree", "bothersome": "moderately"}
MEDIUM_RISK = {**LOW_RISK, "walking": "agree", "dressing": "agree", "fear": "agree"}


def build(*, therapists: list[User], clinic: Clinic, today: date, rng: random.Random) -> None:
    for client in Client.objects.filter(clinic=clinic, plans__active=True):
        _baseline(client.created_by or therapists[0], client, rng)
    for index, (first, last) in enumerate(FINISHED):
        # most improve by about a third or more; every fourth barely changes
        falls = [0, 0, 0, 0, 0, 0, 0, 0, 1] if index % 4 == 0 else [0, 0, 1, 1]
        _course(
            therapists[index % 2],
            clinic,
            first,
            last,
            today - timedelta(weeks=24),
            sessions_done=10,
            pain=rng.choice([5, 6]),
            falls=falls,
            rng=rng,
            start_back=MEDIUM_RISK if index == len(FINISHED) - 1 else LOW_RISK,
        )
    for index, (first, last) in enumerate(DROPPED):
        _course(
            therapists[index % 2],
            clinic,
            first,
            last,
            today - timedelta(weeks=20),
            sessions_done=3,
            pain=6,
            falls=[0, 0, 1],
            rng=rng,
            start_back=LOW_RISK,
        )
    nora = _course(
        therapists[0],
        clinic,
        "Nora",
        "Ekdahl",
        today - timedelta(weeks=6),
        sessions_done=6,
        pain=6,
        falls=[1],
        rng=rng,
        start_back=LOW_RISK,
        steady=True,
    )
    _measure(
        therapists[0],
        nora,
        "peg",
        {"pain": 4, "enjoyment": 3, "activity": 4},
        today - timedelta(days=3),
        "reassessment",
        today,
    )
    _measure(
        therapists[0],
        nora,
        "psfs",
        {
            "activities": [
                {"activity": "sitting through a work day", "rating": 7},
                {"activity": "carrying the shopping", "rating": 6},
            ]
        },
        today - timedelta(days=3),
        "reassessment",
        today,
    )
    _pain_log(therapists[0], nora, today, [(3, 7.5, ""), (2, 8, "a good walk at the weekend")])
    walter = _course(
        therapists[1],
        clinic,
        "Walter",
        "Brenner",
        today - timedelta(weeks=4),
        sessions_done=4,
        pain=4,
        falls=[-1],
        rng=rng,
        start_back=MEDIUM_RISK,
        steady=True,
    )
    _pain_log(therapists[1], walter, today, [(6, 5, "woke twice with the back"), (7, 4.5, "")])


def _course(
    therapist: User,
    clinic: Clinic,
    first: str,
    last: str,
    start: date,
    *,
    sessions_done: int,
    pain: int,
    falls: list[int],
    rng: random.Random,
    start_back: dict[str, str],
    steady: bool = False,
) -> Client:
    """A chronic low back pain client from ``start``: intake, baseline measures, weekly sessions
    with pain moving by ``falls`` (chosen at random, or in turn when ``steady``)."""
    client = Client.objects.create(
        clinic=clinic,
        first_name=first,
        last_name=last,
        created_by=therapist,
        email=f"{first.lower()}.{last.lower()}@example.invalid",
    )
    intake: dict[str, Any] = {
        "assessed_on": start,
        "client": {"age": rng.randint(30, 65)},
        "red_flags": NO_FLAGS,
        "pain": {
            "regions": ["low_back"],
            "duration_weeks": 30,
            "intensity": pain,
            "cause": "posture",
        },
    }
    intakes.record_intake(user=therapist, client=client, data=intake, today=start)
    answers = {
        "leg_pain": "disagree",
        "shoulder_neck": "disagree",
        "walking": "disagree",
        "dressing": "disagree",
        "fear": "disagree",
        "worry": "disagree",
        "catastrophising": "disagree",
        "low_mood": "disagree",
        "bothersome": "slightly",
        **start_back,
    }
    _measure(therapist, client, "start_back", answers, start, "baseline", start)
    _measure(
        therapist,
        client,
        "peg",
        {"pain": pain, "enjoyment": pain - 1, "activity": pain},
        start,
        "baseline",
        start,
    )
    _measure(
        therapist,
        client,
        "psfs",
        {
            "activities": [
                {"activity": "sitting through a work day", "rating": 10 - pain},
                {"activity": "carrying the shopping", "rating": 9 - pain},
            ]
        },
        start,
        "baseline",
        start,
    )
    plan = plans.current(client)
    assert plan is not None
    level = pain
    for number in range(sessions_done):
        day = start + timedelta(weeks=number)
        sessions.record_session(
            user=therapist,
            client=client,
            today=day,
            note={
                "session_date": day,
                "regions": ["low_back_left", "low_back_right"],
                "techniques": ["effleurage", "petrissage"],
                "pressure": plan.max_pressure,
                "minutes": plan.session_minutes,
                "pain_before": level,
                "pain_after": max(0, level - 1),
                "subjective": "",
                "adverse_events": "",
            },
        )
        step = falls[number % len(falls)] if steady else rng.choice(falls)
        level = min(10, max(1, level - step))
    return client


def _baseline(therapist: User, client: Client, rng: random.Random) -> None:
    """Baseline measures on the day of the client's intake, from their pain at intake."""
    intake = client.intakes.order_by("version").first()
    assert intake is not None
    day = date.fromisoformat(intake.data["assessed_on"])
    pain = (intake.data.get("pain") or {}).get("intensity") or 3
    worry = rng.choice(["agree", "disagree"])
    answers = {**LOW_RISK, "walking": "disagree", "dressing": "disagree", "fear": worry}
    answers |= {"worry": "disagree", "catastrophising": "disagree", "low_mood": "disagree"}
    _measure(therapist, client, "start_back", answers, day, "baseline", day)
    peg = {"pain": pain, "enjoyment": max(0, pain - 2), "activity": pain}
    _measure(therapist, client, "peg", peg, day, "baseline", day)
    activities = [{"activity": "a full day at work", "rating": 10 - pain}]
    _measure(therapist, client, "psfs", {"activities": activities}, day, "baseline", day)


def _measure(
    therapist: User,
    client: Client,
    instrument: str,
    answers: dict[str, Any],
    day: date,
    point: str,
    today: date,
) -> None:
    measures.record_measure(
        user=therapist,
        client=client,
        instrument=instrument,
        answers=answers,
        measured_on=day,
        point=point,
        today=today,
    )


def _pain_log(
    therapist: User, client: Client, today: date, entries: list[tuple[int, float, str]]
) -> None:
    token = painlog.create_link(user=therapist, client=client, now=timezone.now())
    for days_ago, (pain, sleep, note) in enumerate(entries, start=1):
        painlog.log(
            token=token,
            data={
                "pain": pain,
                "sleep_hours": sleep,
                "note": note,
                "logged_on": today - timedelta(days=days_ago),
            },
            now=timezone.now(),
            today=today,
        )
