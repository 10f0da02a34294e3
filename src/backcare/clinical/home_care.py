"""Home care: the self-care routines the screening allows, on the regions the client may use
them on, within the session's limits. A routine that would press harder than the session may,
use a technique the screening avoids, or work only avoided regions is softened or left out,
and the plan says why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backcare.clinical.facts import Reading
from backcare.clinical.intake import Intake
from backcare.clinical.kept import Kept
from backcare.clinical.once import per_knowledge
from backcare.clinical.positioning import ruled_out
from backcare.clinical.screening import Finding, Screening
from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m
from backcare.knowledge.rule import Facts, Node, compile_all


@dataclass(frozen=True, slots=True)
class HomeCare:
    """A self-care routine from the knowledge base, on the regions this client may use it on."""

    routine: m.SelfCare
    regions: tuple[str, ...]
    notes: tuple[str, ...]
    pressure: str | None = None

    @property
    def id(self) -> str:
        return self.routine.id

    @property
    def kind(self) -> str:
        return self.routine.kind


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A routine that would fit the pain but that the screening rules out, and why."""

    routine: m.SelfCare
    reason: str

    @property
    def id(self) -> str:
        return self.routine.id


@dataclass(frozen=True, slots=True)
class Selection:
    chosen: tuple[HomeCare, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True, slots=True)
class _Routine:
    """A routine with what selecting it reads, worked out once per knowledge base."""

    item: m.SelfCare
    regions: frozenset[str]  # where it works; empty: anywhere
    listed: tuple[str, ...]  # the same, in the knowledge base's order
    excluded_at: int | None  # the position of its exclusion among every routine's conditions
    cautions_at: tuple[tuple[int, str], ...]  # each caution's position there, with its note
    firmest: int | None  # the rank of the most pressure it asks for; None: it presses nothing
    lightest: int | None  # the rank of the least pressure it can be done with
    positions: frozenset[str]
    techniques: frozenset[str]
    plain: HomeCare  # as most clients are given it: where it works, as firm as it asks, no notes


@dataclass(frozen=True, slots=True)
class _Routines:
    each: tuple[_Routine, ...]
    holding: Callable[[Facts], list[int]]  # every exclusion and caution, in one function


def _routines(kb: KnowledgeBase) -> _Routines:
    found = []
    conditions: list[Node] = []

    def at(condition: Node) -> int:
        conditions.append(condition)
        return len(conditions) - 1

    for item in kb.self_care.values():
        exclude, cautions = kb.self_care_conditions[item.id]
        listed, most = tuple(item.regions), item.pressure.max if item.pressure else None
        found.append(
            _Routine(
                item,
                frozenset(item.regions),
                listed,
                at(exclude) if exclude else None,
                tuple(
                    (at(c), caution.note)
                    for c, caution in zip(cautions, item.cautions, strict=True)
                ),
                kb.pressure_rank(item.pressure.max) if item.pressure else None,
                kb.pressure_rank(item.pressure.min) if item.pressure else None,
                frozenset(item.positions),
                frozenset(item.techniques),
                HomeCare(item, listed, (), most),
            )
        )
    return _Routines(tuple(found), compile_all(conditions))


def select(intake: Intake, reading: Reading, screening: Screening, kb: KnowledgeBase) -> Selection:
    """Self-care within the screening's limits, and the routines it leaves out, with reasons."""
    limits = screening.limits
    avoid = frozenset(limits.avoid_regions)
    painful = frozenset(intake.pain.regions) if intake.pain else _NOWHERE
    excluded = _ruled_out(limits.positioning, kb)  # once, not once a routine
    techniques = frozenset(limits.avoid_techniques)
    cap = kb.pressure_rank(limits.max_pressure) if limits.max_pressure else None
    routines = per_knowledge(kb, _routines)
    held = set(routines.holding(reading.facts))
    chosen: list[HomeCare] = []
    left_out: list[LeftOut] = []
    for routine in routines.each:
        works, regions, unplaced = routine.regions, routine.listed, False
        if works:
            if painful and painful.isdisjoint(works):
                continue  # works elsewhere than where it hurts
            if avoid and not works.isdisjoint(avoid):
                regions = tuple([r for r in regions if r not in avoid])
                unplaced = not regions or bool(painful and painful.isdisjoint(regions))
        if (
            unplaced
            or routine.excluded_at in held
            or (excluded and not routine.positions.isdisjoint(excluded))
            or (techniques and not routine.techniques.isdisjoint(techniques))
            or (cap is not None and routine.lightest is not None and routine.lightest > cap)
        ):  # rarely: the reason is written only then
            reason = _reason(routine, regions, painful, excluded, held, screening, kb)
            left_out.append(LeftOut(routine.item, reason))
            continue
        notes = [note for at, note in routine.cautions_at if at in held] if held else []
        plain = routine.plain
        pressure = plain.pressure
        if cap is not None and routine.firmest is not None and cap < routine.firmest:
            pressure = limits.max_pressure
            notes.insert(0, _softened(pressure))
        if notes or regions is not routine.listed or pressure != plain.pressure:
            plain = _home_care(routine.item, regions, tuple(notes), pressure, kb)
        chosen.append(plain)
    return Selection(tuple(chosen), tuple(left_out))


