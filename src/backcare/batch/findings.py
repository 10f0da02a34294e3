"""From facts and rule flags to each row's decision, findings and merged limits, vectorised.

The order and the merge are those of ``clinical.screening``: findings from conditions (in
the intake's order), then medication classes, then rules (in the knowledge base's order),
sorted most severe first, stably; the lowest pressure and the shortest session win, lists
unite in the findings' order after the standard session's. Findings are carried as codes
(``batch.codes``) and read back into rule ids and limits once sorted.
"""

from __future__ import annotations

import polars as pl

from backcare.batch.codes import CODE, LISTS, Codes, codes_of
from backcare.batch.facts import POS
from backcare.batch.reading import ROW
from backcare.clinical.screening import CLEARABLE, CLEARED_NOTE
from backcare.knowledge import Decision, KnowledgeBase

_TEXTS = pl.List(pl.String())
_PLACE = "_place"
_FROM_CONDITIONS, _FROM_MEDICATIONS, _FROM_RULES = 0, 1, 2


def flag_column(index: int) -> str:
    return f"_rule{index}"


def findings(flagged: pl.DataFrame, conditions: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """One row per finding, and one per intake for the standard session it starts from: the
    intake's row, where the finding comes from and its place there (``_place``), its code and
    the regions it adds to the rule's own (null when none)."""
    codes = codes_of(kb)
    standard = flagged.select(
        ROW, _place(-1, pl.lit(0)), pl.lit(codes.standard, CODE).alias("code"), _no_regions()
    )
    from_conditions = conditions.filter(pl.col("code").is_not_null()).select(
        ROW, _place(_FROM_CONDITIONS, pl.col(POS)), "code", pl.col("regions").alias("_regions")
    )
    medications = _from_medications(flagged, codes)
    parts = [standard, from_conditions, medications, *_from_rules(flagged, kb)]
    schema: dict[str, pl.DataType] = {
        ROW: pl.UInt32(),
        _PLACE: pl.Int64(),
        "code": CODE,
        "_regions": _TEXTS,
    }
    return pl.concat(
        [part.with_columns(pl.col(n).cast(t) for n, t in schema.items()) for part in parts]
    )


def _place(source: int, position: pl.Expr) -> pl.Expr:
    """Where a finding sorts among those of the same decision: by where it comes from, then by
    its position there (positions are bounded by the intake's list limits, far below 2**16);
    the standard session (``source`` -1) before all."""
    return ((source + 1) * 2**16 + position.cast(pl.Int64)).alias(_PLACE)


def _no_regions() -> pl.Expr:
    return pl.lit(None, _TEXTS).alias("_regions")


def _from_medications(flagged: pl.DataFrame, codes: Codes) -> pl.DataFrame:
    """The findings of each row's medication classes (already each once, in order)."""
    classes = (
        flagged.select(ROW, pl.col("medication_classes").alias("class"))
        .with_columns(pl.int_ranges(pl.col("class").list.len()).alias(POS))
        .explode("class", POS)
        .drop_nulls("class")
    )
    return classes.select(
        ROW,
        _place(_FROM_MEDICATIONS, pl.col(POS)),
        codes.codes("medication." + pl.col("class")).alias("code"),
        _no_regions(),
    )


def _from_rules(flagged: pl.DataFrame, kb: KnowledgeBase) -> list[pl.DataFrame]:
    """The findings of the rules that hold: one frame for the rules with nothing to add, one
    for those that keep away from where a fact is (``avoid_regions_from``), whose regions are
    read from those facts."""
    codes = codes_of(kb)
    rows = flagged.get_column(ROW)
    plain: list[tuple[int, pl.Series]] = []
    placed: list[pl.DataFrame] = []
    regions: list[pl.DataFrame] = []
    for i, compiled in enumerate(kb.rules):
        held = flagged.get_column(flag_column(i)).arg_true()
        facts = compiled.rule.avoid_regions_from
        if not facts:
            plain.append((i, rows.gather(held)))
            continue
        found = flagged.select(ROW, *facts)[held]
        first = sum(frame.height for frame in placed)
        regions += [_regions_of(found, fact, first, k) for k, fact in enumerate(facts)]
        placed.append(
            found.select(
                ROW,
                _place(_FROM_RULES, pl.lit(i)),
                pl.lit(codes.of[compiled.rule.id], CODE).alias("code"),
            )
        )
    counts = [len(held) for _, held in plain]
    positions = pl.Series([i for i, _ in plain], dtype=pl.Int64)
    ids = pl.Series([codes.of[kb.rules[i].rule.id] for i, _ in plain], dtype=CODE)
    every = pl.DataFrame(
        {
            ROW: pl.concat([held for _, held in plain]),
            "_position": _repeated(positions, counts),
            "code": _repeated(ids, counts),
        }
    )
    parts = [every.select(ROW, _place(_FROM_RULES, pl.col("_position")), "code", _no_regions())]
    if placed:
        parts.append(pl.concat(placed).with_columns(_sorted(pl.concat(regions))))
    return parts


def _repeated(values: pl.Series, counts: list[int]) -> pl.Series:
    """Each value ``count`` times, in order."""
    each = pl.Series(range(len(counts)), dtype=pl.UInt32).repeat_by(
        pl.Series(counts, dtype=pl.UInt32)
    )
    return values.gather(each.explode(empty_as_null=False))


def _regions_of(found: pl.DataFrame, fact: str, first: int, k: int) -> pl.DataFrame:
    """The items of set ``fact`` in each row of ``found``, one a row (null for none), with the
    finding's number (``first`` for the first row) and the fact's place ``k`` among its rule's."""
    return found.select(
        (pl.int_range(pl.len(), dtype=pl.UInt32) + first).alias("_each"),
        pl.lit(k, pl.UInt8).alias("_fact"),
        pl.col(fact).alias("_regions"),
    ).explode("_regions", empty_as_null=True, keep_nulls=True)


def _sorted(regions: pl.DataFrame) -> pl.Series:
    """Each finding's regions (``_regions_of``), each fact's sorted, one fact after the other
    (a set fact holds each item once). Sorted as one column, by finding, fact and region, for
    every rule at once: sorting each list on its own takes several times as long."""
    ordered = regions.sort("_each", "_fact", "_regions")
    grouped = ordered.group_by("_each", maintain_order=True).agg(pl.col("_regions").drop_nulls())
    return grouped.get_column("_regions")


_BEFORE, _AFTER = CLEARED_NOTE.split("{}")


def cleared(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """Per row and finding's code, the note of the written clearance recorded for it (the last
    one); a clearance of a rule the knowledge base does not have clears nothing."""
    entries = frame.select(ROW, pl.col("clearances").alias("text")).explode("text")
    parts = pl.col("text").str.split("|")
    return (
        entries.drop_nulls("text")
        .select(
            ROW,
            codes_of(kb).codes(parts.list.get(0).str.strip_chars()).alias("code"),
            (
                _BEFORE + parts.list.get(2, null_on_oob=True).str.strip_chars() + ", "
                + parts.list.get(1, null_on_oob=True).str.strip_chars() + _AFTER
            ).alias("_cleared"),
        )
        .drop_nulls("code")
        .unique([ROW, "code"], keep="last", maintain_order=True)
    )  # fmt: skip


_CLEARABLE = [int(decision) for decision in CLEARABLE]


def merged(found: pl.DataFrame, clear: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """Per row, in the rows' order: the decision, the findings' rule ids in order and the
    limits they add up to with the standard session's."""
    codes = codes_of(kb)
    code = pl.col("code")
    rows = _decided(found, clear, codes).with_columns(_order().alias(_KEY))
    ordered, added = _with_additions(rows, clear, codes)
    listed = [
        codes.column(name, code, added[name], pl.col(f"_added_{name}")).alias(name)
        if name in added
        else codes.column(name, code).alias(name)
        for name in LISTS
    ]
    # One lazy query: the lists are read out of the codes, united per row and each item kept
    # once in one pass, a fifth quicker than eagerly.
    grouped = (
        ordered.lazy()
        .with_columns(
            codes.column("rule", code).alias("findings"),
            codes.column("pressure_rank", code).alias("pressure_rank"),
            codes.column("minutes", code).alias("minutes"),
            *listed,
        )
        .set_sorted(ROW)
        .group_by(ROW, maintain_order=True)
        .agg(
            pl.col("decision").max(),
            pl.col("findings").drop_nulls(),
            pl.col("pressure_rank").min(),
            pl.col("minutes").min(),
            *(pl.col(name).explode().unique(maintain_order=True) for name in LISTS),
        )
    )
    return grouped.select(
        ROW,
        pl.col("decision").replace_strict(
            {int(d): d.name for d in Decision}, return_dtype=pl.Categorical()
        ),
        "findings",
        pl.col("pressure_rank")
        .replace_strict(codes.pressure, default=None, return_dtype=pl.Categorical())
        .alias("max_pressure"),
        pl.col("minutes").alias("max_session_minutes"),
        *LISTS,
    ).collect()


def _decided(found: pl.DataFrame, clear: pl.DataFrame, codes: Codes) -> pl.DataFrame:
    """The findings with their decisions; a cleared one (``_done``) goes ahead with limits."""
    code = pl.col("code")
    rows = found.with_columns(codes.column("decision", code).alias("decision"))
    if not clear.height:
        return rows.with_columns(pl.lit(False).alias("_done"))
    # The clearances are few: found by one key of row and code, their notes joined after.
    pair = pl.col(ROW).cast(pl.Int64) * 2**16 + code
    done = pair.is_in(clear.select(pair).to_series().implode())
    done = done & pl.col("decision").is_in(_CLEARABLE)
    return rows.with_columns(
        pl.when(done).then(int(Decision.modify)).otherwise("decision").alias("decision"),
        done.alias("_done"),
    )


def _with_additions(
    rows: pl.DataFrame, clear: pl.DataFrame, codes: Codes
) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The findings sorted (``_KEY``), each followed by what it adds to its rule's own lists
    (regions, a clearance's note): one more row, of no rule, whose list is the item of the
    list returned under the limit's name at ``_added_NAME``."""
    regions = rows.filter(pl.col("_regions").list.len() > 0)
    notes = rows.filter("_done").join(clear, on=[ROW, "code"], how="left", maintain_order="left")
    added = {
        "avoid_regions": regions.get_column("_regions"),
        "notes": notes.select(pl.concat_list("_cleared")).to_series(),
    }
    extra = [
        part.select(
            ROW,
            (pl.col(_KEY) + 1).alias(_KEY),
            pl.lit(codes.none, CODE).alias("code"),
            pl.lit(None, pl.Int8).alias("decision"),
            pl.int_range(pl.len(), dtype=pl.UInt32).alias(f"_added_{name}"),
        )
        for name, part in (("avoid_regions", regions), ("notes", notes))
    ]
    narrow = rows.select(ROW, _KEY, "code", "decision")
    return pl.concat([narrow, *extra], how="diagonal").sort(_KEY), added


_KEY = "_key"


def _order() -> pl.Expr:
    """Row, then most severe first (the standard session before all), then the finding's place
    within its decision, as one key; even, so that what a finding adds sorts just after it."""
    severity = int(max(Decision)) - pl.col("decision").cast(pl.Int64)
    first = pl.col(_PLACE) < 2**16
    return (
        (pl.col(ROW).cast(pl.Int64) * 2**24)
        + pl.when(first).then(0).otherwise((severity + 1) * 2**19)
        + pl.col(_PLACE) * 2
    )
