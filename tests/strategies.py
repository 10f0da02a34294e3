"""Hypothesis strategies: intakes in the spec's vocabulary, valid by construction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import (
    PROCEDURE_KINDS,
    RED_FLAGS,
    REGIONS,
    SHORTHANDS,
    SKIN_FINDINGS,
    STATUSES,
)

TODAY = date(2026, 11, 22)
_kb = load_knowledge()
CONDITION_NAMES = sorted(
    {*_kb.conditions, *(s for c in _kb.conditions.values() for s in c.synonyms)}
)
MEDICATION_NAMES = sorted({name for cls in _kb.medications.values() for name in cls.names})
MODALITIES = sorted(_kb.modalities)

regions = st.lists(st.sampled_from([*REGIONS, *SHORTHANDS]), max_size=3)
region = st.sampled_from(REGIONS)
maybe_bool = st.none() | st.booleans()

condition = st.fixed_dictionaries(
    {"id": st.sampled_from([*CONDITION_NAMES, "unheard-of disease"])},
    optional={"status": st.sampled_from(STATUSES), "regions": regions},
)
medication = st.sampled_from(MEDICATION_NAMES).flatmap(
    lambda name: st.sampled_from([name, f"{name} 5 mg daily", f"{name.upper()} 20mg", "zorblax"])
)
skin = st.fixed_dictionaries({"finding": st.sampled_from(SKIN_FINDINGS), "region": region})
procedure = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(PROCEDURE_KINDS),
        "date": st.integers(0, 400).map(lambda days: TODAY - timedelta(days=days)),
    },
    optional={"region": region},
)
pain = st.fixed_dictionaries(
    {},
    optional={
        "regions": regions,
        "duration_weeks": st.integers(0, 300) | st.floats(0, 300, allow_nan=False),
        "intensity": st.integers(0, 10),
        "cause": st.sampled_from(
            ["lifting", "trauma", "fall", "sport", "posture", "stress", "overuse", "unknown"]
        ),
        "radiates_below_knee": maybe_bool,
        "numbness": regions,
        "weakness": regions,
        "worse_at_night": maybe_bool,
        "morning_stiffness_minutes": st.integers(0, 120),
    },
)
red_flags = st.fixed_dictionaries({}, optional=dict.fromkeys(RED_FLAGS, maybe_bool))
client = st.fixed_dictionaries(
    {"age": st.integers(0, 120)},
    optional={
        "sex": st.sampled_from(["female", "intersex", "unknown"]),
        "pregnant_weeks": st.integers(1, 42),
        "pregnancy_complications": st.lists(
            st.sampled_from(["preeclampsia", "placenta_previa"]), max_size=1
        ),
        "breastfeeding": maybe_bool,
        "occupation": st.sampled_from(["desk", "manual", "athlete", "other"]),
    },
)
vitals = st.fixed_dictionaries(
    {},
    optional={
        "temperature_c": st.floats(35, 41, allow_nan=False),
        "systolic": st.integers(121, 220),
        "diastolic": st.integers(60, 120),
    },
)
preferences = st.fixed_dictionaries(
    {},
    optional={
        "pressure": st.sampled_from(["light", "medium", "firm"]),
        "modalities": st.lists(st.sampled_from(MODALITIES), max_size=2, unique=True),
        "massage_experience": st.sampled_from(["none", "some", "regular"]),
        "session_minutes": st.integers(10, 180),
        "sessions_per_month": st.integers(1, 31),
        "goals": st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20),
    },
)


def intakes() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"assessed_on": st.just(TODAY), "client": client},
        optional={
            "pain": pain,
            "red_flags": red_flags,
            "conditions": st.lists(condition, max_size=4),
            "medications": st.lists(medication, max_size=4),
            "procedures": st.lists(procedure, max_size=2),
            "skin": st.lists(skin, max_size=3),
            "vitals": vitals,
            "allergies": st.lists(st.sampled_from(["latex", "nut oil", "lavender"]), max_size=2),
            "preferences": preferences,
        },
    )
