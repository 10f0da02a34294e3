"""Answering one hook call (CDS Hooks 2.0, §Calling a CDS Service): gather the FHIR data, read
it into an intake, assess it, and tell the assessment as cards. Stateless: nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from backcare.clinical import assess, parse_intake, to_json
from backcare.errors import InvalidIntake
from backcare.interop.cds_hooks import cards as cards_
from backcare.interop.cds_hooks import data
from backcare.interop.cds_hooks.call import HookRequest, massage_orders
from backcare.interop.cds_hooks.services import Service
from backcare.interop.fhir import read as fhir_read
from backcare.knowledge import KnowledgeBase
from backcare.records import summary


def respond(
    *,
    request: HookRequest,
    service: Service,
    kb: KnowledgeBase,
    today: date,
    link_for: Callable[[dict[str, Any]], str],
    knowledge_url: str,
) -> dict[str, Any]:
    """The cards for this call; no cards for an order-select call with no massage order."""
    orders: tuple[dict[str, Any], ...] = ()
    if service.hook == "order-select":
        orders = massage_orders(request, kb)
        if not orders:
            return {"cards": []}
    resources = data.resources(data.gather(request))
    try:
        reading = fhir_read.read_resources(resources, kb, today=today)
    except InvalidIntake as error:  # not FHIR resources that can be read at all
        return {"cards": [cards_.unscreened(request.hookInstance, error.problems, ())]}
    try:
        intake = parse_intake(reading.intake, today=today)
    except InvalidIntake as error:
        return {
            "cards": [cards_.unscreened(request.hookInstance, error.problems, reading.unmapped)]
        }
    assessment = assess(intake, kb)
    changes = summary.todays_changes(to_json(assessment), reading.intake, kb)
    answer = cards_.Answer(
        assessment=assessment,
        hook_instance=request.hookInstance,
        unread=reading.unmapped,
        assessment_url=link_for(reading.intake),
        knowledge_url=knowledge_url,
        orders=orders,
        changes=(*changes.limits, *changes.notes),
    )
    return cards_.cards(answer, kb)
