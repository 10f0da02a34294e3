"""Which rows of a register frame (the flat layout, ``columns``) are surely valid intakes, found
column by column with the contract's own models instead of row by row.

Each distinct value of a column is validated once: a scalar by its field of the contract's model
(one pydantic call for all of a column's values), the items of a list column through the whole
intake model a batch at a time (as ``parse_intake`` would, with the knowledge base's modalities),
and an item counts only when ``flat_row`` writes it back as it was given, so the engine sees
exactly what the row-by-row path would give it. The few checks across fields are Polars
expressions. A row that is not surely valid is not refused here: it goes to ``parse_intake``,
which says why in its own words, or finds it valid after all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, TypeAdapter, ValidationError

from backcare.batch.columns import FIELDS, SCHEMA, flat_row, intake_from_flat, pain_answered
from backcare.clinical.intake import Intake, check_against
from backcare.clinical.text import MAX_ITEMS, MAX_REGIONS
from backcare.errors import InvalidIntake
from backcare.knowledge import KnowledgeBase

# Any list no longer than this is within every list bound of the contract.
LONGEST = min(MAX_ITEMS, MAX_REGIONS)
# Distinct list items validated in one intake.
_BATCH = LONGEST
# Only the form of an entry is checked here; its day is compared with the row's below.
_LAST_DAY = date.max


def typed(frame: pl.DataFrame) -> bool:
    """Whether every column of the layout in the frame holds the layout's own type, or only
    nulls (otherwise a cell may hold what the type cannot say, and its rows go row by row)."""
    return all(_fits(frame.schema[name], dtype) for name, dtype in SCHEMA.items() if name in frame)


def _fits(given: Any, wanted: Any) -> bool:
    if isinstance(given, pl.List) and isinstance(wanted, pl.List):
        return _fits(given.inner, wanted.inner)
    return bool(given == wanted or given == pl.Null)


def defaults() -> list[pl.Expr]:
    """An empty cell of a text field that has a default (``notes``) filled with it, as
    ``parse_intake`` fills the field it was left out of."""
    return [pl.col(name).fill_null(pl.lit(value)) for name, value in _DEFAULTS.items()]


def _default(name: str) -> Any:
    model, field = FIELDS[name]
    return model.model_fields[field].default


_DEFAULTS = {
    name: _default(name)
    for name, dtype in SCHEMA.items()
    if name in FIELDS and not isinstance(dtype, pl.List) and isinstance(_default(name), str)
}


def unsure(rows: pl.DataFrame, kb: KnowledgeBase) -> pl.Series:
    """Per row of a conformed frame whose ``assessed_on`` is filled: whether it may be invalid."""
    flags: list[pl.Expr] = [_across_fields()]
    lists = [n for n, dtype in SCHEMA.items() if isinstance(dtype, pl.List)]
    scalars = [n for n, dtype in SCHEMA.items() if n in FIELDS and not isinstance(dtype, pl.List)]
    # Every column's distinct values (null too: a field may be required) in one query.
    distinct = (
        rows.lazy()
        .select(
            *(pl.col(n).explode().drop_nulls().unique().implode() for n in lists),
            *(pl.col(n).unique().implode() for n in scalars),
        )
        .collect()
        .row(0, named=True)
    )
    for name in lists:
        column = pl.col(name)
        bad, days = _CHECKED.items(name, distinct[name], kb)
        flags.append(column.list.len() > LONGEST)
        if bad:
            flags.append(column.list.eval(pl.element().is_in(bad)).list.any().fill_null(False))
        if days:
            latest = column.list.eval(
                pl.element().replace_strict(days, default=None, return_dtype=pl.Date)
            ).list.max()
            flags.append((latest > pl.col("assessed_on")).fill_null(False))
    for name in scalars:
        bad = _bad_scalars(name, distinct[name])
        if None in bad:
            flags.append(pl.col(name).is_null())
        if any(value is not None for value in bad):
            refused = [value for value in bad if value is not None]
            flags.append(pl.col(name).is_in(refused).fill_null(False))
    return rows.select(pl.any_horizontal(flags)).to_series()


def _across_fields() -> pl.Expr:
    """The checks that read two fields at once (``parse_intake`` words their problems)."""
    male_pregnant = (pl.col("sex") == "male") & pl.col("pregnant_weeks").is_not_null()
    pressure = pl.col("diastolic") >= pl.col("systolic")
    pain_denied = (pl.col("pain") == False) & pain_answered()  # noqa: E712
    return pl.any_horizontal(
        male_pregnant.fill_null(False), pressure.fill_null(False), pain_denied.fill_null(False)
    )


@cache
def _adapter(name: str) -> TypeAdapter[list[Any]]:
    model, field = FIELDS[name]
    info = model.model_fields[field]
    return TypeAdapter(list[Annotated[info.annotation, info]])  # type: ignore[name-defined]


def _bad_scalars(name: str, values: list[Any]) -> list[Any]:
    """The values a column's field of the contract refuses."""
    try:
        _adapter(name).validate_python(values)
    except ValidationError as error:
        return [values[int(e["loc"][0])] for e in error.errors() if e["loc"]]
    return []


