"""An assessment as FHIR resources: each finding a DetectedIssue, the decision a RiskAssessment,
and a Provenance naming the knowledge-base version and the sources behind them.

HL7 FHIR R4 (4.0.1): DetectedIssue (§9.6; ``code`` is the rule, ``detail`` the reason,
``evidence`` the sources), RiskAssessment (§9.8; the decision as the predicted outcome, based on
the intake), Provenance (§6.3; the knowledge base as the entity the decision was derived from)
and Device (§8.15, backcare as the agent). Everything comes from the stored assessment JSON of
intake contract v1, so what is exported is what the therapist saw.
"""

from __future__ import annotations

from typing import Any

from backcare import __version__
from backcare.interop.fhir import systems
from backcare.interop.fhir.ids import Ids
from backcare.knowledge import KnowledgeBase
from backcare.records.models import Assessment

# FHIR's three severities for backcare's six decisions: anything that stops massage today is high.
_SEVERITY = {"proceed": "low", "modify": "moderate"}


def assessment_resources(
    ids: Ids, assessment: Assessment, kb: KnowledgeBase
) -> list[dict[str, Any]]:
    result = assessment.result
    subject, day = ids.ref("Patient"), str(result["assessed_on"])
    issues = [
        ids.resource(
            "DetectedIssue",
            i,
            status="final",
            code={
                "coding": [{"system": systems.RULE, "code": f["rule"], "display": f["title"]}],
                "text": f["title"],
            },
            severity=_SEVERITY.get(f["decision"], "high"),
            patient=subject,
            identifiedDateTime=day,
            detail=f["why"],
            evidence=[{"detail": [{"display": _source(kb, s)}]} for s in f["sources"]],
        )
        for i, f in enumerate(result["findings"])
    ]
    decision = str(result["decision"])
    risk = ids.resource(
        "RiskAssessment",
        status="final",
        method={"text": f"backcare screening, knowledge base {result['knowledge_version']}"},
        subject=subject,
        occurrenceDateTime=day,
        basis=[ids.ref("QuestionnaireResponse")]
        + [ids.ref("DetectedIssue", i) for i in range(len(issues))],
        prediction=[
            {
                "outcome": {
                    "coding": [{"system": systems.DECISION, "code": decision}],
                    "text": _meaning(kb, decision),
                }
            }
        ],
    )
    device = ids.resource(
        "Device",
        deviceName=[{"name": "backcare", "type": "manufacturer-name"}],
        version=[{"value": __version__}],
    )
    provenance = ids.resource(
        "Provenance",
        target=[ids.ref("RiskAssessment")]
        + [ids.ref("DetectedIssue", i) for i in range(len(issues))],
        recorded=assessment.created_at.isoformat(),
        agent=[{"who": ids.ref("Device", display="backcare")}],
        entity=[
            {
                "role": "source",
                "what": {
                    "identifier": {
                        "system": f"{systems.BASE}/NamingSystem/knowledge-version",
                        "value": str(result["knowledge_version"]),
                    },
                    "display": f"backcare knowledge base {result['knowledge_version']}",
                },
            }
        ],
    )
    return [*issues, risk, device, provenance]


def _meaning(kb: KnowledgeBase, decision: str) -> str:
    """What a decision means for the client today, in the knowledge base's words."""
    return next((text for name, text in kb.meta.decisions.items() if name == decision), decision)


def _source(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.sources.get(source_id)
    if source is None:
        return source_id
    where = f", {source.url}" if source.url else ""
    return f"{source.title} [{source_id}]{where}"
