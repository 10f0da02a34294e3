"""The flat column layout of a register: one row an intake of spec v1, one column a field.

Scalars keep their contract names, joined by ``_`` (``pain_intensity``, ``vitals_systolic``
becomes ``systolic``); each red flag is a boolean column ``red_flag_NAME``; lists of names are
list columns of text. Entries that carry more than a name are written as one text each:

    conditions    NAME[:STATUS][@REGION,REGION]   "sciatica:active@low_back_left"
    procedures    KIND:YYYY-MM-DD[@REGION,...]    "surgery:2026-09-01@low_back_left"
    skin          FINDING@REGION[,REGION]         "bruise@thigh_left"
    clearances    RULE|YYYY-MM-DD|FROM            "red_flag.trauma|2026-11-01|Dr Lee, GP"

A condition without ``:STATUS`` was written without one (the core then reads it as "status left
out"). ``pain`` says whether the intake has a pain section at all; left empty, a value in any
``pain_`` column means it has one, and ``pain`` false with such a value is refused.
``flat_from_intake`` and ``intake_from_flat`` convert between the two layouts; a flat row is
checked by turning it into an intake and parsing that.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl
from pydantic import BaseModel

from backcare.clinical.intake import (
    Client,
    Intake,
    Pain,
    Preferences,
    RedFlags,
    Vitals,
    parse_intake,
)
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge.contract import RED_FLAGS

RED_FLAG_COLUMNS = {name: f"red_flag_{name}" for name in RED_FLAGS}

_CLIENT = {
    "age": pl.Int64(),
    "sex": pl.String(),
    "pregnant_weeks": pl.Int64(),
    "pregnancy_complications": pl.List(pl.String()),
    "breastfeeding": pl.Boolean(),
    "occupation": pl.String(),
}
_PAIN = {
    "regions": pl.List(pl.String()),
    "duration_weeks": pl.Float64(),
    "intensity": pl.Int64(),
    "cause": pl.String(),
    "radiates_below_knee": pl.Boolean(),
    "numbness": pl.List(pl.String()),
    "weakness": pl.List(pl.String()),
    "worse_at_night": pl.Boolean(),
    "morning_stiffness_minutes": pl.Int64(),
    "new_or_changed": pl.Boolean(),
}
_VITALS = {"temperature_c": pl.Float64(), "systolic": pl.Int64(), "diastolic": pl.Int64()}
_PREFERENCES = {
    "pressure": pl.String(),
    "modalities": pl.List(pl.String()),
    "massage_experience": pl.String(),
    "session_minutes": pl.Int64(),
    "sessions_per_month": pl.Int64(),
    "goals": pl.String(),
}
_TEXTS = ("conditions", "medications", "procedures", "skin", "allergies", "clearances")

SCHEMA: dict[str, pl.DataType] = {
    "assessed_on": pl.Date(),
    **_CLIENT,
    "pain": pl.Boolean(),
    **{f"pain_{name}": dtype for name, dtype in _PAIN.items()},
    **{column: pl.Boolean() for column in RED_FLAG_COLUMNS.values()},
    **{name: pl.List(pl.String()) for name in _TEXTS},
    **_VITALS,
    **{f"preferred_{name}": dtype for name, dtype in _PREFERENCES.items()},
    "notes": pl.String(),
}
"""Every column of the layout and its Polars type. A column left out of a frame is empty."""

FIELDS: dict[str, tuple[type[BaseModel], str]] = {
    **{name: (Client, name) for name in _CLIENT},
    **{f"pain_{name}": (Pain, name) for name in _PAIN},
    **{column: (RedFlags, name) for name, column in RED_FLAG_COLUMNS.items()},
    **{name: (Vitals, name) for name in _VITALS},
    **{f"preferred_{name}": (Preferences, name) for name in _PREFERENCES},
    "notes": (Intake, "notes"),
}
"""Each column that holds one field of a section of the contract: its model and field."""

LIST_COLUMNS = tuple(name for name, dtype in SCHEMA.items() if isinstance(dtype, pl.List))


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every column of the layout, in its type; missing columns are empty and
    other columns (a row id) are kept after them."""
    missing = [pl.lit(None, dtype).alias(n) for n, dtype in SCHEMA.items() if n not in frame]
    typed = frame.with_columns(missing).with_columns(
        pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()
    )
    empty = [pl.col(name).fill_null([]) for name in LIST_COLUMNS]
    extra = [name for name in frame.columns if name not in SCHEMA]
    return typed.with_columns(empty).select([*SCHEMA, *extra])


