"""From a frame of the flat layout to a frame of facts (``knowledge.rule.FACTS``), vectorised.

Entries that the knowledge base must read (condition names, medicine lines, procedures, skin
findings, clearances) repeat across a register: each distinct text is read once per run
(``batch.reading``), by the same core functions ``assess`` uses, and the readings are joined
back to the rows.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import polars as pl
from pydantic import ValidationError

from backcare.batch import columnar
from backcare.batch.codes import CODE, codes_of
from backcare.batch.columns import (
    RED_FLAG_COLUMNS,
    has_pain,
    procedure_entry,
    skin_entry,
    split_entry,
)
from backcare.batch.reading import ROW, read_all_once, read_by_parts, read_once, refuse
from backcare.clinical.facts import EXPLAINING, KnownCondition, is_unplaced, status_of
from backcare.clinical.intake import ConditionEntry, Procedure, SkinFinding
from backcare.clinical.once import per_knowledge
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge.contract import PROCEDURE_KINDS, SHORTHANDS, SKIN_FINDINGS, STATUSES

POS = "_pos"
_TEXTS = pl.List(pl.String())


def united(lists: pl.Expr) -> pl.Expr:
    """In a group, every item of the group's lists once, in order of first appearance."""
    return pooled(lists).unique(maintain_order=True)


def pooled(lists: pl.Expr) -> pl.Expr:
    """In a group, every item of the group's lists, an item perhaps twice: enough for a set
    fact, which every test and every limit reads as a set (keeping each item once took half
    the time of the group)."""
    return lists.list.explode(keep_nulls=False, empty_as_null=False)


