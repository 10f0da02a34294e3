"""Benchmark: a CDS Hooks patient-view call, which a CDS client hopes to have answered in about
half a second (CDS Hooks 2.0). Each run makes three calls, alternated so that all meet the same
machine: discovery (the anchor: the same server path with no token and no screening), a call with
one finding, and a call with three (osteoporosis, warfarin, an unrecognised condition). Every
call checks a fresh ES384 token, remembers its jti and writes an audit event. Django test
client, SQLite in a temporary directory. Prints figures; it passes or fails nothing.

    .venv/bin/python bench/bench_cds_hooks.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import installation


def main(runs: int) -> None:
    installation.throwaway()
    from cryptography.hazmat.primitives.asymmetric import ec
    from django.test import Client
    from tests.web.test_cds_hooks import (
        ISSUER,
        PATIENT_VIEW,
        condition,
        patient_view,
        pem,
        prefetch,
        signed,
    )

    from backcare.records import cds_clients
    from backcare.records.models import Clinic

    key = ec.generate_private_key(ec.SECP384R1())
    cds_clients.trust(issuer=ISSUER, key=pem(key), clinic=Clinic.objects.create(name="Bench"))
    warfarin = {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "active",
        "medicationCodeableConcept": {"text": "warfarin 5 mg"},
        "subject": {"reference": "Patient/1288992"},
    }
    unknown = {**condition("1", "x"), "code": {"text": "Zebra-stripe syndrome"}}
    bodies = {
        "one finding": patient_view(prefetch=prefetch(condition("64859006", "Osteoporosis"))),
        "three findings": patient_view(
            prefetch=prefetch(
                condition("64859006", "Osteoporosis"), unknown, medications=(warfarin,)
            )
        ),
    }
    browser = Client()

    def discovery() -> None:
        assert browser.get("/cds-hooks/cds-services").status_code == 200

    def call(body: dict[str, object]) -> None:
        answer = browser.post(
            PATIENT_VIEW,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {signed(key)}",
        )
        assert answer.status_code == 200, answer.content

    work = {"discovery (anchor)": discovery}
    work |= {f"patient-view, {name}": (lambda b=b: call(b)) for name, b in bodies.items()}
    for job in work.values():  # first call loads the knowledge base
        job()
    times: dict[str, list[float]] = {label: [] for label in work}
    for _ in range(runs):
        for label, job in work.items():
            start = time.perf_counter()
            job()
            times[label].append(time.perf_counter() - start)
    for label, taken in times.items():
        median, worst = statistics.median(taken) * 1000, max(taken) * 1000
        print(f"{label:32s} median {median:6.1f} ms, slowest {worst:6.1f} ms ({runs} runs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    main(parser.parse_args().runs)
