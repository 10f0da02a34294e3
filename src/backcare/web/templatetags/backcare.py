"""Template filters that name knowledge-base ids in plain words."""

from __future__ import annotations

from typing import Any

from django import template

from backcare.knowledge import load_knowledge
from backcare.knowledge.search import label
from backcare.records.summary import number as plain_number
from backcare.web.voice import STOPS
from backcare.web.voice import rule_title as title_of_rule

register = template.Library()

LIGHT = {
    "proceed": ("go", "Massage can go ahead"),
    "modify": ("caution", "Massage with changes"),
    "postpone": ("wait", "Postpone: no massage today"),
    "clearance": ("hold", "Hold: physician clearance needed"),
    "refer": ("stop", "Stop: refer to a doctor"),
    "emergency": ("emergency", "Emergency care now"),
}


@register.filter
def named(entry_id: str, kind: str) -> str:
    """The name of a knowledge-base entry: {{ "mid_back_left"|named:"regions" }}."""
    kb = load_knowledge()
    table: dict[str, Any] = {"techniques": {**kb.techniques, **kb.modalities}}.get(
        kind
    ) or kb.kinds().get(kind, {})
    entry = table.get(entry_id)
    return label(entry) if entry is not None else str(entry_id).replace("_", " ")


@register.filter
def rule_title(rule_id: str) -> str:
    """A rule id as the title of its finding: condition.hypertension.active -> High blood..."""
    return title_of_rule(load_knowledge(), rule_id)


@register.filter
def stops_massage(finding: dict[str, Any]) -> bool:
    """Whether a finding rules out a session (postpone, clearance, refer, emergency)."""
    return finding.get("decision") in STOPS


@register.filter
def session_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings that only shape a session: their advice is moot while massage is stopped."""
    return [f for f in findings if f.get("decision") not in STOPS]


@register.filter
def light_class(decision: str) -> str:
    return LIGHT.get(decision, ("unknown", ""))[0]


@register.filter
def light_text(decision: str) -> str:
    return LIGHT.get(decision, ("", decision))[1]


@register.filter
def source_title(source_id: str) -> str:
    source = load_knowledge().sources.get(source_id)
    if source is None:
        return source_id
    parts = [source.authors, source.title, str(source.year) if source.year else None]
    return ". ".join(p for p in parts if p)


@register.filter
def source_url(source_id: str) -> str:
    source = load_knowledge().sources.get(source_id)
    return (source.url or "") if source else ""


@register.filter
def words(identifier: str) -> str:
    """An id in plain words: saddle_numbness -> saddle numbness."""
    return str(identifier).replace("_", " ")


@register.filter
def getfield(form: Any, name: str) -> Any:
    """A form's bound field by a computed name: {{ form|getfield:"condition_0_id" }}."""
    return form[name]


@register.filter
def getitem(mapping: Any, key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def getlist(query: Any, key: str) -> list[str]:
    return list(query.getlist(key)) if hasattr(query, "getlist") else []


@register.filter
def number(value: Any) -> str:
    """A number as people write it: 2.0 -> 2, 2.5 -> 2.5."""
    return plain_number(value)


@register.filter
def percent(share: float) -> str:
    """A share as a whole percentage: 0.254 -> 25%."""
    return f"{round(100 * share)}%"
