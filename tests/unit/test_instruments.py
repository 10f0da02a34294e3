"""Scoring each outcome instrument as its manual says, missing items included."""

from __future__ import annotations

import pytest

from backcare.clinical.instruments import score
from backcare.errors import InvalidIntake, KnowledgeError
from backcare.knowledge import load_knowledge
from tests.unit.test_knowledge import broken_copy

KEELE_ORDER = [
    "leg_pain",
    "shoulder_neck",
    "walking",
    "dressing",
    "fear",
    "worry",
    "catastrophising",
    "low_mood",
    "bothersome",
]


def scored(kb, instrument, answers):
    return score(kb.instruments[instrument], answers, kb)


def start_back(agree: set[str], bothersome: str = "slightly") -> dict[str, str]:
    answers = {item: "agree" if item in agree else "disagree" for item in KEELE_ORDER[:8]}
    return {**answers, "bothersome": bothersome}


def test_a_pain_rating_is_its_number_and_must_lie_on_the_scale(kb):
    assert scored(kb, "nprs", {"pain": 7}).score == 7
    with pytest.raises(InvalidIntake, match="pain: must be a number from 0 to 10"):
        scored(kb, "nprs", {"pain": 11})


def test_the_peg_is_the_mean_of_its_three_items(kb):
    assert scored(kb, "peg", {"pain": 7, "enjoyment": 6, "activity": 4}).score == 5.67


def test_a_peg_with_an_item_missing_is_kept_as_incomplete_not_scored(kb):
    result = scored(kb, "peg", {"pain": 7, "enjoyment": 6, "activity": None})
    assert result.score is None
    assert result.answered == 2
    assert "needs 3" in result.incomplete


def test_a_peg_item_off_the_scale_names_the_item(kb):
    with pytest.raises(InvalidIntake) as refused:
        scored(kb, "peg", {"pain": 7, "enjoyment": -1, "activity": "lots"})
    assert [p.path for p in refused.value.problems] == ["enjoyment", "activity"]


def test_the_psfs_is_the_mean_of_the_activities_in_the_clients_own_words(kb):
    answers = {
        "activities": [
            {"activity": "sitting through a work day", "rating": 3},
            {"activity": "lifting my grandson", "rating": 6},
            {"activity": "", "rating": None},  # an empty row of the form is not an activity
        ]
    }
    result = scored(kb, "psfs", answers)
    assert (result.score, result.answered) == (4.5, 2)


def test_the_psfs_refuses_an_unrated_activity_and_more_than_five(kb):
    with pytest.raises(InvalidIntake, match=r"activities.1.rating"):
        scored(kb, "psfs", {"activities": [{"activity": "gardening", "rating": None}]})
    six = [{"activity": f"task {n}", "rating": 5} for n in range(6)]
    with pytest.raises(InvalidIntake, match="at most 5"):
        scored(kb, "psfs", {"activities": six})
    with pytest.raises(InvalidIntake, match="at least one activity"):
        scored(kb, "psfs", {"activities": []})


def test_the_odi_divides_by_the_sections_answered(kb):
    sections = [i.id for i in kb.instruments["odi"].items]
    all_ten = dict.fromkeys(sections, 2)
    assert scored(kb, "odi", all_ten).score == 40  # 20 of 50
    nine = {**all_ten, "sex_life": None}
    assert scored(kb, "odi", nine).score == 40  # 18 of 45, not 18 of 50
    seven = {**nine, "travelling": None, "social_life": None}
    result = scored(kb, "odi", seven)
    assert (result.score, "needs 8" in result.incomplete) == (None, True)


def test_odi_rmdq_and_promis_totals_are_entered_within_their_ranges(kb):
    assert scored(kb, "odi", {"total": 36}).score == 36
    assert scored(kb, "rmdq", {"total": 14}).score == 14
    assert scored(kb, "promis_pi", {"total": 61.3}).score == 61.3
    for instrument, total, allowed in [
        ("odi", 101, "0 to 100"),
        ("rmdq", 25, "0 to 24"),
        ("promis_pi", 12, "30 to 85"),
    ]:
        with pytest.raises(InvalidIntake, match=allowed):
            scored(kb, instrument, {"total": total})
    with pytest.raises(InvalidIntake, match="whole number"):
        scored(kb, "rmdq", {"total": 3.5})


@pytest.mark.parametrize(
    ("agree", "bothersome", "group", "total", "distress"),
    [
        (set(), "not_at_all", "low", 0, 0),
        ({"leg_pain", "shoulder_neck", "walking"}, "moderately", "low", 3, 0),
        # total 4 with distress 3: medium
        ({"leg_pain", "fear", "worry"}, "very_much", "medium", 4, 3),
        # distress 4 is high whatever the total
        ({"fear", "worry", "catastrophising"}, "extremely", "high", 4, 4),
        (set(KEELE_ORDER[:8]), "extremely", "high", 9, 5),
    ],
)
def test_start_back_risk_groups_follow_the_tools_scoring(
    kb, agree, bothersome, group, total, distress
):
    result = scored(kb, "start_back", start_back(agree, bothersome))
    assert (result.group, result.score, result.subscores["distress"]) == (group, total, distress)


def test_start_back_with_an_answer_missing_is_not_grouped(kb):
    answers = {**start_back({"fear"}), "worry": None}
    result = scored(kb, "start_back", answers)
    assert (result.group, result.score, result.answered) == (None, None, 8)


def test_start_back_refuses_an_answer_the_item_does_not_have(kb):
    with pytest.raises(InvalidIntake, match="bothersome: allowed: not_at_all"):
        scored(kb, "start_back", start_back(set(), bothersome="a bit"))


def test_no_item_text_ships_where_the_licence_does_not_allow_it(kb):
    shipped = {i.id for i in kb.instruments.values() if i.ships_item_text}
    assert shipped == {"nprs"}
    assert all(i.licence and i.sources for i in kb.instruments.values())


def test_an_instrument_without_an_important_change_is_refused(tmp_path):
    def drop(instruments):
        instruments[1]["important_change"] = None
        return instruments

    with pytest.raises(KnowledgeError, match="instruments peg: a score followed over time"):
        load_knowledge(broken_copy(tmp_path, "instruments", drop))
