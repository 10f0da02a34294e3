"""The CDS services backcare offers, as discovery lists them (CDS Hooks 2.0, §Discovery).

Each service names its hook and the FHIR data it needs as prefetch templates: the patient, their
active conditions, their medications (statements and requests) and their allergies. A client
that does not prefetch a key lets the service fetch it from the client's FHIR server instead
(§Prefetch, §FHIR Resource Access).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.knowledge import KnowledgeBase

PATIENT = "{{context.patientId}}"
PREFETCH: dict[str, str] = {
    "patient": f"Patient/{PATIENT}",
    "conditions": f"Condition?patient={PATIENT}&clinical-status=active",
    "medicationStatements": f"MedicationStatement?patient={PATIENT}&status=active",
    "medicationRequests": f"MedicationRequest?patient={PATIENT}&status=active",
    "allergies": f"AllergyIntolerance?patient={PATIENT}",
}
USAGE = (
    "Decision support for qualified massage therapists and the clinicians who refer to them; "
    "it screens, it does not diagnose."
)


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    hook: str
    title: str
    description: str

    def discovery(self, kb: KnowledgeBase) -> dict[str, Any]:
        codes = ", ".join(massage_codes(kb))
        return {
            "hook": self.hook,
            "id": self.id,
            "title": self.title,
            "description": self.description.format(code=f"SNOMED CT {codes}"),
            "prefetch": dict(PREFETCH),
            "usageRequirements": USAGE,
        }


PATIENT_VIEW = Service(
    id="backcare-patient-view",
    hook="patient-view",
    title="Back massage screening",
    description=(
        "Screens the patient's conditions, medications and allergies for contraindications to "
        "back massage and for warning signs, and says whether massage can go ahead today."
    ),
)
MASSAGE_ORDER = Service(
    id="backcare-massage-order",
    hook="order-select",
    title="Massage order check",
    description=(
        "When a massage ServiceRequest is selected, checks it against the same screening and "
        "suggests changing or cancelling the order when massage is not safe as ordered. A "
        "massage order carries {code} or a massage modality's name."
    ),
)
SERVICES = {s.id: s for s in (PATIENT_VIEW, MASSAGE_ORDER)}


def massage_codes(kb: KnowledgeBase) -> list[str]:
    """The SNOMED CT codes the knowledge base gives massage modalities."""
    return sorted({m.snomed for m in kb.modalities.values() if m.snomed})


def discovery(kb: KnowledgeBase) -> dict[str, Any]:
    """The discovery response; the order service names the massage code it looks for."""
    return {"services": [s.discovery(kb) for s in SERVICES.values()]}
