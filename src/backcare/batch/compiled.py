"""The compiled engine on a chunk of rows: each row validated as the reference does, then the
valid ones screened together by the rules compiled into Polars expressions (``engine``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from backcare.batch import engine, result
from backcare.batch.columns import SCHEMA, flat_row
from backcare.batch.reference import Screened, parsed
from backcare.batch.registers import Row
from backcare.knowledge import load_knowledge

_PASSED = {"row": pl.Int64(), "id": pl.String()}


def screen_chunk(rows: Sequence[Row], *, today: date) -> Screened:
    kb = load_knowledge()
    valid, refused = parsed(rows, today=today, kb=kb)
    if not valid:
        return [], refused
    flat = [flat_row(intake) | {"row": row.number, "id": row.id} for row, intake in valid]
    frame = pl.DataFrame(flat, schema={**SCHEMA, **_PASSED}, orient="row")
    screened = engine.screen(frame, kb)
    return [result.from_engine(record) for record in screened.to_dicts()], refused
