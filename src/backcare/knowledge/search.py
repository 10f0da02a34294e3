"""Plain-text search over the knowledge base (ids, names, synonyms and texts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from backcare.knowledge.base import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    id: str
    label: str
    entry: Any


def label(entry: Any) -> str:
    """The short human name of an entry."""
    for name in ("name", "title", "text"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            return value
    return ""


def search(kb: KnowledgeBase, text: str) -> list[Hit]:
    """Entries containing every word of ``text``; matches in id, name or synonyms first."""
    words = text.lower().split()
    if not words:
        return []
    hits: list[tuple[int, Hit]] = []
    for kind, entry_id, entry in kb.entries():
        head = " ".join([entry_id, label(entry), *getattr(entry, "synonyms", [])]).lower()
        body = " ".join(_strings(entry)).lower()
        if all(word in head or word in body for word in words):
            rank = 0 if all(word in head for word in words) else 1
            hits.append((rank, Hit(kind, entry_id, label(entry), entry)))
    hits.sort(key=lambda pair: pair[0])
    return [hit for _, hit in hits]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, BaseModel):
        return [s for field in type(value).model_fields for s in _strings(getattr(value, field))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []
