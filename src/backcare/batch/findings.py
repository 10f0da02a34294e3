"""From facts and rule flags to each row's decision, findings and merged limits, vectorised.

The order and the merge are those of ``clinical.screening``: findings from conditions (in
the intake's order), then medication classes, then rules (in the knowledge base's order),
sorted most severe first, stably; the lowest pressure and the shortest session win, lists
unite in the findings' order after the standard session's.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from backcare.batch.facts import POS, ROW
from backcare.clinical.screening import CLEARABLE, CLEARED_NOTE
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m

LISTS = ("avoid_regions", "avoid_techniques", "positioning", "notes")
_TEXTS = pl.List(pl.String())


def flag_column(index: int) -> str:
    return f"_rule{index}"


def modifications_table(kb: KnowledgeBase) -> pl.DataFrame:
    """Every finding's rule id with its decision and its own modifications."""
    rows: list[dict[str, Any]] = []

    def add(rule: str, decision: str, mods: m.Modifications) -> None:
        rank = kb.pressure_rank(mods.max_pressure) if mods.max_pressure else None
        rows.append(
            {
                "rule": rule,
                "decision": int(Decision[decision]),
                "pressure_rank": rank,
                "minutes": mods.max_session_minutes,
                **{name: list(getattr(mods, name)) for name in LISTS},
            }
        )

    for condition, outcomes in kb.condition_outcomes.items():
        for status, outcome in outcomes.items():
            add(f"condition.{condition}.{status}", outcome.decision, outcome.modifications)
    for cls in kb.medications.values():
        add(f"medication.{cls.id}", cls.decision, cls.modifications)
    for compiled in kb.rules:
        add(compiled.rule.id, compiled.rule.decision, compiled.rule.modifications)
    schema: dict[str, pl.DataType] = {
        "rule": pl.String(),
        "decision": pl.Int8(),
        "pressure_rank": pl.Int64(),
        "minutes": pl.Int64(),
        **dict.fromkeys(LISTS, _TEXTS),
    }
    return pl.DataFrame(rows, schema=schema)


def findings(
    flagged: pl.DataFrame, conditions: pl.DataFrame, medications: pl.DataFrame, kb: KnowledgeBase
) -> pl.DataFrame:
    """One row per finding: the intake's row, where it sorts, its rule id and added regions."""
    from_conditions = conditions.filter(pl.col("rule").is_not_null()).select(
        ROW, pl.lit(0).alias("_from"), POS, "rule", pl.col("regions").alias("_regions")
    )
    classes = (
        medications.sort(ROW, POS)
        .select(ROW, pl.col("classes"))
        .explode("classes")
        .drop_nulls("classes")
        .unique([ROW, "classes"], keep="first", maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over(ROW).alias(POS))
    )
    from_medications = classes.select(
        ROW,
        pl.lit(1).alias("_from"),
        POS,
        ("medication." + pl.col("classes")).alias("rule"),
        pl.lit([], _TEXTS).alias("_regions"),
    )
    placed = [i for i, c in enumerate(kb.rules) if c.rule.avoid_regions_from]
    plain = {flag_column(i): i for i in range(len(kb.rules)) if i not in placed}
    ids = {i: compiled.rule.id for i, compiled in enumerate(kb.rules)}
    from_plain = (
        flagged.select(ROW, *plain)
        .unpivot(index=ROW, variable_name="_flag")
        .filter(pl.col("value"))
        .select(
            ROW,
            pl.lit(2).alias("_from"),
            pl.col("_flag").replace_strict(plain, return_dtype=pl.Int64).alias(POS),
            pl.col("_flag").replace_strict(plain).replace_strict(ids).alias("rule"),
            pl.lit([], _TEXTS).alias("_regions"),
        )
    )
    from_placed = [
        flagged.select(ROW, flag_column(i), *kb.rules[i].rule.avoid_regions_from)
        .filter(pl.col(flag_column(i)))
        .select(
            ROW,
            pl.lit(2).alias("_from"),
            pl.lit(i, pl.Int64).alias(POS),
            pl.lit(ids[i]).alias("rule"),
            _regions_from(kb.rules[i].rule.avoid_regions_from),
        )
        for i in placed
    ]
    from_rules = [from_plain, *from_placed]
    parts = [from_conditions, from_medications, *from_rules]
    schema = {ROW: pl.UInt32, "_from": pl.Int32, POS: pl.Int64, "rule": pl.String}
    return pl.concat(
        [part.with_columns(pl.col(n).cast(t) for n, t in schema.items()) for part in parts]
    )


def _regions_from(facts: list[str]) -> pl.Expr:
    if not facts:
        return pl.lit([], _TEXTS).alias("_regions")
    return pl.concat_list([pl.col(f).list.unique().list.sort() for f in facts]).alias("_regions")


