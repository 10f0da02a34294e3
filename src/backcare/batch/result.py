"""The row a screened intake becomes: its decision, the rule ids of its findings, the limits they
add up to, the names not recognised and the questions not answered; with ``full``, the whole
assessment JSON (the same as ``backcare assess --json``)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pyarrow as pa

from backcare.clinical import Assessment, to_json
from backcare.knowledge import Decision

_TEXTS = pa.list_(pa.string())
COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("row", pa.int64()),
    ("id", pa.string()),
    ("decision", pa.string()),
    ("massage_today", pa.bool_()),
    ("findings", _TEXTS),
    ("max_pressure", pa.string()),
    ("avoid_regions", _TEXTS),
    ("avoid_techniques", _TEXTS),
    ("positioning", _TEXTS),
    ("max_session_minutes", pa.int64()),
    ("limit_notes", _TEXTS),
    ("unrecognised_conditions", _TEXTS),
    ("unrecognised_medications", _TEXTS),
    ("unanswered", _TEXTS),
)
FULL = ("assessment", pa.string())
_TODAY = [decision.name for decision in Decision if decision <= Decision.modify]
"""The decisions under which massage may go ahead today (with the limits)."""


def schema(*, full: bool) -> pa.Schema:
    """The output's columns and their types."""
    return pa.schema([*COLUMNS, FULL] if full else COLUMNS)


def row(number: int, row_id: str | None, assessment: Assessment, *, full: bool) -> dict[str, Any]:
    """The output row of one assessment."""
    limits = assessment.limits
    result: dict[str, Any] = {
        "row": number,
        "id": row_id,
        "decision": assessment.decision.name,
        "massage_today": assessment.massage_today,
        "findings": [finding.rule for finding in assessment.findings],
        "max_pressure": limits.max_pressure,
        "avoid_regions": list(limits.avoid_regions),
        "avoid_techniques": list(limits.avoid_techniques),
        "positioning": list(limits.positioning),
        "max_session_minutes": limits.max_session_minutes,
        "limit_notes": list(limits.notes),
        "unrecognised_conditions": list(assessment.unrecognised_conditions),
        "unrecognised_medications": list(assessment.unrecognised_medications),
        "unanswered": list(assessment.unanswered),
    }
    if full:
        result["assessment"] = json.dumps(to_json(assessment), ensure_ascii=False)
    return result


def from_engine(screened: dict[str, Any]) -> dict[str, Any]:
    """The output row of one row of the compiled engine's frame (``engine.screen``)."""
    return {name: screened.get(name) for name, _ in COLUMNS} | {
        "massage_today": screened["decision"] in _TODAY,
        "limit_notes": screened["notes"],
    }


def frame_from_engine(screened: pl.DataFrame) -> pl.DataFrame:
    """The output rows of the compiled engine's frame (``engine.screen``), in the output's
    column order."""
    return screened.with_columns(
        pl.col("decision").is_in(_TODAY).alias("massage_today"),
        pl.col("notes").alias("limit_notes"),
    ).select(name for name, _ in COLUMNS)
