"""What every form shares: text without control characters, numbers inside their range, and
errors that name the field, say what is wrong and what is allowed.

``CheckedForm`` and ``CheckedModelForm`` refuse control characters (NUL, escape, backspace...) in
every text field; a new line, a carriage return and a tab are fine. The field makers give each
number its range (backcare.limits) and each text its length, in words a user understands.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Model

from backcare.limits import Range

ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def no_control_characters(value: str) -> None:
    """Refuse the first control character in ``value``, saying which and where."""
    for position, character in enumerate(value, start=1):
        if character not in ALLOWED_CONTROLS and unicodedata.category(character) == "Cc":
            raise ValidationError(
                f"holds a control character (U+{ord(character):04X}) at character {position}; "
                "only text, new lines and tabs are allowed",
                code="control_character",
            )


class Checked:
    """Mixin for a form: the control-character check on every text field, and its errors as
    ``field: message`` lines."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_text()

    def check_text(self) -> None:
        """Give every text field the control-character check (again after adding fields)."""
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                if no_control_characters not in field.validators:
                    field.validators.append(no_control_characters)

    def problems(self) -> list[str]:
        """Every error, one line each, led by the field's name."""
        return [
            f"{name if name != '__all__' else 'form'}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]


class CheckedForm(Checked, forms.Form):
    pass


class CheckedModelForm(Checked, forms.ModelForm):  # type: ignore[type-arg]
    pass


def _number_messages(allowed: str) -> dict[str, str]:
    return {
        "invalid": allowed,
        "min_value": allowed,
        "max_value": allowed,
        "required": f"needs a value: {allowed}",
    }


def whole_number(bounds: Range, *, required: bool = True) -> forms.IntegerField:
    """A whole number inside ``bounds``; anything else names the range."""
    allowed = f"a whole number {bounds}"
    return forms.IntegerField(
        required=required,
        min_value=int(bounds.low),
        max_value=int(bounds.high),
        error_messages=_number_messages(allowed),
    )


def number(bounds: Range, *, required: bool = True) -> forms.FloatField:
    """A finite number inside ``bounds`` (not NaN, not infinity); anything else names the range."""
    allowed = f"a number {bounds}"

    def inside(value: float) -> None:
        if not math.isfinite(value) or value not in bounds:
            raise ValidationError(allowed, code="range")

    return forms.FloatField(
        required=required, validators=[inside], error_messages=_number_messages(allowed)
    )


def text(
    max_chars: int,
    *,
    required: bool = False,
    strip: bool = False,
    widget: forms.Widget | None = None,
) -> forms.CharField:
    """Text of at most ``max_chars`` characters, kept as typed unless ``strip``."""
    return forms.CharField(
        required=required,
        max_length=max_chars,
        strip=strip,
        widget=widget,
        error_messages={
            "max_length": f"at most {max_chars:,} characters are allowed (this has %(show_value)s)",
            "required": "required",
        },
    )


def date_field(*, required: bool = True) -> forms.DateField:
    allowed = "write the date as YYYY-MM-DD"
    return forms.DateField(
        required=required,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": allowed, "required": f"needs a value: {allowed}"},
    )


def length_of(model: type[Model], field: str) -> int:
    """The ``max_length`` a model gives ``field``, so a form never accepts more than is stored."""
    length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert length is not None, f"{model.__name__}.{field} has no max_length"
    return int(length)
