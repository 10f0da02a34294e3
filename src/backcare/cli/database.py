"""Django set up for the commands that use the database, and the lookups they share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from backcare.errors import InvalidIntake, Problem


def django_setup() -> None:
    """Set up Django for the commands that use the database (configuration read now)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.web.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def sqlite_file(settings: Any) -> Path | None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database["NAME"] == ":memory:":
        return None
    return Path(database["NAME"])


def clinic_named(name: str | None, doing: str = "export") -> Any:
    from backcare.records.models import Clinic

    names = sorted(Clinic.objects.values_list("name", flat=True))
    if name is not None:
        found = Clinic.objects.filter(name=name).first()
        if found is None:
            raise InvalidIntake(
                [Problem("--clinic", f"no clinic {name!r}; clinics: {', '.join(names) or 'none'}")]
            )
        return found
    if len(names) != 1:
        listed = ", ".join(repr(n) for n in names) if names else "none yet"
        raise InvalidIntake([Problem("--clinic", f"name the clinic to {doing}; clinics: {listed}")])
    return Clinic.objects.get()
