"""One register row as an intake mapping: dotted column names nest, ``id`` passes through.

A column ``client.age`` becomes ``{"client": {"age": ...}}``; a missing or empty cell is a
question not asked. In CSV every cell is text, so a cell that reads as JSON (``54``, ``true``,
``["low_back"]``) is taken as that value, and any other text as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from backcare.errors import InvalidIntake, Problem

ROW_ID = "id"


def cell(text: str) -> Any:
    """A CSV cell's value: JSON when it reads as JSON, else the text; empty is missing."""
    if text.strip() == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def split_id(row: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The row's id (when given) and the rest of the row."""
    rest = dict(row)
    given = rest.pop(ROW_ID, None)
    return (None if given is None else str(given)), rest


def nested(row: Mapping[str, Any]) -> dict[str, Any]:
    """The intake mapping of a flat row: dotted names nest; missing values are left out."""
    result: dict[str, Any] = {}
    for name, value in row.items():
        if value is None:
            continue
        *parents, leaf = name.split(".")
        place = result
        for depth, part in enumerate(parents):
            place = place.setdefault(part, {})
            if not isinstance(place, dict):
                raise _twice(".".join(parents[: depth + 1]))
        if leaf in place:
            raise _twice(name)
        place[leaf] = value
    return result


def _twice(name: str) -> InvalidIntake:
    return InvalidIntake(
        [Problem(name, "is given twice: as one column and as dotted columns inside it; give one")]
    )
