"""A line chart of pain before and after each session, as inline, accessible SVG.

Pain is the 0-10 numeric rating recorded at each session. The chart is meant to be read by
eye and by screen reader alike: every marker has a title, and a description states the trend
in words so that nothing is conveyed by colour or shape alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BEFORE, AFTER, GOAL = "#c0392b", "#1f6fb2", "#1e8449"
GRID, AXIS, TEXT = "#dddddd", "#6b6b6b", "#1f1f1f"
LEFT, RIGHT, TOP, BOTTOM = 44, 18, 34, 44  # margins around the plotting area
MIN_LABEL_GAP = 52  # pixels between date labels, so they never overlap


@dataclass(frozen=True)
class PainPoint:
    """One session's pain ratings (0-10); None when a rating was not taken."""

    when: date
    before: int | None
    after: int | None
    label: str = ""

    def __post_init__(self) -> None:
        for name in ("before", "after"):
            _check_rating(name, getattr(self, name))


def pain_chart(
    points: Sequence[PainPoint],
    *,
    goal: int | None = None,
    width: int = 640,
    height: int = 260,
    title: str = "Pain over sessions",
    id_prefix: str = "",
) -> str:
    """The chart as an SVG string: one line for pain before sessions, one for after.

    Sessions are spaced evenly in date order; `goal` adds a dashed line at that rating.
    `id_prefix` keeps ids unique when a page holds several charts.
    """
    _check_rating("goal", goal)
    if width < 200 or height < 140:
        raise ValueError(f"chart too small to draw: {width}x{height} (minimum 200x140)")
    sessions = sorted(points, key=lambda point: point.when)
    ids = escape(f"{id_prefix}painchart-", {'"': "&quot;"})
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ids}title" '
        f'aria-describedby="{ids}desc" class="pain-chart" '
        'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">',
        f'<title id="{ids}title">{escape(title)}</title>',
    ]
    if not sessions:
        message = "No sessions recorded yet"
        return "\n".join(
            [
                *head,
                f'<desc id="{ids}desc">{message}.</desc>',
                f'<text x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
                f'fill="{AXIS}" font-size="14">{message}</text>',
                "</svg>",
            ]
        )
    frame = _Frame(width, height, len(sessions))
    parts = [
        *head,
        f'<desc id="{ids}desc">{escape(describe(sessions, goal))}</desc>',
        *_axes(frame, sessions),
    ]
    if goal is not None:
        parts.append(_goal_line(frame, goal))
    parts += _series(frame, sessions, "before", BEFORE)
    parts += _series(frame, sessions, "after", AFTER)
    parts += _legend(width)
    parts.append("</svg>")
    return "\n".join(parts)


def describe(points: Sequence[PainPoint], goal: int | None = None) -> str:
    """The chart's trend in words, e.g. "Pain before sessions went from 7 to 4 over 5 sessions."."""
    if not points:
        return "No sessions recorded yet."
    sessions = sorted(points, key=lambda point: point.when)
    first, last = long_date(sessions[0].when), long_date(sessions[-1].when)
    if len(sessions) == 1:
        sentences = [f"1 session, on {first}."]
    else:
        sentences = [f"{len(sessions)} sessions, {first} to {last}."]
    for name in ("before", "after"):
        values = [v for v in (getattr(p, name) for p in sessions) if v is not None]
        if not values:
            sentences.append(f"Pain {name} sessions was not recorded.")
        elif len(values) == 1:
            sentences.append(f"Pain {name} sessions was recorded once: {values[0]}.")
        elif values[0] == values[-1]:
            sentences.append(
                f"Pain {name} sessions started and ended at {values[0]} "
                f"over {len(values)} sessions."
            )
        else:
            sentences.append(
                f"Pain {name} sessions went from {values[0]} to {values[-1]} "
                f"over {len(values)} sessions."
            )
    if goal is not None:
        sentences.append(f"The goal is pain of {goal} or less.")
    return " ".join(sentences)


def _check_rating(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value not in range(11)):
        raise ValueError(f"{name} pain must be a whole number from 0 to 10, not {value!r}")


