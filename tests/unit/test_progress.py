"""The progress rules: respond, taper, change or stop, from the scores and what happened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.clinical.progress import CourseFacts, change, progress
from backcare.errors import KnowledgeError
from backcare.knowledge import load_knowledge
from tests.unit.test_knowledge import broken_copy

KB = load_knowledge()
START = date(2026, 9, 1)


def course(*scores: float) -> list[tuple[date, float]]:
    return [(START + timedelta(weeks=n), s) for n, s in enumerate(scores)]


def facts(sessions: int = 5, **extra) -> CourseFacts:
    return CourseFacts(sessions=sessions, reassess_after_sessions=5, **extra)


def test_a_fall_of_two_points_makes_a_responder_who_continues():
    found = progress({"nprs": course(6, 5, 4)}, facts(), KB)
    assert (found.action, found.rule) == ("continue", "progress.responder")
    assert found.changes[0].verdict == "improved"


def test_thirty_percent_is_enough_when_pain_started_low():
    # 3 to 2 is one point, but a third of the starting pain
    assert change(KB.instruments["nprs"], 3, 2).verdict == "improved"


def test_reaching_the_pain_goal_tapers_and_shows_the_evidence_for_maintenance():
    found = progress({"nprs": course(7, 5, 3)}, facts(pain_goal=4), KB)
    assert found.action == "taper"
    assert {c.grade for c in found.claims} == {"weak", "unsupported"}


def test_no_meaningful_change_by_the_reassessment_point_asks_to_change_or_refer():
    found = progress({"nprs": course(6, 6, 5), "peg": course(6.0, 5.67)}, facts(), KB)
    assert (found.action, found.rule) == ("change", "progress.no_change")


def test_the_same_small_change_before_the_reassessment_point_is_too_early_to_judge():
    found = progress({"nprs": course(6, 6, 5)}, facts(sessions=2), KB)
    assert found.rule == "progress.too_early"


def test_a_client_starting_near_the_best_score_is_not_a_non_responder():
    found = progress({"nprs": course(1, 1, 1), "psfs": course(9.5, 9.5)}, facts(), KB)
    assert (found.action, found.rule) == ("continue", "progress.little_room")


def test_worse_by_the_important_change_stops():
    found = progress({"nprs": course(4, 5, 6), "peg": course(4.0, 3.0)}, facts(), KB)
    assert (found.action, found.rule) == ("stop", "progress.worse")


def test_higher_is_better_on_the_psfs():
    assert change(KB.instruments["psfs"], 3, 5).verdict == "improved"
    assert change(KB.instruments["psfs"], 5, 3).verdict == "worse"


def test_a_new_warning_sign_or_an_adverse_event_stops_even_a_responder():
    for flag in ("new_warning_sign", "adverse_event"):
        found = progress({"nprs": course(7, 3)}, facts(**{flag: True}), KB)
        assert (found.action, found.rule) == ("stop", "progress.warning_sign")


instruments = st.sampled_from(["nprs", "peg", "psfs", "odi", "rmdq", "promis_pi"])


@st.composite
def improving(draw) -> tuple[str, list[float]]:
    """A course that gets better step by step and ends better by at least the important change."""
    instrument = KB.instruments[draw(instruments)]
    needed = instrument.important_change.points
    sign = -1 if instrument.lower_is_better else 1
    room = instrument.max - instrument.min
    gain = draw(st.floats(needed, room))
    start = draw(
        st.floats(instrument.min, instrument.max - gain)
        if sign > 0
        else st.floats(instrument.min + gain, instrument.max)
    )
    steps = sorted(draw(st.lists(st.floats(0, 1), min_size=0, max_size=5)))
    return instrument.id, [start, *(start + sign * gain * s for s in steps), start + sign * gain]


@st.composite
def worsening(draw) -> tuple[str, list[float]]:
    instrument = KB.instruments[draw(instruments)]
    loss = draw(st.floats(instrument.important_change.points, instrument.max - instrument.min))
    if instrument.lower_is_better:
        start = draw(st.floats(instrument.min, instrument.max - loss))
        return instrument.id, [start, start + loss]
    start = draw(st.floats(instrument.min + loss, instrument.max))
    return instrument.id, [start, start - loss]


sessions = st.integers(0, 20)
goals = st.none() | st.integers(0, 10)


@given(st.lists(improving(), min_size=1, max_size=4), sessions, goals)
def test_improving_scores_never_stop_or_refer_without_a_warning_sign(courses, done, goal):
    found = progress(
        {i: course(*scores) for i, scores in courses},
        CourseFacts(sessions=done, reassess_after_sessions=5, pain_goal=goal),
        KB,
    )
    assert found.action in ("continue", "taper")


@given(worsening(), st.lists(improving(), max_size=3), sessions, st.booleans())
def test_worse_beyond_the_threshold_always_stops(worse, others, done, adverse):
    courses = {i: course(*scores) for i, scores in others}
    courses[worse[0]] = course(*worse[1])
    found = progress(
        courses, CourseFacts(sessions=done, reassess_after_sessions=5, adverse_event=adverse), KB
    )
    assert found.action == "stop"


def test_a_progress_rule_citing_an_unknown_claim_is_refused(tmp_path):
    def cite_nothing(progress):
        progress["rules"][2]["claims"] = ["claim.no_such_claim"]
        return progress

    with pytest.raises(KnowledgeError, match=r"unknown claim 'claim\.no_such_claim'"):
        load_knowledge(broken_copy(tmp_path, "progress", cite_nothing))
