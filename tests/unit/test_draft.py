"""Merging a client's self-service answers into the therapist's intake: for any therapist intake,
any client answers and any choice of what to take, the therapist's own parts carry over, and
nothing the client removed disappears unless the therapist accepted that removal."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.clinical import parse_intake
from backcare.records import draft
from tests import strategies as s

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THERAPISTS = ("assessed_on", "skin", "vitals", "clearances", "notes")

clearance = st.fixed_dictionaries(
    {
        "rule": st.sampled_from(["condition.cardiovascular_disease", "medication.anticoagulant"]),
        "received_from": st.sampled_from(["Dr Osei, GP", "the cardiology clinic"]),
        "received_on": st.just(s.TODAY.isoformat()),
    }
)
dated_condition = st.fixed_dictionaries(
    {"id": st.sampled_from(["hypertension", "osteoporosis", "atrial fibrillation"])},
    optional={
        "status": st.sampled_from(["active", "controlled", "history"]),
        "since": st.just("2020-05-01"),
        "note": st.sampled_from(["diagnosed by the GP", "on medication"]),
    },
)


def stored(data: dict[str, Any]) -> dict[str, Any]:
    """An intake as the database keeps it: validated and normalised."""
    return parse_intake(data, today=s.TODAY).model_dump(mode="json")


@st.composite
def therapist_intakes(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(s.intakes())
    data["conditions"] = [*data.get("conditions", []), *draw(st.lists(dated_condition, max_size=2))]
    data["clearances"] = draw(st.lists(clearance, max_size=2))
    data["notes"] = draw(st.sampled_from(["", "tender left low back", "prefers the window room"]))
    return stored(data)


@st.composite
def client_answers(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """What a client sends: their own form with some answers dropped, or a fresh one."""
    if draw(st.booleans()):
        return draft.client_view(stored(draw(s.intakes())))
    answers = copy.deepcopy(draft.client_view(base))
    for section in ("conditions", "medications", "procedures", "allergies"):
        entries = answers[section]
        keep = draw(st.lists(st.booleans(), min_size=len(entries), max_size=len(entries)))
        answers[section] = [e for e, kept in zip(entries, keep, strict=True) if kept]
    answers["medications"] += draw(st.lists(s.medication, max_size=2))
    if draw(st.booleans()):
        answers.pop("pain", None)
    return answers


@st.composite
def merges(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    base = draw(therapist_intakes())
    answers = draw(client_answers(base))
    keys = sorted(i.key for i in draft.compare(base, answers))
    accepted = draw(st.sets(st.sampled_from(keys))) if keys else set()
    return base, answers, accepted


def one_field(item: draft.Item) -> bool:
    """Whether the item is one field of a section ("client.age"), not an entry of a list
    ("conditions:c. diff", whose name may hold a full stop)."""
    return item.key == f"{item.section}.{item.name}"


def present(merged: dict[str, Any], item: draft.Item) -> bool:
    """The therapist's value of an item is in the merged intake."""
    if item.key == "pain":
        return merged.get("pain") is not None
    if one_field(item):
        section = merged.get(item.section) or {}
        return draft.same_answer(section.get(item.name), item.before)
    fields = {"conditions": draft.CONDITION, "procedures": draft.PROCEDURE}.get(item.section)
    return any(
        draft.same_answer({k: v for k, v in e.items() if k in fields} if fields else e, item.before)
        for e in merged.get(item.section, [])
    )


@SETTINGS
@given(merges())
def test_the_merge_keeps_the_therapists_parts_and_every_removal_not_accepted(case):
    base, answers, accepted = case

    merged = draft.merge(base, answers, accepted)

    for part in THERAPISTS:
        assert merged.get(part) == base.get(part), part
    after = [(c["id"], c.get("since"), c.get("note")) for c in merged["conditions"]]
    for condition in base["conditions"]:
        if (condition["id"], condition["since"], condition["note"]) in after:
            continue  # its date and the therapist's note carried over
        key = f"conditions:{condition['id'].strip().casefold()}"
        assert any(k.split("#")[0] == key for k in accepted), condition
    for item in draft.compare(base, answers):
        if item.before is not None and item.key not in accepted:
            assert present(merged, item), item
        if item.key in accepted and item.change == "removed" and one_field(item):
            assert (merged.get(item.section) or {}).get(item.name) in (None, [], ""), item


@SETTINGS
@given(merges())
def test_every_accepted_answer_is_the_clients_and_the_merge_is_a_valid_intake(case):
    base, answers, accepted = case

    merged = draft.merge(base, answers, accepted)

    parse_intake(merged, today=s.TODAY)
    again = {i.key: i for i in draft.compare(merged, answers)}
    for key in accepted:
        if key in again and one_field(again[key]):
            assert again[key].change == "same", again[key]


@FEW
@given(therapist_intakes())
def test_the_clients_form_shows_nothing_of_the_therapists(base):
    view = draft.form_start(base)

    assert not set(view) & set(THERAPISTS)
    assert all(set(c) <= {"id", "status", "regions"} for c in view["conditions"])
    assert view["red_flags"] == {}  # the warning signs are asked afresh


@FEW
@given(therapist_intakes())
def test_unchanged_answers_merge_into_the_same_intake(base):
    answers = draft.client_view(base)

    items = draft.compare(base, answers)

    assert {i.change for i in items} == {"same"}
    assert stored(draft.merge(base, answers, {i.key for i in items})) == base


def test_a_changed_medicine_is_a_removal_and_an_addition_and_the_removal_waits():
    base = stored(
        {
            "client": {"age": 61},
            "medications": ["warfarin 5 mg"],
            "allergies": ["almond oil"],
            "vitals": {"systolic": 185, "diastolic": 100},
            "skin": [{"finding": "open_wound", "region": "low_back_left"}],
        }
    )
    answers = {**draft.client_view(base), "medications": ["apixaban 5 mg"], "allergies": []}

    items = {i.key: i for i in draft.compare(base, answers) if i.change != "same"}
    merged = draft.merge(base, answers, draft.proposed(items.values()))

    assert {k: i.change for k, i in items.items()} == {
        "medications:warfarin 5 mg": "removed",
        "medications:apixaban 5 mg": "added",
        "allergies:almond oil": "removed",
    }
    assert merged["medications"] == ["warfarin 5 mg", "apixaban 5 mg"]
    assert merged["allergies"] == ["almond oil"]
    assert merged["skin"] == base["skin"]
    assert merged["vitals"] == base["vitals"]


def test_a_yes_to_a_warning_sign_is_not_taken_back_by_default():
    base = stored({"client": {"age": 50}, "red_flags": {"history_of_cancer": True}})
    answers = {**draft.client_view(base), "red_flags": {"history_of_cancer": False}}

    [item] = [i for i in draft.compare(base, answers) if i.change != "same"]

    assert (item.change, item.withdraws) == ("changed", True)
    assert item.key not in draft.proposed([item])
    assert draft.merge(base, answers, set())["red_flags"]["history_of_cancer"] is True
    assert draft.merge(base, answers, {item.key})["red_flags"]["history_of_cancer"] is False


def test_the_clients_note_follows_the_therapists_notes():
    base = stored({"client": {"age": 50}, "notes": "tender left low back"})

    merged = draft.merge(base, draft.client_view(base), set(), note="I started swimming")

    assert merged["notes"] == "tender left low back\n\nI started swimming"
