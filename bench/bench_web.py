"""Benchmark: how long the main pages take to render for the demo clinic (Django test client,
in process, SQLite in a temporary directory). Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_web.py [--runs N]
"""

from __future__ import annotations

import argparse

import installation


def main(runs: int) -> None:
    installation.throwaway()
    from django.test import Client

    from backcare.records import demo
    from backcare.records.models import Client as Person
    from backcare.records.models import User

    installation.demo_clinic()
    browser = Client()
    browser.force_login(User.objects.get(username=demo.THERAPIST))
    person = Person.objects.get(last_name="Hughes")
    pages = {
        "dashboard": "/",
        "client list": "/clients/",
        "client page": f"/clients/{person.pk}/",
        "plan and outline": f"/clients/{person.pk}/plan/",
        "session note": f"/clients/{person.pk}/sessions/new/",
        "a note in full": f"/clients/{person.pk}/sessions/{person.sessions.first().pk}/",
        "client details": f"/clients/{person.pk}/details/",
        "intake form": f"/clients/{person.pk}/intake/",
        "public check": "/check/",
    }
    installation.time_pages(browser, pages, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    main(parser.parse_args().runs)
