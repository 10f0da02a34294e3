"""The printed self-care handout: the routines the therapist picked, in their order, each with
its own map, under the clinic's name, phone and logo, the therapist's name and the date.

The pick travels in the address (``?routine=a&routine=b``), not in the plan: choosing what to
print changes nothing of the client's record, the same link prints the same handout again,
and a GET that writes nothing needs no audit of a change. Only routines the screening allowed
(the plan's home care) can be picked; at most ``MAX_ROUTINES``, so it fits two pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.errors import Problem
from backcare.knowledge import load_knowledge
from backcare.records.models import User
from backcare.reports.bodymap import body_map

MAX_ROUTINES = 4


@dataclass(frozen=True)
class Routine:
    item: dict[str, Any]
    map: str


def pick(
    home_care: list[dict[str, Any]], asked: list[str] | None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The routines asked for, in that order; nothing asked: the plan's first few."""
    if asked is None:
        return home_care[:MAX_ROUTINES], []
    allowed = {item["id"]: item for item in home_care}
    chosen, problems = [], []
    for routine_id in dict.fromkeys(a for a in asked if a):
        if routine_id in allowed:
            chosen.append(allowed[routine_id])
        else:
            names = ", ".join(item["name"] for item in home_care)
            problems.append(
                Problem("routine", f"{routine_id!r} is not one the screening allows; pick {names}")
            )
    if not chosen and not problems:
        problems.append(Problem("routine", "pick at least one routine for the handout"))
    if len(chosen) > MAX_ROUTINES:
        problems.append(Problem("routine", f"at most {MAX_ROUTINES} routines fit two pages"))
        chosen = chosen[:MAX_ROUTINES]
    return chosen, problems


def slots(chosen: list[dict[str, Any]]) -> list[str]:
    """The picker's places, in order: each holds a chosen routine's id or nothing."""
    ids = [item["id"] for item in chosen]
    return ids + [""] * (MAX_ROUTINES - len(ids))


def routines(chosen: list[dict[str, Any]], avoided: dict[str, str]) -> list[Routine]:
    """Each routine with the map of the regions it works on, beside the regions to keep off."""
    return [Routine(item, _map(item, avoided, index)) for index, item in enumerate(chosen)]


def _map(item: dict[str, Any], avoided: dict[str, str], index: int) -> str:
    if not item["regions"]:
        return ""
    where = "Where the ball or roller goes" if item["kind"] == "self_massage" else "Where it works"
    return body_map(
        selected=[r for r in item["regions"] if r not in avoided],
        avoided=avoided,
        title=f"{item['name']}: {where.lower()}",
        id_prefix=f"routine{index}-",
    )


def sources(chosen: list[dict[str, Any]]) -> list[str]:
    """The readable titles of the sources the routines rest on, each once."""
    kb = load_knowledge()
    ids = dict.fromkeys(s for item in chosen for s in item["sources"] if s in kb.sources)
    return [kb.sources[s].title for s in ids]


def therapist_line(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name}, {user.credentials}" if user.credentials else name
