"""The client's voice: a finding as the public check tells it, from the knowledge base's
``client_text`` where an entry has one, else by its title alone (never the therapist's text)."""

from __future__ import annotations

from typing import Any

from backcare.knowledge.base import KnowledgeBase

STOPS = ("postpone", "clearance", "refer", "emergency")


def client_text(kb: KnowledgeBase, rule_id: str) -> str | None:
    """The client text of the entry behind a finding's rule id, or None."""
    kind, _, rest = rule_id.partition(".")
    if kind == "condition":
        condition, _, status = rest.rpartition(".")
        outcomes = kb.condition_outcomes.get(condition, {})
        return outcomes[status].client_text if status in outcomes else None
    if kind == "medication":
        cls = kb.medications.get(rest)
        return cls.client_text if cls else None
    return next((c.rule.client_text for c in kb.rules if c.rule.id == rule_id), None)


def rule_title(kb: KnowledgeBase, rule_id: str) -> str:
    """The title of the finding a rule id makes, for pages that name a rule (a clearance)."""
    kind, _, rest = rule_id.partition(".")
    if kind == "condition":
        condition, _, status = rest.rpartition(".")
        outcome = kb.condition_outcomes.get(condition, {}).get(status)
        if outcome is not None:
            return outcome.title or kb.conditions[condition].name
    if kind == "medication" and rest in kb.medications:
        return kb.medications[rest].title
    rule = next((c.rule for c in kb.rules if c.rule.id == rule_id), None)
    return rule.title if rule else rule_id


def told(kb: KnowledgeBase, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding as the client reads it: title, decision, and text (None when unwritten)."""
    return [
        {
            "title": f["title"],
            "decision": f["decision"],
            "stops": f["decision"] in STOPS,
            "text": client_text(kb, f["rule"]),
        }
        for f in findings
    ]


URGENT = ("refer", "emergency")


def stop_advice(kb: KnowledgeBase, result: dict[str, Any]) -> dict[str, Any] | None:
    """What to do at once when an assessment calls for a doctor soon or emergency care now: the
    headline and the findings behind it, in the client's words; None for any other decision."""
    decision = result["decision"]
    if decision not in URGENT:
        return None
    return {
        "decision": decision,
        "headline": kb.meta.public_check.decisions[decision],
        "told": [f for f in told(kb, result["findings"]) if f["decision"] in URGENT],
    }
