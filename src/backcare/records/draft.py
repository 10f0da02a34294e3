"""What a client may see and change of their intake through a self-service link, and how their
answers are compared with, and merged into, the therapist's intake. Pure functions over intake
data (spec v1, as stored), no database.

Client-editable, item by item: the client's details (``CLIENT``), whether there is back pain and
each pain field (``PAIN``), each warning-sign answer, each condition (its status and regions),
each medicine, each procedure (its regions), each allergy and each preference (``PREFERENCES``).

Everything else is the therapist's and always carries over unchanged: the assessment date, skin
findings, vital signs, clearances, the therapist's notes, a condition's ``since`` and ``note``,
and any field this module does not name.

An answer the client removed disappears only when the therapist accepts that removal: ``merge``
takes the client's value for the accepted item keys and keeps the therapist's for every other.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from backcare.knowledge.contract import RED_FLAGS

CLIENT = ("age", "sex", "pregnant_weeks", "pregnancy_complications", "breastfeeding", "occupation")
PAIN = (
    "regions",
    "duration_weeks",
    "intensity",
    "cause",
    "radiates_below_knee",
    "numbness",
    "weakness",
    "worse_at_night",
    "morning_stiffness_minutes",
    "new_or_changed",
)
PREFERENCES = (
    "pressure",
    "modalities",
    "massage_experience",
    "session_minutes",
    "sessions_per_month",
    "goals",
)
CONDITION = ("id", "status", "regions")  # since and note are the therapist's
PROCEDURE = ("kind", "date", "region")
THERAPIST_ONLY = ("assessed_on", "skin", "vitals", "clearances", "notes")  # and anything unnamed

Data = dict[str, Any]


def _given(value: Any) -> Any:
    """None for an answer left out (None, blank text, an empty list)."""
    if value is None or value == "" or (isinstance(value, list | tuple) and not value):
        return None
    return list(value) if isinstance(value, tuple) else value


def _pick(part: Any, fields: Iterable[str]) -> Data:
    part = part or {}
    return {f: v for f in fields if (v := _given(part.get(f))) is not None}


def client_view(data: Data | None) -> Data:
    """The parts of an intake a client may see and change; nothing of the therapist's."""
    data = data or {}
    view: Data = {
        "client": _pick(data.get("client"), CLIENT),
        "red_flags": {f: v for f, v in (data.get("red_flags") or {}).items() if v is not None},
        "conditions": [_pick(c, CONDITION) for c in data.get("conditions", [])],
        "medications": list(data.get("medications", [])),
        "procedures": [_pick(p, PROCEDURE) for p in data.get("procedures", [])],
        "allergies": list(data.get("allergies", [])),
        "preferences": _pick(data.get("preferences"), PREFERENCES),
    }
    if data.get("pain") is not None:
        view["pain"] = _pick(data["pain"], PAIN)
    return view


def therapist_part(data: Data | None) -> Data:
    """The therapist's own parts of an intake, which every merge carries over unchanged."""
    data = data or {}
    return {part: data.get(part) for part in THERAPIST_ONLY}


def form_start(data: Data | None) -> Data:
    """What the client's form starts from: their own answers, except the warning signs, which
    are about today and asked afresh every time."""
    view = client_view(data)
    view["red_flags"] = {}
    return view


@dataclass(frozen=True)
class Item:
    """One answer, before (the therapist's intake) and after (the client's); None when absent."""

    key: str
    section: str
    name: str
    before: Any = None
    after: Any = None

    @property
    def change(self) -> str:
        if self.before is None:
            return "same" if self.after is None else "added"
        if self.after is None:
            return "removed"
        return "same" if same_answer(self.before, self.after) else "changed"

    @property
    def withdraws(self) -> bool:
        """The client takes back something that calls for care: an answer, or a yes to a
        warning sign."""
        return self.change == "removed" or (
            self.section == "red_flags" and self.before is True and self.after is False
        )


def same_answer(one: Any, other: Any) -> bool:
    """The same answer: lists compare as sets, text without case or outer spaces, a left-out
    field as not given."""
    return _canonical(one) == _canonical(other)


def _canonical(value: Any) -> str:
    def norm(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items() if _given(x) is not None}
        if isinstance(v, list | tuple):
            return sorted(json.dumps(norm(x), sort_keys=True) for x in v)
        return v.strip().casefold() if isinstance(v, str) else v

    return json.dumps(norm(value), sort_keys=True)


def _ident(section: str) -> Callable[[Any], str]:
    if section == "conditions":
        return lambda c: str(c.get("id", "")).strip().casefold()
    if section == "procedures":
        return lambda p: f"{p.get('kind')} {p.get('date')}"
    return lambda text: str(text).strip().casefold()


