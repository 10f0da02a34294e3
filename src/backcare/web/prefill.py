"""Form values from a stored intake: to start a correction (or the client's own intake) from
what was recorded, with enough rows for every entry. Read from the question declarations."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.records.models import Client
from backcare.records.summary import number
from backcare.web.intake_form import ROWS
from backcare.web.intake_questions import QUESTIONS
from backcare.web.question import ROW_KINDS, ROW_SECTIONS, Question
from backcare.web.questions import tri_value


def rows_for(data: dict[str, Any] | None) -> dict[str, int]:
    """Enough rows for a stored intake's entries, plus an empty one to add another."""
    data = data or {}
    return {row: max(ROWS[row], len(data.get(ROW_SECTIONS[row], [])) + 1) for row in ROW_KINDS}


def shown(question: Question, value: Any) -> Any:
    """An intake value as its form field shows it."""
    kind = question.kind
    if kind in ("yes_no", "tri"):
        return tri_value(value)
    if kind == "lines":
        return (", " if question.separator == "," else question.separator).join(value or [])
    if kind == "choices":
        return list(value or [])
    if kind == "decimal":
        return number(value) if value is not None else None
    if kind in ("choice", "text", "note"):
        return value or ""
    return value


def _at(data: dict[str, Any], path: str) -> Any:
    section, _, key = path.rpartition(".")
    return ((data.get(section) or {}) if section else data).get(key)


def initial_from(data: dict[str, Any]) -> dict[str, Any]:
    """Form values from a stored intake, to start a correction from."""
    initial: dict[str, Any] = {}
    for question in QUESTIONS:
        if question.row:
            section = ROW_SECTIONS[question.row]
            key = question.path.rpartition(".")[2]
            for i, entry in enumerate(data.get(section, [])):
                initial[question.field_name(i)] = shown(question, entry.get(key))
        elif question.kind == "flag":
            initial[question.name] = data.get(question.path) is not None
        else:
            initial[question.name] = shown(question, _at(data, question.path))
    return initial


def today_initial(client: Client, today: date) -> dict[str, Any]:
    return {"assessed_on": today, "age": client.age_on(today), "has_pain": True}


def client_initial(start: dict[str, Any] | None, client: Client, today: date) -> dict[str, Any]:
    """The client's own form: their earlier answers, with today's age when the birth date is
    known."""
    if not start:
        return today_initial(client, today)
    initial = initial_from(start)
    if client.date_of_birth is not None:
        initial["age"] = client.age_on(today)
    return initial
