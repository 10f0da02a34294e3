"""backcare's knowledge base: cited clinical facts as data, loaded, checked and compiled once.

The names below load their modules on first use (the contract's constants need no loader)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare.lazy import exports

if TYPE_CHECKING:
    from backcare.knowledge.base import KnowledgeBase
    from backcare.knowledge.loader import load_knowledge
    from backcare.knowledge.model import Decision

__all__ = ["Decision", "KnowledgeBase", "load_knowledge"]
__getattr__, __dir__ = exports(
    __name__,
    {
        "Decision": "backcare.knowledge.model",
        "KnowledgeBase": "backcare.knowledge.base",
        "load_knowledge": "backcare.knowledge.loader",
    },
)
