"""The compiled engines on a chunk of rows: each row validated as the reference does, then the
valid ones screened together by the rules compiled into Polars expressions (``engine``), or
into Spark columns (``spark``, when Spark is installed)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import date

import polars as pl

from backcare.batch import engine, result
from backcare.batch.columns import SCHEMA, flat_row
from backcare.batch.reference import Screened, parsed
from backcare.batch.registers import Row
from backcare.knowledge import KnowledgeBase, load_knowledge

_PASSED = {"row": pl.Int64(), "id": pl.String()}
Screen = Callable[[pl.DataFrame, KnowledgeBase], pl.DataFrame]


def screen_chunk(rows: Sequence[Row], *, today: date, screen: Screen = engine.screen) -> Screened:
    kb = load_knowledge()
    valid, refused = parsed(rows, today=today, kb=kb)
    if not valid:
        return [], refused
    flat = [flat_row(intake) | {"row": row.number, "id": row.id} for row, intake in valid]
    frame = pl.DataFrame(flat, schema={**SCHEMA, **_PASSED}, orient="row")
    return [result.from_engine(record) for record in screen(frame, kb).to_dicts()], refused


def on_spark(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """The frame screened by Spark (the session of ``SparkSession.builder``: local unless
    ``spark-submit`` or ``PYSPARK_SUBMIT_ARGS`` name a cluster)."""
    from pyspark.sql import SparkSession

    from backcare.batch.spark import screen_spark

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need backcare too
    spark = SparkSession.builder.appName("backcare batch").getOrCreate()
    screened = screen_spark(spark.createDataFrame(frame.to_arrow()), kb).toArrow()
    return pl.DataFrame(pl.from_arrow(screened)).sort("row")