class _Checked:
    """The list items checked so far, per column, for one knowledge base (a register repeats
    its names from chunk to chunk): whether each is valid as given, and the day it names."""

    most = 200_000  # items kept per column; past that a column starts afresh

    def __init__(self) -> None:
        self.kb: KnowledgeBase | None = None
        self.columns: dict[str, dict[str, tuple[bool, date | None]]] = {}

    def items(
        self, name: str, items: Sequence[str], kb: KnowledgeBase
    ) -> tuple[list[str], dict[str, date]]:
        """The items that are not surely valid as given, and the latest day each valid item
        names (for the entries that name one)."""
        if self.kb is not kb:
            self.kb, self.columns = kb, {}
        known = self.columns.setdefault(name, {})
        new = [item for item in items if item not in known]
        if len(known) + len(new) > self.most:
            known.clear()
        known.update(_checked(name, new, tuple(kb.modalities)))
        bad = [item for item in items if not known[item][0]]
        days = {item: day for item in items if (day := known[item][1]) is not None}
        return bad, days


_CHECKED = _Checked()


def _checked(
    name: str, items: Sequence[str], modalities: tuple[str, ...]
) -> dict[str, tuple[bool, date | None]]:
    """Each item: whether it is valid as given, and the latest day it names."""
    found: dict[str, tuple[bool, date | None]] = {}
    for start in range(0, len(items), _BATCH):
        batch = list(items[start : start + _BATCH])
        entries = _entries(name, batch, modalities)
        if entries is None:
            entries = []
            for item in batch:
                one = _entries(name, [item], modalities)
                if one is None:
                    found[item] = (False, None)
                else:
                    entries += one
            batch = [item for item in batch if item not in found]
        for item, entry in zip(batch, entries, strict=True):
            named = [value for value in _values(entry) if isinstance(value, date)]
            found[item] = (True, max(named) if named else None)
    return found


def _entries(name: str, items: list[str], modalities: tuple[str, ...]) -> list[Any] | None:
    """The items parsed as one intake's list, or ``None`` when any is refused or would be
    written back otherwise."""
    try:
        intake = Intake.model_validate(
            {"assessed_on": _LAST_DAY, **intake_from_flat({"age": 0, name: items})}
        )
        check_against(intake, modalities)
    except (ValidationError, InvalidIntake):
        return None
    if flat_row(intake)[name] != items:
        return None
    section, field = _place(name)
    entries = getattr(getattr(intake, section) if section else intake, field)
    return list(entries)


def _place(name: str) -> tuple[str, str]:
    """Where a list column lives in the intake: its section (empty at the top) and field."""
    if name in FIELDS:
        model, field = FIELDS[name]
        section = next(s for s, f in Intake.model_fields.items() if model in _types(f.annotation))
        return section, field
    return "", name


def _types(annotation: Any) -> Iterable[Any]:
    return getattr(annotation, "__args__", None) or (annotation,)


def _values(entry: Any) -> Iterable[Any]:
    return entry.__dict__.values() if isinstance(entry, BaseModel) else (entry,)