def exploded(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """One row per entry of a list column: the intake's row, the entry's place, its text."""
    return (
        frame.select(ROW, pl.col(column).alias("text"))
        .with_columns(pl.int_ranges(pl.col("text").list.len()).alias(POS))
        .explode("text", POS)
        .drop_nulls("text")
    )


_DEFAULT_STATUS = ConditionEntry.model_fields["status"].default
_NAME = {"name": pl.String, "condition": pl.String, "valid": pl.Boolean}
# What a condition comes to depends on the condition read, its status (``active`` when left
# out), whether regions were given and whether the status was written.
_CASE = ["condition", "_status", "_placed", "_written"]
_OUTCOME = {
    "status": pl.String,
    "code": CODE,
    "decision": pl.Int8,
    "local": pl.Boolean,
    "usual": _TEXTS,
    "explains": pl.Boolean,
    "unplaced": pl.Boolean,
}


def read_conditions(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """Every condition entry: the condition read, its finding's code, decision and regions (null
    when it adds none), each distinct entry read once per run."""
    entries = exploded(frame, "conditions")
    read = partial(_condition_readings, entries, kb)
    return read_all_once(entries, read, "conditions", kb).drop("text")


def _condition_readings(entries: pl.DataFrame, kb: KnowledgeBase, texts: pl.Series) -> pl.DataFrame:
    """The readings of distinct condition entries. The knowledge base reads each distinct name
    once, whatever its status and regions; what a condition comes to is worked out once per
    status and whether regions were given; the regions are kept as written."""
    text = pl.col("text")
    parts = text.str.splitn("@", 2)
    region = pl.element().str.strip_chars()
    at = parts.struct.field("field_1").str.split(",").list.eval(region.filter(region != ""))
    split = texts.to_frame("text").with_columns(
        parts.struct.field("field_0").alias("_head"), at.alias("_given")
    )
    head = pl.col("_head")
    colon = head.str.contains(":", literal=True)
    status = head.str.extract(r":([^:]*)$", 1)
    # The name before the last colon and the status after it, as ``split_entry`` splits them.
    split = split.select(
        pl.col("text").alias("_entry"),
        "_head",
        regions(split, "_given"),
        pl.when(colon).then(head.str.replace(r":[^:]*$", "")).otherwise(head).alias("text"),
        pl.when(colon).then(status).is_not_null().alias("_written"),
        # A status left out, or written empty, reads as the contract's default.
        pl.when(colon & (status != ""))
        .then(status)
        .otherwise(pl.lit(_DEFAULT_STATUS))
        .alias("_status"),
    )
    # Names are only checked here (``valid``); an entry is refused below, in the words of the
    # whole entry.
    named = read_once(split, partial(_read_name, kb), _NAME, "condition names", kb)
    cases = named.with_columns((pl.col("_given").list.len() > 0).fill_null(False).alias("_placed"))
    _refuse_invalid(cases, entries)
    readings = cases.join(_outcomes(cases, kb), on=_CASE, how="left", maintain_order="left")
    where = pl.coalesce("usual", "_given")  # null: no regions
    return readings.select(
        pl.col("_entry").alias("text"),
        "name",
        "condition",
        *(name for name in _OUTCOME if name not in ("usual", "local")),
        pl.when("local").then(where).alias("regions"),
    )


def _read_name(kb: KnowledgeBase, text: str) -> dict[str, Any]:
    """A condition entry's name, checked as the contract checks it, and the condition read."""
    name = text.strip()
    try:
        ConditionEntry.model_validate({"id": name})
    except ValidationError:
        return {"name": name, "valid": False}
    return {"name": name, "condition": kb.read_condition(name).condition, "valid": True}


def _refuse_invalid(cases: pl.DataFrame, entries: pl.DataFrame) -> None:
    """Raise ``InvalidIntake`` for the first entry whose name or status the contract refuses,
    naming the entry's name and status (and ``@placed`` for regions given)."""
    statuses = cases.get_column("_status").unique().to_list()
    allowed = [status for status in statuses if _valid_status(status)]
    bad = cases.filter(~pl.col("valid") | ~pl.col("_status").is_in(allowed))
    if not bad.height:
        return
    first = entries.filter(pl.col("text").is_in(bad.get_column("_entry").implode()))
    row, entry = first.row(0, named=True)[ROW], first.item(0, "text")
    case = bad.row(by_predicate=pl.col("_entry") == entry, named=True)
    name, status, _ = split_entry(case["_head"])
    try:
        ConditionEntry.model_validate({"id": name, **({"status": status} if status else {})})
    except ValidationError as error:
        refuse(row, "conditions", case["_head"] + ("@placed" if case["_placed"] else ""), error)


def _valid_status(status: str) -> bool:
    try:
        ConditionEntry.model_validate({"id": "x", "status": status})
    except ValidationError:
        return False
    return True


def _outcomes(cases: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """What each distinct case of a condition read comes to (``_OUTCOME``), each worked out
    once per knowledge base."""
    kept = per_knowledge(kb, _no_outcomes)
    distinct = cases.select(_CASE).filter(pl.col("condition").is_not_null()).unique()
    rows = distinct.rows()
    for case in rows:
        if case not in kept:
            kept[case] = _outcome(case, kb)
    table = {name: [kept[case][name] for case in rows] for name in _OUTCOME}
    return pl.concat([distinct, columnar.frame(table, _OUTCOME)], how="horizontal")


def _no_outcomes(_: KnowledgeBase) -> dict[tuple[str, str, bool, bool], dict[str, Any]]:
    return {}


def _outcome(case: tuple[str, str, bool, bool], kb: KnowledgeBase) -> dict[str, Any]:
    """What a condition read, with its status, whether placed and whether its status was
    written, comes to."""
    found, status, placed, given = case
    known = KnownCondition(found, status, ("placed",) if placed else (), given)
    condition, read_as = kb.conditions[found], status_of(known, kb)
    decision = Decision[kb.condition_outcomes[found][read_as].decision]
    unplaced = is_unplaced(known, kb)
    return {
        "status": status,
        "code": codes_of(kb).of[f"condition.{found}.{read_as}"],
        "decision": int(decision),
        "local": condition.local and decision >= Decision.modify,
        "usual": condition.usual_regions if unplaced else None,
        "explains": status in EXPLAINING and condition.explains_pain,
        "unplaced": unplaced and not condition.usual_regions,
    }


def read_medications(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    """Every medicine line with the classes read in it (empty when not recognised)."""

    def read(text: str) -> dict[str, Any]:
        reading = kb.read_medication(text)
        return {"classes": list(reading.classes), "unrecognised": reading.how == "unrecognised"}

    return read_once(
        exploded(frame, "medications"),
        read,
        {"classes": _TEXTS, "unrecognised": pl.Boolean},
        "medications",
        kb,
    )


def _read_procedure(text: str) -> dict[str, Any]:
    procedure = Procedure.model_validate(procedure_entry(text))
    return {"kind": procedure.kind, "date": procedure.date, "regions": list(procedure.region)}


def _read_skin(text: str) -> dict[str, Any]:
    skin = SkinFinding.model_validate(skin_entry(text))
    return {"finding": skin.finding, "regions": list(skin.region)}


def facts(frame: pl.DataFrame, kb: KnowledgeBase) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The facts of every row (column ``_row`` keys them), and the condition entries read."""
    conditions = read_conditions(frame, kb)
    medications = read_medications(frame, kb)
    by_row = frame.select(ROW)
    parts = [
        _condition_facts(conditions),
        _medication_facts(medications),
        _procedure_facts(frame, kb),
        _skin_facts(frame, kb),
    ]
    # Joined one at a time, eagerly: the same joins chained in one lazy query take ten times
    # as long.
    for part in parts:
        by_row = by_row.join(part, on=ROW, how="left", maintain_order="left")
    # In the frame's order, so set beside it rather than joined to it (no copy of the frame).
    joined = pl.concat([frame.drop("conditions"), by_row.drop(ROW)], how="horizontal")
    return joined.select(ROW, *_row_facts(frame, kb)), conditions


def _row_facts(frame: pl.DataFrame, kb: KnowledgeBase) -> list[pl.Expr]:
    pain = has_pain()
    duration = pl.col("pain_duration_weeks")
    chronicity: Any = pl.lit(None, pl.String)
    for stage in reversed(kb.classification.chronicity):
        inside = duration >= stage.min_weeks
        if stage.below_weeks is not None:
            inside = inside & (duration < stage.below_weeks)
        chronicity = pl.when(inside).then(pl.lit(stage.id)).otherwise(chronicity)
    scalars = [
        "intensity", "cause", "radiates_below_knee", "worse_at_night",
        "morning_stiffness_minutes", "new_or_changed", "duration_weeks",
    ]  # fmt: skip
    sets = ["conditions", "medication_classes", "conditions.unplaced"]
    sets += [f"conditions.{s}" for s in STATUSES]
    sets += [f"skin.{f}" for f in SKIN_FINDINGS] + [f"{k}.regions" for k in PROCEDURE_KINDS]
    return [
        pl.col("age"),
        pl.col("sex"),
        pl.col("pregnant_weeks").is_not_null().alias("pregnant"),
        pl.col("pregnant_weeks"),
        pl.col("pregnancy_complications"),
        pl.col("breastfeeding"),
        pl.col("occupation"),
        pain.alias("pain"),
        *(pl.when(pain).then(pl.col(f"pain_{n}")).alias(f"pain.{n}") for n in scalars),
        pl.when(pain).then(chronicity).alias("pain.chronicity"),
        *(
            pl.when(pain).then(_sides(frame, f"pain_{n}")).otherwise([]).alias(f"pain.{n}")
            for n in ("regions", "numbness", "weakness")
        ),
        (pain & pl.col("_explains").fill_null(False)).alias("pain.explained"),
        *(pl.col(column).alias(f"red_flags.{n}") for n, column in RED_FLAG_COLUMNS.items()),
        # Null where a row has no such entries: read as empty by every test (``compiler``).
        *(pl.col(name) for name in sets),
        *(pl.col(f"{k}.{w}") for k in PROCEDURE_KINDS for w in ("weeks_ago", "unplaced_weeks_ago")),
        pl.col("temperature_c"),
        pl.col("systolic"),
        pl.col("diastolic"),
        pl.col("allergies").list.eval(pl.element().str.strip_chars().str.to_lowercase()),
        pl.col("unrecognised_conditions").fill_null(0),
        pl.col("unrecognised_medications").fill_null(0),
        pl.col("_unrecognised_condition_texts").fill_null([]),
        pl.col("_unrecognised_medication_texts").fill_null([]),
    ]


_SHORTHANDS = {name: ",".join(sides) for name, sides in SHORTHANDS.items()}


def regions(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A list column of regions with shorthands (``low_back``) read as both sides, each once
    (looked for only when the frame's column has a shorthand, or an empty text to leave out)."""
    return _sides(frame, column).list.unique(maintain_order=True).alias(column)


def _sides(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A list column of regions with shorthands read as both sides, a region perhaps twice:
    enough for a set fact (``pooled``); keeping each once in every row took a tenth of the
    facts."""
    named = pl.col(column)
    items = frame.get_column(column).explode(empty_as_null=False, keep_nulls=False)
    if items.is_in([*_SHORTHANDS, ""]).any():
        joined = named.list.eval(pl.element().replace(_SHORTHANDS)).list.join(",")
        named = joined.str.split(",").list.eval(pl.element().filter(pl.element() != ""))
    return named.alias(column)


def _condition_facts(conditions: pl.DataFrame) -> pl.DataFrame:
    ids, unknown = pl.col("condition"), pl.col("condition").is_null()
    return (
        conditions.sort(ROW, POS)
        .group_by(ROW)
        .agg(
            ids.drop_nulls().alias("conditions"),
            *(ids.filter(pl.col("status") == s).alias(f"conditions.{s}") for s in STATUSES),
            ids.filter(pl.col("unplaced")).alias("conditions.unplaced"),
            pl.col("explains").any().alias("_explains"),
            unknown.sum().cast(pl.Int64).alias("unrecognised_conditions"),
            pl.col("name").filter(unknown).alias("_unrecognised_condition_texts"),
        )
    )


def _medication_facts(medications: pl.DataFrame) -> pl.DataFrame:
    unknown = pl.col("unrecognised")
    return (
        medications.sort(ROW, POS)
        .group_by(ROW)
        .agg(
            pl.col("classes").pipe(united).alias("medication_classes"),
            unknown.sum().cast(pl.Int64).alias("unrecognised_medications"),
            pl.col("text").filter(unknown).alias("_unrecognised_medication_texts"),
        )
    )


def _procedure_facts(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    entries = frame.select(ROW, "assessed_on", pl.col("procedures").alias("text")).explode("text")
    read = read_by_parts(
        entries.drop_nulls("text"),
        _read_procedure,
        {"kind": pl.String, "date": pl.Date},
        {"regions": _TEXTS},
        "procedures",
        kb,
    )
    weeks = (pl.col("assessed_on") - pl.col("date")).dt.total_days() / 7
    kind, unplaced = pl.col("kind"), pl.col("regions").list.len() == 0
    return read.group_by(ROW).agg(
        *(weeks.filter(kind == k).min().alias(f"{k}.weeks_ago") for k in PROCEDURE_KINDS),
        *(
            weeks.filter((kind == k) & unplaced).min().alias(f"{k}.unplaced_weeks_ago")
            for k in PROCEDURE_KINDS
        ),
        *(
            pl.col("regions").filter(kind == k).pipe(pooled)
            .drop_nulls().alias(f"{k}.regions")
            for k in PROCEDURE_KINDS
        ),
    )  # fmt: skip


def _skin_facts(frame: pl.DataFrame, kb: KnowledgeBase) -> pl.DataFrame:
    read = read_by_parts(
        exploded(frame, "skin"),
        _read_skin,
        {"finding": pl.String},
        {"regions": _TEXTS},
        "skin",
        kb,
    )
    finding = pl.col("finding")
    return read.group_by(ROW).agg(
        pl.col("regions").filter(finding == f).pipe(pooled)
        .drop_nulls().alias(f"skin.{f}")
        for f in SKIN_FINDINGS
    )  # fmt: skip
