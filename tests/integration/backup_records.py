"""A few records made through the services, and a snapshot of everything stored, for the backup
round trip: ``python -m tests.integration.backup_records make|show`` in the installation that
BACKCARE_HOME and BACKCARE_DATABASE_URL name. Prints the snapshot as JSON."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date
from typing import Any

TODAY = date(2026, 11, 22)


def make() -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from backcare.records import accounts, clients, intakes

    admin = accounts.create_clinic_with_admin(
        clinic_name="Backup clinic", username="bea", password="a-long-backup-password-7"
    )
    ida = clients.create_client(user=admin, data={"first_name": "Ida", "last_name": "Round"})
    intakes.record_intake(
        user=admin, client=ida, today=TODAY, data={"client": {"age": 50}, "conditions": ["flu"]}
    )
    intakes.record_intake(
        user=admin, client=ida, today=TODAY, data={"client": {"age": 50}}, reason="flu is over"
    )
    default_storage.save("clearances/2026/letter.pdf", ContentFile(b"%PDF-1.4 cleared to go"))


def snapshot() -> dict[str, Any]:
    from django.core.files.storage import default_storage

    from backcare.records.models import Assessment, AuditEvent, Client, Clinic, Intake, User

    root = default_storage.path("")
    documents = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as stream:
                documents[os.path.relpath(path, root)] = hashlib.sha256(stream.read()).hexdigest()
    return {
        "clinics": list(Clinic.objects.values_list("name", flat=True)),
        "users": list(User.objects.values_list("username", "role", "password")),
        "clients": list(Client.objects.values_list("first_name", "last_name")),
        "intakes": list(
            Intake.objects.order_by("version").values_list("version", "data", "reason")
        ),
        "assessments": list(Assessment.objects.values_list("decision", "result")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("action", "target")),
        "documents": documents,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if sys.argv[1] == "make":
        make()
    print(json.dumps(snapshot(), default=str))
