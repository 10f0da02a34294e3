"""Outcome charts: one Vega-Lite specification per chart (built with altair), rendered to inline
SVG by vl-convert, so that the page and the printed report show the same picture with no
browser and no network.

Each chart comes with its title, a description of the trend in words and the data behind it as
a table, so nothing is told by the picture alone. The values that frame a chart (the goal, the
minimal important change, an expected course) are passed in by the caller, who takes them from
the plan or the knowledge base; nothing clinical is decided here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, Protocol
from xml.sax.saxutils import escape

import altair as alt
import vl_convert

from backcare import lru
from backcare.knowledge import KnowledgeBase
from backcare.reports.chart_text import describe_pain, describe_series, long_date, number, rating

BEFORE, AFTER, SCORE = "#b91c1c", "#1d4ed8", "#0f766e"
GOAL, BAND, EXPECTED = "#15803d", "#9ca3af", "#d97706"
FONT = "DejaVu Sans, Verdana, sans-serif"
WIDTH, HEIGHT = 460, 190
CONFIG = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e5e7eb"},
    "legend": {"labelFontSize": 12},
    "view": {"stroke": None},
}
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


@dataclass(frozen=True)
class Table:
    """The numbers behind a chart, for screen readers and for anyone who prefers them."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``svg`` is empty when there is nothing to draw yet."""

    key: str
    title: str
    description: str
    svg: str
    table: Table


@dataclass(frozen=True)
class PainPoint:
    """One session's pain ratings; None when a rating was not taken."""

    when: date
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Score:
    when: date
    value: float


@dataclass(frozen=True)
class Expected:
    """The course expected by a date: scores between ``low`` and ``high``."""

    when: date
    low: float
    high: float


@dataclass(frozen=True)
class Series:
    """An instrument's scores over time, with what frames them."""

    key: str
    name: str
    low: float
    high: float
    better: Literal["lower", "higher"]
    scores: Sequence[Score]
    goal: float | None = None
    mic: float | None = None
    expected: Sequence[Expected] = field(default_factory=tuple)


class RatedSession(Protocol):
    """What the pain chart reads of a session note."""

    session_date: date
    pain_before: int | None
    pain_after: int | None


def session_pain_chart(
    sessions: Sequence[RatedSession],
    *,
    goal: int | None,
    kb: KnowledgeBase,
    expected: Sequence[Expected] = (),
) -> Chart:
    """The pain chart of recorded sessions; the minimal important change is the pain rating
    instrument's in the knowledge base (with its sources)."""
    points = [PainPoint(s.session_date, s.pain_before, s.pain_after) for s in sessions]
    rating = kb.instruments["nprs"]
    mic = rating.important_change.points if rating.important_change else None
    scale = (rating.min, rating.max)
    return pain_chart(points, scale=scale, goal=goal, mic=mic, expected=expected)


def pain_chart(
    points: Sequence[PainPoint],
    *,
    scale: tuple[float, float],
    goal: int | None,
    mic: float | None,
    expected: Sequence[Expected] = (),
) -> Chart:
    """Pain before and after each session, the goal line, the band of change smaller than the
    minimal important change (``mic`` points either side of the first rating before a session)
    and, when given, the expected course."""
    sessions = sorted(points, key=lambda p: p.when)
    low, high = scale
    title = f"Pain before and after each session ({number(low)}-{number(high)})"
    table = Table(
        ("Session date", "Pain before", "Pain after"),
        tuple((long_date(p.when), rating(p.before), rating(p.after)) for p in sessions),
    )
    if not sessions:
        return Chart("pain", title, "No sessions recorded yet.", "", table)
    description = describe_pain(sessions, goal, mic, bool(expected))
    key = ("pain", tuple(sessions), scale, goal, mic, tuple(expected))
    svg = _svg.get(
        key,
        lambda: _draw(_pain_layers(sessions, scale, goal, mic, expected), title, description),
    )
    return Chart("pain", title, description, svg, table)


def _pain_layers(
    sessions: Sequence[PainPoint],
    scale: tuple[float, float],
    goal: int | None,
    mic: float | None,
    expected: Sequence[Expected],
) -> list[alt.Chart]:
    low, high = scale
    rows = [
        {
            "date": p.when.isoformat(),
            "pain": value,
            "when": name,
            "label": f"{long_date(p.when)}: pain {value} {name}",
        }
        for p in sessions
        for name, value in (("before session", p.before), ("after session", p.after))
        if value is not None
    ]
    baseline = next((p.before for p in sessions if p.before is not None), None)
    domain = [low, high]
    layers = [*_expected(expected, domain), *_band(baseline, mic, low, high), *_goal(goal, "lower")]
    colours = alt.Scale(domain=["before session", "after session"], range=[BEFORE, AFTER])
    lines = (
        alt.Chart(inline(rows))
        .mark_line(point={"filled": True, "size": 60}, strokeWidth=2, aria=False)
        .encode(
            x=_date_axis(),
            y=alt.Y("pain:Q", title="Pain", scale=alt.Scale(domain=domain)),
            color=alt.Color("when:N", title=None, scale=colours, legend=_legend()),
            shape=alt.Shape(
                "when:N",
                title=None,
                scale=alt.Scale(domain=colours.domain, range=["circle", "square"]),
                legend=_legend(),
            ),
            description="label:N",
        )
    )
    return [*layers, lines]


def series_chart(series: Series) -> Chart:
    """An instrument's score over time with its goal, its minimal important change band around
    the first score, and the expected course band when one is given."""
    scores = sorted(series.scores, key=lambda s: s.when)
    title = f"{series.name} ({number(series.low)}-{number(series.high)})"
    table = Table(("Date", "Score"), tuple((long_date(s.when), number(s.value)) for s in scores))
    if not scores:
        return Chart(series.key, title, "No scores recorded yet.", "", table)
    description = describe_series(series)
    key = ("series", replace(series, scores=tuple(scores), expected=tuple(series.expected)))
    svg = _svg.get(key, lambda: _draw(_series_layers(series, scores), title, description))
    return Chart(series.key, title, description, svg, table)


