"""Bounded, printable text for the intake, and a bounded way to show any input in a message.

The limits are part of the contract (docs/intake-v1.md): a name (a condition, a medicine line, an
allergy) holds at most ``MAX_NAME`` characters, free text (notes, goals) ``MAX_TEXT``, and a list
at most ``MAX_ITEMS`` entries. Text may hold any printable character, tabs and line breaks; NUL,
other control characters and unpaired surrogates are refused (no database or terminal takes them
safely).
"""

from __future__ import annotations

import math
import re
import reprlib
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictStr
from pydantic_core import PydanticCustomError

MAX_NAME = 200
MAX_TEXT = 10_000
MAX_ITEMS = 100
MAX_REGIONS = 50

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _printable(value: str) -> str:
    found = _UNPRINTABLE.search(value)
    if found:
        raise PydanticCustomError(
            "unprintable",
            "contains U+{code} at character {position}, a control character or unpaired "
            "surrogate; text may hold printable characters, tabs and line breaks",
            {"code": f"{ord(found.group()):04X}", "position": found.start() + 1},
        )
    return value


Name = Annotated[StrictStr, Field(max_length=MAX_NAME), AfterValidator(_printable)]
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT), AfterValidator(_printable)]
Names = Annotated[list[Name], Field(max_length=MAX_ITEMS)]


class _Shown(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 64:
            return f"a number of {_digits(x):,} digits"
        return super().repr_int(x, level)


_SHOWN = _Shown()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother = 2, 60, 60


def shown(value: Any) -> str:
    """``repr`` of an input, cut to a readable length (any size, depth or number of digits)."""
    return _SHOWN.repr(value)


def _digits(value: int) -> int:
    """Decimal digits of a large whole number, without converting it to text (which Python
    refuses past 4,300 digits)."""
    size = abs(value)
    digits = int((size.bit_length() - 1) * math.log10(2)) + 1
    return digits + 1 if size >= 10**digits else digits
