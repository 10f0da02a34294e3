"""The rows of a CSV or JSON-lines register as a frame of the flat layout (``columns``), so that
they are checked column by column (``screenable``) and screened as a Parquet register is.

A row goes into the frame only when each of its values is already of its column's type (a
whole number for ``age``, a list of texts for ``conditions``, a day written ``YYYY-MM-DD``...),
so the frame holds exactly what the row says. Any other row (unreadable, a nested intake, a
column that is not the layout's, a value of another type) is kept as a row, to be checked by
``parse_intake``, which refuses it in its own words or passes it after all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import polars as pl
import pyarrow as pa

from backcare.batch import flat, registers
from backcare.batch.columns import SCHEMA
from backcare.batch.registers import Record, Row

FRAME_SCHEMA: dict[str, pl.DataType] = {**SCHEMA, "row": pl.Int64(), "id": pl.String()}
_ARROW = pl.DataFrame(schema=FRAME_SCHEMA).to_arrow().schema
_INT64 = range(-(2**63), 2**63)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Unfit(Exception):
    """A value that its column's type cannot hold as given."""


def _whole(value: Any) -> int:
    if type(value) is int and value in _INT64:
        return value
    raise _Unfit


def _number(value: Any) -> float:
    if type(value) in (int, float):
        return float(value)
    raise _Unfit


def _truth(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Unfit


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    raise _Unfit


def _texts(value: Any) -> list[str]:
    if type(value) is list and all(type(item) is str for item in value):
        return value
    raise _Unfit


def _day(value: Any) -> date:
    if type(value) is str and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Unfit from None
    raise _Unfit


def _reader(dtype: pl.DataType) -> Callable[[Any], Any]:
    if isinstance(dtype, pl.List):
        return _texts
    readers: dict[Any, Callable[[Any], Any]] = {
        pl.Int64: _whole,
        pl.Float64: _number,
        pl.Boolean: _truth,
        pl.String: _text,
        pl.Date: _day,
    }
    return readers[dtype.base_type()]


_READERS = {name: _reader(dtype) for name, dtype in SCHEMA.items()}


def _typed(read: Record) -> dict[str, Any] | None:
    """The row's values in its columns' types with its number and id, or ``None`` when the row
    must be checked on its own."""
    if flat.is_nested(read.mapping):
        return None
    row_id, rest = flat.split_id(read.mapping)
    typed: dict[str, Any] = {"row": read.number, "id": row_id}
    try:
        for name, value in rest.items():
            if value is not None:
                typed[name] = _READERS[name](value)
    except (_Unfit, KeyError):  # KeyError: a column that is not the layout's
        return None
    return typed


def framed(chunk: Sequence[Record | Row]) -> tuple[pl.DataFrame, list[Row]]:
    """The rows of a chunk whose values fit their columns, as a frame (with ``row`` and ``id``),
    and the other rows, to be checked one at a time."""
    fitting: list[dict[str, Any]] = []
    others: list[Row] = []
    for read in chunk:
        typed = None if isinstance(read, Row) else _typed(read)
        if typed is not None:
            fitting.append(typed)
        elif isinstance(read, Row):
            others.append(read)
        else:
            others.append(registers.as_row(read))
    # Built by Arrow: several times quicker than Polars from rows of Python values.
    frame = pl.from_arrow(pa.Table.from_pylist(fitting, schema=_ARROW))
    assert isinstance(frame, pl.DataFrame)
    return frame, others
