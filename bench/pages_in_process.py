"""Benchmark: the main pages in process (Django's test client, SQLite in a temporary directory)
beside the signed-in hello world of bench/pages_urls.py and the same writing its audit row:
the median processor time of a view (waiting for the disk not counted), its median time, and
the database queries each view makes. ``--profile PAGE`` prints where that page's time goes
(cProfile, sorted by own time unless ``--sort cumulative``). Prints figures; it passes or
fails nothing.

    .venv/bin/python bench/pages_in_process.py [--clients 5000] [--runs 30] [--profile dashboard]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

import installation
import pages_main


def main(clients: int, runs: int, profile: str | None, sort: str) -> None:
    installation.throwaway()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from backcare.records import demo
    from backcare.records.models import Client as Person
    from backcare.records.models import User

    installation.demo_clinic(clients)
    browser = Client()
    browser.force_login(User.objects.get(username=demo.THERAPIST))
    person = Person.objects.filter(last_name="Hughes").order_by("pk").first()
    assert person is not None
    pages = pages_main.addresses(person=person.pk, alerts_kind="measure")
    width = max(map(len, pages))
    with override_settings(ROOT_URLCONF="pages_urls"):
        for name, url in pages.items():
            browser.get(url)  # warm up: what is kept is kept
            times, cpu = [], []
            for _ in range(runs):
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = browser.get(url)
                cpu.append(time.thread_time() - start_cpu)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                browser.get(url)
            print(
                f"{name:{width}s} processor {statistics.median(cpu) * 1000:6.2f} ms "
                f"(min {min(cpu) * 1000:.2f}), time {statistics.median(times) * 1000:6.2f} ms"
                f"  {len(queries)} queries"
            )
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                browser.get(pages[profile])
            profiler.disable()
            pstats.Stats(profiler).sort_stats(sort).print_stats(60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", default=None, help="a page's name, as printed")
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    main(args.clients, args.runs, args.profile, args.sort)
