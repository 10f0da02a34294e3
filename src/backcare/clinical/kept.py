"""Results of pure steps of an assessment, kept by the exact inputs they read.

A step worked out from a few values of an intake (the ranking from the cause, the stage of
pain and the findings' avoid-lists, say) gives the same result for every intake with those
values, so each ``Kept`` table maps a key of those values to the result, for one knowledge
base (held beside the result, so that its identity is not reused). Tables are bounded: a full
table is emptied. Results are frozen and shared; nothing is copied.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from backcare.knowledge import KnowledgeBase

T = TypeVar("T")
_TABLES: list[Kept[object]] = []


class Kept(Generic[T]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._values: dict[tuple[int, Hashable], tuple[KnowledgeBase, T]] = {}
        _TABLES.append(self)  # type: ignore[arg-type]

    def get(self, kb: KnowledgeBase, key: Hashable, make: Callable[[], T]) -> T:
        """The result kept for ``key`` under this knowledge base, else ``make()``, kept."""
        slot = (id(kb), key)
        kept = self._values.get(slot)
        if kept is not None and kept[0] is kb:
            return kept[1]
        if len(self._values) >= self._size:
            self._values.clear()
        value = make()
        self._values[slot] = (kb, value)
        return value


def forget_kept() -> None:
    """Drop every kept result (each is worked out afresh when next asked)."""
    for table in _TABLES:
        table._values.clear()
