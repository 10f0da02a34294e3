"""Charts from one Vega-Lite specification, rendered to SVG: the points, the goal, the bands, and
a title, description and table for readers who cannot see the picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from backcare.reports.charts import Expected, PainPoint, Score, Series, pain_chart, series_chart

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 10, 1)
PAIN = [
    PainPoint(START + timedelta(weeks=week), before, after)
    for week, (before, after) in enumerate([(7, 5), (6, None), (5, 3), (4, 2)])
]


def labels(svg: str) -> list[str]:
    return re.findall(r'aria-label="([^"]*)"', svg)


def points(svg: str) -> list[str]:
    return re.findall(
        r'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point"', svg
    )


@pytest.fixture(scope="module")
def pain() -> object:
    return pain_chart(PAIN, scale=(0, 10), goal=3, mic=2)


def test_the_pain_chart_marks_every_rating_taken_and_no_other(pain):
    drawn = points(pain.svg)

    assert len(drawn) == 7  # four before, three after: the missing rating is not drawn
    assert "1 Oct 2026: pain 7 before session" in drawn
    assert "22 Oct 2026: pain 2 after session" in drawn
    assert not any("8 Oct 2026" in p and "after" in p for p in drawn)


def test_the_pain_chart_draws_the_goal_line_and_the_important_change_band(pain):
    assert "goal ≤ 3" in pain.svg
    assert "goal: 3" in labels(pain.svg)
    band = next(label for label in labels(pain.svg) if label.startswith("from:"))
    assert band == "from: 5; to: 9"  # 7 at the first session, 2 points either side


def test_a_chart_is_one_titled_and_described_image_for_screen_readers(pain):
    root = ET.fromstring(pain.svg)

    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == pain.title
    assert desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert "Pain before sessions went from 7 to 4 over 4 ratings." in desc.text
    assert "The goal is pain of 3 or less." in desc.text


def test_the_table_behind_the_pain_chart_holds_every_session(pain):
    assert pain.table.headers == ("Session date", "Pain before", "Pain after")
    assert pain.table.rows[1] == ("8 Oct 2026", "6", "not recorded")
    assert len(pain.table.rows) == 4


def test_the_chart_passes_a_strict_style_policy_as_it_stands(pain):
    assert "<style" not in pain.svg
    assert "style=" not in pain.svg
    assert "<script" not in pain.svg


def test_no_sessions_draw_no_chart_but_say_so():
    chart = pain_chart([], scale=(0, 10), goal=3, mic=2)

    assert chart.svg == ""
    assert chart.description == "No sessions recorded yet."


def test_an_instrument_series_shows_its_scores_goal_bands_and_expected_course():
    scores = [Score(START + timedelta(weeks=2 * i), v) for i, v in enumerate([46.0, 40.0, 30.0])]
    expected = [
        Expected(START + timedelta(weeks=2 * i), 46 - 8 * i - 6, 46 - 8 * i + 6) for i in range(3)
    ]
    chart = series_chart(
        Series(
            "odi", "Disability index", 0, 100, "lower", scores, goal=26, mic=10, expected=expected
        )
    )

    assert chart.title == "Disability index (0-100)"
    assert points(chart.svg) == ["1 Oct 2026: 46", "15 Oct 2026: 40", "29 Oct 2026: 30"]
    assert "goal ≤ 26" in chart.svg
    assert "from: 36; to: 56" in labels(chart.svg)
    assert "Disability index scores went from 46 to 30 over 3 ratings." in chart.description
    assert "expected course" in chart.description
    assert chart.table.rows[-1] == ("29 Oct 2026", "30")


def test_a_chart_drawn_again_with_new_data_shows_the_new_data(pain):
    again = pain_chart(list(PAIN), scale=(0, 10), goal=3, mic=2)
    assert again == pain  # the same data: the same picture, drawn once

    later = PainPoint(START + timedelta(weeks=4), 3, 1)
    grown = pain_chart([*PAIN, later], scale=(0, 10), goal=3, mic=2)
    assert "29 Oct 2026: pain 1 after session" in points(grown.svg)
    assert len(points(grown.svg)) == 9
    moved = pain_chart(PAIN, scale=(0, 10), goal=2, mic=2)
    assert "goal ≤ 2" in moved.svg
    assert "goal ≤ 3" not in moved.svg
    assert len(points(pain.svg)) == 7  # the first chart is unchanged


def test_a_series_drawn_again_with_another_score_shows_it():
    scores = [Score(START, 46.0), Score(START + timedelta(weeks=2), 40.0)]
    first = series_chart(Series("odi", "Disability index", 0, 100, "lower", scores))
    more = [*scores, Score(START + timedelta(weeks=4), 30.0)]
    second = series_chart(Series("odi", "Disability index", 0, 100, "lower", more))

    assert points(first.svg) == ["1 Oct 2026: 46", "15 Oct 2026: 40"]
    assert points(second.svg) == ["1 Oct 2026: 46", "15 Oct 2026: 40", "29 Oct 2026: 30"]
