"""A question of the intake: where its answer goes in the intake of spec v1 (``path``), the
kind of answer it takes, the therapist's label, the client's plain-words question and help, and
the step of the client's own intake it belongs to (none: only the therapist asks it).

Numbers take the range the contract allows (read from its model, ``clinical.intake``); regions
and kinds of massage come from the knowledge base. The questions themselves are declared in
``intake_questions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel

from backcare.clinical import intake as contract
from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import REGIONS, SHORTHANDS

# yes_no: required yes or no (the client may also say "not sure", which counts as unanswered);
# tri: optional yes or no (the client may say "not sure"); flag: a tick box; choice: one of
# several; choices: any number of several, as tick boxes; number and decimal: a number in the
# contract's range; text; note: longer text; lines: one entry a line (or a ``separator``);
# date.
Kind = Literal[
    "yes_no",
    "tri",
    "flag",
    "choice",
    "choices",
    "number",
    "decimal",
    "text",
    "note",
    "lines",
    "date",
]
Choices = tuple[tuple[str, str], ...]

UNSURE = "unsure"
ROW_KINDS = ("condition", "procedure", "skin")
ROW_SECTIONS = {"condition": "conditions", "procedure": "procedures", "skin": "skin"}


@dataclass(frozen=True)
class Question:
    """One question of the intake (``row``: one field of a repeated entry, such as a condition)."""

    name: str
    path: str
    kind: Kind
    label: str
    ask: str = ""
    help: str = ""
    step: str = ""
    choices: Choices = ()
    client_choices: Choices = ()
    required: bool = False
    separator: str = "\n"
    row: str = ""
    folded: bool = False  # the client opens it when it applies (a long list of places)
    suggestions: str = ""  # the page's list of names to suggest as the answer is typed

    @property
    def for_client(self) -> bool:
        return bool(self.step)

    def field_name(self, index: int = 0) -> str:
        """The form field that asks this question (in row ``index`` for a row question)."""
        return f"{self.row}_{index}_{self.name}" if self.row else self.name

    def offered(self, for_client: bool) -> Choices:
        """The choices the therapist, or the client, picks from."""
        if callable_choices := _LIVE.get(self.name):
            return callable_choices()
        return self.client_choices if for_client and self.client_choices else self.choices

    def bounds(self) -> tuple[float | None, float | None]:
        """The smallest and largest number the contract allows for this question's answer."""
        return contract_bounds(self.path)


def region_choices() -> Choices:
    kb = load_knowledge()
    return tuple((r, kb.regions[r].name) for r in REGIONS)


def row_region_choices() -> Choices:
    """Regions and the shorthands for both sides, for where a condition or procedure is."""
    both = tuple((s, f"{s.replace('_', ' ').capitalize()} (both sides)") for s in SHORTHANDS)
    return region_choices() + both


def modality_choices() -> Choices:
    return tuple((m.id, m.name) for m in load_knowledge().modalities.values())


_LIVE = {
    "pain_regions": region_choices,
    "numbness": region_choices,
    "weakness": region_choices,
    "region": row_region_choices,
    "modalities": modality_choices,
}


def contract_bounds(path: str) -> tuple[float | None, float | None]:
    """The ``ge`` and ``le`` limits of a numeric contract field (None where there is none)."""
    model: type[BaseModel] = contract.Intake
    *parents, last = path.replace("[]", "").split(".")
    for part in parents:
        annotation = model.model_fields[part].annotation
        model = model_in(annotation)
    low = high = None
    for rule in model.model_fields[last].metadata:
        if isinstance(rule, Ge):
            low = float(rule.ge)  # type: ignore[arg-type]
        if isinstance(rule, Le):
            high = float(rule.le)  # type: ignore[arg-type]
    return low, high


def model_in(annotation: Any) -> type[BaseModel]:
    """The pydantic model inside an annotation (``Pain | None``, ``list[Annotated[...]]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in getattr(annotation, "__args__", ()) or getattr(annotation, "__origin__", ()):
        try:
            return model_in(inner)
        except LookupError:
            continue
    raise LookupError(f"no model in {annotation!r}")
