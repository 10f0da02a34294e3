"""The clinic's outcomes: of the courses completed with pain rated at the start and at the
end, how many responded (pain fell by the important change), by modality, by stage of pain
and by STarT Back group, each with its 95% Wilson interval; and how many courses were
completed or dropped. Every figure comes from ``records/courses.py``; admins and therapists of
the clinic see it, and the view is audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from backcare import lru
from backcare.clinical.interval import Rate, wilson
from backcare.knowledge import KnowledgeBase
from backcare.records import audit
from backcare.records.courses import Course, kept_courses
from backcare.records.models import User

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Group:
    name: str
    rate: Rate


@dataclass(frozen=True)
class ClinicOutcomes:
    by_modality: tuple[Group, ...]
    by_chronicity: tuple[Group, ...]
    by_start_back: tuple[Group, ...]
    responders: Rate
    completed: Rate
    dropped: Rate
    ongoing: int
    started: int


def clinic_outcomes(*, user: User, today: date, kb: KnowledgeBase) -> ClinicOutcomes:
    """The clinic's outcomes, worked out again only from other courses than the last view's
    (the courses are kept until something is saved: records/courses.py)."""
    assert user.clinic is not None  # the page is for users of a clinic (checked by the view)
    every = kept_courses(clinic=user.clinic, today=today, kb=kb)
    key = (id(every), kb.version)
    found = _worked_out.find(key)
    if found is None or found[0] is not every:  # held with the figures: its id is not reused
        found = (every, _outcomes(every, kb))
        _worked_out.keep(key, found)
    audit.record(user=user, action="outcomes.view", detail={"courses": len(every)})
    return found[1]


_worked_out: lru.Kept[tuple[int, str], tuple[list[Course], ClinicOutcomes]] = lru.Kept(size=64)


def _outcomes(every: list[Course], kb: KnowledgeBase) -> ClinicOutcomes:
    judged = [
        (c, responded)
        for c in every
        if c.status == "completed" and (responded := c.responder(kb)) is not None
    ]
    ended = [c for c in every if c.status != "ongoing"]
    completed = sum(c.status == "completed" for c in ended)
    groups = kb.instruments["start_back"].scoring.groups
    names = {g.id: g.name for g in groups}
    return ClinicOutcomes(
        by_modality=_rates(judged, lambda c: _name(kb.modalities, c.modality)),
        by_chronicity=_rates(judged, lambda c: c.similar.chronicity or NOT_RECORDED),
        by_start_back=_rates(judged, lambda c: names.get(c.similar.start_back or "", NOT_RECORDED)),
        responders=wilson(sum(r for _, r in judged), len(judged)),
        completed=wilson(completed, len(ended)),
        dropped=wilson(len(ended) - completed, len(ended)),
        ongoing=len(every) - len(ended),
        started=len(every),
    )


def _rates(judged: list[tuple[Course, bool]], key: Callable[[Course], str]) -> tuple[Group, ...]:
    counts: dict[str, list[int]] = {}
    for course, responded in judged:
        tally = counts.setdefault(key(course), [0, 0])
        tally[0] += responded
        tally[1] += 1
    return tuple(Group(name, wilson(hits, total)) for name, (hits, total) in sorted(counts.items()))


def _name(table: Mapping[str, object], entry_id: str) -> str:
    entry = table.get(entry_id)
    return str(getattr(entry, "name", entry_id.replace("_", " ")))
