"""Checks of the outcome knowledge against the rest of the base: instruments that can be
scored as their manuals say, progress rules that name known claims and always decide, an
expected course over a known instrument. Each problem is one readable line."""

from __future__ import annotations

from collections.abc import Iterator

from backcare.knowledge import outcome as o
from backcare.knowledge.base import KnowledgeBase


def check_outcomes(kb: KnowledgeBase) -> Iterator[str]:
    for instrument in kb.instruments.values():
        yield from _check_instrument(kb, instrument)
    yield from _check_progress(kb)


def _check_instrument(kb: KnowledgeBase, instrument: o.Instrument) -> Iterator[str]:
    where = f"instruments {instrument.id}"
    scoring = instrument.scoring
    for source in scoring.missing_sources:
        if source not in kb.sources:
            yield f"{where}: cites unknown source '{source}'"
    if scoring.method in ("mean", "sum_percent", "count_positive") and not (
        instrument.items or scoring.max_items
    ):
        yield f"{where}: scored from items, so it needs items or max_items"
    if scoring.min_answered is not None and scoring.min_answered > len(instrument.items):
        yield f"{where}: min_answered is more than its {len(instrument.items)} items"
    if (scoring.min_items or 1) > (scoring.max_items or 1):
        yield f"{where}: min_items is more than max_items"
    for item in instrument.items:
        if not set(item.positive) <= set(item.answers):
            yield f"{where} item {item.id}: a positive answer is not one of its answers"
    names = {item.id for item in instrument.items}
    for subscale in scoring.subscales:
        for item_id in subscale.items:
            if item_id not in names:
                yield f"{where} subscale {subscale.id}: unknown item '{item_id}'"
    if scoring.method == "count_positive":
        if any(not item.positive for item in instrument.items):
            yield f"{where}: every item counted needs its positive answers"
        if not scoring.groups:
            yield f"{where}: a count of positive items needs its risk groups"
        yield from _check_groups(kb, instrument)
    if instrument.important_change is None and scoring.method != "count_positive":
        yield f"{where}: a score followed over time needs its important change"


def _check_groups(kb: KnowledgeBase, instrument: o.Instrument) -> Iterator[str]:
    """Every possible total and subscore falls in exactly one first-matching group."""
    items = len(instrument.items)
    for total in range(items + 1):
        for sub in instrument.scoring.subscales:
            for part in range(min(total, len(sub.items)) + 1):
                facts = {"total": total, sub.id: part}
                if not any(g.holds(facts) for g in kb.risk_groups.get(instrument.id, ())):
                    yield f"instruments {instrument.id}: no risk group for {facts}"
                    return


def _check_progress(kb: KnowledgeBase) -> Iterator[str]:
    progress = kb.progress
    for action in ("continue", "taper", "change", "stop"):
        if action not in progress.actions:
            yield f"progress: the action '{action}' has no words"
    for compiled in kb.progress_rules:
        for claim in compiled.rule.claims:
            if claim not in kb.claims:
                yield f"progress {compiled.rule.id}: unknown claim '{claim}'"
    nothing = dict.fromkeys(o.PROGRESS_FACTS, False) | {"sessions": 0, "measured": 0}
    if not kb.progress_rules[-1].holds(nothing):
        yield "progress: the last rule must hold when nothing else does (a default)"
    course = progress.expected_course
    instrument = kb.instruments.get(course.instrument)
    if instrument is None:
        yield f"progress expected_course: unknown instrument '{course.instrument}'"
        return
    bands = [band.max for band in course.pain_bands]
    if bands != sorted(bands) or bands[-1] != instrument.max:
        yield f"progress expected_course: pain bands must rise to {instrument.max:g}"
