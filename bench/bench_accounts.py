"""Benchmark: what accounts cost. (1) Deactivating a user ends their sessions by reading every
live session: time it with N sessions stored, beside a plain count of those sessions (the
anchor). (2) The sign-in checks on every page (idle limit, second factor): the dashboard's time
with them and without them, same run. Django test client, SQLite in a temporary directory.
Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_accounts.py [--sessions 1000 10000] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import installation

CHECKS = (
    "backcare.web.idle.IdleTimeoutMiddleware",
    "backcare.web.second_factor.SecondFactorMiddleware",
)


def main(session_counts: list[int], runs: int) -> None:
    installation.throwaway()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.test import Client, override_settings
    from django.utils import timezone

    from backcare.records import demo, user_admin
    from backcare.records.models import User

    demo.ensure_demo()
    therapist = User.objects.get(username=demo.THERAPIST)
    admin = User.objects.get(username=demo.ADMIN)

    for count in session_counts:
        Session.objects.all().delete()
        for n in range(count):
            store = SessionStore()
            store["_auth_user_id"] = str(admin.pk if n else therapist.pk)
            store.create()
        start = time.perf_counter()
        stored = Session.objects.filter(expire_date__gt=timezone.now()).count()
        anchor = time.perf_counter() - start
        start = time.perf_counter()
        ended = user_admin.end_sessions(therapist)
        took = time.perf_counter() - start
        print(
            f"end a user's sessions among {stored:6d}: {took * 1000:8.1f} ms "
            f"(ended {ended}; anchor: counting them {anchor * 1000:.1f} ms)"
        )

    without = [m for m in settings.MIDDLEWARE if m not in CHECKS]
    browsers = {}
    for label, middleware in (
        ("with the sign-in checks", settings.MIDDLEWARE),
        ("without", without),
    ):
        with override_settings(MIDDLEWARE=middleware):  # a client keeps the chain it first loads
            browsers[label] = Client()
            browsers[label].force_login(therapist)
            assert browsers[label].get("/").status_code == 200
    times: dict[str, list[float]] = {label: [] for label in browsers}
    for _ in range(runs):  # alternated, so both meet the same machine
        for label, browser in browsers.items():
            start = time.perf_counter()
            assert browser.get("/").status_code == 200
            times[label].append(time.perf_counter() - start)
    for label, taken in times.items():
        median = statistics.median(taken) * 1000
        print(f"dashboard {label:24s} median {median:6.1f} ms ({runs} runs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    main(arguments.sessions, arguments.runs)
