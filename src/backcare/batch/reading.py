"""Texts of a register read once per run: a register repeats its names, medicine lines and
entries from chunk to chunk, so each distinct text is read once, by the same core functions
``assess`` uses, and its reading is joined back to every entry that holds it.

Entries are frames with a column ``text`` and the intake's row (``ROW``), by which a text that
is not a valid entry is refused, naming the first row it is in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NoReturn

import polars as pl
from pydantic import ValidationError

from backcare.batch import columnar
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import KnowledgeBase

ROW = "_row"


class _Seen:
    """The readings of every text seen so far, per column, for one knowledge base: a register
    repeats its names from chunk to chunk, so each is read once per run, not once per chunk."""

    most = 200_000  # readings kept per column; past that a column starts afresh

    def __init__(self) -> None:
        self.kb: KnowledgeBase | None = None
        self.columns: dict[str, pl.DataFrame] = {}

    def of(self, kb: KnowledgeBase, column: str) -> pl.DataFrame | None:
        if self.kb is not kb:
            self.kb, self.columns = kb, {}
        return self.columns.get(column)

    def keep(self, column: str, readings: pl.DataFrame) -> None:
        known = self.columns.get(column)
        grown = readings if known is None else pl.concat([known, readings])
        self.columns[column] = readings if grown.height > self.most else grown


_SEEN = _Seen()


def read_once(
    entries: pl.DataFrame,
    read: Callable[[str], dict[str, Any]],
    schema: dict[str, Any],
    column: str,
    kb: KnowledgeBase,
) -> pl.DataFrame:
    """Each entry with what ``read`` makes of its text, ``read`` called once per distinct text
    (and once per run, for the texts of earlier chunks).

    A text that is not a valid entry raises ``InvalidIntake`` naming the first row it is in."""
    return read_all_once(entries, partial(read_each, entries, read, schema, column), column, kb)


def read_each(
    entries: pl.DataFrame,
    read: Callable[[str], dict[str, Any]],
    schema: dict[str, Any],
    column: str,
    texts: pl.Series,
) -> pl.DataFrame:
    """What ``read`` makes of each text, as a frame (column ``text`` and those of ``schema``);
    a text that is not a valid entry raises ``InvalidIntake`` naming the first row of
    ``entries`` it is in."""
    new = texts.to_list()
    readings: list[dict[str, Any]] = []
    for text in new:
        try:
            readings.append(read(text))
        except ValidationError as error:
            first = entries.filter(pl.col("text") == text).row(0, named=True)
            refuse(first[ROW], column, text, error)
    table = {"text": new, **{name: [r.get(name) for r in readings] for name in schema}}
    return columnar.frame(table, {"text": pl.String, **schema})


def read_all_once(
    entries: pl.DataFrame,
    read: Callable[[pl.Series], pl.DataFrame],
    column: str,
    kb: KnowledgeBase,
) -> pl.DataFrame:
    """Each entry with its reading: ``read`` makes a frame of readings (a row per text, column
    ``text``) of the distinct texts not read before in this run."""
    texts = entries.get_column("text").unique()
    known = _SEEN.of(kb, column)
    if known is not None:
        texts = texts.filter(~texts.is_in(known.get_column("text").implode()))
    if known is None or texts.len():
        _SEEN.keep(column, read(texts))
    seen = _SEEN.of(kb, column)
    assert seen is not None
    return entries.join(seen, on="text", how="left")


def refuse(row: int, column: str, text: str, error: ValidationError) -> NoReturn:
    """Raise ``InvalidIntake`` for entry ``text`` of ``column`` in the frame's row ``row``, in
    the contract's words."""
    messages = "; ".join(e["msg"] for e in error.errors())
    problem = Problem(f"row {row + 1}: {column}", f"{text!r} is not an entry: {messages}")
    raise InvalidIntake([problem]) from None


def read_by_parts(
    entries: pl.DataFrame,
    read: Callable[[str], dict[str, Any]],
    head: dict[str, Any],
    placed: dict[str, Any],
    column: str,
    kb: KnowledgeBase,
) -> pl.DataFrame:
    """``read_once`` for entries ``HEAD@REGIONS`` whose two parts the contract checks each on
    its own (no check looks at both), ``read`` giving the fields ``head`` and ``placed``: only
    the first entry of each distinct head and of each distinct list of regions is read, and
    every entry is put together from the readings of its parts. A register repeats its parts
    far more than their combinations (a procedure's kind and day, and its regions)."""

    def table(texts: pl.Series) -> pl.DataFrame:
        parts = pl.col("text").str.splitn("@", 2).struct
        split = texts.to_frame("text").with_columns(
            parts.field("field_0").alias("_head"), parts.field("field_1").fill_null("").alias("_at")
        )
        readings = []
        for part, fields in (("_head", head), ("_at", placed)):
            first = split.unique(part, keep="first", maintain_order=True)
            read_part = read_each(entries, read, fields, column, first.get_column("text"))
            readings.append(first.select(part).hstack(read_part.drop("text")))
        whole = split.join(readings[0], on="_head", how="left", maintain_order="left")
        return whole.join(readings[1], on="_at", how="left", maintain_order="left").drop(
            "_head", "_at"
        )

    return read_all_once(entries, table, column, kb)
