"""The batch engine on a Spark cluster (``pip install backcare[spark]``; Java 17).

The rules are the same compiled conditions (``batch.compiler``) written by a Spark emitter as
Column expressions, evaluated by Spark over the fact columns. Reading the facts of each row and
merging its findings are the Polars steps of ``batch.engine``, run on the workers over each
Arrow batch of a partition, so no logic is written twice.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from functools import reduce
from typing import Any

import polars as pl
import pyarrow as pa
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.pandas.types import to_arrow_schema

from backcare.batch import facts as batch_facts
from backcare.batch import findings as batch_findings
from backcare.batch.columns import SCHEMA, conform
from backcare.batch.compiler import COMPARE, compile_condition
from backcare.batch.engine import OUTPUT, finish
from backcare.batch.reading import ROW
from backcare.knowledge import KnowledgeBase


class SparkEmitter:
    """Spark Column expressions; a test on a null fact is false."""

    def test(self, fact: str, op: str, value: Any) -> Column:
        column = F.col(safe(fact))
        if op == "has":
            found = F.array_contains(column, value)
        elif op == "has_any":
            found = F.arrays_overlap(column, F.array(*(F.lit(v) for v in sorted(value))))
        elif op == "empty":  # a set of none is null
            found = (F.coalesce(F.size(column), F.lit(0)) <= 0) == F.lit(value)
        elif op == "in":
            found = column.isin(sorted(value))
        else:
            found = COMPARE[op](column, F.lit(value))
        return F.coalesce(found, F.lit(False))

    def every(self, parts: Sequence[Column]) -> Column:
        return reduce(operator.and_, parts)

    def some(self, parts: Sequence[Column]) -> Column:
        return reduce(operator.or_, parts)

    def negate(self, part: Column) -> Column:
        return ~part

    def at_least(self, count: int, parts: Sequence[Column]) -> Column:
        counted = [F.when(part, 1).otherwise(0) for part in parts]
        return reduce(operator.add, counted) >= count


def screen_spark(df: DataFrame, kb: KnowledgeBase) -> DataFrame:
    """The screening of every row of a Spark DataFrame in the flat layout (``batch.columns``)."""
    flat = [name for name in df.columns if name in SCHEMA]
    extra = [name for name in df.columns if name not in SCHEMA]
    carried = [*flat, *extra]
    kept = {name: f"_in__{name}" for name in carried}
    facts_schema = _facts_schema(kb, df.select(*carried).schema, kept)

    def read_facts(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows = conform(pl.from_arrow(batch)).with_row_index(ROW)  # type: ignore[arg-type]
            found, _ = batch_facts.facts(rows, kb)
            found = found.rename({name: safe(name) for name in found.columns})
            out = rows.select(ROW, *carried).rename(kept).join(found, on=ROW).drop(ROW)
            yield from _to_arrow(out, facts_schema).to_batches()

    dotted = {safe(name): name for name in _fact_types(kb)}
    emit = SparkEmitter()
    flagged = (
        df.select(*(F.col(f"`{n}`") for n in carried))
        .mapInArrow(read_facts, facts_schema)
        .select(
            "*",
            *(
                compile_condition(c.condition, emit).alias(batch_findings.flag_column(i))
                for i, c in enumerate(kb.rules)
            ),
        )
    )
    out_schema = T.StructType(
        [*(df.schema[name] for name in extra), *(_field(n, t) for n, t in OUTPUT.items())]
    )

    def screened(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            given = frame.select(kept.values()).rename({v: k for k, v in kept.items()})
            rows = conform(given).with_row_index(ROW)
            facts = frame.drop(kept.values()).rename(dotted).with_row_index(ROW)
            out = finish(rows, facts, batch_facts.read_conditions(rows, kb), kb)
            yield from _to_arrow(out, out_schema).to_batches()

    return flagged.mapInArrow(screened, out_schema)


def safe(name: str) -> str:
    """A fact's column name as Spark takes it unquoted: ``pain.regions`` is ``pain__regions``."""
    return name.replace(".", "__")


def _facts_schema(kb: KnowledgeBase, carried: T.StructType, kept: dict[str, str]) -> T.StructType:
    """The columns of the facts step: the flat columns carried (renamed), then every fact."""
    facts = [_field(safe(n), dtype) for n, dtype in _fact_types(kb).items()]
    given = [T.StructField(kept[f.name], f.dataType) for f in carried.fields]
    return T.StructType([*given, *facts])


def _fact_types(kb: KnowledgeBase) -> dict[str, pl.DataType]:
    """Every fact column the facts step makes, with its type (from a register of no rows)."""
    found, _ = batch_facts.facts(pl.DataFrame(schema=SCHEMA).with_row_index(ROW), kb)
    return {name: dtype for name, dtype in found.schema.items() if name != ROW}


_TYPES: dict[Any, T.DataType] = {
    pl.String: T.StringType(),
    pl.Int64: T.LongType(),
    pl.Int32: T.IntegerType(),
    pl.Float64: T.DoubleType(),
    pl.Boolean: T.BooleanType(),
    pl.Date: T.DateType(),
}


def _field(name: str, dtype: pl.DataType) -> T.StructField:
    if isinstance(dtype, pl.List):
        return T.StructField(name, T.ArrayType(_TYPES[dtype.inner.base_type()]))
    return T.StructField(name, _TYPES[dtype.base_type()])


def _to_arrow(frame: pl.DataFrame, schema: T.StructType) -> pa.Table:
    arrow = to_arrow_schema(schema)
    table = frame.select(schema.names).to_arrow()
    return table.cast(arrow)