def short_date(day: date) -> str:
    """A date as "3 Nov", independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    """A date as "3 Nov 2026"."""
    return f"{short_date(day)} {day.year}"


class _Frame:
    """Where sessions and ratings land in the plotting area."""

    def __init__(self, width: int, height: int, count: int) -> None:
        self.right, self.bottom = width - RIGHT, height - BOTTOM
        self.count = count
        inner = self.right - LEFT - 32
        self.step = inner / (count - 1) if count > 1 else 0.0

    def x(self, index: int) -> float:
        if self.count == 1:
            return round((LEFT + self.right) / 2, 1)
        return round(LEFT + 16 + index * self.step, 1)

    def y(self, rating: int) -> float:
        return round(self.bottom - rating * (self.bottom - TOP) / 10, 1)


def _axes(frame: _Frame, sessions: Sequence[PainPoint]) -> list[str]:
    """Gridlines every two points of pain, and date labels that are thinned out to fit."""
    parts = ['<g class="grid" aria-hidden="true">']
    for rating in range(0, 11, 2):
        y = frame.y(rating)
        colour = AXIS if rating == 0 else GRID
        parts.append(
            f'<line x1="{LEFT}" y1="{y:g}" x2="{frame.right}" y2="{y:g}" stroke="{colour}"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:g}" text-anchor="end" fill="{TEXT}">{rating}</text>'
        )
    parts.append(f'<text x="8" y="{TOP - 16}" fill="{TEXT}" font-weight="600">Pain (0–10)</text>')
    every = max(1, math.ceil(MIN_LABEL_GAP / frame.step)) if frame.step else 1
    shown_year = None
    for index in range(0, len(sessions), every):
        day, x = sessions[index].when, frame.x(index)
        parts.append(
            f'<text x="{x:g}" y="{frame.bottom + 18}" text-anchor="middle" fill="{TEXT}">'
            f"{short_date(day)}</text>"
        )
        if day.year != shown_year:  # the year only where it changes, to keep labels short
            shown_year = day.year
            parts.append(
                f'<text x="{x:g}" y="{frame.bottom + 33}" text-anchor="middle" fill="{AXIS}" '
                f'font-size="11">{day.year}</text>'
            )
    parts.append("</g>")
    return parts


def _goal_line(frame: _Frame, goal: int) -> str:
    y = frame.y(goal)
    return (
        f'<g class="goal"><line x1="{LEFT}" y1="{y:g}" x2="{frame.right}" y2="{y:g}" '
        f'stroke="{GOAL}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="{frame.right - 4}" y="{y - 5:g}" text-anchor="end" fill="{GOAL}">'
        f"goal ≤ {goal}</text></g>"
    )


def _series(frame: _Frame, sessions: Sequence[PainPoint], name: str, colour: str) -> list[str]:
    """One line with a titled marker per recorded rating: circles before, squares after."""
    spots = [
        (frame.x(index), frame.y(value), point)
        for index, point in enumerate(sessions)
        if (value := getattr(point, name)) is not None
    ]
    parts = [f'<g class="series {name}">']
    if len(spots) > 1:
        line = " ".join(f"{x:g},{y:g}" for x, y, _ in spots)
        parts.append(
            f'<polyline class="line {name}" points="{line}" fill="none" stroke="{colour}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    paint = f'fill="{colour}" stroke="#fff" stroke-width="1"'
    for x, y, point in spots:
        tip = f"<title>{escape(_marker_title(point))}</title>"
        if name == "before":
            parts.append(
                f'<circle class="marker {name}" cx="{x:g}" cy="{y:g}" r="4.5" {paint}>'
                f"{tip}</circle>"
            )
        else:
            parts.append(
                f'<rect class="marker {name}" x="{x - 4:g}" y="{y - 4:g}" width="8" height="8" '
                f"{paint}>{tip}</rect>"
            )
    parts.append("</g>")
    return parts


def _marker_title(point: PainPoint) -> str:
    def rating(value: int | None) -> str:
        return "not recorded" if value is None else str(value)

    when = long_date(point.when) + (f" ({point.label})" if point.label else "")
    return f"{when}: before {rating(point.before)}, after {rating(point.after)}"


def _legend(width: int) -> list[str]:
    x = width - RIGHT - 232
    return [
        f'<g class="legend" aria-hidden="true" fill="{TEXT}">'
        f'<circle cx="{x + 6}" cy="{TOP - 20}" r="4.5" fill="{BEFORE}"/>'
        f'<line x1="{x - 4}" y1="{TOP - 20}" x2="{x + 16}" y2="{TOP - 20}" stroke="{BEFORE}" '
        'stroke-width="2"/>'
        f'<text x="{x + 22}" y="{TOP - 16}">before session</text>'
        f'<rect x="{x + 130}" y="{TOP - 24}" width="8" height="8" fill="{AFTER}"/>'
        f'<line x1="{x + 124}" y1="{TOP - 20}" x2="{x + 144}" y2="{TOP - 20}" stroke="{AFTER}" '
        'stroke-width="2"/>'
        f'<text x="{x + 150}" y="{TOP - 16}">after session</text></g>'
    ]
