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

from backcare.batch import facts as batch_facts
from backcare.batch import findings as batch_findings
from backcare.batch.columns import SCHEMA, conform, flat_from_intake, intake_from_flat
from backcare.batch.compiler import PolarsEmitter, compile_condition
from backcare.batch.facts import ROW
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge.contract import RED_FLAGS

__all__ = ["OUTPUT", "flat_from_intake", "intake_from_flat", "rule_flags", "screen"]

_TEXTS = pl.List(pl.String())
OUTPUT: dict[str, pl.DataType] = {
    "decision": pl.String(),
    "findings": _TEXTS,
    "max_pressure": pl.String(),
    "max_session_minutes": pl.Int64(),
    **dict.fromkeys(batch_findings.LISTS, _TEXTS),
    "chronicity": pl.String(),
    "unrecognised_conditions": _TEXTS,
    "unrecognised_medications": _TEXTS,
    "unanswered": _TEXTS,
}
"""The columns ``screen`` adds, in order, with their types."""


def rule_flags(kb: KnowledgeBase) -> list[pl.Expr]:
    """Each rule's condition as a boolean column over the facts (``_rule0``, ``_rule1``...)."""
    emit = PolarsEmitter()
    return [
        compile_condition(compiled.condition, emit).alias(batch_findings.flag_column(i))
        for i, compiled in enumerate(kb.rules)
    ]


def screen(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """The screening of every row of a register in the flat layout."""
    rows = conform(frame).with_row_index(ROW)
    fact_frame, conditions = batch_facts.facts(rows, kb)
    flagged = fact_frame.with_columns(rule_flags(kb))
    return finish(rows, flagged, conditions, kb)


def finish(
    rows: pl.DataFrame, flagged: pl.DataFrame, conditions: pl.DataFrame, kb: KnowledgeBase
) -> pl.DataFrame:
    """From the facts and rule flags of every row to the output columns (``OUTPUT``)."""
    medications = batch_facts.read_medications(rows, kb)
    found = batch_findings.findings(flagged, conditions, medications, kb)
    merged = batch_findings.merged(found, batch_findings.cleared(rows), kb)
    standard = kb.plan.standard_session.modifications
    pain = pl.col("pain")
    left_out = [
        pl.when(pain & pl.col(f"red_flags.{n}").is_null()).then(pl.lit(n)) for n in RED_FLAGS
    ]
    unanswered = pl.concat_str(left_out, separator=" ", ignore_nulls=True)
    kept = [ROW, "pain", "pain.chronicity", *(f"red_flags.{n}" for n in RED_FLAGS)]
    kept += ["_unrecognised_condition_texts", "_unrecognised_medication_texts"]
    ordered = flagged.select(kept).join(merged, on=ROW, how="left", maintain_order="left")
    result = ordered.select(
        ROW,
        pl.col("decision").fill_null(int(Decision.proceed)).replace_strict(
            {int(d): d.name for d in Decision}, return_dtype=pl.String
        ),
        pl.col("findings").fill_null([]),
        pl.col("max_pressure").fill_null(pl.lit(standard.max_pressure, pl.String)),
        pl.col("max_session_minutes").fill_null(pl.lit(standard.max_session_minutes, pl.Int64)),
        *batch_findings.with_standard(standard),
        pl.col("pain.chronicity").alias("chronicity"),
        pl.col("_unrecognised_condition_texts").alias("unrecognised_conditions"),
        pl.col("_unrecognised_medication_texts").alias("unrecognised_medications"),
        pl.when(unanswered == "").then(pl.lit([], _TEXTS)).otherwise(unanswered.str.split(" "))
        .alias("unanswered"),
    )  # fmt: skip
    extra = [name for name in rows.columns if name not in SCHEMA and name != ROW]
    # Both in the rows' order: set side by side.
    out = pl.concat([rows.select(extra), result.drop(ROW)], how="horizontal")
    return out.with_columns(pl.col(n).cast(t) for n, t in OUTPUT.items())
