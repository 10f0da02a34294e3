"""Benchmark: the audit trail's cost. Writing an event (chained: lock, read the head, hash,
insert) beside a plain insert of the same row; and ``backcare audit verify`` over N events
beside reading the same rows without hashing, with the process's peak memory. SQLite in a
temporary data directory. Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_audit.py [--events N]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["BACKCARE_HOME"] = tempfile.mkdtemp(prefix="backcare-bench-audit-")
    os.environ.setdefault("BACKCARE_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")
    os.environ["DJANGO_SETTINGS_MODULE"] = "backcare.web.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from backcare.records import accounts, audit, verify
    from backcare.records.models import AuditEvent, Clinic

    call_command("migrate", interactive=False, verbosity=0)
    clinic = Clinic.objects.create(name="Bench clinic")
    user = accounts.create_user(
        clinic=clinic, username="bench", password="quiet-harbour-lantern-2026"
    )
    detail = {"clients": list(range(50))}

    writes = 2000
    started = time.perf_counter()
    for n in range(writes):
        audit.record(user=user, action="client.search", target=f"w{n}", detail=detail)
    chained = (time.perf_counter() - started) / writes
    plain_clinic = Clinic.objects.create(name="Plain inserts")
    started = time.perf_counter()
    for n in range(writes):
        with transaction.atomic():
            AuditEvent.objects.create(
                clinic=plain_clinic,
                user=user,
                action="x",
                target=f"w{n}",
                detail=detail,
                seq=n + 1,
                prev_hash="",
                hash="",
            )
    plain = (time.perf_counter() - started) / writes
    print(f"write one event: chained {chained * 1e3:.2f} ms, plain insert {plain * 1e3:.2f} ms")

    with transaction.atomic():  # the bulk of the trail, written quickly in one transaction
        for n in range(args.events - writes):
            audit.record(user=user, action="client.view", target=f"v{n}", detail=detail)
    total = AuditEvent.objects.filter(clinic=clinic).count()

    started = time.perf_counter()
    read = sum(
        1
        for _ in AuditEvent.objects.filter(clinic=clinic)
        .order_by("seq")
        .values_list("pk", "seq", "prev_hash", "hash", "at", "actor", "action", "target", "detail")
        .iterator(chunk_size=verify.CHUNK)
    )
    reading = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    [report] = list(verify.verify(clinic_id=clinic.pk))
    verifying = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report.broken is None
    assert report.checked == total == read
    print(
        f"verify {total} events: {verifying:.2f} s ({total / verifying:,.0f} events/s); "
        f"reading the same rows without hashing: {reading:.2f} s"
    )
    print(f"peak memory: {before:.0f} MB before verify, {peak:.0f} MB after (SQLite)")


if __name__ == "__main__":
    main()
