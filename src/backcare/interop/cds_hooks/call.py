"""A hook request, read and checked (CDS Hooks 2.0, §HTTP Request; hooks patient-view 1.0 and
order-select 1.0, §Context).

Unknown top-level fields are kept out of the way rather than refused (the specification lets
clients add extensions); a missing or mistyped field the service needs is a ``BadHookRequest``
naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backcare.errors import BadHookRequest, Problem
from backcare.interop.cds_hooks.services import Service
from backcare.knowledge.model import Coding


class Authorization(BaseModel):
    """``fhirAuthorization``: an OAuth 2.0 bearer token for the client's FHIR server."""

    model_config = ConfigDict(extra="allow")
    access_token: str = Field(min_length=1)
    token_type: str
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None


class Context(BaseModel):
    model_config = ConfigDict(extra="allow")
    userId: str = Field(min_length=1)
    patientId: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")
    encounterId: str | None = None
    selections: list[str] = []
    draftOrders: dict[str, Any] | None = None


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


def massage_orders(request: HookRequest, code: Coding) -> tuple[dict[str, Any], ...]:
    """The selected draft ServiceRequests that order massage: coded with ``code``, or named
    with its display text (order-select 1.0: ``selections`` point into ``draftOrders``)."""
    bundle = request.context.draftOrders or {}
    chosen = set(request.context.selections)
    found = []
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "ServiceRequest":
            continue
        if f"ServiceRequest/{resource.get('id')}" in chosen and _is_massage(resource, code):
            found.append(resource)
    return tuple(found)


def _is_massage(order: dict[str, Any], code: Coding) -> bool:
    concept = order.get("code") or {}
    for coding in concept.get("coding") or []:
        if coding.get("system") == code.system and coding.get("code") == code.code:
            return True
    return str(concept.get("text", "")).strip().lower() == code.display.lower()
