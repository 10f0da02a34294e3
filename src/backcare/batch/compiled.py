"""The compiled engines on a chunk of rows: each row validated as the reference does, then the
valid ones screened together by the rules compiled into Polars expressions (``engine``), or
into Spark columns (``spark``, when Spark is installed).

A chunk read as a frame (``screen_frame``: Parquet), or read by Python and made a frame
(``screen_records``: CSV, JSON lines), is validated column by column (``screenable``); only its
rows that are not surely valid go through ``parse_intake`` one by one, which refuses them with
the same words as for a single intake, or passes them after all."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date

import polars as pl

from backcare.batch import engine, framed, registers, result, screenable
from backcare.batch.columns import SCHEMA, conform, flat_row
from backcare.batch.reference import Screened, parsed
from backcare.batch.registers import Record, Row
from backcare.clinical import Intake
from backcare.knowledge import KnowledgeBase, load_knowledge

_PASSED = {"row": pl.Int64(), "id": pl.String()}
Screen = Callable[[pl.DataFrame, KnowledgeBase], pl.DataFrame]
ScreenedFrame = tuple[pl.DataFrame, list[Row]]


def screen_chunk(rows: Sequence[Row], *, today: date, screen: Screen = engine.screen) -> Screened:
    kb = load_knowledge()
    valid, refused = parsed(rows, today=today, kb=kb)
    if not valid:
        return [], refused
    frame = _parsed_frame(valid)
    return [result.from_engine(record) for record in screen(frame, kb).to_dicts()], refused


def screen_frame(frame: pl.DataFrame, first: int, *, today: date) -> ScreenedFrame:
    """A chunk of a register read as a frame (its first row numbered ``first``): the output
    rows of the rows screened, in order, and the rows refused with why."""
    numbered = frame.with_columns(
        pl.int_range(first, first + frame.height, dtype=pl.Int64).alias("row"),
        (pl.col("id") if "id" in frame else pl.lit(None)).cast(pl.String).alias("id"),
    )
    return screen_numbered(numbered, [], today=today)


def screen_records(chunk: Sequence[Record | Row], *, today: date) -> ScreenedFrame:
    """A chunk of a CSV or JSON-lines register as read: the rows whose values fit their columns
    screened as a frame, the others checked one at a time."""
    frame, others = framed.framed(chunk)
    return screen_numbered(frame, others, today=today)


def screen_numbered(numbered: pl.DataFrame, others: list[Row], *, today: date) -> ScreenedFrame:
    """Rows as a frame with their numbers (``row``) and ids, and rows to check one at a time
    (``others``): the output rows of the rows screened, in order, and the rows refused."""
    kb = load_knowledge()
    parts: list[pl.DataFrame] = []
    doubtful = numbered
    if screenable.typed(numbered):
        rows = conform(numbered).with_columns(
            pl.col("assessed_on").fill_null(today), *screenable.defaults()
        )
        unsure = screenable.unsure(rows, kb)
        doubtful = rows.filter(unsure)
        parts.append(rows.filter(~unsure).select(*SCHEMA, *_PASSED))
    one_by_one = sorted([*_rows(doubtful), *others], key=lambda row: row.number)
    valid, refused = parsed(one_by_one, today=today, kb=kb)
    parts.append(_parsed_frame(valid))
    screened = engine.screen(pl.concat(parts), kb, categorical=True)
    if valid:  # rows parsed one by one come after the others: back in the register's order
        screened = screened.sort("row")
    return result.frame_from_engine(screened), refused


def _rows(frame: pl.DataFrame) -> list[Row]:
    """Rows of a frame as the row-by-row readers give them."""
    return [
        registers.row(mapping.pop("row"), mapping, checked=True) for mapping in frame.to_dicts()
    ]


def _parsed_frame(valid: list[tuple[Row, Intake]]) -> pl.DataFrame:
    flat = [flat_row(intake) | {"row": row.number, "id": row.id} for row, intake in valid]
    return pl.DataFrame(flat, schema={**SCHEMA, **_PASSED}, orient="row")


def on_spark(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """The frame screened by Spark (the session of ``SparkSession.builder``: local unless
    ``spark-submit`` or ``PYSPARK_SUBMIT_ARGS`` name a cluster)."""
    from pyspark.sql import SparkSession

    from backcare.batch.spark import screen_spark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need backcare too
    spark = SparkSession.builder.appName("backcare batch").getOrCreate()
    screened = screen_spark(spark.createDataFrame(frame.to_arrow()), kb).toArrow()
    return pl.DataFrame(pl.from_arrow(screened)).sort("row")
