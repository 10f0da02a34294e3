"""Benchmark: the client search with hostile queries. A clinic of N clients; the client list with
no search is the anchor, beside a two-word search, the longest search allowed (6 words) and
searches that are refused (1,000 words, 100,000 characters). Django test client, SQLite in a
temporary directory. Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_search.py [--clients 1000] [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

import installation


def main(count: int, runs: int) -> None:
    installation.throwaway()
    from django.test import Client

    from backcare.records import demo
    from backcare.records.models import Client as Person
    from backcare.records.models import User

    demo.ensure_demo()
    therapist = User.objects.get(username=demo.THERAPIST)
    Person.objects.bulk_create(
        Person(clinic=therapist.clinic, first_name=f"First{n}", last_name=f"Last{n}")
        for n in range(count)
    )
    browser = Client()
    browser.force_login(therapist)
    queries = {
        "no search (anchor)": "",
        "two words": "first1 last1",
        "six words (the most allowed)": "first1 last1 first2 last2 first3 last3",
        "1,000 words (refused)": " ".join(f"w{n}" for n in range(1000)),
        "100,000 characters (refused)": "x" * 100_000,
    }
    print(f"client list, {count:,} clients, median of {runs} runs")
    for label, query in queries.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = browser.get("/clients/", {"q": query} if query else {})
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        print(f"  {label:32} {statistics.median(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    main(args.clients, args.runs)
