"""The comparison of a self-service draft with the current intake, in the intake form's words
(the question declarations): one row per item, grouped as the form groups them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.knowledge import load_knowledge
from backcare.knowledge.search import label
from backcare.records.draft import Item
from backcare.web.intake_questions import by_path
from backcare.web.question import Question, row_region_choices

TITLES = {
    "client": "About the client",
    "pain": "The back pain",
    "red_flags": "Warning signs",
    "conditions": "Health conditions",
    "medications": "Medicines",
    "procedures": "Operations and treatments",
    "allergies": "Allergies",
    "preferences": "Preferences",
}
STATUS = {"active": "current", "controlled": "controlled", "history": "in the past"}
STATUS |= {"suspected": "suspected"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    before: str
    after: str
    change: str
    take: bool


@dataclass(frozen=True)
class Section:
    title: str
    changed: list[Row]
    same: list[Row]


def sections(items: list[Item], accepted: set[str]) -> list[Section]:
    """The items as rows, by section: what differs, then what is the same."""
    rows: dict[str, list[Row]] = {section: [] for section in TITLES}
    for item in items:
        question = by_path(item.key)
        rows[item.section].append(
            Row(
                item.key,
                _label(item, question),
                _text(item, question, item.before),
                _text(item, question, item.after),
                item.change,
                item.key in accepted,
            )
        )
    return [
        Section(
            TITLES[section],
            [r for r in found if r.change != "same"],
            [r for r in found if r.change == "same"],
        )
        for section, found in rows.items()
        if found
    ]


def _label(item: Item, question: Question | None) -> str:
    if item.section == "conditions":
        entry = load_knowledge().conditions.get(item.name)
        return label(entry) if entry is not None else str((item.before or item.after)["id"])
    singular = {"medications": "Medicine", "procedures": "Procedure", "allergies": "Allergy"}
    if item.section in singular:
        return singular[item.section]
    return question.label if question is not None else item.name


def _regions(regions: list[str]) -> str:
    named = dict(row_region_choices())
    return ", ".join(named.get(r, r) for r in regions)


def _text(item: Item, question: Question | None, value: Any) -> str:
    """A value as the form would show it; "not given" when absent."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if item.section == "conditions":
        where = _regions(value.get("regions", []))
        return STATUS.get(value.get("status", "active"), "") + (f"; {where}" if where else "")
    if item.section == "procedures":
        where = _regions(value.get("region", []))
        return f"{value['kind'].capitalize()} on {value['date']}" + (f"; {where}" if where else "")
    if isinstance(value, float):
        return f"{value:g}"
    choices = dict(question.offered(False)) if question is not None else {}
    if isinstance(value, list):
        return ", ".join(choices.get(str(v), str(v).replace("_", " ")) for v in value)
    return choices.get(str(value), str(value))