def _series_layers(series: Series, scores: Sequence[Score]) -> list[alt.Chart]:
    domain = [series.low, series.high]
    layers = _expected(series.expected, domain)
    layers += _band(scores[0].value, series.mic, series.low, series.high)
    layers += _goal(series.goal, series.better)
    rows = [
        {
            "date": s.when.isoformat(),
            "score": s.value,
            "label": f"{long_date(s.when)}: {number(s.value)}",
        }
        for s in scores
    ]
    layers.append(
        alt.Chart(inline(rows))
        .mark_line(
            point={"filled": True, "size": 60, "color": SCORE},
            color=SCORE,
            strokeWidth=2,
            aria=False,
        )
        .encode(
            x=_date_axis(),
            y=alt.Y("score:Q", title="Score", scale=alt.Scale(domain=domain)),
            description="label:N",
        )
    )
    return layers


def render(layers: Sequence[alt.Chart], title: str, description: str, height: int = HEIGHT) -> str:
    """The layered specification as SVG, titled and described for assistive technology; the
    same specification is drawn once."""
    spec = _spec(layers, description, height)
    return _svg.get(("spec", spec, title), lambda: _drawn(spec, title, description))


def _draw(layers: Sequence[alt.Chart], title: str, description: str, height: int = HEIGHT) -> str:
    return _drawn(_spec(layers, description, height), title, description)


def _spec(layers: Sequence[alt.Chart], description: str, height: int) -> str:
    spec = alt.layer(*layers).properties(width=WIDTH, height=height, description=description)
    # Checking the specification against the Vega-Lite schema costs more than drawing a cached
    # chart; the tests check what each chart draws, and vl-convert refuses what it cannot draw.
    return json.dumps(spec.to_dict(validate=False), sort_keys=True)


def _drawn(spec: str, title: str, description: str) -> str:
    drawn = vl_convert.vegalite_to_svg(json.loads(spec), config=CONFIG)
    return accessible(drawn, title, description)


# Charts already drawn, by what determines them (their data, or their specification): a page
# shown again with the same data neither builds nor draws its charts again. Building the
# specification and drawing it take most of a page's time; the data are a few numbers.
_svg: lru.Kept[Hashable, str] = lru.Kept(size=512)


def accessible(svg: str, title: str, description: str) -> str:
    """The SVG as one image to assistive technology, named by its title and description; ids
    are made from the title's words so that several charts on one page stay distinct."""
    base = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise ValueError("the chart renderer returned no <svg> element")
    tag = opening.group(0).replace(' class="marks"', "")[:-1] + (
        f' role="img" aria-labelledby="{base}-title" aria-describedby="{base}-desc" class="chart">'
    )
    head = (
        f'<title id="{base}-title">{escape(title)}</title>'
        f'<desc id="{base}-desc">{escape(description)}</desc>'
    )
    return svg[: opening.start()] + tag + head + svg[opening.end() :]


def _date_axis() -> alt.X:
    return alt.X(
        "yearmonthdate(date):T",
        title=None,
        scale=alt.Scale(padding=14),
        axis=alt.Axis(format="%-d %b", labelAngle=0, tickCount={"interval": "week", "step": 1}),
    )


def _legend() -> alt.Legend:
    return alt.Legend(orient="top", direction="horizontal", symbolStrokeWidth=2)


def _band(centre: float | None, mic: float | None, low: float, high: float) -> list[alt.Chart]:
    """The zone within the minimal important change of the first value, clipped to the scale."""
    if centre is None or mic is None:
        return []
    band: dict[str, object] = {"from": max(low, centre - mic), "to": min(high, centre + mic)}
    return [
        alt.Chart(inline([band])).mark_rect(color=BAND, opacity=0.18).encode(y="from:Q", y2="to:Q")
    ]


def _goal(goal: float | None, better: str) -> list[alt.Chart]:
    if goal is None:
        return []
    sign = "≤" if better == "lower" else "≥"
    data = inline([{"goal": goal, "label": f"goal {sign} {number(goal)}"}])
    rule = alt.Chart(data).mark_rule(color=GOAL, strokeDash=[6, 4], strokeWidth=1.5)
    text = alt.Chart(data).mark_text(
        color=GOAL, align="left", baseline="bottom", dy=-3, x=4, fontSize=11
    )
    return [rule.encode(y="goal:Q"), text.encode(y="goal:Q", text="label:N")]


def _expected(expected: Sequence[Expected], domain: list[float]) -> list[alt.Chart]:
    """The expected course: its range as a band, its middle as a dashed line."""
    if not expected:
        return []
    rows: list[dict[str, object]] = [
        {"date": e.when.isoformat(), "low": e.low, "high": e.high, "mid": (e.low + e.high) / 2}
        for e in expected
    ]
    scale = alt.Scale(domain=domain)
    base = alt.Chart(inline(rows))
    area = base.mark_area(color=EXPECTED, opacity=0.15, aria=False)
    line = base.mark_line(color=EXPECTED, strokeDash=[2, 3], strokeWidth=2, aria=False)
    return [
        area.encode(x=_date_axis(), y=alt.Y("low:Q", scale=scale), y2="high:Q"),
        line.encode(x=_date_axis(), y=alt.Y("mid:Q", scale=scale)),
    ]


def inline(rows: list[dict[str, object]]) -> alt.InlineData:
    """Rows of data carried inside the specification (no file, no network)."""
    return alt.InlineData(values=rows)
