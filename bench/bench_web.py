"""Benchmark: how long the main pages take to render for the demo clinic (Django test client,
in process, SQLite in a temporary directory). Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_web.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import installation


def main(runs: int) -> None:
    installation.throwaway()
    from django.test import Client

    from backcare.records import demo
    from backcare.records.models import Client as Person
    from backcare.records.models import User

    started = time.perf_counter()
    demo.ensure_demo()
    print(f"demo clinic built in {time.perf_counter() - started:.2f} s")
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
    for name, url in pages.items():
        browser.get(url)  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:18s} median {statistics.median(times) * 1000:6.1f} ms "
            f"(min {min(times) * 1000:.1f} ms, {runs} runs)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    main(parser.parse_args().runs)
