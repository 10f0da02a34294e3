"""The client's record as a therapist reads it: the intake in words, today's changes merged
into one list, and the findings with what they refer to (the allergen, the clearance).

Pure: reads a stored intake's data and its assessment JSON; names come from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m
from backcare.knowledge.search import label

STATUS = {
    "active": "active",
    "controlled": "controlled on treatment",
    "history": "in the past",
    "suspected": "suspected",
}


@dataclass(frozen=True)
class Condition:
    name: str
    status: str
    where: str
    since: str
    note: str
    known: bool
    spelling: bool = False  # read as a known condition by a near miss of its name: to confirm


@dataclass(frozen=True)
class Medicine:
    text: str
    classes: tuple[str, ...] = ()
    generics: tuple[str, ...] = ()
    how: str = ""


@dataclass(frozen=True)
class Summary:
    conditions: list[Condition] = field(default_factory=list)
    medicines: list[Medicine] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    procedures: list[tuple[str, str, date]] = field(default_factory=list)
    skin: list[tuple[str, str]] = field(default_factory=list)
    pain: list[str] = field(default_factory=list)
    vitals: list[str] = field(default_factory=list)
    physician: str = ""
    goals: str = ""
    notes: str = ""


def number(value: Any) -> str:
    """A number as people write it: 2.0 -> "2", 2.5 -> "2.5"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def regions(ids: Iterable[str], kb: KnowledgeBase) -> str:
    """Region names; a semicolon between them, as names such as "Low back, left" hold a comma."""
    return "; ".join(_name(kb.regions, r) for r in ids)


def summary(
    data: dict[str, Any], result: dict[str, Any] | None, kb: KnowledgeBase, *, physician: str = ""
) -> Summary:
    """The intake in readable form; ``result`` (its assessment) says how medicines were read."""
    prefs = data.get("preferences") or {}
    return Summary(
        conditions=[_condition(c, kb) for c in data.get("conditions", [])],
        medicines=medicines(data, result, kb),
        allergies=list(data.get("allergies", [])),
        procedures=[
            (p["kind"], regions(p.get("region") or [], kb), date.fromisoformat(p["date"]))
            for p in data.get("procedures", [])
        ],
        skin=[
            (s["finding"].replace("_", " "), regions(s["region"], kb)) for s in data.get("skin", [])
        ],
        pain=_pain(data.get("pain"), kb),
        vitals=_vitals(data.get("vitals") or {}),
        physician=physician,
        goals=prefs.get("goals", ""),
        notes=data.get("notes", ""),
    )


def medicines(
    data: dict[str, Any], result: dict[str, Any] | None, kb: KnowledgeBase
) -> list[Medicine]:
    """Each medicine with how the screening read it, when the assessment says (else its text)."""
    readings = {r["text"]: r for r in (result or {}).get("medication_readings", [])}
    listed = []
    for text in data.get("medications", []):
        reading = readings.get(text)
        if reading is None:
            listed.append(Medicine(text))
            continue
        listed.append(
            Medicine(
                text,
                classes=tuple(_name(kb.medications, c) for c in reading.get("classes", [])),
                generics=tuple(reading.get("generics", [])),
                how=str(reading.get("how", "")),
            )
        )
    return listed


@dataclass(frozen=True)
class Changes:
    """Today's changes to a standard session: the merged limits, then the findings' notes."""

    limits: list[str]
    notes: list[str]


def todays_changes(result: dict[str, Any], data: dict[str, Any], kb: KnowledgeBase) -> Changes:
    """Every finding's limits merged into plain lines (the lowest pressure wins, avoid-lists
    unite), with the allergens named so that the product can be chosen."""
    mods = result["modifications"]
    lines = []
    if mods.get("max_pressure"):
        lines.append(f"Pressure at most {mods['max_pressure']}")
    if mods.get("avoid_regions"):
        lines.append("Avoid " + _and([_name(kb.regions, r) for r in mods["avoid_regions"]], "; "))
    if mods.get("avoid_techniques"):
        techniques = {**kb.techniques, **kb.modalities}
        named = [_name(techniques, t).lower() for t in mods["avoid_techniques"]]
        lines.append("No " + _and(named, ", "))
    if mods.get("positioning"):
        named = [_name(kb.positioning, p) for p in mods["positioning"]]
        lines.append("Position: " + _and(named, "; "))
    if mods.get("max_session_minutes"):
        lines.append(f"At most {mods['max_session_minutes']} minutes")
    if data.get("allergies"):
        lines.append("Allergic to " + _and(list(data["allergies"]), ", "))
    return Changes(lines, list(mods.get("notes", [])))


