"""An assessment told as CDS Hooks cards (CDS Hooks 2.0, §CDS Service Response: Card,
Suggestion, Action, Link, Source, Override Reasons).

The first card gives the decision; each finding that changes the session gets a card of its own
with its knowledge source, so that a user can accept or override it on its own (§Feedback).
Indicators follow the decision: ``info`` for proceed; ``warning`` for modify and clearance (the
massage can be given as changed, or once a physician agrees); ``critical`` for postpone, refer
and emergency (no massage now). Card and suggestion ids are derived from ``hookInstance``, so
that a call's cards are the same each time it is made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backcare.clinical import Assessment
from backcare.clinical.screening import Finding
from backcare.interop.fhir.read import Unmapped
from backcare.knowledge import Decision, KnowledgeBase

INDICATOR = {
    Decision.proceed: "info",
    Decision.modify: "warning",
    Decision.clearance: "warning",
    Decision.postpone: "critical",
    Decision.refer: "critical",
    Decision.emergency: "critical",
}
SUMMARY_LENGTH = 140
OVERRIDE_SYSTEM = "urn:backcare:cds-override-reason"
OVERRIDE_REASONS = (
    ("clearance-on-file", "Written medical clearance is on file"),
    ("not-applicable", "The finding does not apply to this patient"),
    ("record-out-of-date", "The record this finding comes from is out of date"),
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the cards are built from: the assessment and where it came from."""

    assessment: Assessment
    hook_instance: str
    unread: tuple[Unmapped, ...]
    assessment_url: str  # absolute: the full assessment in backcare
    knowledge_url: str  # absolute: backcare's knowledge base pages
    orders: tuple[Mapping[str, Any], ...] = ()  # selected massage ServiceRequests (order-select)
    changes: tuple[str, ...] = ()  # today's changes to a standard session, in words


def cards(answer: Answer, kb: KnowledgeBase) -> dict[str, Any]:
    """The response body: the decision card, then one card per finding."""
    result = [_decision_card(answer, kb)]
    result += [_finding_card(answer, f, kb) for f in _shown(answer.assessment)]
    return {"cards": result}


def _shown(assessment: Assessment) -> Iterable[Finding]:
    """The findings that decide today: all of them when massage goes ahead, else those that
    stop it (session advice would only distract)."""
    for f in assessment.findings:
        if assessment.massage_today or f.decision > Decision.modify:
            yield f


def _decision_card(answer: Answer, kb: KnowledgeBase) -> dict[str, Any]:
    a = answer.assessment
    card: dict[str, Any] = {
        "uuid": _id(answer, "decision"),
        "summary": _short(f"Back massage: {a.decision.name}. {a.summary}"),
        "indicator": INDICATOR[a.decision],
        "detail": _detail(answer),
        "source": {
            "label": f"backcare knowledge base {a.knowledge_version}",
            "url": answer.knowledge_url,
        },
        "links": [
            {
                "label": "Full assessment in backcare",
                "url": answer.assessment_url,
                "type": "absolute",
            }
        ],
    }
    suggestions = _order_suggestions(answer, kb)
    if suggestions:
        card["selectionBehavior"] = "at-most-one"
        card["suggestions"] = suggestions
    return card


def _finding_card(answer: Answer, finding: Finding, kb: KnowledgeBase) -> dict[str, Any]:
    source = kb.sources[finding.sources[0]]
    lines = [finding.why]
    if finding.action:
        lines.append(f"**What to do:** {finding.action}")
    lines += [f"- Ask: {q}" for q in finding.questions]
    lines.append(
        f"Rule `{finding.rule}`; sources: "
        + "; ".join(kb.sources[s].title for s in finding.sources)
    )
    card: dict[str, Any] = {
        "uuid": _id(answer, f"finding:{finding.rule}"),
        "summary": _short(finding.title or finding.rule),
        "indicator": INDICATOR[finding.decision],
        "detail": "\n\n".join(lines),
        "source": {"label": source.title, **({"url": source.url} if source.url else {})},
    }
    if finding.decision > Decision.proceed:
        card["overrideReasons"] = [
            {"system": OVERRIDE_SYSTEM, "code": code, "display": display}
            for code, display in OVERRIDE_REASONS
        ]
    return card


def _detail(answer: Answer) -> str:
    a = answer.assessment
    parts = []
    shown = list(_shown(a))
    if shown:
        parts.append(
            "**Findings**\n\n"
            + "\n".join(
                f"- **{f.title or f.rule}** ({f.decision.name}): {f.action or f.why}" for f in shown
            )
        )
    else:
        parts.append("No findings: nothing in the record changes a standard session.")
    if a.decision == Decision.modify and answer.changes:
        parts.append(
            "**Today's changes to a standard session**\n\n"
            + "\n".join(f"- {line}" for line in answer.changes)
        )
    if a.unanswered:
        parts.append(
            "**Questions not answered** (ask before massage)\n\n"
            + "\n".join(f"- {name.replace('_', ' ')}" for name in a.unanswered)
        )
    unknown = [*a.unrecognised_conditions, *a.unrecognised_medications]
    if unknown:
        parts.append(
            "**Names not recognised** (check them)\n\n" + "\n".join(f"- {name}" for name in unknown)
        )
    if answer.unread:
        parts.append(
            "**Not read from the record**\n\n"
            + "\n".join(f"- {u.resource}: {u.why}" for u in answer.unread)
        )
    return "\n\n".join(parts)


def _order_suggestions(answer: Answer, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """On order-select: cancel a massage order that must not go ahead; add the changes to one
    that may go ahead modified."""
    a, orders = answer.assessment, answer.orders
    actions: list[dict[str, Any]]
    if not orders or a.decision == Decision.proceed:
        return []
    if not a.massage_today:
        actions = [
            {
                "type": "delete",
                "description": "Cancel the massage order",
                "resourceId": [f"ServiceRequest/{o.get('id')}" for o in orders],
            }
        ]
        label = f"Cancel the massage order ({a.decision.name})"
    else:
        changes = ". ".join(answer.changes)
        note = {"text": f"backcare {kb.version}: massage with changes. {changes}.".strip()}
        actions = [
            {
                "type": "update",
                "description": "Add the changes to the massage order",
                "resource": {**o, "note": [*(o.get("note") or []), note]},
            }
            for o in orders
        ]
        label = "Add the changes to the massage order"
    return [
        {
            "label": label,
            "uuid": _id(answer, "suggestion"),
            "isRecommended": True,
            "actions": actions,
        }
    ]


def _id(answer: Answer, what: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{answer.hook_instance}/{what}"))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"


def unscreened(
    hook_instance: str, problems: Iterable[object], unread: Iterable[Unmapped]
) -> dict[str, Any]:
    """The one card for a record that cannot be screened: what is missing, to add first."""
    lines = [f"- {p}" for p in problems] + [f"- {u.resource}: {u.why}" for u in unread]
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{hook_instance}/unscreened")),
        "summary": "Back massage: not screened. The record lacks what screening needs.",
        "indicator": "warning",
        "detail": "**Add to the record, then open the patient again**\n\n" + "\n".join(lines),
        "source": {"label": "backcare"},
    }