_NOWHERE: frozenset[str] = frozenset()
_CHOSEN: Kept[HomeCare] = Kept(size=8192)


def _home_care(
    item: m.SelfCare,
    regions: tuple[str, ...],
    notes: tuple[str, ...],
    pressure: str | None,
    kb: KnowledgeBase,
) -> HomeCare:
    """The routine on these regions with these notes: the same few are chosen for many
    clients, so each is made once and shared (it holds the routine, so its id is not reused)."""
    key = (id(item), regions, notes, pressure)
    return _CHOSEN.get(kb, key, lambda: HomeCare(item, regions, notes, pressure))


def _ruled_out(positioning: tuple[str, ...], kb: KnowledgeBase) -> frozenset[str]:
    return ruled_out(positioning, kb) if positioning else frozenset()


def _reason(
    routine: _Routine,
    regions: tuple[str, ...],
    painful: frozenset[str],
    excluded: frozenset[str],
    held: set[int],
    screening: Screening,
    kb: KnowledgeBase,
) -> str:
    """Why the screening rules the routine out, or "" when it may be used."""
    item = routine.item
    if item.regions and (not regions or (painful and painful.isdisjoint(regions))):
        return "the regions where it would help are to be avoided today"
    if routine.excluded_at in held:
        return item.exclude_why or "the screening rules it out"
    return (
        _avoided_position(item, excluded, screening, kb)
        or _avoided_technique(item, screening, kb)
        or _too_firm(item, screening.limits.max_pressure, screening.findings, kb)
    )


_POSITION_WORDS = {
    "prone": "lying face down",
    "supine": "lying on your back",
    "side_lying": "lying on your side",
    "semi_reclined": "half sitting, half lying",
    "seated": "sitting",
    "standing": "standing",
}


def _avoided_position(
    item: m.SelfCare, excluded: frozenset[str], screening: Screening, kb: KnowledgeBase
) -> str:
    for position in item.positions:
        if position in excluded:
            by = [
                f.title
                for f in screening.findings
                if position in ruled_out(f.modifications.positioning, kb)
            ]
            why = f" ({'; '.join(by)})" if by else ""
            return f"it is done {_POSITION_WORDS[position]}, which the screening rules out{why}"
    return ""


def _avoided_technique(item: m.SelfCare, screening: Screening, kb: KnowledgeBase) -> str:
    findings = screening.findings
    for technique in item.techniques:
        if technique in screening.limits.avoid_techniques:
            by = [f.title for f in findings if technique in f.modifications.avoid_techniques]
            name = kb.techniques[technique].name.lower()
            why = f" ({'; '.join(by)})" if by else ""
            return f"it is a form of {name}, which the screening avoids{why}"
    return ""


def _too_firm(
    item: m.SelfCare, cap: str | None, findings: tuple[Finding, ...], kb: KnowledgeBase
) -> str:
    if item.pressure is None or cap is None:
        return ""
    if kb.pressure_rank(item.pressure.min) <= kb.pressure_rank(cap):
        return ""
    return (
        f"it cannot be done with less than {item.pressure.min} pressure, and the screening "
        f"allows at most {cap} ({'; '.join(capped_by(cap, findings))})"
    )


def _softened(pressure: str | None) -> str:
    """The note a client reads on a routine made gentler: the therapist's reasons are in the
    findings, not on the client's handout."""
    return f"Keep the pressure {pressure}, never harder: more is not safe for you now."


def capped_by(pressure: str | None, findings: tuple[Finding, ...]) -> list[str]:
    """The titles of the findings that set the pressure limit."""
    return [f.title for f in findings if f.modifications.max_pressure == pressure]
