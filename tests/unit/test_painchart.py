"""The pain chart: a titled marker per rating, an optional goal line and a trend in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from backcare.reports.painchart import PainPoint, describe, pain_chart, short_date

SVG = "{http://www.w3.org/2000/svg}"
SESSIONS = [
    PainPoint(date(2026, 11, 3), before=7, after=5),
    PainPoint(date(2026, 11, 10), before=6, after=4, label="deep tissue"),
    PainPoint(date(2026, 11, 17), before=6, after=None),
    PainPoint(date(2026, 11, 24), before=5, after=3),
    PainPoint(date(2026, 12, 8), before=4, after=2),
]


def markers(root: ET.Element, series: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == f"marker {series}"]


def titles(elements: list[ET.Element]) -> list[str]:
    return [e.findtext(f"{SVG}title", "") for e in elements]


def test_every_recorded_rating_has_one_titled_marker():
    root = ET.fromstring(pain_chart(SESSIONS))
    before, after = markers(root, "before"), markers(root, "after")
    assert len(before) == 5
    assert len(after) == 4
    assert {e.tag for e in before} == {f"{SVG}circle"}
    assert {e.tag for e in after} == {f"{SVG}rect"}
    assert titles(before)[0] == "3 Nov 2026: before 7, after 5"
    assert titles(before)[1] == "10 Nov 2026 (deep tissue): before 6, after 4"
    assert titles(before)[2] == "17 Nov 2026: before 6, after not recorded"


def test_higher_pain_is_drawn_higher_up():
    root = ET.fromstring(pain_chart(SESSIONS))
    heights = [float(e.get("cy", "")) for e in markers(root, "before")]
    assert heights[0] < heights[-1]  # 7 is above 4: SVG y grows downwards


def test_sessions_are_plotted_in_date_order_whatever_order_they_arrive_in():
    root = ET.fromstring(pain_chart(list(reversed(SESSIONS))))
    assert titles(markers(root, "before"))[0].startswith("3 Nov 2026")


def test_each_series_is_one_line_in_its_own_colour():
    root = ET.fromstring(pain_chart(SESSIONS))
    lines = {e.get("class"): e for e in root.iter(f"{SVG}polyline")}
    assert set(lines) == {"line before", "line after"}
    assert len(lines["line before"].get("points", "").split()) == 5
    assert lines["line before"].get("stroke") != lines["line after"].get("stroke")


def test_dates_are_labelled_short_and_the_year_shown_once():
    root = ET.fromstring(pain_chart(SESSIONS))
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert "3 Nov" in texts
    assert "8 Dec" in texts
    assert texts.count("2026") == 1
    assert short_date(date(2027, 1, 5)) == "5 Jan"


def test_the_pain_axis_has_gridlines_every_two_points():
    root = ET.fromstring(pain_chart(SESSIONS))
    grid = next(e for e in root.iter(f"{SVG}g") if e.get("class") == "grid")
    assert [e.text for e in grid.iter(f"{SVG}text")][:6] == ["0", "2", "4", "6", "8", "10"]
    assert len(list(grid.iter(f"{SVG}line"))) == 6


def test_a_goal_adds_a_labelled_dashed_line_and_only_then():
    with_goal = ET.fromstring(pain_chart(SESSIONS, goal=3))
    goals = [e for e in with_goal.iter(f"{SVG}g") if e.get("class") == "goal"]
    assert len(goals) == 1
    assert goals[0].find(f"{SVG}line").get("stroke-dasharray")
    assert goals[0].findtext(f"{SVG}text") == "goal ≤ 3"
    without = ET.fromstring(pain_chart(SESSIONS))
    assert not [e for e in without.iter(f"{SVG}g") if e.get("class") == "goal"]


def test_the_description_states_the_trend_in_words():
    root = ET.fromstring(pain_chart(SESSIONS, goal=3))
    assert root.get("role") == "img"
    assert root.get("aria-describedby") == root.find(f"{SVG}desc").get("id")
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")
    text = root.findtext(f"{SVG}desc", "")
    assert "Pain before sessions went from 7 to 4 over 5 sessions." in text
    assert "Pain after sessions went from 5 to 2 over 4 sessions." in text
    assert "goal is pain of 3 or less" in text


def test_a_single_session_is_described_without_a_trend():
    only = [PainPoint(date(2026, 11, 3), before=6, after=None)]
    assert describe(only) == (
        "1 session, on 3 Nov 2026. Pain before sessions was recorded once: 6. "
        "Pain after sessions was not recorded."
    )
    root = ET.fromstring(pain_chart(only))
    assert len(markers(root, "before")) == 1
    assert not list(root.iter(f"{SVG}polyline"))


def test_no_sessions_draws_a_message_instead_of_a_chart():
    root = ET.fromstring(pain_chart([]))
    assert [e.text for e in root.iter(f"{SVG}text")] == ["No sessions recorded yet"]
    assert root.findtext(f"{SVG}desc") == "No sessions recorded yet."
    assert not markers(root, "before")


def test_titles_and_labels_are_escaped():
    svg = pain_chart([PainPoint(date(2026, 11, 3), before=6, after=4, label="<b>&")], title="A & B")
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == "A & B"
    assert titles(markers(root, "before")) == ["3 Nov 2026 (<b>&): before 6, after 4"]


@pytest.mark.parametrize(("before", "after"), [(11, 3), (-1, 3), (3, 11), (3, -1)])
def test_ratings_outside_zero_to_ten_are_rejected(before, after):
    with pytest.raises(ValueError, match="0 to 10"):
        PainPoint(date(2026, 11, 3), before=before, after=after)


@pytest.mark.parametrize("goal", [-1, 11])
def test_a_goal_outside_zero_to_ten_is_rejected(goal):
    with pytest.raises(ValueError, match="goal"):
        pain_chart(SESSIONS, goal=goal)