def _keyed(section: str, entries: list[Any]) -> dict[str, Any]:
    """Entries of a list by a stable key: the entry's identity, numbered when it repeats."""
    ident, seen, keyed = _ident(section), dict[str, int](), {}
    for entry in entries:
        name = ident(entry)
        seen[name] = seen.get(name, 0) + 1
        suffix = f"#{seen[name]}" if seen[name] > 1 else ""
        keyed[f"{section}:{name}{suffix}"] = entry
    return keyed


def _fields(section: str, names: Iterable[str], before: Data, after: Data) -> list[Item]:
    return [
        Item(f"{section}.{n}", section, n, _given(before.get(n)), _given(after.get(n)))
        for n in names
    ]


def _entries(section: str, before: list[Any], after: list[Any]) -> list[Item]:
    old, new = _keyed(section, before), _keyed(section, after)
    name = _ident(section)
    return [
        Item(key, section, name(old.get(key) or new[key]), old.get(key), new.get(key))
        for key in [*old, *(k for k in new if k not in old)]
    ]


def compare(base: Data | None, answers: Data | None) -> list[Item]:
    """Every client-editable item of the therapist's intake and the client's answers, in the
    order of the form; each says whether it was added, removed, changed or is the same."""
    old, new = client_view(base), client_view(answers)
    items = _fields("client", CLIENT, old["client"], new["client"])
    had, has = "pain" in old, "pain" in new
    items.append(Item("pain", "pain", "has_pain", True if had else None, True if has else None))
    if has:
        items += _fields("pain", PAIN, old.get("pain", {}), new["pain"])
    items += _fields("red_flags", RED_FLAGS, old["red_flags"], new["red_flags"])
    for section in ("conditions", "medications", "procedures", "allergies"):
        items += _entries(section, old[section], new[section])
    items += _fields("preferences", PREFERENCES, old["preferences"], new["preferences"])
    return items


def proposed(items: Iterable[Item]) -> set[str]:
    """The keys to take from the client unless the therapist says otherwise: what they added
    or changed; never what they took back."""
    return {i.key for i in items if i.change in ("added", "changed") and not i.withdraws}


def _set(part: Data, name: str, value: Any) -> None:
    if value is None:
        part.pop(name, None)
    else:
        part[name] = value


_EDITABLE = {"conditions": CONDITION, "procedures": PROCEDURE}


def _merge_entries(section: str, before: list[Any], taken: dict[str, Item]) -> list[Any]:
    merged: list[Any] = []
    for key, entry in _keyed(section, before).items():
        item = taken.get(key)
        if item is None:
            merged.append(entry)
        elif isinstance(entry, dict) and item.after is not None:
            theirs = {k: v for k, v in entry.items() if k not in _EDITABLE[section]}
            merged.append({**theirs, **item.after})
        elif item.after is not None:
            merged.append(item.after)
    added = (i for i in taken.values() if i.section == section and i.before is None)
    return merged + [copy.deepcopy(i.after) for i in added]


def merge(
    base: Data | None, answers: Data | None, accepted: Collection[str], *, note: str = ""
) -> Data:
    """The therapist's intake with the client's answer taken for each accepted item key and the
    therapist's kept for every other; the therapist's own parts unchanged. A client's ``note``
    is added after the therapist's notes."""
    merged = copy.deepcopy(base or {})
    taken = {i.key: i for i in compare(base, answers) if i.key in accepted and i.change != "same"}
    fields = (("client", CLIENT), ("red_flags", RED_FLAGS), ("preferences", PREFERENCES))
    for section, names in fields:
        part = dict(merged.get(section) or {})
        for name in names:
            if (item := taken.get(f"{section}.{name}")) is not None:
                _set(part, name, item.after)
        merged[section] = part
    presence = taken.get("pain")
    if presence is not None and presence.after is None:
        merged["pain"] = None
    else:
        pain = dict(merged.get("pain") or {})
        for name in PAIN:
            if (item := taken.get(f"pain.{name}")) is not None:
                _set(pain, name, item.after)
        present = merged.get("pain") is not None or presence is not None
        merged["pain"] = pain if present or _pick(pain, PAIN) else None
    if merged["pain"] is None:
        merged.pop("pain")
    for section in ("conditions", "medications", "procedures", "allergies"):
        merged[section] = _merge_entries(section, list(merged.get(section, [])), taken)
    if note.strip():
        merged["notes"] = "\n\n".join(n for n in (merged.get("notes", ""), note.strip()) if n)
    return merged


def keep_unshown(edited: Data, previous: Data | None) -> Data:
    """An intake edited in the form, with what the form does not show taken from the intake it
    started from: the clearances, and each condition's ``since`` and ``note``."""
    previous = previous or {}
    result = dict(edited)
    if previous.get("clearances") and not result.get("clearances"):
        result["clearances"] = copy.deepcopy(previous["clearances"])
    earlier = _keyed("conditions", previous.get("conditions", []))
    result["conditions"] = [
        {**{k: v for k, v in earlier.get(key, {}).items() if k in ("since", "note")}, **entry}
        for key, entry in _keyed("conditions", list(edited.get("conditions", []))).items()
    ]
    return result
