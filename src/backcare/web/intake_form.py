"""The intake form: every question of the intake (declared in ``intake_questions``) as a form
field, turned into an intake of spec v1, with the contract's problems (dotted paths) mapped back
onto the fields they concern."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from backcare.clinical.facts import KnownCondition, is_unplaced
from backcare.errors import Problem
from backcare.knowledge import load_knowledge
from backcare.knowledge.names import ConditionReading, MedicationReading
from backcare.records.models import Intake
from backcare.web.fields import CheckedForm, length_of, text
from backcare.web.intake_questions import QUESTIONS
from backcare.web.question import ROW_KINDS, ROW_SECTIONS, UNSURE, Question
from backcare.web.questions import TRI, YES_NO, compact, split_answer, yes_no


def spelling_query(reading: MedicationReading | ConditionReading) -> str | None:
    """What to ask about a name read by its spelling, or close to known names, if anything."""
    if reading.how == "spelling":
        return f"'{reading.text}' was read as {reading.read_as}: correct it, or tick below"
    if reading.how == "unrecognised" and reading.suggestions:
        return f"'{reading.text}' is unknown: did you mean {reading.suggested}? Or tick below"
    return None


ROWS = {
    "condition": 5,
    "procedure": 3,
    "skin": 4,
}  # empty rows shown; more when an intake needs them
UNSURE_CHOICE = (UNSURE, "I'm not sure")


def make_field(question: Question, *, for_client: bool, index: int = 0) -> forms.Field:
    """The form field that asks a question, in the therapist's words or the client's."""
    words = question.ask if for_client and question.ask else question.label
    common: dict[str, Any] = {
        "label": words.format(n=index + 1),
        "required": question.required,
        "help_text": question.help if for_client else "",
    }
    choices = question.offered(for_client)
    kind = question.kind
    if kind in ("yes_no", "tri"):
        offered = [*YES_NO, UNSURE_CHOICE] if for_client else (YES_NO if kind == "yes_no" else TRI)
        return forms.ChoiceField(choices=offered, widget=forms.RadioSelect, **common)
    if kind == "flag":
        return forms.BooleanField(**common)
    if kind == "choice":
        one: type[forms.Widget] = forms.RadioSelect if for_client else forms.Select
        return forms.ChoiceField(choices=choices, widget=one, **common)
    if kind == "choices":
        listed = question.row and not for_client  # the therapist's rows keep a compact list
        several = (
            forms.SelectMultiple(attrs={"size": 4}) if listed else forms.CheckboxSelectMultiple()
        )
        return forms.MultipleChoiceField(choices=choices, widget=several, **common)
    low, high = question.bounds() if kind in ("number", "decimal") else (None, None)
    if kind == "number":
        return forms.IntegerField(min_value=_whole(low), max_value=_whole(high), **common)
    if kind == "decimal":
        return forms.DecimalField(
            min_value=_decimal(low),
            max_value=_decimal(high),
            max_digits=6,
            decimal_places=1,
            **common,
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    attrs = {"list": question.suggestions} if question.suggestions else {}
    long_text = kind == "note" or (kind == "lines" and question.separator == "\n")
    widget = forms.Textarea(attrs={"rows": 3}) if long_text else forms.TextInput(attrs=attrs)
    return forms.CharField(widget=widget, **common)


def _whole(bound: float | None) -> int | None:
    return None if bound is None else int(bound)


def _decimal(bound: float | None) -> Decimal | None:
    return None if bound is None else Decimal(str(bound))


def answer(question: Question, value: Any) -> Any:
    """A cleaned form value as the intake's value; None when it was left out (or not sure)."""
    kind = question.kind
    if kind in ("yes_no", "tri"):
        return yes_no(value)
    if kind == "flag":
        return bool(value)
    if kind == "lines":
        return split_answer(value or "", question.separator) or None
    if kind == "decimal" and value is not None:
        return float(value)
    if isinstance(value, str):
        return value.strip() or None
    return value if value not in ("", []) else None


