"""Comparing two versions of a client's intake: what was added, removed or changed, item by
item, and who recorded each version, when and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backcare.errors import NotFound
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import clients
from backcare.records.models import Client, Intake, User
from backcare.records.summary import known_condition, number, regions


@dataclass(frozen=True)
class Change:
    section: str
    kind: str  # added, removed or changed
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    client: Client
    older: Intake
    newer: Intake
    changes: list[Change]
    versions: list[Intake]


def compare_versions(
    *, user: User, client_id: int, version: int, against: int | None = None
) -> Comparison:
    """Version ``version`` of the intake against ``against`` (the one before it by default)."""
    client = clients.open_client(
        user=user, client_id=client_id, purpose=f"intake v{version} compared"
    )
    versions = list(client.intakes.select_related("recorded_by").order_by("-version"))
    by_number = {i.version: i for i in versions}
    newer = by_number.get(version)
    if newer is None:
        raise NotFound(f"no intake version {version}")
    older_number = against if against is not None else version - 1
    older = by_number.get(older_number, newer)
    if against is not None and against not in by_number:
        raise NotFound(f"no intake version {against}")
    return Comparison(client, older, newer, differences(older.data, newer.data), versions)


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Every difference between two intakes' data, in the order of the intake's sections."""
    kb = load_knowledge()
    changes: list[Change] = []
    for section, (title, key, describe) in _LISTS.items():
        old = {key(item): item for item in before.get(section, [])}
        new = {key(item): item for item in after.get(section, [])}
        for k, item in new.items():
            if k not in old:
                changes.append(Change(title, "added", "", describe(item, kb)))
            elif old[k] != item:
                changes.append(Change(title, "changed", describe(old[k], kb), describe(item, kb)))
        changes += [
            Change(title, "removed", describe(item, kb), "")
            for k, item in old.items()
            if k not in new
        ]
    for section, title in _MAPPINGS.items():
        old_map, new_map = before.get(section) or {}, after.get(section) or {}
        for name in dict.fromkeys([*old_map, *new_map]):
            was, now = old_map.get(name), new_map.get(name)
            if _same(was) != _same(now):
                kind = (
                    "added"
                    if was in (None, "", [])
                    else "removed"
                    if now in (None, "", [])
                    else "changed"
                )
                changes.append(
                    Change(
                        f"{title}: {name.replace('_', ' ')}", kind, _value(was, kb), _value(now, kb)
                    )
                )
    for name in ("notes", "assessed_on"):
        if before.get(name) != after.get(name):
            changes.append(
                Change(
                    name.replace("_", " ").capitalize(),
                    "changed",
                    _value(before.get(name), kb),
                    _value(after.get(name), kb),
                )
            )
    return changes


def _same(value: Any) -> Any:
    """A value as compared: the order of a list of regions or words does not matter."""
    return sorted(map(str, value)) if isinstance(value, list) else value


def _value(value: Any, kb: KnowledgeBase) -> str:
    if value is None:
        return "not asked"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if all(isinstance(v, str) and v in kb.regions for v in value) and value:
            return regions(value, kb)
        return ", ".join(str(v) for v in value)
    return number(value)


def _condition(item: dict[str, Any], kb: KnowledgeBase) -> str:
    known, _ = known_condition(item["id"], kb)
    parts = [item.get("status", "active")]
    if item.get("regions"):
        parts.append(regions(item["regions"], kb))
    if item.get("since"):
        parts.append(f"since {item['since']}")
    return f"{known.name if known else item['id']} ({', '.join(parts)})"


def _procedure(item: dict[str, Any], kb: KnowledgeBase) -> str:
    where = regions(item.get("region") or [], kb)
    return f"{item['kind']} on {item['date']}" + (f", {where}" if where else "")


def _skin(item: dict[str, Any], kb: KnowledgeBase) -> str:
    return f"{item['finding'].replace('_', ' ')}, {regions(item['region'], kb)}"


def _clearance(item: dict[str, Any], _kb: KnowledgeBase) -> str:
    return f"{item['rule']}: {item['received_from']}, {item['received_on']}"


def _text(item: Any, _kb: KnowledgeBase) -> str:
    return str(item)


Describe = Callable[[Any, KnowledgeBase], str]
_LISTS: dict[str, tuple[str, Callable[[Any], Any], Describe]] = {
    "conditions": ("Conditions", lambda c: c["id"], _condition),
    "medications": ("Medicines", lambda m: m, _text),
    "allergies": ("Allergies", lambda a: a, _text),
    "procedures": ("Procedures", lambda p: (p["kind"], p["date"]), _procedure),
    "skin": ("Skin", lambda s: (s["finding"], tuple(s["region"])), _skin),
    "clearances": ("Clearances", lambda c: c["rule"], _clearance),
}
_MAPPINGS = {
    "client": "Client",
    "pain": "Pain",
    "red_flags": "Warning signs",
    "vitals": "Vital signs",
    "preferences": "Preferences",
}
