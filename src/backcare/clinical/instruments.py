"""Scoring an outcome instrument from its answers, as its manual says (``instruments.yaml``).

``score(instrument, answers, kb)`` checks every answer against the instrument's ranges and
returns a frozen ``Scored``; answers out of range raise InvalidIntake naming each field. Too
few answers to score is not an error: the result says ``incomplete`` and why, so what was
entered is kept.

Answers, by the instrument's scoring method:

* single, mean: ``{item id: number or None}`` (NPRS ``{"pain": 6}``, PEG three items);
  the PSFS: ``{"activities": [{"activity": "own words", "rating": 0-10}, ...]}``
* sum_percent (ODI): ``{section id: 0-5 or None}``, or ``{"total": percent}`` from the form
* count_positive (STarT Back): ``{item id: answer word or None}``
* entered (RMDQ, PROMIS): ``{"total": number}``
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import KnowledgeBase
from backcare.knowledge.outcome import Instrument


@dataclass(frozen=True)
class Scored:
    score: float | None
    answered: int
    incomplete: str = ""
    group: str | None = None
    subscores: dict[str, int] = field(default_factory=dict)

    def result(self) -> dict[str, Any]:
        """What is stored beside the score (``Measure.result``)."""
        found: dict[str, Any] = {"answered": self.answered}
        if self.incomplete:
            found["incomplete"] = self.incomplete
        if self.group is not None:
            found["group"] = self.group
        if self.subscores:
            found["subscores"] = self.subscores
        return found


def score(instrument: Instrument, answers: Mapping[str, Any], kb: KnowledgeBase) -> Scored:
    method = instrument.scoring.method
    if "total" in answers and method in ("sum_percent", "entered"):
        return _entered(instrument, answers["total"])
    if method == "count_positive":
        return _count_positive(instrument, answers, kb)
    if method == "mean" and not instrument.items:  # the PSFS: activities in the client's words
        return _activities(instrument, answers.get("activities"))
    if method == "entered":
        raise InvalidIntake([Problem("total", f"enter the {instrument.abbreviation} total")])
    values = _numbers(instrument, answers)
    answered = [v for v in values.values() if v is not None]
    if method == "single":
        if not answered:
            raise InvalidIntake([Problem(instrument.items[0].id, "enter a number")])
        return Scored(_rounded(instrument, answered[0]), 1)
    needed = instrument.scoring.min_answered or len(instrument.items)
    if len(answered) < needed:
        return Scored(None, len(answered), _too_few(instrument, len(answered), needed))
    if method == "mean":
        return Scored(_rounded(instrument, sum(answered) / len(answered)), len(answered))
    top = instrument.scoring.item_max * len(answered)
    return Scored(_rounded(instrument, 100 * sum(answered) / top), len(answered))


def _too_few(instrument: Instrument, answered: int, needed: int) -> str:
    return (
        f"{answered} of {len(instrument.items)} items answered; the "
        f"{instrument.abbreviation} needs {needed} to be scored. {instrument.scoring.missing}"
    )


def _rounded(instrument: Instrument, value: float) -> float:
    return round(value, instrument.decimals)


def _entered(instrument: Instrument, total: Any) -> Scored:
    value = as_number(total)
    if value is None or not instrument.min <= value <= instrument.max:
        raise InvalidIntake([Problem("total", _range_text(instrument.min, instrument.max))])
    if instrument.decimals == 0 and value != int(value):
        raise InvalidIntake([Problem("total", "must be a whole number")])
    return Scored(_rounded(instrument, value), len(instrument.items) or 1)


def _numbers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, float | None]:
    low, high = instrument.scoring.item_min, instrument.scoring.item_max
    problems = [
        Problem(key, f"unknown item; items: {', '.join(i.id for i in instrument.items)}")
        for key in answers
        if key not in {i.id for i in instrument.items}
    ]
    values: dict[str, float | None] = {}
    for item in instrument.items:
        raw = answers.get(item.id)
        value = as_number(raw)
        if raw not in (None, "") and (value is None or not low <= value <= high):
            problems.append(Problem(item.id, _range_text(low, high)))
        values[item.id] = value
    if problems:
        raise InvalidIntake(problems)
    return values


def _activities(instrument: Instrument, activities: Any) -> Scored:
    scoring = instrument.scoring
    low, high = scoring.item_min, scoring.item_max
    rows = [row for row in activities or [] if str(row.get("activity") or "").strip()]
    problems: list[Problem] = []
    if not scoring.min_items or len(rows) < scoring.min_items:
        problems.append(Problem("activities", "name at least one activity, in the client's words"))
    if scoring.max_items and len(rows) > scoring.max_items:
        problems.append(Problem("activities", f"at most {scoring.max_items} activities"))
    ratings = []
    for number, row in enumerate(rows, start=1):
        rating = as_number(row.get("rating"))
        if rating is None or not low <= rating <= high:
            problems.append(Problem(f"activities.{number}.rating", _range_text(low, high)))
        else:
            ratings.append(rating)
    if problems:
        raise InvalidIntake(problems)
    return Scored(_rounded(instrument, sum(ratings) / len(ratings)), len(ratings))


def _count_positive(
    instrument: Instrument, answers: Mapping[str, Any], kb: KnowledgeBase
) -> Scored:
    problems: list[Problem] = []
    positive: dict[str, bool] = {}
    for item in instrument.items:
        answer = answers.get(item.id)
        if answer in (None, ""):
            continue
        if answer not in item.answers:
            problems.append(Problem(item.id, f"allowed: {', '.join(item.answers)}"))
            continue
        positive[item.id] = answer in item.positive
    if problems:
        raise InvalidIntake(problems)
    if len(positive) < len(instrument.items):
        needed = len(instrument.items)
        return Scored(None, len(positive), _too_few(instrument, len(positive), needed))
    subscores = {
        sub.id: sum(positive[item] for item in sub.items) for sub in instrument.scoring.subscales
    }
    facts = {"total": sum(positive.values()), **subscores}
    group = next(g.group.id for g in kb.risk_groups[instrument.id] if g.holds(facts))
    return Scored(float(facts["total"]), len(positive), group=group, subscores=subscores)


def as_number(raw: Any) -> float | None:
    """A number from a form or JSON value; None for blank, a yes/no or anything else."""
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _range_text(low: float, high: float) -> str:
    return f"must be a number from {low:g} to {high:g}"
