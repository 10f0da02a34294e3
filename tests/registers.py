"""Registers of generated intakes (nested, spec v1) for the batch engine's tests and bench.

Seeded and fast: values are drawn from the knowledge base's own vocabulary and the ranges the
rules compare against, often enough that every screening rule both fires and does not.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from backcare.knowledge import KnowledgeBase
from backcare.knowledge.contract import (
    PROCEDURE_KINDS,
    RED_FLAGS,
    REGIONS,
    SHORTHANDS,
    SKIN_FINDINGS,
    STATUSES,
)

TODAY = date(2026, 11, 22)
_CAUSES = ["lifting", "trauma", "fall", "sport", "posture", "stress", "overuse", "unknown"]


def register(n: int, kb: KnowledgeBase, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` valid intakes, the same for the same seed."""
    rng = random.Random(seed)
    vocabulary = _Vocabulary(kb)
    return [_intake(rng, vocabulary) for _ in range(n)]


class _Vocabulary:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.conditions = sorted(
            {*kb.conditions, *(s for c in kb.conditions.values() for s in c.synonyms)}
        )
        self.medicines = sorted({n for cls in kb.medications.values() for n in cls.names})
        self.lay = sorted({n for cls in kb.medications.values() for n in cls.lay_names})
        self.regions = [*REGIONS, *SHORTHANDS]


def _maybe(rng: random.Random, p: float = 0.5) -> bool | None:
    roll = rng.random()
    return None if roll < 0.25 else roll < 0.25 + 0.75 * p


def _regions(rng: random.Random, words: _Vocabulary, most: int = 3) -> list[str]:
    return rng.sample(words.regions, rng.randint(0, most))


def _intake(rng: random.Random, words: _Vocabulary) -> dict[str, Any]:
    client: dict[str, Any] = {"age": rng.choice([rng.randint(0, 120), rng.randint(40, 80)])}
    if rng.random() < 0.7:
        client["sex"] = rng.choice(["female", "male", "intersex", "unknown"])
    if client.get("sex") != "male" and rng.random() < 0.15:
        client["pregnant_weeks"] = rng.randint(1, 42)
        if rng.random() < 0.3:
            client["pregnancy_complications"] = [rng.choice(["preeclampsia", "placenta_previa"])]
    if rng.random() < 0.2:
        client["breastfeeding"] = rng.random() < 0.5
    intake: dict[str, Any] = {"assessed_on": TODAY.isoformat(), "client": client}
    if rng.random() < 0.85:
        intake["pain"] = _pain(rng, words)
    intake["red_flags"] = {
        name: value for name in RED_FLAGS if (value := _maybe(rng, 0.08)) is not None
    }
    intake["conditions"] = [_condition(rng, words) for _ in range(rng.choice([0, 0, 1, 2, 4]))]
    intake["medications"] = [_medicine(rng, words) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    intake["procedures"] = [_procedure(rng, words) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
    intake["skin"] = [
        {"finding": rng.choice(SKIN_FINDINGS), "region": _regions(rng, words, 2) or ["neck"]}
        for _ in range(rng.choice([0, 0, 0, 1, 2]))
    ]
    intake["vitals"] = _vitals(rng)
    if rng.random() < 0.2:
        intake["allergies"] = rng.sample(["latex", " Nut oil", "lavender"], rng.randint(1, 2))
    if rng.random() < 0.05:
        intake["clearances"] = [
            {"rule": rng.choice(["red_flag.significant_trauma", "condition.cancer.active"]),
             "received_from": "Dr Lee, GP", "received_on": (TODAY - timedelta(days=3)).isoformat()}
        ]  # fmt: skip
    return intake


def _pain(rng: random.Random, words: _Vocabulary) -> dict[str, Any]:
    pain: dict[str, Any] = {"regions": _regions(rng, words)}
    draws = {
        "duration_weeks": lambda: rng.choice([rng.randint(0, 30), round(rng.uniform(0, 60), 1)]),
        "intensity": lambda: rng.randint(0, 10),
        "cause": lambda: rng.choice(_CAUSES),
        "radiates_below_knee": lambda: rng.random() < 0.3,
        "numbness": lambda: _regions(rng, words, 2),
        "weakness": lambda: _regions(rng, words, 1),
        "worse_at_night": lambda: rng.random() < 0.3,
        "morning_stiffness_minutes": lambda: rng.choice([5, 20, 45, 90]),
        "new_or_changed": lambda: rng.random() < 0.5,
    }
    for name, draw in draws.items():
        if rng.random() < 0.7:
            pain[name] = draw()
    return pain


def _condition(rng: random.Random, words: _Vocabulary) -> Any:
    name = rng.choice([*words.conditions, "unheard-of disease", "sciatca"])
    if rng.random() < 0.3:
        return name
    entry: dict[str, Any] = {"id": name}
    if rng.random() < 0.7:
        entry["status"] = rng.choice(STATUSES)
    if rng.random() < 0.4:
        entry["regions"] = _regions(rng, words, 2)
    return entry


def _medicine(rng: random.Random, words: _Vocabulary) -> str:
    name = rng.choice([*words.medicines, *words.lay])
    return rng.choice([name, f"{name} 5 mg daily", f"{name.title()} 20mg", "zorblax", "warfrin"])


def _procedure(rng: random.Random, words: _Vocabulary) -> dict[str, Any]:
    day = TODAY - timedelta(days=rng.choice([rng.randint(0, 60), rng.randint(0, 700)]))
    entry: dict[str, Any] = {"kind": rng.choice(PROCEDURE_KINDS), "date": day.isoformat()}
    if rng.random() < 0.6:
        entry["region"] = _regions(rng, words, 2)
    return entry


def _vitals(rng: random.Random) -> dict[str, Any]:
    vitals: dict[str, Any] = {}
    if rng.random() < 0.3:
        vitals["temperature_c"] = round(rng.uniform(36, 39.5), 1)
    if rng.random() < 0.4:
        vitals["systolic"] = rng.randint(100, 200)
        vitals["diastolic"] = rng.randint(60, min(vitals["systolic"] - 1, 130))
    return vitals
