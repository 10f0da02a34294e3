"""The clinic's export (clinic admins) or one client's, as the zip of docs/export.md."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router

from backcare.errors import NotAllowed
from backcare.records import export
from backcare.web.api.auth import reader
from backcare.web.api.clients import opened
from backcare.web.api.errors import responses
from backcare.web.views.common import today
from backcare.web.views.exchange import fhir_download, zip_download

router = Router(tags=["export"])

ZIP = {
    "description": "A zip of CSV and JSON files with a manifest (docs/export.md).",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}
FHIR = {
    "description": "The client's record as a FHIR R4 (4.0.1) collection Bundle (docs/fhir.md).",
    "content": {"application/fhir+json": {"schema": {"type": "object"}}},
}


@router.get("/export", response=responses({}), openapi_extra={"responses": {200: ZIP}})
def clinic_export(request: HttpRequest) -> FileResponse:
    """The whole clinic (a clinic admin's token)."""
    user = reader(request)
    if not user.is_clinic_admin:
        raise NotAllowed("only a clinic admin can export the clinic's records")
    assert user.clinic is not None
    scope = export.scope_for(clinic=user.clinic, client_id=None)
    return zip_download(
        lambda target: export.export(scope=scope, target=target, user=user),
        f"backcare-clinic-{today():%Y-%m-%d}.zip",
    )


@router.get(
    "/clients/{client_id}/export", response=responses({}), openapi_extra={"responses": {200: ZIP}}
)
def client_export(request: HttpRequest, client_id: int) -> FileResponse:
    """One client's record, and the accounts it names."""
    user = reader(request)
    client = opened(request, client_id, "export")
    assert user.clinic is not None
    scope = export.scope_for(clinic=user.clinic, client_id=client.pk)
    return zip_download(
        lambda target: export.export(scope=scope, target=target, user=user),
        f"backcare-client-{client.pk}-{today():%Y-%m-%d}.zip",
    )


@router.get(
    "/clients/{client_id}/fhir", response=responses({}), openapi_extra={"responses": {200: FHIR}}
)
def client_fhir(request: HttpRequest, client_id: int) -> HttpResponse:
    """One client's record as a FHIR R4 Bundle, the same as the client page's FHIR export."""
    return fhir_download(opened(request, client_id, "FHIR export"))
