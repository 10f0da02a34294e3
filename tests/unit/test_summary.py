"""The readable summary: how each medicine was read, numbers as people write them."""

from __future__ import annotations

from backcare.knowledge import KnowledgeBase
from backcare.records.summary import Medicine, medicines, number, todays_changes


def test_each_medicine_shows_how_the_screening_read_it_when_the_assessment_says(
    kb: KnowledgeBase,
) -> None:
    data = {"medications": ["Marevan 5 mg", "zopiclone"]}
    result = {
        "medication_readings": [
            {
                "text": "Marevan 5 mg",
                "generics": ["warfarin"],
                "classes": ["anticoagulant"],
                "how": "brand name",
            }
        ]
    }

    shown = medicines(data, result, kb)

    assert shown[0] == Medicine(
        "Marevan 5 mg",
        classes=(kb.medications["anticoagulant"].name,),
        generics=("warfarin",),
        how="brand name",
    )
    assert shown[1] == Medicine("zopiclone")


def test_without_readings_each_medicine_is_its_text_alone(kb: KnowledgeBase) -> None:
    assert medicines({"medications": ["warfarin"]}, {}, kb) == [Medicine("warfarin")]


def test_numbers_read_as_people_write_them() -> None:
    assert [number(2.0), number(2.5), number(3), number(None)] == ["2", "2.5", "3", ""]


def test_todays_changes_name_regions_techniques_and_positions_never_ids(kb: KnowledgeBase) -> None:
    result = {
        "modifications": {
            "max_pressure": "light",
            "avoid_regions": ["spine", "low_back_left"],
            "avoid_techniques": ["friction"],
            "positioning": ["side_lying"],
            "max_session_minutes": 45,
            "notes": ["Check in often."],
        }
    }

    changes = todays_changes(result, {}, kb)

    assert changes.limits == [
        "Pressure at most light",
        f"Avoid {kb.regions['spine'].name} and {kb.regions['low_back_left'].name}",
        f"No {kb.techniques['friction'].name.lower()}",
        f"Position: {kb.positioning['side_lying'].name}",
        "At most 45 minutes",
    ]
    assert changes.notes == ["Check in often."]