_BEFORE, _AFTER = CLEARED_NOTE.split("{}")


def cleared(frame: pl.DataFrame) -> pl.DataFrame:
    """Per row and rule, the note of the written clearance recorded for it (the last one)."""
    entries = frame.select(ROW, pl.col("clearances").alias("text")).explode("text")
    parts = pl.col("text").str.split("|")
    return (
        entries.drop_nulls("text")
        .select(
            ROW,
            parts.list.get(0).str.strip_chars().alias("rule"),
            (
                _BEFORE + parts.list.get(2, null_on_oob=True).str.strip_chars() + ", "
                + parts.list.get(1, null_on_oob=True).str.strip_chars() + _AFTER
            ).alias("_cleared"),
        )
        .unique([ROW, "rule"], keep="last", maintain_order=True)
    )  # fmt: skip


_CLEARABLE = [int(decision) for decision in CLEARABLE]


# Between the items of a limit's list written as one text: a control character, which no
# valid entry holds (``clinical.text``).
_SEP = "\x1f"


def merged(found: pl.DataFrame, clear: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """Per row with a finding: decision, findings in order and the limits they add up to (the
    list limits as text, their items separated by ``_SEP``: ``with_standard`` splits them)."""
    table = _table(kb)
    done = pl.col("_cleared").is_not_null() & pl.col("decision").is_in(_CLEARABLE)
    # Sorted while narrow; the lists, as texts, are joined on after.
    rows = (
        found.join(
            table.select("rule", "decision", "pressure_rank", "minutes"), on="rule", how="left"
        )
        .join(clear, on=[ROW, "rule"], how="left")
        .with_columns(
            done.alias("_done"),
            pl.when(done).then(int(Decision.modify)).otherwise("decision").alias("decision"),
            pl.col("_regions").list.join(_SEP),
        )
        .sort(_order())
        .join(
            table.select("rule", *(pl.col(n).list.join(_SEP) for n in LISTS)),
            on="rule",
            how="left",
            maintain_order="left",
        )
    )
    cleared_note = pl.when("_done").then("_cleared").otherwise(pl.lit(""))
    standard = kb.plan.standard_session.modifications
    minutes = pl.col("minutes").min()
    if standard.max_session_minutes:
        minutes = pl.min_horizontal(minutes, pl.lit(standard.max_session_minutes))
    return (
        rows.with_columns(
            pl.concat_str(["avoid_regions", "_regions"], separator=_SEP).alias("avoid_regions"),
            pl.concat_str(["notes", cleared_note], separator=_SEP).alias("notes"),
        )
        .group_by(ROW, maintain_order=True)
        .agg(
            pl.col("decision").max(),
            pl.col("rule").alias("findings"),
            _gentlest(kb, standard.max_pressure),
            minutes.alias("max_session_minutes"),
            *LISTS,
        )
        .with_columns(pl.col(name).list.join(_SEP) for name in LISTS)
    )


class _Tables:
    """``modifications_table`` of the knowledge base last asked for, made once."""

    def __init__(self) -> None:
        self.kb: KnowledgeBase | None = None
        self.table = pl.DataFrame()

    def __call__(self, kb: KnowledgeBase) -> pl.DataFrame:
        if self.kb is not kb:
            self.kb, self.table = kb, modifications_table(kb)
        return self.table


_table = _Tables()


def with_standard(standard: m.Modifications) -> list[pl.Expr]:
    """Each list limit after the standard session's own, every item once."""
    return [
        (pl.lit(_SEP.join(getattr(standard, name)) + _SEP) + pl.col(name).fill_null(""))
        .str.split(_SEP)
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique(maintain_order=True)
        .alias(name)
        for name in LISTS
    ]


def _order() -> pl.Expr:
    """Row, then most severe first, then where the finding comes from and its place, as one
    key (places are bounded by the intake's list limits, far below 2**16)."""
    severity = int(max(Decision)) - pl.col("decision").cast(pl.Int64)
    return (
        (pl.col(ROW).cast(pl.Int64) * 2**24)
        + severity * 2**20
        + pl.col("_from").cast(pl.Int64) * 2**16
        + pl.col(POS)
    )


def _gentlest(kb: KnowledgeBase, standard: str | None) -> pl.Expr:
    ranks = {level.rank: name for name, level in kb.pressure.items()}
    lowest = pl.col("pressure_rank").min()
    if standard:
        lowest = pl.min_horizontal(lowest, pl.lit(kb.pressure_rank(standard)))
    return lowest.replace_strict(ranks, default=None, return_dtype=pl.String).alias("max_pressure")
