"""The expected course and when measures fall due."""

from __future__ import annotations

from datetime import date, timedelta

from backcare.clinical.course import expected, pain_band, well_below
from backcare.clinical.measuring import due
from backcare.knowledge import load_knowledge

KB = load_knowledge()
START = date(2026, 9, 1)


def test_with_enough_similar_clients_the_clinics_median_and_quartiles_are_used():
    falls = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    found = expected(falls, sessions=10, kb=KB)
    assert (found.basis, found.median, found.low, found.high, found.clients) == (
        "clinic",
        55.0,
        32.5,
        77.5,
        10,
    )
    # half-way through, half of a 55% fall from 6: 4.35, shown to one decimal
    assert abs(found.score_at(baseline=6, session=5) - 4.35) <= 0.05


def test_with_too_few_similar_clients_the_published_course_is_shown_with_its_sources():
    found = expected([30.0] * 9, sessions=10, kb=KB)
    assert found.basis == "published"
    assert found.clients == 0
    assert "majchrzycki-2014" in found.sources


def test_a_course_well_below_expected_is_flagged_before_the_planned_sessions_run_out():
    course = expected([], sessions=10, kb=KB)  # about 28% over 10 sessions
    assert well_below(course, baseline=6, latest=6, session=5, planned=10, kb=KB)
    assert not well_below(course, baseline=6, latest=5, session=5, planned=10, kb=KB)
    assert not well_below(course, baseline=6, latest=6, session=2, planned=10, kb=KB)  # early
    assert not well_below(course, baseline=6, latest=6, session=10, planned=10, kb=KB)  # done


def test_pain_bands_follow_the_knowledge_base():
    assert [pain_band(p, KB) for p in (0, 3, 4, 6, 7, 10)] == [
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
    ]


def weekly(count: int) -> list[date]:
    return [START + timedelta(weeks=n) for n in range(count)]


def test_baseline_measures_are_due_before_anything_is_measured():
    found = due(sessions=[], taken={}, reassess_after_sessions=5, total_sessions=10, kb=KB)
    assert {(d.instrument, d.point) for d in found} == {
        ("peg", "baseline"),
        ("psfs", "baseline"),
        ("start_back", "baseline"),
    }


def test_peg_and_psfs_fall_due_at_the_reassessment_and_at_discharge_until_measured():
    taken = {"peg": [START], "psfs": [START], "start_back": [START]}
    assert (
        due(sessions=weekly(4), taken=taken, reassess_after_sessions=5, total_sessions=10, kb=KB)
        == []
    )
    at_five = due(
        sessions=weekly(5), taken=taken, reassess_after_sessions=5, total_sessions=10, kb=KB
    )
    assert {(d.instrument, d.point, d.after_session) for d in at_five} == {
        ("peg", "reassessment", 5),
        ("psfs", "reassessment", 5),
    }
    measured = {**taken, "peg": [START, weekly(5)[-1]], "psfs": [START, weekly(5)[-1]]}
    assert (
        due(sessions=weekly(6), taken=measured, reassess_after_sessions=5, total_sessions=10, kb=KB)
        == []
    )
    at_end = due(
        sessions=weekly(10), taken=measured, reassess_after_sessions=5, total_sessions=10, kb=KB
    )
    assert {d.point for d in at_end} == {"discharge"}
