"""POST /api/v1/assess: an intake in, its assessment out, stored nowhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from backcare.assessed import assessment_json
from backcare.records import audit
from backcare.web.api import body, contract
from backcare.web.api.auth import reader
from backcare.web.api.errors import responses
from backcare.web.views.common import today

router = Router(tags=["assess"])


@router.post(
    "/assess",
    response=responses({}),
    summary="Assess an intake",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Intake"}}},
        },
        "responses": {
            200: {
                "description": "The assessment of spec v1, byte for byte what "
                "`backcare assess FILE --json` prints.",
                "content": {"application/json": {"schema": contract.assessment_schema()}},
            }
        },
    },
)
def assess(request: HttpRequest) -> HttpResponse:
    """Screen an intake of the contract (docs/intake-v1.md) and answer its assessment. Nothing
    is stored; the audit trail keeps the call and the decision only."""
    user = reader(request)
    text, decision = assessment_json(body.read(request), today=today())
    audit.record(user=user, action="api.assess", detail={"decision": decision})
    return HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
