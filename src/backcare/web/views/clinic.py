"""The clinic's settings: its name, address, phone, email and logo, for its handouts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backcare.records import clinic_settings
from backcare.records.clinic_settings import MAX_LOGO_BYTES, logo_src
from backcare.records.models import Clinic
from backcare.web.forms import ClinicSettingsForm
from backcare.web.views.common import attempt, clinic_page, user_of


@clinic_page
def settings_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not user.is_clinic_admin:
        raise PermissionDenied("only a clinic admin can change the clinic's settings")
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("logo")
        changed, errors = attempt(
            ClinicSettingsForm(request.POST),
            lambda data: clinic_settings.update_settings(
                user=user,
                data=data,
                logo=_read(upload, MAX_LOGO_BYTES) if upload else None,
                remove_logo=request.POST.get("remove_logo") == "on",
            ),
        )
        if not errors:
            messages.success(request, f"Clinic settings saved ({len(changed or [])} changed).")
            return redirect("clinic_settings")
    clinic = clinic_settings.of(user=user)
    return render(
        request,
        "web/clinic_settings.html",
        {
            "clinic": clinic,
            "typed": request.POST if errors else _stored(clinic),
            "errors": errors,
            "logo": logo_src(clinic),
            "max_kb": MAX_LOGO_BYTES // 1024,
        },
        status=400 if errors else 200,
    )


def _stored(clinic: Clinic) -> dict[str, str]:
    return {name: getattr(clinic, name) for name in clinic_settings.TEXT_FIELDS}


def _read(upload, limit: int) -> bytes:  # type: ignore[no-untyped-def]
    """The upload's bytes, read no further than one byte past the limit (enough to refuse it)."""
    return bytes(upload.read(limit + 1))
