"""The clinic export page (admins only) and a client's own copy of their record: each a zip,
built in a temporary file on disk and streamed from there, so memory stays bounded. And a
client's record as a FHIR R4 Bundle (JSON), for another health record system."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from backcare.errors import InvalidIntake, NotFound, Problem, SaveFailed
from backcare.interop.fhir import bundle_for
from backcare.interop.fhir.importing import import_bundle
from backcare.interop.fhir.read import MAX_BYTES, load_json
from backcare.knowledge import load_knowledge
from backcare.records import audit, clients, export
from backcare.records import own_copy as copies
from backcare.records.exchange import ExchangeError
from backcare.records.models import Client
from backcare.records.summary import summary
from backcare.web.views.common import clinic_page, today, user_of


@clinic_page
def export_page(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    if not user.is_clinic_admin:
        raise PermissionDenied("only a clinic admin can export the clinic's records")
    assert user.clinic is not None
    errors: list[str] = []
    if request.method == "POST":
        raw = request.POST.get("client", "").strip()
        try:
            if raw and not raw.isdigit():
                raise NotFound(f"client: {raw!r} is not a client number; leave it empty for all")
            scope = export.scope_for(clinic=user.clinic, client_id=int(raw) if raw else None)
            who = f"client-{scope.client.pk}" if scope.client else "clinic"
            return zip_download(
                lambda target: export.export(scope=scope, target=target, user=user),
                f"backcare-{who}-{today():%Y-%m-%d}.zip",
            )
        except (NotFound, ExchangeError) as error:
            errors.append(str(error))
    return render(
        request,
        "web/clinic_export.html",
        {"clinic": user.clinic, "errors": errors, "typed": request.POST},
        status=400 if errors else 200,
    )


@clinic_page
def own_copy(request: HttpRequest, client_id: int) -> HttpResponseBase:
    """The client's own copy of their record, in one click: readable HTML and JSON in a zip.
    A POST, so that no link prefetch makes (and audits) a copy nobody asked for."""
    if request.method != "POST":
        return redirect("client", client_id=client_id)
    copy = copies.collect(user=user_of(request), client_id=client_id)
    data, result = copy.latest("intake", "data"), copy.latest("assessment", "result")
    physician = copy.client.physician
    readable = summary(data, result, load_knowledge(), physician=physician) if data else None
    html = render_to_string(
        "web/own_copy.html", {"copy": copy, "summary": readable, "result": result}
    )
    styles = Path(str(finders.find("backcare/record.css"))).read_bytes()
    return zip_download(
        lambda target: copies.write_zip(copy, html=html, styles=styles, target=target),
        f"record-{copy.client.last_name or 'client'}-{today():%Y-%m-%d}.zip",
    )


@clinic_page
def fhir_export(request: HttpRequest, client_id: int) -> HttpResponseBase:
    """The client's record as a FHIR R4 Bundle to download (audited). A POST, like the own copy."""
    if request.method != "POST":
        return redirect("client", client_id=client_id)
    user = user_of(request)
    client = clients.get(user=user, client_id=client_id)
    audit.record(user=user, action="client.export_fhir", client=client, target="download")
    return fhir_download(client)


def fhir_download(client: Client) -> HttpResponse:
    """The client's record as a FHIR R4 Bundle, a JSON file to save (the web page and the API)."""
    bundle = bundle_for(client, today=today())
    response = HttpResponse(json.dumps(bundle, indent=2), content_type="application/fhir+json")
    name = f"fhir-{client.last_name or 'client'}-{client.pk}-{today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@clinic_page
def fhir_import(request: HttpRequest) -> HttpResponseBase:
    """A FHIR R4 Bundle uploaded by a therapist becomes a new client with an assessed intake;
    the page then lists every resource that was not read, and why."""
    user = user_of(request)
    assert user.clinic is not None
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("bundle")
        try:
            if upload is None:
                raise InvalidIntake(
                    [Problem("bundle", "choose a FHIR Bundle file (JSON) to import")]
                )
            bundle = load_json(upload.read(MAX_BYTES + 1), name="bundle")
            done = import_bundle(clinic=user.clinic, user=user, bundle=bundle, today=today())
        except InvalidIntake as error:
            errors = [str(p) for p in error.problems]
        except SaveFailed as error:
            errors = [str(error)]
        else:
            return render(request, "web/fhir_imported.html", {"done": done, "client": done.client})
    return render(
        request, "web/fhir_import.html", {"errors": errors}, status=400 if errors else 200
    )


def zip_download(write: Callable[[IO[bytes]], object], name: str) -> FileResponse:
    """A zip written by ``write`` into an unnamed temporary file, then streamed from it;
    FileResponse closes the file at the end, which removes it."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 (closed here on failure, else by the response)
    try:
        write(target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    response = FileResponse(
        target, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
