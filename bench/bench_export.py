"""Benchmark: exporting and importing a clinic of N clients on SQLite, with the peak Python
memory of each, beside the anchor of the same run: reading every exported row once with no
writing at all. Memory that stays flat as N grows shows the export streams. Prints figures; it
passes or fails nothing.

    .venv/bin/python bench/bench_export.py [--clients 500 2000]

Each size runs in a fresh data directory (a temporary BACKCARE_HOME): one intake, assessment,
plan and three sessions a client, copied from one made through the services.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def measure(clients: int, home: Path) -> dict[str, Any]:
    """In the child: fill a clinic, then time the anchor, the export and the import."""
    installation(home / "source")
    from backcare.records import exchange, export

    clinic = fill(clients)
    started = time.perf_counter()
    rows = sum(
        sum(1 for _ in t.model._default_manager.values_list(*t.columns).iterator(2000))
        for t in exchange.tables()
    )
    anchor = time.perf_counter() - started
    archive = home / "clinic.zip"
    started = time.perf_counter()
    export.write_file(scope=export.Scope(clinic), path=archive, user=None)
    exported = time.perf_counter() - started
    tracemalloc.start()  # a second export for the memory: tracing slows Python down
    export.write_file(scope=export.Scope(clinic), path=home / "again.zip", user=None)
    export_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "clients": clients,
        "rows": rows,
        "anchor_s": anchor,
        "export_s": exported,
        "export_peak_mb": export_peak / 2**20,
        "zip_mb": archive.stat().st_size / 2**20,
        "archive": str(archive),
    }


def installation(home: Path) -> None:
    """Django set up on a new, migrated installation in ``home``."""
    os.environ.update(BACKCARE_HOME=str(home), DJANGO_SETTINGS_MODULE="backcare.web.settings")
    os.environ.setdefault("BACKCARE_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def fill(clients: int) -> Any:
    """One client through the services, then N copies of their rows."""
    from datetime import date

    from backcare.knowledge.contract import RED_FLAGS
    from backcare.records import accounts, intakes, sessions
    from backcare.records import clients as client_service
    from backcare.records.models import Assessment, Client, Intake, Plan, SessionNote

    today = date(2026, 11, 22)
    admin = accounts.create_clinic_with_admin(
        clinic_name="Bench clinic", username="bench", password="quiet-harbour-lantern-2026"
    )
    first = client_service.create_client(user=admin, data={"first_name": "A", "last_name": "0"})
    data = {
        "assessed_on": today,
        "client": {"age": 52},
        "red_flags": dict.fromkeys(RED_FLAGS, False),
        "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 5, "cause": "posture"},
    }
    intakes.record_intake(user=admin, client=first, data=data, today=today)
    note = {
        "session_date": today,
        "regions": ["upper_back_left"],
        "pressure": "light",
        "minutes": 30,
        "techniques": ["effleurage"],
        "subjective": "Stiff after work.",
    }
    sessions.record_session(user=admin, client=first, note=note, today=today)
    intake, assessment = Intake.objects.get(), Assessment.objects.get()
    plan, session = Plan.objects.get(), SessionNote.objects.get()
    clinic = admin.clinic
    people = Client.objects.bulk_create(
        Client(clinic=clinic, first_name="A", last_name=str(n), created_by=admin)
        for n in range(1, clients)
    )
    made = Intake.objects.bulk_create(
        Intake(clinic=clinic, client=p, version=1, data=intake.data, source="therapist")
        for p in people
    )
    judged = Assessment.objects.bulk_create(
        Assessment(
            clinic=clinic,
            client=p,
            intake=i,
            result=assessment.result,
            decision=assessment.decision,
            knowledge_version=assessment.knowledge_version,
        )
        for p, i in zip(people, made, strict=True)
    )
    planned = Plan.objects.bulk_create(
        Plan(
            **{
                f.attname: getattr(plan, f.attname)
                for f in Plan._meta.concrete_fields
                if f.attname not in ("id", "client_id", "assessment_id")
            },
            client=p,
            assessment=a,
        )
        for p, a in zip(people, judged, strict=True)
    )
    SessionNote.objects.bulk_create(
        SessionNote(
            **{
                f.attname: getattr(session, f.attname)
                for f in SessionNote._meta.concrete_fields
                if f.attname not in ("id", "client_id", "plan_id")
            },
            client=p,
            plan=pl,
        )
        for p, pl in zip(people, planned, strict=True)
        for _ in range(3)
    )
    return clinic


def measure_import(home: Path, archive: str) -> dict[str, Any]:
    """In a second child, an empty installation: time the import."""
    installation(home / "target")
    from backcare.records import importer

    started = time.perf_counter()
    importer.import_file(Path(archive), dry_run=True)  # the check of every file's hash
    checked = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    importer.import_file(Path(archive))
    seconds = time.perf_counter() - started  # traced: slower than untraced, an upper bound
    peak = tracemalloc.get_traced_memory()[1]
    return {"check_s": checked, "import_s": seconds, "import_peak_mb": peak / 2**20}


def child(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCARE_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[500, 2000])
    args = parser.parse_args()
    print(
        f"{'clients':>8} {'rows':>8} {'read (anchor)':>14} {'export':>8} {'x anchor':>9} "
        f"{'peak MB':>8} {'zip MB':>7} {'check':>7} {'import*':>8} {'peak MB':>8}"
    )
    for clients in args.clients:
        with tempfile.TemporaryDirectory(prefix="backcare-bench-export-") as home:
            out = child("--measure", str(clients), home)
            back = child("--import", out["archive"], home)
        print(
            f"{clients:>8} {out['rows']:>8} {out['anchor_s']:>13.2f}s {out['export_s']:>7.2f}s "
            f"{out['export_s'] / out['anchor_s']:>9.1f} {out['export_peak_mb']:>8.1f} "
            f"{out['zip_mb']:>7.1f} {back['check_s']:>6.2f}s {back['import_s']:>7.2f}s "
            f"{back['import_peak_mb']:>8.1f}"
        )
    print("* the import is timed with memory tracing on, which slows Python: an upper bound")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(int(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--import":
        print(json.dumps(measure_import(Path(sys.argv[3]), sys.argv[2])))
    else:
        main()
