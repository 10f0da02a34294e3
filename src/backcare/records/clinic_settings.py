"""A clinic's own details (name, address, phone, email, logo), printed on its handouts.

Only a clinic admin changes them, for their own clinic; every change is audited. A logo must be
a PNG or JPEG image by its content (Pillow reads it), not by its file name, and small.
"""

from __future__ import annotations

import base64
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from backcare.errors import InvalidIntake, NotAllowed, Problem
from backcare.records import audit, saving
from backcare.records.documents import decoded_image
from backcare.records.models import Clinic, User

TEXT_FIELDS = ("name", "address", "phone", "email")
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


def of(*, user: User) -> Clinic:
    """The user's own clinic: the only one whose settings they can see or change."""
    assert user.clinic is not None, "only clinic accounts have clinic settings"
    return Clinic.objects.get(pk=user.clinic.pk)


@saving.atomic
def update_settings(
    *, user: User, data: dict[str, str], logo: bytes | None = None, remove_logo: bool = False
) -> list[str]:
    """Change the clinic's details; returns the names of the fields that changed."""
    if not user.is_clinic_admin:
        raise NotAllowed("only a clinic admin can change the clinic's settings")
    assert user.clinic is not None, "only clinic accounts have clinic settings"
    clinic = Clinic.objects.select_for_update().get(pk=user.clinic.pk)
    values = {name: _text(data.get(name)) for name in TEXT_FIELDS}
    problems = check(values)
    logo_type = ""
    if logo is not None:
        logo_type, logo_problems = check_logo(logo)
        problems += logo_problems
    if problems:
        raise InvalidIntake(problems)
    changed = [name for name, value in values.items() if getattr(clinic, name) != value]
    for name in changed:
        setattr(clinic, name, values[name])
    if logo is not None:
        clinic.logo, clinic.logo_type = logo, logo_type
        changed.append("logo")
    elif remove_logo and clinic.logo_type:
        clinic.logo, clinic.logo_type = b"", ""
        changed.append("logo")
    clinic.save()
    audit.record(
        user=user,
        action="clinic.settings",
        target=f"clinic {clinic.pk}",
        detail={"fields": changed},
    )
    return changed


def _text(value: str | None) -> str:
    """Typed text without surrounding space, its lines ended the same way whatever the browser."""
    return (value or "").replace("\r\n", "\n").strip()


def check(values: dict[str, str]) -> list[Problem]:
    """What is wrong with the typed details, each problem naming its field."""
    problems = []
    limits = {"name": 200, "address": 400, "phone": 40}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            problems.append(Problem(name, f"at most {limit} characters"))
    if not values["name"]:
        problems.append(Problem("name", "the clinic needs a name; it heads every handout"))
    phone = values["phone"]
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        problems.append(
            Problem("phone", "write digits, spaces and + ( ) - only, for example +44 20 7946 0000")
        )
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(Problem("email", "not an email address, for example desk@clinic.org"))
    return problems


def check_logo(content: bytes) -> tuple[str, list[Problem]]:
    """The logo's media type, or the problems that keep it out."""
    if len(content) > MAX_LOGO_BYTES:
        limit = f"{MAX_LOGO_BYTES // 1024} KB"
        return "", [Problem("logo", f"the file is too big; at most {limit}: save it smaller")]
    decoded = decoded_image(content)
    if decoded is None:
        return "", [Problem("logo", "not a readable image; upload a PNG or JPEG file")]
    kind, (width, height) = decoded
    if kind not in LOGO_TYPES:
        return "", [Problem("logo", f"a {kind} image; upload a PNG or JPEG file")]
    if max(width, height) > MAX_LOGO_PIXELS:
        return "", [Problem("logo", f"{width}×{height} pixels; at most {MAX_LOGO_PIXELS} a side")]
    return LOGO_TYPES[kind], []


def logo_src(clinic: Clinic) -> str:
    """The logo as a data address, so a printed page or a PDF needs no second request."""
    if not clinic.logo_type:
        return ""
    return f"data:{clinic.logo_type};base64,{base64.b64encode(bytes(clinic.logo)).decode()}"
