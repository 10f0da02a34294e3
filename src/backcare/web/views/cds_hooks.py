"""The CDS Hooks 2.0 endpoints (§Discovery, §Calling a CDS Service, §Feedback), thin: read the
request, check the caller's token, call the service, answer JSON. A refused call is answered
with JSON too (``{"error": "..."}``), with the status the specification gives: 400 bad request,
401 unauthenticated, 404 no such service, 412 required data missing. CSRF does not apply:
callers are servers that sign every request.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from backcare.clinical import assess, parse_intake, to_json
from backcare.errors import BadHookRequest, CdsRefused, DataMissing, NotFound, Problem, TokenRefused
from backcare.interop.cds_hooks import call, feedback, services, token
from backcare.interop.cds_hooks.respond import respond
from backcare.knowledge import load_knowledge
from backcare.records import audit, cds_clients
from backcare.web import cds_link
from backcare.web.views.common import clinic_page, today, user_of

STATUS = {TokenRefused: 401, BadHookRequest: 400, DataMissing: 412}


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 - a Django view
    return JsonResponse(services.discovery(load_knowledge()))


@csrf_exempt
@require_POST
def service(request: HttpRequest, service_id: str) -> JsonResponse:
    found = services.SERVICES.get(service_id)
    if found is None:
        return _error(404, f"no CDS service {service_id!r}")
    try:
        claims = _caller(request, [_url(request, "cds_service", service_id)])
        hook = call.read(_body(request), found)
        kb = load_knowledge()
        answer = respond(
            request=hook,
            service=found,
            kb=kb,
            today=today(),
            link_for=lambda intake: _link(request, claims, hook, intake),
            knowledge_url=request.build_absolute_uri(reverse("knowledge")),
        )
        cds_clients.record_call(
            claims=claims,
            service=service_id,
            detail={
                "hookInstance": hook.hookInstance,
                "patient": hook.context.patientId,
                "user": hook.context.userId,
                "cards": [c["summary"] for c in answer["cards"]],
            },
        )
    except CdsRefused as error:
        return _error(STATUS.get(type(error), 400), str(error))
    return JsonResponse(answer)


@csrf_exempt
@require_POST
def service_feedback(request: HttpRequest, service_id: str) -> JsonResponse:
    if service_id not in services.SERVICES:
        return _error(404, f"no CDS service {service_id!r}")
    called = [_url(request, "cds_feedback", service_id), _url(request, "cds_service", service_id)]
    try:
        claims = _caller(request, called)
        items = feedback.read(_body(request))
        cds_clients.record_feedback(claims=claims, service=service_id, feedback=items)
    except CdsRefused as error:
        return _error(STATUS.get(type(error), 400), str(error))
    return JsonResponse({"recorded": len(items)})


@clinic_page
@require_GET
def assessment(request: HttpRequest, sealed: str) -> HttpResponse:
    """The full assessment a card links to, for a user of the caller's clinic."""
    user, content = user_of(request), cds_link.unseal(sealed)
    if content.get("clinic") != user.clinic_id:
        raise NotFound("this assessment link is for another clinic")
    kb = load_knowledge()
    result = to_json(assess(parse_intake(content["intake"], today=today()), kb))
    audit.record(
        user=user,
        action="cds_assessment_view",
        target=str(content.get("patient")),
        detail={"issuer": content.get("issuer"), "decision": result["decision"]},
    )
    return render(
        request,
        "web/cds_assessment.html",
        {"result": result, "patient": content.get("patient"), "kb": kb},
    )


def _caller(request: HttpRequest, audience: list[str]) -> token.Claims:
    claims = token.check(
        request.headers.get("Authorization"), audience=audience, key_for=cds_clients.key_for
    )
    cds_clients.use_once(claims)
    return claims


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except ValueError:
        raise BadHookRequest([Problem("", "the body is not JSON")]) from None


def _url(request: HttpRequest, name: str, service_id: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[service_id]))


def _link(request: HttpRequest, claims: token.Claims, hook: call.HookRequest, intake: Any) -> str:
    sealed = cds_link.seal(
        {
            "clinic": cds_clients.clinic_of(claims.issuer).pk,
            "issuer": claims.issuer,
            "patient": hook.context.patientId,
            "intake": intake,
        }
    )
    return request.build_absolute_uri(reverse("cds_assessment", args=[sealed]))


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
