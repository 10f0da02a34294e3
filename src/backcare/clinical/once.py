"""What the assessment works out once per knowledge base: a knowledge base never changes, so
what follows from it alone (not from an intake) is kept beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from backcare.knowledge import KnowledgeBase

T = TypeVar("T")
_KEPT_BASES = 8  # tests and checks load a few; a server one
_kept: dict[tuple[int, Callable[..., Any]], tuple[KnowledgeBase, Any]] = {}


def per_knowledge(kb: KnowledgeBase, make: Callable[[KnowledgeBase], T]) -> T:
    """``make(kb)``, worked out on the first call for this knowledge base and kept."""
    key = (id(kb), make)
    kept = _kept.get(key)
    if kept is None or kept[0] is not kb:  # the base is held, so its id is not reused
        if len(_kept) >= _KEPT_BASES * 4:
            _kept.clear()
        kept = _kept[key] = (kb, make(kb))
    result: T = kept[1]
    return result
