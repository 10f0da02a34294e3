"""Python values as Polars columns, by the quick ways: a list of texts a row is built from its
items and their offsets: building it item by item from Python lists takes tens of times as long,
and ``pyarrow.array`` on Python lists imports pandas, which takes longer still."""

from __future__ import annotations

from itertools import chain
from typing import Any

import polars as pl
import pyarrow as pa

TEXTS = pl.List(pl.String())


def column(name: str, values: list[Any], dtype: pl.DataType) -> pl.Series:
    """``values`` as a column of type ``dtype`` (a list column: lists, or ``None`` for null)."""
    if not isinstance(dtype, pl.List):
        return pl.Series(name, values, dtype=dtype)
    lengths = pl.Series([0, *(len(v) if v is not None else 0 for v in values)], dtype=pl.Int64)
    items = pl.Series(list(chain.from_iterable(v for v in values if v)), dtype=dtype.inner)
    lists = pa.LargeListArray.from_arrays(lengths.cum_sum().to_arrow(), items.to_arrow())
    # A table, not a column, and no mask: Polars reads a column of Arrow, and Arrow a mask,
    # through ``pyarrow.compute``, whose import alone takes longer than the rest.
    made = pl.from_arrow(pa.table({name: lists}))
    assert isinstance(made, pl.DataFrame)
    missing = pl.Series([v is None for v in values], dtype=pl.Boolean)
    return made.select(
        pl.when(missing).then(None).otherwise(name).cast(dtype).alias(name)
    ).to_series()


def frame(table: dict[str, list[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """Columns of Python values as a frame of the types of ``schema``."""
    types = pl.Schema(schema)
    return pl.DataFrame([column(name, values, types[name]) for name, values in table.items()])