class IntakeForm(CheckedForm):
    """Every question of the intake (see intake_questions); ``for_client`` asks only what a
    client answers, in the client's words."""

    def __init__(
        self,
        *args: Any,
        for_client: bool = False,
        correcting: bool = False,
        rows: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.for_client = for_client
        self.rows = {**ROWS, **(rows or {})}
        self.used_rows: dict[str, list[int]] = {}
        self.has_spelling_queries = False
        self.questions = [q for q in QUESTIONS if q.for_client or not for_client]
        for question in self.questions:
            for i in range(self.rows[question.row]) if question.row else (0,):
                self.fields[question.field_name(i)] = make_field(
                    question, for_client=for_client, index=i
                )
        self.fields["names_checked"] = forms.BooleanField(
            label="The names are right as written (keep them even where a spelling was queried)",
            required=False,
        )
        if correcting:
            self.fields["reason"] = text(length_of(Intake, "reason"), strip=True)
            self.fields[
                "reason"
            ].label = "What changed, or what this corrects (kept with the new version)"
        self.check_text()

    def to_intake(self) -> dict[str, Any]:
        """The cleaned fields as an intake of spec v1 (left-out answers are left out)."""
        d = self.cleaned_data
        intake: dict[str, Any] = {
            "client": {},
            "red_flags": {},
            "conditions": [],
            "medications": [],
            "procedures": [],
            "allergies": [],
            "preferences": {},
            **({} if self.for_client else {"skin": [], "vitals": {}}),
        }
        has_pain = bool(d.get("has_pain"))
        if has_pain:
            intake["pain"] = {}
        for question in self.questions:
            section, _, key = question.path.rpartition(".")
            if question.row or question.kind == "flag" or (section == "pain" and not has_pain):
                continue
            value = answer(question, d.get(question.name))
            if value is not None:
                (intake.setdefault(section, {}) if section else intake)[key] = value
        for row in ROW_KINDS:
            self._rows_to(intake, row)
        return intake

    def _rows_to(self, intake: dict[str, Any], row: str) -> None:
        """The filled rows of one kind (a row counts when its first question is answered)."""
        asked = [q for q in self.questions if q.row == row]
        if not asked:
            return
        section = ROW_SECTIONS[row]
        entries = [
            {
                q.path.rpartition(".")[2]: answer(q, self.cleaned_data.get(q.field_name(i)))
                for q in asked
            }
            for i in range(self.rows[row])
        ]
        first = asked[0].path.rpartition(".")[2]
        self.used_rows[section] = [i for i, entry in enumerate(entries) if entry[first]]
        intake[section] = [compact(entries[i]) for i in self.used_rows[section]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.rows["skin"] if not self.for_client else 0):
            if data.get(f"skin_{i}_finding") and not data.get(f"skin_{i}_region"):
                self.add_error(f"skin_{i}_region", "say where the finding is")
        if not self.for_client:
            self._ask_where(data)
        if not data.get("names_checked"):
            self._query_spellings(data)
        return data

    def _ask_where(self, data: dict[str, Any]) -> None:
        """A local condition that limits the session needs its place, and so does a procedure
        whose site the screening keeps away from (surgery, injections, radiotherapy)."""
        kb = load_knowledge()
        for i in range(self.rows["condition"]):
            name = (data.get(f"condition_{i}_id") or "").strip()
            condition = kb.read_condition(name).condition if name else None
            if condition is None or data.get(f"condition_{i}_region"):
                continue
            status = data.get(f"condition_{i}_status") or "active"
            known = KnownCondition(condition, status, (), bool(data.get(f"condition_{i}_status")))
            if is_unplaced(known, kb):
                entry = kb.conditions[condition].name.lower()
                self.add_error(f"condition_{i}_region", f"say where the {entry} is")
        placed = {
            name.removesuffix(".regions")
            for compiled in kb.rules
            for name in compiled.rule.avoid_regions_from
        }
        for i in range(self.rows["procedure"]):
            kind = data.get(f"procedure_{i}_kind")
            if kind in placed and not data.get(f"procedure_{i}_region"):
                self.add_error(f"procedure_{i}_region", f"say where the {kind} was")

    def _query_spellings(self, data: dict[str, Any]) -> None:
        """Before saving, offer the known name for a near-miss spelling, so that it is corrected
        (or kept on purpose) while the client is still there."""
        kb = load_knowledge()
        for line in split_answer(data.get("medications") or "", "\n"):
            query = spelling_query(kb.read_medication(line))
            if query:
                self.has_spelling_queries = True
                self.add_error("medications", query)
        for i in range(self.rows["condition"]):
            name = (data.get(f"condition_{i}_id") or "").strip()
            query = spelling_query(kb.read_condition(name)) if name else None
            if query:
                self.has_spelling_queries = True
                self.add_error(f"condition_{i}_id", query)

    def row_fields(self, kind: str, names: tuple[str, ...]) -> list[list[Any]]:
        """The bound fields of each row of one kind, for the template."""
        return [[self[f"{kind}_{i}_{name}"] for name in names] for i in range(self.rows[kind])]

    def condition_rows(self) -> list[list[Any]]:
        return self.row_fields("condition", ("id", "status", "region"))

    def procedure_rows(self) -> list[list[Any]]:
        return self.row_fields("procedure", ("kind", "region", "date"))

    def skin_rows(self) -> list[list[Any]]:
        return self.row_fields("skin", ("finding", "region"))

    def _row_path(self, path: str) -> str:
        """conditions[1].id in the intake is the row that entry came from in the form."""
        match = re.match(r"^(conditions|procedures|skin)\[(\d+)\](.*)$", path)
        used = self.used_rows.get(match.group(1), []) if match else []
        if not match or int(match.group(2)) >= len(used):
            return path
        return f"{match.group(1)}[{used[int(match.group(2))]}]{match.group(3)}"

    def add_problems(self, problems: list[Problem]) -> None:
        """Show each contract problem on the field it concerns (or above the form)."""
        for problem in problems:
            field = _field_for(self._row_path(problem.path))
            if field in self.fields:
                self.add_error(field, problem.message)
            else:
                self.add_error(None, str(problem))


_PATHS = [
    (r"^client\.(\w+)$", "{0}"),
    (r"^pain\.regions$", "pain_regions"),
    (r"^pain\.(\w+)$", "{0}"),
    (r"^red_flags\.(\w+)$", "rf_{0}"),
    (r"^conditions\[(\d+)\]\.regions$", "condition_{0}_region"),
    (r"^conditions\[(\d+)\]\.(\w+)$", "condition_{0}_{1}"),
    (r"^procedures\[(\d+)\]\.(\w+)$", "procedure_{0}_{1}"),
    (r"^skin\[(\d+)\]\.(\w+)$", "skin_{0}_{1}"),
    (r"^vitals\.(\w+)$", "{0}"),
    (r"^preferences\.(\w+)(?:\[\d+\])?$", "{0}"),
    (r"^(assessed_on|medications|allergies|notes)(?:\[\d+\])?$", "{0}"),
]


def _field_for(path: str) -> str:
    for pattern, name in _PATHS:
        match = re.match(pattern, path)
        if match:
            return name.format(*match.groups())
    return ""
