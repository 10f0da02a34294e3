"""Fuzzing the intake's two doors: ``parse_intake`` takes any Python value and ``intake_file.load``
any bytes. Each gives a valid result or ``InvalidIntake`` with problems fit to print; nothing else
(no TypeError, ValueError, RecursionError) ever escapes."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from backcare import intake_file
from backcare.clinical import Intake, parse_intake
from backcare.errors import InvalidIntake
from tests import strategies as s

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = [*Intake.model_fields, "age", "regions", "id", "status", "region", "finding", "kind"]
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

any_text = st.text(st.characters(exclude_categories=()), max_size=30)
numbers = (
    st.integers()
    | st.integers(min_value=10**19, max_value=10**400)
    | st.integers(4_000, 6_000).map(lambda digits: 10**digits)  # past what Python prints
    | st.integers(4_000, 6_000).map(lambda digits: -(10**digits))
    | st.floats()
)
scalars = (
    st.none()
    | st.booleans()
    | numbers
    | any_text
    | st.sampled_from(["low_back", "flu", "warfarin", "2026-11-01", "active", "x" * 20_000])
    | st.dates()
    | st.datetimes()
    | st.binary(max_size=10)
)
keys = st.sampled_from(FIELDS) | any_text | st.integers() | st.none() | st.booleans()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(keys, inner, max_size=4)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=20,
)


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in models_in(arg)]


def shaped(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings with the model's own field names (nested models too), and any value in each."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        inner = models_in(field.annotation)
        nested = st.deferred(lambda m=inner[0]: shaped(m)) if inner else st.nothing()
        fields[name] = values | nested | st.lists(nested | values, max_size=3)
    return st.fixed_dictionaries({}, optional=fields)


def printable(error: InvalidIntake) -> bool:
    """Problems exist, and each is a short line safe to print on a terminal."""
    lines = [str(problem) for problem in error.problems]
    return bool(lines) and all(len(line) < 2_000 and not UNPRINTABLE.search(line) for line in lines)


def refused_or_valid(data: Any) -> None:
    refusal = None
    try:
        parse_intake(data, today=s.TODAY)
    except InvalidIntake as error:
        refusal = error
    assert refusal is None or printable(refusal)


def mutated(data: dict[str, Any], draw: Any) -> dict[str, Any]:
    """``data`` with one value somewhere inside replaced, or one key added, at random."""
    changed = copy.deepcopy(data)
    node: Any = changed
    while True:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        containers = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not containers or draw(st.booleans()):
            break
        _, node = draw(st.sampled_from(containers))
    if isinstance(node, dict):
        node[draw(st.sampled_from(sorted(node)) | keys)] = draw(values)
    else:
        node[draw(st.integers(0, len(node) - 1))] = draw(values)
    return changed


@SETTINGS
@given(values)
def test_any_value_is_refused_with_readable_problems_or_is_a_valid_intake(data):
    refused_or_valid(data)


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(Intake.model_fields)), values, max_size=5))
def test_any_value_in_any_intake_field_is_refused_or_valid(data):
    refused_or_valid({"client": {"age": 40}, **data})


@pytest.mark.long
@settings(SETTINGS, max_examples=200)
@given(shaped(Intake))
def test_any_value_at_any_depth_of_the_intake_shape_is_refused_or_valid(data):
    refused_or_valid(data)


@SETTINGS
@given(s.intakes(), st.data())
def test_a_valid_intake_with_one_value_changed_is_refused_or_valid(intake, data):
    refused_or_valid(mutated(intake, data.draw))


def as_text(intake: dict[str, Any], as_json: bool) -> str:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date | datetime) else str(value)

    if as_json:
        return json.dumps(intake, default=plain, indent=1)
    return yaml.safe_dump(json.loads(json.dumps(intake, default=plain)), allow_unicode=True)


def read(raw: bytes, *, as_json: bool) -> None:
    try:
        data = intake_file.load(raw, as_json=as_json)
    except InvalidIntake as error:
        assert printable(error)  # noqa: PT017 - the refusal is the result under test
        return
    refused_or_valid(data)


@SETTINGS
@given(st.binary(max_size=200), st.booleans())
def test_any_bytes_are_read_or_refused(raw, as_json):
    read(raw, as_json=as_json)


@SETTINGS
@given(s.intakes(), st.booleans(), st.data())
def test_a_valid_intake_file_with_bytes_changed_is_read_or_refused(intake, as_json, data):
    raw = bytearray(as_text(intake, as_json).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        piece = data.draw(
            st.binary(min_size=1, max_size=4)
            | st.sampled_from([b"[", b"{", b"]", b"}", b":", b",", b'"', b"\n", b"*", b"&a ", b"9"])
        )
        raw[at : at + data.draw(st.integers(0, 3))] = piece
    read(bytes(raw), as_json=as_json)