def flat_from_intake(data: Mapping[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """A nested intake of spec v1 as one flat row; it is parsed first, so a bad intake raises
    ``InvalidIntake`` naming its fields. ``today`` fills a missing ``assessed_on``."""
    return flat_row(parse_intake(dict(data), today=today or date.today()))


def flat_row(intake: Intake) -> dict[str, Any]:
    """A parsed intake as one flat row (regions already expanded to both sides)."""
    client, pain, vitals, prefs = intake.client, intake.pain, intake.vitals, intake.preferences
    row: dict[str, Any] = {"assessed_on": intake.assessed_on}
    row.update({name: _plain(getattr(client, name)) for name in _CLIENT})
    row["pain"] = pain is not None
    row.update({f"pain_{k}": _plain(getattr(pain, k)) if pain else None for k in _PAIN})
    row.update({col: getattr(intake.red_flags, n) for n, col in RED_FLAG_COLUMNS.items()})
    row["conditions"] = [_condition_text(c) for c in intake.conditions]
    row["medications"] = list(intake.medications)
    row["procedures"] = [f"{p.kind}:{p.date.isoformat()}{_at(p.region)}" for p in intake.procedures]
    row["skin"] = [f"{s.finding}{_at(s.region)}" for s in intake.skin]
    row["allergies"] = list(intake.allergies)
    row["clearances"] = [
        f"{c.rule}|{c.received_on.isoformat()}|{c.received_from}" for c in intake.clearances
    ]
    row.update({name: getattr(vitals, name) for name in _VITALS})
    row.update({f"preferred_{k}": _plain(getattr(prefs, k)) for k in _PREFERENCES})
    row["notes"] = intake.notes
    return row


def intake_from_flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row as a nested intake of spec v1 (to parse with ``parse_intake``): empty cells
    are left out, as a field the form did not ask."""
    intake: dict[str, Any] = {"assessed_on": _given(row.get("assessed_on"))}
    intake["client"] = _section(row, {name: name for name in _CLIENT})
    pain = _section(row, {name: f"pain_{name}" for name in _PAIN})
    if row.get("pain") is False and pain:
        given = ", ".join(f"pain_{name}" for name in pain)
        raise InvalidIntake([Problem("pain", f"is false, but {given} given; leave them empty")])
    if row.get("pain") or pain:
        intake["pain"] = pain
    intake["red_flags"] = _section(row, RED_FLAG_COLUMNS)
    intake["conditions"] = [_condition_entry(text) for text in row.get("conditions") or ()]
    intake["medications"] = list(row.get("medications") or ())
    intake["procedures"] = [procedure_entry(text) for text in row.get("procedures") or ()]
    intake["skin"] = [skin_entry(text) for text in row.get("skin") or ()]
    intake["allergies"] = list(row.get("allergies") or ())
    intake["clearances"] = [_clearance_entry(text) for text in row.get("clearances") or ()]
    intake["vitals"] = _section(row, {name: name for name in _VITALS})
    intake["preferences"] = _section(row, {name: f"preferred_{name}" for name in _PREFERENCES})
    if row.get("notes"):
        intake["notes"] = row["notes"]
    kept = {key: value for key, value in intake.items() if value not in (None, [], {})}
    return {**kept, "pain": intake["pain"]} if "pain" in intake else kept


def pain_answered() -> pl.Expr:
    """Whether any pain column of a row has a value."""
    return pl.any_horizontal(
        pl.col(f"pain_{name}").list.len() > 0
        if isinstance(dtype, pl.List)
        else pl.col(f"pain_{name}").is_not_null()
        for name, dtype in _PAIN.items()
    )


def has_pain() -> pl.Expr:
    """Whether a row has a pain section: ``pain`` says so, or, left empty, any pain column
    has a value."""
    return pl.col("pain").fill_null(pain_answered()).fill_null(False)


def split_entry(text: str) -> tuple[str, str | None, list[str]]:
    """``HEAD[:TAIL][@REGION,...]`` as its head, its tail (``None`` when not written) and its
    regions (the split every entry text of the layout shares)."""
    head, _, regions = text.partition("@")
    name, colon, tail = head.rpartition(":")
    if not colon:
        name, tail_or_none = head, None
    else:
        tail_or_none = tail
    return name.strip(), tail_or_none, [r.strip() for r in regions.split(",") if r.strip()]


def _condition_text(entry: Any) -> str:
    status = f":{entry.status}" if "status" in entry.model_fields_set else ""
    return f"{entry.id}{status}{_at(entry.regions)}"


def _condition_entry(text: str) -> dict[str, Any]:
    name, status, regions = split_entry(text)
    entry: dict[str, Any] = {"id": name}
    if status is not None:
        entry["status"] = status
    if regions:
        entry["regions"] = regions
    return entry


def procedure_entry(text: str) -> dict[str, Any]:
    """A procedure's text as the contract's entry (to validate)."""
    kind, day, regions = split_entry(text)
    entry: dict[str, Any] = {"kind": kind, "date": day if day is not None else ""}
    if regions:
        entry["region"] = regions
    return entry


def skin_entry(text: str) -> dict[str, Any]:
    """A skin finding's text as the contract's entry (to validate)."""
    finding, _, regions = text.partition("@")
    return {"finding": finding.strip(), "region": [r.strip() for r in regions.split(",")]}


def _clearance_entry(text: str) -> dict[str, Any]:
    rule, _, rest = text.partition("|")
    day, _, who = rest.partition("|")
    return {"rule": rule.strip(), "received_on": day.strip(), "received_from": who.strip()}


def _at(regions: tuple[str, ...] | list[str]) -> str:
    return f"@{','.join(regions)}" if regions else ""


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value


def _given(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _section(row: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    found = {field: _given(row.get(column)) for field, column in names.items()}
    return {field: value for field, value in found.items() if value not in (None, [], "")}
