"""A request's fields checked by the web form that checks them on the page, so the API refuses
exactly what the page refuses, with the same words."""

from __future__ import annotations

from typing import Any

from backcare.errors import InvalidIntake, Problem
from backcare.web.fields import Checked


def checked(form_class: type[Checked], data: dict[str, Any]) -> dict[str, Any]:
    """The form's clean data; InvalidIntake with one problem per field message otherwise."""
    form: Any = form_class({k: "" if v is None else v for k, v in data.items()})
    if form.is_valid():
        return dict(form.cleaned_data)
    raise InvalidIntake(
        [
            Problem(name if name != "__all__" else "", str(message))
            for name, messages in form.errors.items()
            for message in messages
        ]
    )
