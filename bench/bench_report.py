"""Benchmark: how long the physician progress report takes as a PDF, beside the same report
as HTML (the anchor: templates and charts, no layout) and one chart alone, drawn anew and from
the cache, measured in the same run on the demo clinic (SQLite in a temporary directory).
Prints figures; passes or fails nothing.

    .venv/bin/python bench/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and slowest seconds of ``runs`` calls, after one warm-up call."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["BACKCARE_HOME"] = tempfile.mkdtemp(prefix="backcare-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from backcare.knowledge import load_knowledge
    from backcare.records import demo
    from backcare.records.models import Client, User
    from backcare.records.report import progress_report
    from backcare.reports import charts, progress

    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_demo()
    user = User.objects.get(username=demo.THERAPIST)
    person = Client.objects.get(last_name="Hughes")
    today = date.today()
    kb = load_knowledge()

    start = time.perf_counter()
    progress.pdf(progress_report(user=user, client_id=person.pk, today=today))
    print(f"first PDF (imports, fonts, chart engine): {time.perf_counter() - start:.2f} s")

    def gathered() -> object:
        return progress_report(user=user, client_id=person.pk, today=today)

    report = progress_report(user=user, client_id=person.pk, today=today)
    notes = report.sessions
    goal = report.plan.pain_goal if report.plan else None
    rows = {
        "gather the report (database)": gathered,
        "one pain chart (spec to SVG)": lambda: (
            charts._svg.cache_clear(),
            charts.session_pain_chart(notes, goal=goal, kb=kb),
        ),
        "the same chart again (cached)": lambda: charts.session_pain_chart(notes, goal=goal, kb=kb),
        "HTML report (anchor)": lambda: (charts._svg.cache_clear(), progress.html(report)),
        "PDF report": lambda: (charts._svg.cache_clear(), progress.pdf(report)),
    }
    results = {name: timed(work, runs) for name, work in rows.items()}
    anchor = results["HTML report (anchor)"][0]
    print(f"{'':32} {'median':>9} {'slowest':>9} {'x HTML':>7}   ({runs} runs each)")
    for name, (median, slowest) in results.items():
        print(f"{name:32} {median * 1000:7.1f}ms {slowest * 1000:7.1f}ms {median / anchor:7.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    main(parser.parse_args().runs)
