"""Lists a page at a time: ``limit`` (1 to 100, 20 unless asked) and ``offset`` (at most
10,000), sorted by one of the list's allow-listed fields (``-`` first for newest first).
Anything else is refused (422) naming what is allowed, never passed to the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field, create_model

MAX_LIMIT = 100
MAX_OFFSET = 10_000


def query(sorts: Sequence[str], default: str) -> type[Schema]:
    """The query parameters of a list sorted by one of ``sorts`` (each also reversed)."""
    allowed = tuple(name for field in sorts for name in (field, f"-{field}"))
    return create_model(
        "Page",
        __base__=Schema,
        limit=(int, Field(20, ge=1, le=MAX_LIMIT)),
        offset=(int, Field(0, ge=0, le=MAX_OFFSET)),
        sort=(Literal[allowed], default),  # type: ignore[arg-type]
    )


def page_of(item: type[Schema]) -> type[Schema]:
    """The answer of a list: its items, and where the page is in all of them."""
    return create_model(
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )


def page(
    rows: QuerySet[Any], asked: Any, shown: Callable[[Any], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One page of ``rows`` as ``asked`` (a ``query`` instance), the id breaking ties."""
    tie = "-pk" if asked.sort.startswith("-") else "pk"
    ordered = rows.order_by(asked.sort, tie)
    items = list(ordered[asked.offset : asked.offset + asked.limit])
    return {
        "total": rows.count(),
        "limit": asked.limit,
        "offset": asked.offset,
        "items": [shown(row) for row in items] if shown else items,
    }
