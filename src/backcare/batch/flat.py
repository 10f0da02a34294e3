"""One register row as an intake mapping to parse: a row of the flat layout (``columns``), or
in JSON lines a nested intake of the contract. An ``id`` column passes through.

A CSV cell is text; it is read in the type of its column: numbers and truth values (``true``,
``false``) as such, a list as a JSON list (``["low_back"]``) or its items separated by ``;``
(``low_back; neck``), text as written. A cell that does not read as its type is passed on as
written, so that ``parse_intake`` names the field and says what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from rapidfuzz import process

from backcare.batch.columns import LIST_COLUMNS, SCHEMA, intake_from_flat
from backcare.errors import InvalidIntake, Problem

ROW_ID = "id"


def cell(column: str, text: str) -> Any:
    """A CSV cell's value in its column's type; empty is missing."""
    if text.strip() == "":
        return None
    dtype = SCHEMA.get(column, pl.String())
    if isinstance(dtype, pl.List):
        if text.lstrip().startswith("["):
            return _json(text)
        return [item.strip() for item in text.split(";") if item.strip()]
    if isinstance(dtype, pl.Boolean):
        return _json(text.strip().lower())
    if dtype.is_numeric():
        return _json(text.strip())
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def unknown_columns(names: Iterable[str]) -> list[Problem]:
    """A problem for each column that is not one of the layout's (nothing dropped silently)."""
    return [
        Problem(name, f"is not a column of the flat layout{_close(name)}; see docs/batch.md")
        for name in names
        if name not in SCHEMA and name != ROW_ID
    ]


def _close(name: str) -> str:
    match = process.extractOne(name, list(SCHEMA), score_cutoff=80)
    return f"; did you mean {match[0]!r}?" if match else ""


def is_nested(row: Mapping[str, Any]) -> bool:
    """A nested intake of the contract (its ``client`` a mapping), not a flat row."""
    return isinstance(row.get("client"), dict)


def split_id(row: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The row's id (when given) and the rest of the row."""
    rest = dict(row)
    given = rest.pop(ROW_ID, None)
    return (None if given is None else str(given)), rest


def intake(row: Mapping[str, Any], *, checked: bool) -> dict[str, Any]:
    """The intake mapping of a row; ``checked`` when its column names were checked already."""
    if is_nested(row):
        return dict(row)
    problems = [*([] if checked else unknown_columns(row)), *_shape_problems(row)]
    if problems:
        raise InvalidIntake(problems)
    return intake_from_flat(row)


def _shape_problems(row: Mapping[str, Any]) -> list[Problem]:
    return [
        Problem(name, "is a list of texts: a JSON list, or the items separated by ';'")
        for name in LIST_COLUMNS
        if row.get(name) is not None
        and not (isinstance(row[name], list) and all(isinstance(i, str) for i in row[name]))
    ]
