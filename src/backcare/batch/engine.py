"""Screening a whole register at once: the knowledge base's rules as Polars expressions.

``screen(frame, kb)`` takes rows of the flat layout (``batch.columns``, docs/batch.md) and
returns, per row: the decision, the finding rule ids (most severe first), the merged limits,
the names not recognised and the red-flag questions left unanswered; it gives the same
screening as ``assess`` row by row (tests/unit/test_batch_engine.py proves it on generated
intakes). Rows are expected to be valid intakes (``parse_intake(intake_from_flat(row))``).
Columns outside the layout (a row id) pass through.
"""

from __future__ import annotations

import polars as pl

from backcare.batch import columnar
from backcare.batch import facts as batch_facts
from backcare.batch import findings as batch_findings
from backcare.batch.codes import LISTS
from backcare.batch.columns import SCHEMA, conform, flat_from_intake, intake_from_flat
from backcare.batch.compiler import PolarsEmitter, compile_condition
from backcare.batch.reading import ROW
from backcare.clinical.once import per_knowledge
from backcare.knowledge import KnowledgeBase
from backcare.knowledge.contract import RED_FLAGS

__all__ = ["CATEGORICAL", "OUTPUT", "flat_from_intake", "intake_from_flat", "rule_flags", "screen"]

_TEXTS = pl.List(pl.String())
OUTPUT: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "findings": _TEXTS,
    "max_pressure": pl.String(),
    "max_session_minutes": pl.Int64(),
    **dict.fromkeys(LISTS, _TEXTS),
    "chronicity": pl.String(),
    "unrecognised_conditions": _TEXTS,
    "unrecognised_medications": _TEXTS,
    "unanswered": _TEXTS,
}
"""The columns ``screen`` adds, in order, with their types."""

CATEGORICAL: dict[str, pl.DataType] = {
    name: pl.List(pl.Categorical())
    if isinstance(dtype, pl.List)
    else pl.Categorical()
    if dtype == pl.String()
    else dtype
    for name, dtype in OUTPUT.items()
}
"""The same columns with their texts as categories, as ``screen(..., categorical=True)`` gives
them: the engine's own form, written to Parquet as dictionary pages with no texts to hash."""


def rule_flags(kb: KnowledgeBase) -> list[pl.Expr]:
    """Each rule's condition as a boolean column over the facts (``_rule0``, ``_rule1``...),
    compiled once per knowledge base."""
    return per_knowledge(kb, _compiled_flags)


def _compiled_flags(kb: KnowledgeBase) -> list[pl.Expr]:
    emit = PolarsEmitter()
    return [
        compile_condition(compiled.condition, emit).alias(batch_findings.flag_column(i))
        for i, compiled in enumerate(kb.rules)
    ]


def screen(frame: pl.DataFrame, kb: KnowledgeBase, *, categorical: bool = False) -> pl.DataFrame:
    """The screening of every row of a register in the flat layout; with ``categorical``, its
    texts as categories (``CATEGORICAL``), which is quicker to write to a file."""
    rows = conform(frame).with_row_index(ROW)
    fact_frame, conditions = batch_facts.facts(rows, kb)
    # Lazily, so that a test several rules share is worked out once.
    flagged = fact_frame.lazy().with_columns(rule_flags(kb)).collect()
    return finish(rows, flagged, conditions, kb, categorical=categorical)


def finish(
    rows: pl.DataFrame,
    flagged: pl.DataFrame,
    conditions: pl.DataFrame,
    kb: KnowledgeBase,
    *,
    categorical: bool = False,
) -> pl.DataFrame:
    """From the facts and rule flags of every row to the output columns (``OUTPUT``, or
    ``CATEGORICAL`` with ``categorical``)."""
    found = batch_findings.findings(flagged, conditions, kb)
    merged = batch_findings.merged(found, batch_findings.cleared(rows, kb), kb)
    facts = flagged.select(
        pl.col("pain.chronicity").alias("chronicity"),
        pl.col("_unrecognised_condition_texts").alias("unrecognised_conditions"),
        pl.col("_unrecognised_medication_texts").alias("unrecognised_medications"),
    ).with_columns(_unanswered(flagged))
    extra = [name for name in rows.columns if name not in SCHEMA and name != ROW]
    # All in the rows' order: set side by side.
    out = pl.concat([rows.select(extra), merged.drop(ROW), facts], how="horizontal")
    types = CATEGORICAL if categorical else OUTPUT
    return out.with_columns(pl.col(n).cast(t) for n, t in types.items())


def _unanswered(flagged: pl.DataFrame) -> pl.Series:
    """The red-flag questions left out of each intake with pain, in the contract's order: which
    are left out, as the bits of one number, picks the list from those of the numbers found."""
    left_out = [
        pl.col(f"red_flags.{name}").is_null().cast(pl.Int64) * 2**i
        for i, name in enumerate(RED_FLAGS)
    ]
    bits = flagged.select(pl.when("pain").then(pl.sum_horizontal(left_out)).otherwise(0))
    found = bits.to_series().unique().sort()
    lists = [[n for i, n in enumerate(RED_FLAGS) if every >> i & 1] for every in found]
    at = found.search_sorted(bits.to_series())
    return columnar.column("unanswered", lists, _TEXTS).gather(at)
