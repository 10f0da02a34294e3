"""A hook request, read and checked (CDS Hooks 2.0, §HTTP Request; hooks patient-view 1.0 and
order-select 1.0, §Context).

Unknown top-level fields are kept out of the way rather than refused (the specification lets
clients add extensions); a missing or mistyped field the service needs is a ``BadHookRequest``
naming the field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backcare.errors import BadHookRequest, Problem
from backcare.interop.cds_hooks.services import Service, massage_codes
from backcare.interop.fhir import systems
from backcare.knowledge import KnowledgeBase


class Authorization(BaseModel):
    """``fhirAuthorization``: an OAuth 2.0 bearer token for the client's FHIR server."""

    model_config = ConfigDict(extra="allow")
    access_token: str = Field(min_length=1)
    token_type: str
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None


class Entry(BaseModel):
    model_config = ConfigDict(extra="allow")
    resource: dict[str, Any]


class Bundle(BaseModel):
    """``draftOrders``: a FHIR Bundle of the orders being written."""

    model_config = ConfigDict(extra="allow")
    resourceType: Literal["Bundle"]
    entry: list[Entry] = []


class Context(BaseModel):
    model_config = ConfigDict(extra="allow")
    userId: str = Field(min_length=1)
    patientId: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")
    encounterId: str | None = None
    selections: list[str] = []
    draftOrders: Bundle | None = None


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    hook: str
    hookInstance: str = Field(min_length=1)
    fhirServer: str | None = None
    fhirAuthorization: Authorization | None = None
    context: Context
    prefetch: dict[str, Any] = {}


def read(body: Any, service: Service) -> HookRequest:
    """The request for ``service``, or every problem with it (path, what, what is allowed)."""
    if not isinstance(body, dict):
        raise BadHookRequest([Problem("", "the body must be a JSON object")])
    try:
        request = HookRequest.model_validate(body)
    except ValidationError as error:
        raise BadHookRequest(
            [Problem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()]
        ) from None
    if request.hook != service.hook:
        raise BadHookRequest([Problem("hook", f"this service answers {service.hook!r} only")])
    if request.fhirAuthorization and not request.fhirServer:
        raise BadHookRequest([Problem("fhirServer", "required when fhirAuthorization is given")])
    if service.hook == "order-select" and request.context.draftOrders is None:
        raise BadHookRequest([Problem("context.draftOrders", "order-select needs a Bundle")])
    return request


def massage_orders(request: HookRequest, kb: KnowledgeBase) -> tuple[dict[str, Any], ...]:
    """The selected draft ServiceRequests that order massage: coded with a modality's SNOMED CT
    code, or named as a modality (order-select 1.0: ``selections`` point into ``draftOrders``)."""
    entries = request.context.draftOrders.entry if request.context.draftOrders else []
    chosen = set(request.context.selections)
    return tuple(
        e.resource
        for e in entries
        if e.resource.get("resourceType") == "ServiceRequest"
        and f"ServiceRequest/{e.resource.get('id')}" in chosen
        and _is_massage(e.resource, kb)
    )


def _is_massage(order: dict[str, Any], kb: KnowledgeBase) -> bool:
    concept = order.get("code")
    if not isinstance(concept, dict):
        return False
    codes = massage_codes(kb)
    codings = concept.get("coding")
    for coding in codings if isinstance(codings, list) else []:
        snomed = isinstance(coding, dict) and coding.get("system") == systems.SNOMED
        if snomed and coding.get("code") in codes:
            return True
    names = {n.lower() for m in kb.modalities.values() for n in (m.name, *m.synonyms)}
    return str(concept.get("text", "")).strip().lower() in names
