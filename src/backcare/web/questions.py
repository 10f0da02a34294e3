"""The warning-sign questions (declared in ``intake_questions``) as the public check asks them,
and the small helpers that turn form answers into intake values; shared by the therapist's
intake form and the public check."""

from __future__ import annotations

from typing import Any

from django import forms

from backcare.knowledge.contract import RED_FLAGS
from backcare.web.intake_questions import RED_FLAG_QUESTIONS, red_flag_name

YES_NO = [("yes", "Yes"), ("no", "No")]
TRI = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]


def tri_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=TRI, required=False, widget=forms.RadioSelect)


def compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def split_answer(text: str, separator: str) -> list[str]:
    return [part.strip() for part in (text or "").split(separator) if part.strip()]


def yes_no(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def tri_value(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def red_flag_fields() -> dict[str, forms.ChoiceField]:
    """Every warning-sign question, each to be answered yes or no."""
    return {
        red_flag_name(flag): forms.ChoiceField(
            label=RED_FLAG_QUESTIONS[flag], choices=YES_NO, widget=forms.RadioSelect
        )
        for flag in RED_FLAGS
    }


def red_flag_answers(cleaned: dict[str, Any]) -> dict[str, bool]:
    """The answered warning-sign questions as the intake's ``red_flags``."""
    return {flag: cleaned[red_flag_name(flag)] == "yes" for flag in RED_FLAGS}


def bound_red_flags(form: forms.Form) -> list[forms.BoundField]:
    """The warning-sign questions of a form, in order, for its template."""
    return [form[red_flag_name(flag)] for flag in RED_FLAGS]
