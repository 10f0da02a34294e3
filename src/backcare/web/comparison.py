"""The comparison of a self-service draft with the current intake, in the intake form's words:
one row per item, grouped as the form groups them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.knowledge import load_knowledge
from backcare.knowledge.search import label
from backcare.records.draft import Item
from backcare.web.intake_form import IntakeForm

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
FIELD = {"pain": "has_pain", "pain.regions": "pain_regions"}


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
    form = IntakeForm()
    rows: dict[str, list[Row]] = {section: [] for section in TITLES}
    for item in items:
        name = _field(item)
        rows[item.section].append(
            Row(
                item.key,
                _label(form, item, name),
                _text(form, name, item.before),
                _text(form, name, item.after),
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


def _field(item: Item) -> str:
    if item.key in FIELD:
        return FIELD[item.key]
    if item.section == "red_flags":
        return f"rf_{item.name}"
    return item.name if "." in item.key else item.section


def _label(form: IntakeForm, item: Item, name: str) -> str:
    if item.section == "conditions":
        entry = load_knowledge().conditions.get(item.name)
        return label(entry) if entry is not None else str((item.before or item.after)["id"])
    singular = {"medications": "Medicine", "procedures": "Procedure", "allergies": "Allergy"}
    if item.section in singular:
        return singular[item.section]
    return str(form.fields[name].label) if name in form.fields else item.name


def _choices(form: IntakeForm, name: str) -> dict[str, str]:
    field = form.fields.get(name)
    return {str(value): str(text) for value, text in getattr(field, "choices", [])}


def _regions(form: IntakeForm, regions: list[str]) -> str:
    named = _choices(form, "condition_0_region")
    return ", ".join(named.get(r, r) for r in regions)


def _text(form: IntakeForm, name: str, value: Any) -> str:
    """A value as the form would show it; "not given" when absent."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "conditions":
        where = _regions(form, value.get("regions", []))
        return STATUS.get(value.get("status", "active"), "") + (f"; {where}" if where else "")
    if name == "procedures":
        where = _regions(form, value.get("region", []))
        return f"{value['kind'].capitalize()} on {value['date']}" + (f"; {where}" if where else "")
    if isinstance(value, float):
        return f"{value:g}"
    choices = _choices(form, name)
    if isinstance(value, list):
        return ", ".join(choices.get(str(v), str(v).replace("_", " ")) for v in value)
    return choices.get(str(value), str(value))
