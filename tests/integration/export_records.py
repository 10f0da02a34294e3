"""Records of two clinics made through the services, and a snapshot of one clinic's records in
which ids are replaced by each row's place in its table (ids change on import; the order does
not), for the export and import round trip:
``python -m tests.integration.export_records make|show`` in the installation that BACKCARE_HOME
and BACKCARE_DATABASE_URL name. Prints the snapshot of "Export clinic" as JSON."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from datetime import timedelta
from typing import Any

from django.utils import timezone

CLINIC = "Export clinic"
OTHER = "Elsewhere clinic"
PASSWORD = "a-long-export-password-7"
NO_FLAGS: dict[str, bool] = {}


def make() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backcare.knowledge.contract import RED_FLAGS
    from backcare.records import (
        accounts,
        alerts,
        amendments,
        clearances,
        clients,
        intakes,
        referrals,
        sessions,
    )

    today = timezone.localdate()
    flags = dict.fromkeys(RED_FLAGS, False)
    pain = {"regions": ["low_back"], "duration_weeks": 20, "intensity": 6, "cause": "posture"}
    admin = accounts.create_clinic_with_admin(
        clinic_name=CLINIC, username="eve", password=PASSWORD, full_name="Eve Admin"
    )
    assert admin.clinic is not None
    anna = accounts.create_user(clinic=admin.clinic, username="anna", password=PASSWORD)
    ida = clients.create_client(user=anna, data={"first_name": "Ida", "last_name": "Round"})
    week_ago = today - timedelta(days=7)
    base = {"client": {"age": 50}, "red_flags": flags, "pain": pain}
    intakes.record_intake(
        user=anna, client=ida, today=week_ago, data={**base, "assessed_on": week_ago}
    )
    note = {
        "session_date": today,
        "minutes": 45,
        "pressure": "light",
        "regions": ["upper_back_left"],
        "techniques": ["effleurage"],
        "pain_before": 6,
        "pain_after": 3,
    }
    session = sessions.record_session(user=anna, client=ida, today=today, note=note)
    amendments.amend_session(user=anna, session=session, text="Also stretched.")
    referrals.record_referral(
        user=anna,
        client=ida,
        today=today,
        data={
            "referrer": "Dr Lee, GP",
            "referred_on": week_ago,
            "diagnosis": "Low back pain",
            "icd10": "M54.5",
            "visits_authorised": 2,
            "expires_on": today + timedelta(days=30),
        },
    )
    held = clients.create_client(user=anna, data={"first_name": "Hal", "last_name": "Held"})
    intakes.record_intake(
        user=anna, client=held, today=today, data={**base, "conditions": ["hypertension"]}
    )
    stop = next(a for a in alerts.current_alerts(anna) if a.kind == "stop")
    alerts.acknowledge(
        user=anna, client_id=held.pk, kind="stop", situation=stop.situation, note="GP asked"
    )
    clearances.record_clearance(
        user=anna,
        client=held,
        received_from="Dr Lee",
        received_on=today,
        today=today,
        covers=[f["rule"] for f in clearances.pending(held)],
        document=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 cleared to go"),
    )
    other = accounts.create_clinic_with_admin(clinic_name=OTHER, username="olga", password=PASSWORD)
    stranger = clients.create_client(
        user=other, data={"first_name": "Zed", "last_name": "Stranger"}
    )
    intakes.record_intake(user=other, client=stranger, today=today, data=base)


def snapshot() -> dict[str, Any]:
    from django.core.files.storage import default_storage

    from backcare.records.dashboard import current_alerts
    from backcare.records.exchange import tables
    from backcare.records.models import Clearance, Clinic, User

    clinic = Clinic.objects.get(name=CLINIC)
    places: dict[str, dict[int, int]] = {}
    shown: dict[str, Any] = {}
    for table in tables():
        rows = list(
            table.model._default_manager.filter(**{table.clinic_path: clinic.pk})
            .order_by("pk")
            .values_list(*table.columns)
        )
        places[table.name] = {row[0]: place for place, row in enumerate(rows)}
        shown[table.name] = [
            [_placed(f, v, places) for f, v in zip(table.fields, row, strict=True)] for row in rows
        ]
    shown["documents"] = {}
    for name in Clearance.objects.filter(clinic=clinic).values_list("document", flat=True):
        with default_storage.open(name) as stored:
            shown["documents"][name] = hashlib.sha256(stored.read()).hexdigest()
    admin = User.objects.get(username="eve")
    shown["alerts"] = [
        [str(a.client), a.kind, _situation(a.situation, places), a.acknowledged is not None]
        for a in current_alerts(admin)
    ]
    return shown


def _placed(field: Any, value: Any, places: dict[str, dict[int, int]]) -> Any:
    from django.db import models

    if field.primary_key:
        return places[field.model._meta.model_name][value]
    if isinstance(field, models.ForeignKey) and value is not None:
        return places[field.related_model._meta.model_name].get(value, f"outside: {value}")
    if field.name == "situation":
        return _situation(value, places)
    return value if isinstance(value, int | float | bool | list | dict | type(None)) else str(value)


WORDS = {
    "assessment": "assessment",
    "plan": "plan",
    "session": "sessionnote",
    "referral": "referral",
}


def _situation(text: str, places: dict[str, dict[int, int]]) -> str:
    found = re.fullmatch(r"([a-z]+) (\d+)(.*)", text)
    if not found or found[1] not in WORDS:
        return text
    return f"{found[1]} #{places[WORDS[found[1]]][int(found[2])]}{found[3]}"


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if sys.argv[1] == "make":
        make()
    print(json.dumps(snapshot(), default=str))
