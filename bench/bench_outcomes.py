"""Benchmark: the client page of a client with 50 sessions and the clinic outcomes page of a
clinic with 5,000 clients (each with a finished or running course of sessions), timed beside
an anchor (the knowledge base's start page, logged in) measured in the same run. Prints
figures; it passes or fails nothing.

    .venv/bin/python bench/bench_outcomes.py [--runs N] [--clients N]

The 5,000 courses are copies of one course recorded through the services (intake, assessment,
plan), written with bulk inserts so the set-up takes seconds, not an hour.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

import installation


def main(runs: int, count: int) -> None:
    installation.throwaway()
    from django.test import Client as Browser

    started = time.perf_counter()
    user, busy = _clinic(count)
    print(f"clinic of {count} clients built in {time.perf_counter() - started:.1f} s")
    browser = Browser()
    browser.force_login(user)
    pages = {
        "anchor: knowledge start page": "/knowledge/",
        "client page, 50 sessions": f"/clients/{busy}/",
        f"clinic outcomes, {count} clients": "/outcomes/",
    }
    for name, url in pages.items():
        browser.get(url)  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:34s} median {statistics.median(times) * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f} ms, {runs} runs)"
        )


def _clinic(count: int) -> tuple[object, int]:
    from backcare.knowledge.contract import RED_FLAGS
    from backcare.records import accounts, clients, intakes, measures, sessions
    from backcare.records.models import Assessment, Client, Intake, Measure, Plan, SessionNote

    rng = random.Random(7)
    user = accounts.create_clinic_with_admin(
        clinic_name="Bench clinic", username="bench", password="quiet-harbour-lantern-2026"
    )
    clinic = user.clinic
    start = date.today() - timedelta(weeks=60)
    intake = {
        "assessed_on": start,
        "client": {"age": 50},
        "red_flags": dict.fromkeys(RED_FLAGS, False),
        "pain": {"regions": ["low_back"], "duration_weeks": 30, "intensity": 7},
    }
    busy = clients.create_client(user=user, data={"first_name": "Busy", "last_name": "Client"})
    intakes.record_intake(user=user, client=busy, data=intake, today=start)
    for week in range(50):
        day = start + timedelta(weeks=week)
        note = {
            "session_date": day,
            "regions": ["low_back_left"],
            "pressure": "light",
            "minutes": 45,
            "pain_before": max(1, 7 - week // 8),
            "pain_after": 2,
        }
        sessions.record_session(user=user, client=busy, note=note, today=day)
    measures.record_measure(
        user=user,
        client=busy,
        instrument="peg",
        answers={"pain": 7, "enjoyment": 6, "activity": 6},
        measured_on=start,
        point="baseline",
        today=start,
    )
    template = busy.intakes.get()
    assessment = busy.assessments.get()
    plan = busy.plans.get()
    people = Client.objects.bulk_create(
        Client(clinic=clinic, first_name=f"Client{n}", last_name="Bench", created_by=user)
        for n in range(count - 1)
    )
    made_intakes = Intake.objects.bulk_create(
        Intake(clinic=clinic, client=p, version=1, data=template.data, source="therapist")
        for p in people
    )
    made_assessments = Assessment.objects.bulk_create(
        Assessment(
            clinic=clinic,
            client=p,
            intake=i,
            result=assessment.result,
            decision=assessment.decision,
            knowledge_version=assessment.knowledge_version,
        )
        for p, i in zip(people, made_intakes, strict=True)
    )
    plans = Plan.objects.bulk_create(
        Plan(
            clinic=clinic,
            client=p,
            assessment=a,
            modality=rng.choice(["swedish", "myofascial_release", "relaxation"]),
            session_minutes=60,
            sessions_per_week=1,
            total_sessions=10,
            reassess_after_sessions=5,
            max_pressure="medium",
            details=plan.details,
        )
        for p, a in zip(people, made_assessments, strict=True)
    )
    notes = []
    for p, made in zip(people, plans, strict=True):
        pain = 7
        for week in range(rng.choice([3, 10, 10, 10])):
            pain = max(1, pain - rng.choice([0, 0, 1]))
            notes.append(
                SessionNote(
                    clinic=clinic,
                    client=p,
                    plan=made,
                    therapist=user,
                    session_date=start + timedelta(weeks=week),
                    pressure="light",
                    minutes=60,
                    pain_before=pain,
                    pain_after=pain - 1,
                )
            )
    SessionNote.objects.bulk_create(notes, batch_size=2000)
    groups = ["low", "medium", "high"]
    Measure.objects.bulk_create(
        Measure(
            clinic=clinic,
            client=p,
            instrument="start_back",
            measured_on=start,
            point="baseline",
            score=3,
            result={"group": rng.choice(groups)},
        )
        for p in people
    )
    return user, busy.pk


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=5000)
    arguments = parser.parse_args()
    main(arguments.runs, arguments.clients)
