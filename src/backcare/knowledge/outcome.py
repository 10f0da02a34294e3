"""The shapes of the outcome knowledge: instruments (``data/instruments.yaml``) and the
progress rules with the expected course (``data/progress.yaml``).

Progress rules and STarT Back risk groups are conditions in the screening-rule format
(``rule.py``) over the facts named in ``PROGRESS_FACTS`` and ``GROUP_FACTS``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from backcare.knowledge.model import Disagreement, Entry, Id, SourceIds
from backcare.knowledge.rule import FactType

Point = Literal["baseline", "session", "reassessment", "discharge"]
Action = Literal["continue", "taper", "change", "stop"]

PROGRESS_FACTS: dict[str, FactType] = {
    "new_warning_sign": "bool",
    "adverse_event": "bool",
    "worse": "bool",
    "responder": "bool",
    "at_floor": "bool",
    "goal_met": "bool",
    "reviewed": "bool",
    "sessions": "number",
    "measured": "number",
}
GROUP_FACTS: dict[str, FactType] = {"total": "number", "distress": "number"}


class ImportantChange(Entry):
    """The smallest change that matters to one person: ``points`` on the scale, or (when given)
    ``percent`` of the starting score, whichever is reached."""

    points: float = Field(gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    why: str
    sources: SourceIds


class Item(Entry):
    id: Id
    label: str
    loinc: str | None = None
    answers: list[Id] = []
    positive: list[Id] = []


class Subscale(Entry):
    id: Id
    name: str
    items: Annotated[list[Id], Field(min_length=1)]
    loinc: str | None = None


class RiskGroup(Entry):
    id: Id
    name: str
    when: dict[str, Any]
    loinc_answer: str | None = None


class Scoring(Entry):
    """How the items make the score, and what happens to unanswered items."""

    method: Literal["single", "mean", "sum_percent", "count_positive", "entered"]
    item_min: float = 0
    item_max: float = 10
    min_answered: int | None = Field(default=None, ge=1)
    min_items: int | None = Field(default=None, ge=1)
    max_items: int | None = Field(default=None, ge=1)
    missing: str
    missing_sources: list[Id] = []
    basis: Literal["source", "inference"] = "source"
    subscales: list[Subscale] = []
    groups: list[RiskGroup] = []
    groups_why: str = ""


class Instrument(Entry):
    id: Id
    name: str
    abbreviation: str
    what: str
    min: float
    max: float
    decimals: int = Field(ge=0, le=2)
    lower_is_better: bool
    range_why: str = ""
    important_change: ImportantChange | None
    disagreements: list[Disagreement] = []
    loinc: str | None
    licence: str
    ships_item_text: bool
    items: list[Item]
    scoring: Scoring
    measured_at: Annotated[list[Point], Field(min_length=1)]
    due: bool
    sources: SourceIds

    @model_validator(mode="after")
    def _range(self) -> Instrument:
        if self.min >= self.max:
            raise ValueError("min must be below max")
        return self

    @property
    def best(self) -> float:
        return self.min if self.lower_is_better else self.max

    @property
    def summary(self) -> str:
        return self.what


class ProgressRule(Entry):
    id: Id
    title: str
    when: dict[str, Any]
    action: Action
    why: str
    claims: list[Id] = []
    sources: SourceIds
    basis: Literal["source", "inference"] = "source"


class PainBand(Entry):
    id: Id
    name: str
    max: float


class PublishedCourse(Entry):
    change_percent: float = Field(gt=0, le=100)
    sessions: int = Field(ge=1)
    says: str
    sources: SourceIds


class ExpectedCourse(Entry):
    instrument: Id
    min_clients: int = Field(ge=2)
    min_clients_why: str
    pain_bands: Annotated[list[PainBand], Field(min_length=1)]
    pain_bands_why: str
    pain_bands_sources: SourceIds
    published: PublishedCourse
    well_below: float = Field(gt=0, lt=1)
    flag_from_session: int = Field(ge=1)
    well_below_why: str
    well_below_sources: SourceIds
    basis: Literal["source", "inference"] = "source"


class ProgressPolicy(Entry):
    rules: Annotated[list[ProgressRule], Field(min_length=1)]
    actions: dict[Action, str]
    expected_course: ExpectedCourse
    dropout_after_days: int = Field(ge=1)
    dropout_why: str
