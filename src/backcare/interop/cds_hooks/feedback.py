"""Feedback from a CDS client on the cards it showed (CDS Hooks 2.0, §Feedback): for each card,
accepted (with the suggestions taken) or overridden (with the reason and the user's comment)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backcare.errors import BadHookRequest, Problem


class Coding(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    system: str | None = None
    display: str | None = None


class OverrideReason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Coding | None = None
    userComment: str | None = Field(default=None, max_length=2000)


class Suggestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    card: str = Field(min_length=1)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[Suggestion] = []
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    feedback: list[Item] = Field(min_length=1, max_length=100)


def read(body: Any) -> list[dict[str, Any]]:
    """The feedback items as plain data, or each problem with where it is."""
    try:
        items = Feedback.model_validate(body).feedback
    except ValidationError as error:
        raise BadHookRequest(
            [Problem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()]
        ) from None
    for n, item in enumerate(items):
        if item.outcome == "overridden" and item.acceptedSuggestions:
            raise BadHookRequest(
                [Problem(f"feedback.{n}.acceptedSuggestions", "only with outcome accepted")]
            )
    return [item.model_dump(exclude_none=True) for item in items]
