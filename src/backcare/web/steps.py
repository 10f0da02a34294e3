"""The client's own intake, one topic a step (the steps and their questions are declared in
``intake_questions``): which fields a step shows, the form made from the answers kept so far,
the answers to check before sending, and what the client must be told at once when an answer
stops massage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from backcare.clinical import assess, parse_intake, to_json
from backcare.errors import InvalidIntake
from backcare.knowledge import load_knowledge
from backcare.records.step_answers import Values
from backcare.web.intake_form import IntakeForm
from backcare.web.intake_questions import STEPS, in_step
from backcare.web.question import UNSURE
from backcare.web.voice import stop_advice

CONSENT_FIELDS = ("consent", "consent_name")


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    number: int

    @property
    def total(self) -> int:
        return len(STEPS)

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def last(self) -> bool:
        return self.number == len(STEPS)


ALL = tuple(Step(id, title, n) for n, (id, title) in enumerate(STEPS, start=1))


def step_of(step_id: str) -> Step | None:
    return next((s for s in ALL if s.id == step_id), None)


def after_warning_signs(step: Step) -> bool:
    """Whether the warning-sign questions come before this step (then their answers count)."""
    return step.number > next(s.number for s in ALL if s.id == "warning")


def neighbour(step: Step, by: int) -> Step:
    return ALL[min(max(step.number - 1 + by, 0), len(ALL) - 1)]


@dataclass(frozen=True)
class Block:
    """What a step shows together: one question, or the questions of one row (a condition)."""

    legend: str
    fields: list[forms.BoundField]
    folded: frozenset[str] = frozenset()


def field_names(step: Step, rows: dict[str, int]) -> list[str]:
    """The form fields a step asks (and keeps), with ``rows`` of each repeated entry."""
    if step.id == "consent":
        return list(CONSENT_FIELDS)
    questions = in_step(step.id)
    names = [q.name for q in questions if not q.row]
    names += [q.field_name(i) for q in questions if q.row for i in range(rows[q.row])]
    return [*names, "names_checked"] if step.id == "medicines" else names


def blocks(step: Step, form: IntakeForm) -> list[Block]:
    """The step's questions for its page; each row of a repeated entry as its own group."""
    found: list[Block] = []
    questions = in_step(step.id)
    for question in questions:
        if not question.row:
            folded = frozenset({question.name} if question.folded else ())
            found.append(Block("", [form[question.name]], folded))
    for row in dict.fromkeys(q.row for q in questions if q.row):
        asked = [q for q in questions if q.row == row]
        for i in range(form.rows[row]):
            legend = asked[0].ask.format(n=i + 1)
            folded = frozenset(q.field_name(i) for q in asked if q.folded)
            found.append(Block(legend, [form[q.field_name(i)] for q in asked], folded))
    return found


def data_of(kept: dict[str, Values]) -> MultiValueDict[str, Any]:
    """The kept answers of every step as one form submission."""
    data: MultiValueDict[str, Any] = MultiValueDict()
    for values in kept.values():
        for name, given in values.items():
            data.setlist(name, given)
    return data


def step_errors(step: Step, form: IntakeForm) -> dict[str, list[str]]:
    """The problems with a step's own answers (other steps' are theirs to show)."""
    names = set(field_names(step, form.rows))
    return {n: [str(e) for e in errors] for n, errors in form.errors.items() if n in names}


def unsure(form: IntakeForm) -> list[str]:
    """The intake paths of the questions answered "I'm not sure", and ``conditions[NAME].status``
    for each condition the client did not say was current or past."""
    d = form.cleaned_data
    asked = [q.path for q in form.questions if not q.row and d.get(q.name) == UNSURE]
    named = (d.get(f"condition_{i}_id") or "" for i in range(form.rows["condition"]))
    return asked + [
        f"conditions[{name}].status"
        for i, name in enumerate(named)
        if name and not d.get(f"condition_{i}_status")
    ]


def told_now(form: IntakeForm, today: date) -> dict[str, Any] | None:
    """What the client must be told at once when their answers so far stop massage: emergency
    care now, or a doctor before any massage (None otherwise, or when the answers do not yet
    make an intake)."""
    form.is_valid()
    try:
        intake = parse_intake({**form.to_intake(), "assessed_on": today}, today=today)
    except InvalidIntake:
        return None
    kb = load_knowledge()
    return stop_advice(kb, to_json(assess(intake, kb)))


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


def answers(step: Step, form: IntakeForm) -> list[Answer]:
    """A step's given answers in words, to check before sending."""
    given: list[Answer] = []
    for block in blocks(step, form):
        if block.legend and not _words(block.fields[0]):
            continue  # an empty row
        given += [Answer(str(f.label), words) for f in block.fields if (words := _words(f))]
    return given


def _words(field: forms.BoundField) -> str:
    value = field.form.cleaned_data.get(field.name) if field.form.is_bound else None
    choices = dict(getattr(field.field, "choices", []))
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else ""
    if value in (None, ""):
        return ""
    return str(choices.get(value, value)) if choices else str(value)