def findings(
    result: dict[str, Any], data: dict[str, Any], kb: KnowledgeBase
) -> list[dict[str, Any]]:
    """The assessment's findings, each with the intake items it is about and its clearance.

    A cleared finding no longer asks for the clearance: its action gives way to who cleared
    it and when.
    """
    read = {c.rule.id: set(_facts(c.rule.when)) for c in kb.rules}
    cleared = {c["rule"]: c for c in data.get("clearances", [])}
    shown = []
    for finding in result["findings"]:
        item = dict(finding)
        if "allergies" in read.get(finding["rule"], ()):
            item["allergens"] = list(data.get("allergies", []))
        clearance = cleared.get(finding["rule"])
        if clearance is not None:
            item["cleared"] = {
                "by": clearance["received_from"],
                "on": date.fromisoformat(clearance["received_on"]),
            }
            item.pop("action", None)
        shown.append(item)
    return shown


def known_condition(text: str, kb: KnowledgeBase) -> tuple[m.Condition | None, bool]:
    """The knowledge base's condition a recorded name stands for, read as the screening reads
    it (an id, a synonym or a near miss of one), or None; and whether it was a near miss."""
    reading = kb.read_condition(text)
    known = kb.conditions.get(reading.condition) if reading.condition else None
    return known, known is not None and reading.how == "spelling"


def _condition(entry: dict[str, Any], kb: KnowledgeBase) -> Condition:
    known, spelling = known_condition(entry["id"], kb)
    return Condition(
        name=known.name if known else entry["id"],
        status=STATUS.get(entry.get("status", "active"), entry.get("status", "")),
        where=regions(entry.get("regions") or [], kb),
        since=entry.get("since") or "",
        note=entry.get("note", ""),
        known=known is not None,
        spelling=spelling,
    )


def _pain(pain: dict[str, Any] | None, kb: KnowledgeBase) -> list[str]:
    if not pain:
        return []
    lines = []
    if pain.get("regions"):
        lines.append("Where: " + regions(pain["regions"], kb))
    if pain.get("intensity") is not None:
        lines.append(f"Intensity {pain['intensity']} of 10")
    if pain.get("duration_weeks") is not None:
        weeks = number(pain["duration_weeks"])
        lines.append(f"For {weeks} week{'' if weeks == '1' else 's'}")
    if pain.get("cause"):
        lines.append(f"Began with: {pain['cause']}")
    if pain.get("radiates_below_knee"):
        lines.append("Goes down the leg below the knee")
    if pain.get("numbness"):
        lines.append("Numbness: " + regions(pain["numbness"], kb))
    if pain.get("weakness"):
        lines.append("Weakness: " + regions(pain["weakness"], kb))
    if pain.get("worse_at_night"):
        lines.append("Worse at night")
    return lines


def _vitals(vitals: dict[str, Any]) -> list[str]:
    lines = []
    if vitals.get("systolic") is not None and vitals.get("diastolic") is not None:
        lines.append(f"Blood pressure {vitals['systolic']}/{vitals['diastolic']} mmHg")
    elif vitals.get("systolic") is not None:
        lines.append(f"Systolic blood pressure {vitals['systolic']} mmHg")
    if vitals.get("temperature_c") is not None:
        lines.append(f"Temperature {number(vitals['temperature_c'])} °C")
    return lines


def _facts(condition: Any) -> Iterator[str]:
    """The fact names a rule's condition reads."""
    if isinstance(condition, list):
        for item in condition:
            yield from _facts(item)
    elif isinstance(condition, dict):
        for key, value in condition.items():
            if key in ("all", "any", "not"):
                yield from _facts(value)
            else:
                yield key


def _name(table: dict[str, Any], entry_id: str) -> str:
    entry = table.get(entry_id)
    return label(entry) if entry is not None else entry_id.replace("_", " ")


def _and(items: list[str], separator: str) -> str:
    return items[0] if len(items) == 1 else separator.join(items[:-1]) + " and " + items[-1]
