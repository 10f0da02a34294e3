"""Benchmark: the client page of a client with 50 sessions and the clinic outcomes page of a
clinic with 5,000 clients (each with a finished or running course of sessions), timed beside
an anchor (the knowledge base's start page, logged in) measured in the same run. Prints
figures; it passes or fails nothing.

    .venv/bin/python bench/bench_outcomes.py [--runs N] [--clients N]

The clinic is the demo clinic grown with copies of its own clients (their intakes, plans,
sessions, measures and referrals, ``records/demo_crowd.py``), written with bulk inserts so the
set-up takes seconds, not an hour; the busy client is recorded through the services.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

import installation


def main(runs: int, count: int) -> None:
    installation.throwaway()
    from django.test import Client as Browser

    from backcare.records import demo
    from backcare.records.models import User

    installation.demo_clinic(count - 1)
    user = User.objects.get(username=demo.THERAPIST)
    busy = _busy_client(user)
    browser = Browser()
    browser.force_login(user)
    pages = {
        "anchor: knowledge start page": "/knowledge/",
        "client page, 50 sessions": f"/clients/{busy}/",
        f"clinic outcomes, {count} clients": "/outcomes/",
    }
    installation.time_pages(browser, pages, runs)


def _busy_client(user: Any) -> int:
    """A client of a year's weekly sessions with a baseline PEG, recorded through the services."""
    from backcare.knowledge.contract import RED_FLAGS
    from backcare.records import clients, intakes, measures, sessions

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
    return int(busy.pk)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=5000)
    arguments = parser.parse_args()
    main(arguments.runs, arguments.clients)
