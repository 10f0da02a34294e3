"""The intake as a QuestionnaireResponse, and back.

HL7 FHIR R4 (4.0.1), QuestionnaireResponse (§12.2.8.6): each answered intake field is an item
whose ``linkId`` is the field's dotted path in intake contract v1 (``pain.intensity``); a nested
section is a group item, a list of records repeats its group, a list of values gives one answer
each. Conditions, medications and allergies are left out here: they travel as Condition,
MedicationStatement and AllergyIntolerance resources. Fields left out of the intake are left out
of the response, so "not asked" stays "not asked".
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from backcare.clinical.intake import Intake

AS_RESOURCES = frozenset({"conditions", "medications", "allergies"})


def items_of(intake: Intake) -> list[dict[str, Any]]:
    """The QuestionnaireResponse items of an intake (every field but those sent as resources)."""
    data = intake.model_dump(exclude_defaults=True)
    return list(_items({k: v for k, v in data.items() if k not in AS_RESOURCES}, ""))


def intake_of(items: list[Any]) -> tuple[dict[str, Any], list[str]]:
    """The intake fields these items answer, and a line for each item that fits no field."""
    problems: list[str] = []
    return _fields(items, Intake, "", problems), problems


def _items(data: Mapping[str, Any], prefix: str) -> Iterator[dict[str, Any]]:
    for name, value in data.items():
        link = f"{prefix}{name}"
        if isinstance(value, dict):
            yield (
                {"linkId": link, "item": list(_items(value, f"{link}."))}
                if value
                else {"linkId": link}
            )
        elif isinstance(value, list | tuple):
            if value and isinstance(value[0], dict):
                yield from ({"linkId": link, "item": list(_items(v, f"{link}."))} for v in value)
            elif value:
                yield {"linkId": link, "answer": [_answer(v) for v in value]}
        elif value != "":
            yield {"linkId": link, "answer": [_answer(value)]}


def _answer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, date):
        return {"valueDate": value.isoformat()}
    return {"valueString": str(value)}


_VALUE_KEYS = ("valueBoolean", "valueInteger", "valueDecimal", "valueDate", "valueString")


def _fields(items: list[Any], model: type[BaseModel], prefix: str, problems: list[str]) -> Any:
    out: dict[str, Any] = {}
    for item in items:
        link = item.get("linkId") if isinstance(item, dict) else None
        name = link[len(prefix) :] if isinstance(link, str) and link.startswith(prefix) else None
        if name is None or name not in model.model_fields or name in AS_RESOURCES:
            problems.append(f"item {link!r} is not a field of intake contract v1 here")
            continue
        kind, many = _shape(model.model_fields[name].annotation)
        if kind is not None:
            value = _fields(_items_in(item.get("item")), kind, f"{link}.", problems)
            if many:
                out.setdefault(name, []).append(value)
            else:
                out[name] = value
            continue
        values = [_value(answer) for answer in _items_in(item.get("answer"))]
        out[name] = values if many else (values[0] if len(values) == 1 else values)
    return out


def _items_in(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _value(answer: Any) -> Any:
    if isinstance(answer, dict):
        for key in _VALUE_KEYS:
            if key in answer:
                return answer[key]
    return answer


def _shape(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The record type a field holds (``None`` for a plain value), and whether it is a list."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(inner[0]) if len(inner) == 1 else (None, False)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (list, tuple):
        kind, _ = _shape(typing.get_args(annotation)[0])
        return kind, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False
