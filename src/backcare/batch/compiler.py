"""The screening rules compiled into column expressions: one walk of the rule tree
(``knowledge.rule``), two emitters (Polars here, Spark in ``batch.spark``).

Facts are columns named as in ``knowledge.rule.FACTS`` (``pain.regions``): sets are list
columns, null where a row has none (tested as empty), and an unanswered fact is null. Every
other test is false on null, as in the Python back end, so ``not`` of an unanswered question
holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import polars as pl

from backcare.knowledge.rule import All, AtLeast, Node, Not, Test

E = TypeVar("E")


class Emitter(Protocol[E]):
    """How one engine writes the parts of a condition."""

    def test(self, fact: str, op: str, value: Any) -> E: ...

    def every(self, parts: Sequence[E]) -> E: ...

    def some(self, parts: Sequence[E]) -> E: ...

    def negate(self, part: E) -> E: ...

    def at_least(self, count: int, parts: Sequence[E]) -> E: ...


def compile_condition(node: Node, emit: Emitter[E]) -> E:
    """The condition as one expression of the emitter's engine."""
    if isinstance(node, Test):
        return emit.test(node.fact, node.op, node.value)
    if isinstance(node, Not):
        return emit.negate(compile_condition(node.item, emit))
    parts = [compile_condition(item, emit) for item in node.items]
    if isinstance(node, AtLeast):
        return emit.at_least(node.count, parts)
    return emit.every(parts) if isinstance(node, All) else emit.some(parts)


class PolarsEmitter:
    """Polars expressions; a test on a null fact is false."""

    def test(self, fact: str, op: str, value: Any) -> pl.Expr:
        column = pl.col(fact)
        if op == "has":  # one pass over the items, quicker than ``list.contains``
            found = column.list.eval(pl.element() == pl.lit(value, pl.String())).list.any()
        elif op == "has_any":
            found = column.list.eval(pl.element().is_in(sorted(value))).list.any()
        elif op == "empty":
            found = (column.list.len().fill_null(0) == 0) == value
        elif op == "in":
            found = column.is_in(sorted(value))
        else:
            found = COMPARE[op](column, value)
        return found.fill_null(False)

    def every(self, parts: Sequence[pl.Expr]) -> pl.Expr:
        return pl.all_horizontal(parts)

    def some(self, parts: Sequence[pl.Expr]) -> pl.Expr:
        return pl.any_horizontal(parts)

    def negate(self, part: pl.Expr) -> pl.Expr:
        return ~part

    def at_least(self, count: int, parts: Sequence[pl.Expr]) -> pl.Expr:
        return pl.sum_horizontal([part.cast(pl.Int32) for part in parts]) >= count


COMPARE: dict[str, Any] = {
    "eq": lambda column, value: column == value,
    "ne": lambda column, value: column != value,
    "lt": lambda column, value: column < value,
    "le": lambda column, value: column <= value,
    "gt": lambda column, value: column > value,
    "ge": lambda column, value: column >= value,
}
"""The comparisons, written once for every engine whose columns overload the operators."""
