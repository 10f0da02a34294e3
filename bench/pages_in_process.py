"""Benchmark: the main pages in process (Django's test client, SQLite in a temporary directory)
beside the signed-in hello world of bench/pages_urls.py and the same writing its audit row:
the median processor time of a view (waiting for the disk not counted), its median time, and
the database queries each view makes, and the same medians for the first view after a save
(bench/pages_urls.py: nothing kept). ``--profile PAGE`` prints where that page's time goes
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
from collections.abc import Callable
from typing import Any

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
    therapist = User.objects.get(username=demo.THERAPIST)
    with override_settings(ROOT_URLCONF="pages_urls"):
        from pages_urls import save

        for name, url in pages.items():
            browser.get(url)  # warm up: what is kept is kept
            kept, fresh = (
                _timed(browser, url, runs),
                _timed(browser, url, runs, lambda: save(therapist)),
            )
            with CaptureQueriesContext(connection) as queries:
                browser.get(url)
            print(
                f"{name:{width}s} processor {kept[0]:6.2f} ms (min {kept[1]:.2f}), time "
                f"{kept[2]:6.2f} ms  {len(queries)} queries; after a save: processor "
                f"{fresh[0]:6.2f} ms, time {fresh[2]:6.2f} ms"
            )
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                browser.get(pages[profile])
            profiler.disable()
            pstats.Stats(profiler).sort_stats(sort).print_stats(60)


def _timed(
    browser: Any, url: str, runs: int, before: Callable[[], None] | None = None
) -> tuple[float, float, float]:
    """The median and least processor time and the median time of ``runs`` views, in ms,
    each after ``before`` when given (not timed)."""
    times, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = browser.get(url)
        cpu.append(time.thread_time() - start_cpu)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(cpu) * 1000, min(cpu) * 1000, statistics.median(times) * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", default=None, help="a page's name, as printed")
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    main(args.clients, args.runs, args.profile, args.sort)
