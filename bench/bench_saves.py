"""Benchmark: saves per second (intake versions and session notes, half and half, through the
records services) at 1 and at 8 writers at once, on SQLite and, when a URL is given, on
PostgreSQL, printed side by side. Also counts the saves that failed. Prints figures; it passes
or fails nothing.

    .venv/bin/python bench/bench_saves.py [--saves N] [--postgres URL]
        [--sqlite-synchronous FULL|NORMAL]

The PostgreSQL URL defaults to BACKCARE_TEST_DATABASE_URL; a database of its own is made on that
server for the run and dropped after. Each database is measured in a child process, with the
web app's own database settings (backcare.web.settings).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)
WRITERS = (1, 8)


def intake_data(marker: str) -> dict[str, Any]:
    from backcare.knowledge.contract import RED_FLAGS

    return {
        "assessed_on": TODAY.isoformat(),
        "client": {"age": 52},
        "red_flags": dict.fromkeys(RED_FLAGS, False),
        "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 5, "cause": "posture"},
        "notes": marker,
    }


def session_note(marker: str) -> dict[str, Any]:
    return {
        "session_date": TODAY,
        "subjective": marker,
        "techniques": ["effleurage"],
        "regions": ["upper_back_left"],
        "pressure": "light",
        "minutes": 30,
    }


def measure(saves: int, synchronous: str | None) -> dict[str, Any]:
    """In the child: set Django up on BACKCARE_DATABASE_URL and time the saves."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "backcare.web.settings"
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if synchronous and "init_command" in options:
        options["init_command"] = f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from backcare.records import accounts, clients, intakes
    from backcare.records.models import Clinic

    call_command("migrate", interactive=False, verbosity=0)
    clinic = Clinic.objects.create(name="Bench clinic")
    user = accounts.create_user(
        clinic=clinic, username="bench", password="quiet-harbour-lantern-2026"
    )
    person = clients.create_client(user=user, data={"first_name": "Bench", "last_name": "Mark"})
    intakes.record_intake(user=user, client=person, data=intake_data("first"), today=TODAY)
    connection.close()
    figures: dict[str, Any] = {"vendor": connection.vendor}
    for writers in WRITERS:
        ok, failed, seconds = _run(writers, saves, user, person)
        figures[str(writers)] = {"ok": ok, "failed": failed, "seconds": seconds}
    return figures


def _run(writers: int, saves: int, user: Any, person: Any) -> tuple[int, int, float]:
    from django.db import connection

    from backcare.records import intakes, sessions

    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    start = threading.Barrier(writers + 1)

    def writer(number: int) -> None:
        try:
            start.wait()
            for save in range(number, saves, writers):
                marker = f"{writers} writers, save {save}"
                try:
                    if save % 2 == 0:
                        intakes.record_intake(
                            user=user, client=person, data=intake_data(marker), today=TODAY
                        )
                    else:
                        sessions.record_session(
                            user=user, client=person, note=session_note(marker), today=TODAY
                        )
                    outcome = "ok"
                except Exception:
                    outcome = "failed"
                with lock:
                    counts[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return counts["ok"], counts["failed"], time.perf_counter() - began


def _child(url: str, saves: int, synchronous: str | None) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="backcare-bench-")
    env = {**os.environ, "BACKCARE_HOME": home, "BACKCARE_DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, __file__, "--child", "--saves", str(saves)]
    if synchronous:
        command += ["--sqlite-synchronous", synchronous]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the benchmark on {urlsplit(url).scheme} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _postgres(url: str, saves: int) -> dict[str, Any]:
    """Run the child on a database of its own on the server that ``url`` names."""
    import psycopg

    name = f"backcare_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return _child(urlunsplit(urlsplit(url)._replace(path=f"/{name}")), saves, None)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _print(results: dict[str, dict[str, Any]], saves: int) -> None:
    print(f"{saves} saves (half intake versions, half session notes) for one client,")
    print("by 1 writer, then by 8 writers at once (threads, as the web server's)")
    width = max(len(name) for name in results) + 2
    print(f"{'database':{width}s}" + "".join(f"{f'{w} at once':>26s}" for w in WRITERS))
    for name, figures in results.items():
        cells = []
        for writers in WRITERS:
            run = figures[str(writers)]
            rate = run["ok"] / run["seconds"]
            cells.append(f"{rate:7.1f} saves/s, {run['failed']} failed")
        print(f"{name:{width}s}" + "".join(f"{cell:>26s}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("BACKCARE_TEST_DATABASE_URL"))
    parser.add_argument("--sqlite-synchronous", choices=["FULL", "NORMAL"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.saves, args.sqlite_synchronous)))
        return
    results: dict[str, dict[str, Any]] = {}
    sqlite_file = Path(tempfile.mkdtemp(prefix="backcare-bench-")) / "bench.sqlite3"
    sync = args.sqlite_synchronous or "FULL (as configured)"
    results[f"SQLite, synchronous={sync}"] = _child(
        f"sqlite:///{sqlite_file}", args.saves, args.sqlite_synchronous
    )
    if args.postgres:
        results["PostgreSQL"] = _postgres(args.postgres, args.saves)
    else:
        print("PostgreSQL: not measured (give --postgres URL or BACKCARE_TEST_DATABASE_URL)")
    _print(results, args.saves)


if __name__ == "__main__":
    main()
