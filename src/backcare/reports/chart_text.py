"""The words beside an outcome chart (reports/charts.py): its trend described in sentences and
the dates and numbers of its data table, independent of the machine's locale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from backcare.reports.charts import PainPoint, Series

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_pain(
    sessions: Sequence[PainPoint], goal: int | None, mic: float | None, expected: bool = False
) -> str:
    """The pain chart's trend in words, e.g. "Pain before sessions went from 7 to 4"."""
    first, last = long_date(sessions[0].when), long_date(sessions[-1].when)
    count = len(sessions)
    sentences = [
        f"{count} sessions, {first} to {last}." if count > 1 else f"1 session, on {first}."
    ]
    for name in ("before", "after"):
        values = [v for v in (getattr(p, name) for p in sessions) if v is not None]
        sentences.append(trend(f"Pain {name} sessions", values))
    if goal is not None:
        sentences.append(f"The goal is pain of {goal} or less.")
    if mic is not None:
        sentences.append(
            f"The shaded band marks changes of less than {number(mic)} points from the first "
            "rating, smaller than the change patients notice as important."
        )
    if expected:
        sentences.append("The orange dashes show the expected course.")
    return " ".join(sentences)


def describe_series(series: Series) -> str:
    """An instrument chart's trend in words, with its goal and bands."""
    scores = sorted(series.scores, key=lambda s: s.when)
    sentences = [trend(f"{series.name} scores", [s.value for s in scores])]
    if series.goal is not None:
        comparison = "or less" if series.better == "lower" else "or more"
        sentences.append(f"The goal is {number(series.goal)} {comparison}.")
    if series.mic is not None:
        sentences.append(
            f"The shaded band marks changes of less than {number(series.mic)} points from the "
            "first score, smaller than the minimal important change."
        )
    if series.expected:
        sentences.append("The orange dashes show the expected course.")
    return " ".join(sentences)


def trend(what: str, values: Sequence[float | int]) -> str:
    """How ``values`` moved, in one sentence about ``what``."""
    if not values:
        return f"{what}: not recorded."
    shown = [number(v) for v in values]
    if len(values) == 1:
        return f"{what}: recorded once, {shown[0]}."
    if shown[0] == shown[-1]:
        return f"{what} started and ended at {shown[0]} over {len(values)} ratings."
    return f"{what} went from {shown[0]} to {shown[-1]} over {len(values)} ratings."


def rating(value: int | None) -> str:
    """A rating of the data table; "not recorded" when it was not taken."""
    return "not recorded" if value is None else str(value)


def number(value: float | int) -> str:
    """A score as written: 4.0 as "4", 4.5 as "4.5"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def short_date(day: date) -> str:
    """A date as "3 Nov", independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    """A date as "3 Nov 2026"."""
    return f"{short_date(day)} {day.year}"
