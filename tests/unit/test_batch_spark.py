"""The Spark back end gives the Polars back end's screening, on a local Spark of two workers."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from backcare.batch.columns import conform, flat_row
from backcare.batch.compiler import PolarsEmitter, compile_condition
from backcare.batch.engine import screen
from backcare.batch.facts import facts
from backcare.batch.reading import ROW
from backcare.clinical.intake import parse_intake
from backcare.knowledge import load_knowledge
from backcare.knowledge.rule import facts_used, parse
from tests.registers import TODAY, register
from tests.unit.test_batch_engine import SET_TESTS, WITH_AND_WITHOUT

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 (.ci/run installs it)", allow_module_level=True)

from backcare.batch.spark import SparkEmitter, safe, screen_spark  # noqa: E402

KB = load_knowledge()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as env:
        # The workers are Python processes of this environment, importing this checkout.
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        session = (
            SparkSession.builder.master("local[2]")
            .appName("backcare-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        yield session
        session.stop()


def test_spark_screens_a_register_as_polars_does(spark: object) -> None:
    rows = [flat_row(parse_intake(d, today=TODAY)) for d in register(2_000, KB, seed=3)]
    frame = conform(pl.DataFrame(rows).with_row_index("client_id"))
    frame = frame.with_columns(pl.col("client_id").cast(pl.Int64))

    df = spark.createDataFrame(frame.to_arrow()).repartition(2)  # type: ignore[attr-defined]
    got = pl.from_arrow(screen_spark(df, KB).toArrow())

    assert isinstance(got, pl.DataFrame)
    assert got.sort("client_id").equals(screen(frame, KB))


def test_a_set_fact_with_nothing_in_it_tests_as_empty_on_spark_as_on_polars(spark: object) -> None:
    rows = conform(pl.DataFrame(WITH_AND_WITHOUT)).with_row_index(ROW)
    found, _ = facts(rows, KB)
    for raw in SET_TESTS:
        node = parse(raw, "test")
        (fact,) = facts_used(node)
        df = spark.createDataFrame(found.select(pl.col(fact).alias(safe(fact))).to_arrow())  # type: ignore[attr-defined]
        got = [row[0] for row in df.select(compile_condition(node, SparkEmitter())).collect()]
        assert got == found.select(compile_condition(node, PolarsEmitter())).to_series().to_list()
