"""The clinic's responder rates as a chart: each group's rate as a dot and its interval as a
line on one 0-100% scale, drawn like every chart from one Vega-Lite specification
(reports/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt

from backcare.reports import charts


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``total`` in one group, with its interval (``low`` to ``high``, 0-1)."""

    name: str
    count: int
    total: int
    low: float
    high: float


def rate_chart(key: str, title: str, groups: Sequence[Proportion]) -> charts.Chart:
    """Each group's rate as a dot with its interval as a line, on one 0-100% scale, so that a
    wide interval (few clients) is seen before the rate."""
    shown = [g for g in groups if g.total]
    table = charts.Table(
        ("Group", "Responders", "Rate", "95% interval"),
        tuple(
            (g.name, f"{g.count} of {g.total}", _percent(g.count / g.total), _interval(g))
            for g in shown
        ),
    )
    if not shown:
        return charts.Chart(key, title, "No completed courses yet.", "", table)
    rows: list[dict[str, object]] = [
        {
            "group": g.name,
            "rate": g.count / g.total,
            "low": g.low,
            "high": g.high,
            "label": f"{g.name}: {g.count} of {g.total}, {_percent(g.count / g.total)} "
            f"(95% interval {_interval(g)})",
        }
        for g in shown
    ]
    base = alt.Chart(charts.inline(rows))
    y = alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=180))
    x = alt.X(
        "low:Q", title="Responders", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
    )
    interval = base.mark_rule(color=charts.SCORE, strokeWidth=3, aria=False).encode(
        x=x, x2="high:Q", y=y
    )
    dots = base.mark_point(filled=True, size=90, color=charts.SCORE).encode(
        x=alt.X("rate:Q"), y=y, description="label:N"
    )
    description = " ".join(f"{row['label']}." for row in rows)
    svg = charts.render([interval, dots], title, description, height=max(60, 34 * len(shown)))
    return charts.Chart(key, title, description, svg, table)


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def _interval(group: Proportion) -> str:
    return f"{_percent(group.low)} to {_percent(group.high)}"
