"""The intake contract and the assessment of spec v1 as OpenAPI schemas: the intake from its
pydantic model (its parts under components), the assessment from schema/assessment-v1.json."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from backcare.clinical.intake import Intake


@cache
def intake_components() -> dict[str, Any]:
    """``Intake`` and every model it is made of, as named component schemas."""
    schema = Intake.model_json_schema(ref_template="#/components/schemas/Intake_{model}")
    parts: dict[str, Any] = schema.pop("$defs", {})
    return {**{f"Intake_{name}": part for name, part in parts.items()}, "Intake": schema}


@cache
def assessment_schema() -> dict[str, Any]:
    text = resources.files("backcare").joinpath("schema/assessment-v1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
