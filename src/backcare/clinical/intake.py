"""The intake of spec v1 (``shared/spec/intake-v1.md``): its model and ``parse_intake``.

Unknown fields and values are errors; a field left out means "not asked" (``None``), never
"no". Region shorthands (``low_back``) expand to both sides. ``parse_intake`` turns any problem
into ``InvalidIntake`` whose ``problems`` name the field path, what is wrong and what is allowed;
it accepts any Python value and raises nothing else. Text and lists are bounded (``text.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from backcare.clinical.text import MAX_ITEMS, MAX_REGIONS, Name, Names, Text, shown
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge.contract import REGIONS, SHORTHANDS


def _regions(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise PydanticCustomError("regions", "must be a list of regions")
    if len(items) > MAX_REGIONS:
        raise PydanticCustomError(
            "regions",
            "has {count} regions; at most {most} allowed",
            {"count": len(items), "most": MAX_REGIONS},
        )
    expanded: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise PydanticCustomError(
                "region",
                "{value} is not a region; each region is written as text",
                {"value": shown(item)},
            )
        if item in SHORTHANDS:
            expanded.extend(SHORTHANDS[item])
        elif item in REGIONS:
            expanded.append(item)
        else:
            raise PydanticCustomError(
                "region",
                "unknown region {value}; allowed: {allowed}, or a shorthand for both sides: "
                "{shorthands}",
                {
                    "value": shown(item),
                    "allowed": ", ".join(REGIONS),
                    "shorthands": ", ".join(SHORTHANDS),
                },
            )
    return tuple(dict.fromkeys(expanded))


def _day(value: Any) -> Any:
    if isinstance(value, date | str):
        return value
    raise PydanticCustomError("date", "must be a date written YYYY-MM-DD")


Regions = Annotated[tuple[str, ...], BeforeValidator(_regions)]
Day = Annotated[date, BeforeValidator(_day)]


def _none(most: int | None = None) -> Any:
    """An empty list by default, made afresh for each intake (pydantic would deep-copy a
    default list for every one); the schema still shows the default."""
    return Field(default_factory=list, max_length=most, json_schema_extra={"default": []})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Client(_Model):
    age: StrictInt = Field(ge=0, le=120)
    sex: Literal["female", "male", "intersex", "unknown"] | None = None
    pregnant_weeks: StrictInt | None = Field(default=None, ge=1, le=42)
    pregnancy_complications: Names = _none()
    breastfeeding: StrictBool | None = None
    occupation: Literal["desk", "manual", "athlete", "other"] | None = None


class Pain(_Model):
    regions: Regions = ()
    duration_weeks: float | None = Field(
        default=None, ge=0, le=5200, strict=True, allow_inf_nan=False
    )
    intensity: StrictInt | None = Field(default=None, ge=0, le=10)
    cause: (
        Literal["lifting", "trauma", "fall", "sport", "posture", "stress", "overuse", "unknown"]
        | None
    ) = None
    radiates_below_knee: StrictBool | None = None
    numbness: Regions = ()
    weakness: Regions = ()
    worse_at_night: StrictBool | None = None
    morning_stiffness_minutes: StrictInt | None = Field(default=None, ge=0, le=1440)
    new_or_changed: StrictBool | None = None


class RedFlags(_Model):
    saddle_numbness: StrictBool | None = None
    bladder_or_bowel_change: StrictBool | None = None
    progressive_weakness: StrictBool | None = None
    bilateral_leg_symptoms: StrictBool | None = None
    unexplained_weight_loss: StrictBool | None = None
    history_of_cancer: StrictBool | None = None
    fever: StrictBool | None = None
    iv_drug_use: StrictBool | None = None
    immunosuppressed: StrictBool | None = None
    significant_trauma: StrictBool | None = None
    pulsatile_abdominal_mass: StrictBool | None = None
    calf_swelling_one_side: StrictBool | None = None
    chest_pain_or_breathlessness: StrictBool | None = None


class ConditionEntry(_Model):
    id: Name = Field(min_length=1)
    status: Literal["active", "controlled", "history", "suspected"] = "active"
    regions: Regions = ()
    since: Day | None = None
    note: Text = ""


def _condition(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class Procedure(_Model):
    kind: Literal["surgery", "injection", "chemotherapy", "radiotherapy"]
    region: Regions = ()
    date: Day


class SkinFinding(_Model):
    finding: Literal[
        "bruise", "swelling", "open_wound", "rash", "burn", "inflamed", "tender", "varicose_vein"
    ]
    region: Regions


class ClearanceEntry(_Model):
    """Written clearance received for one finding (its rule id) of an earlier assessment."""

    rule: Name = Field(min_length=1)
    received_from: Name = Field(min_length=1)
    received_on: Day


class Vitals(_Model):
    temperature_c: float | None = Field(
        default=None, ge=30, le=45, strict=True, allow_inf_nan=False
    )
    systolic: StrictInt | None = Field(default=None, ge=50, le=300)
    diastolic: StrictInt | None = Field(default=None, ge=20, le=200)


class Preferences(_Model):
    pressure: Literal["light", "medium", "firm"] | None = None
    modalities: Names = _none()
    massage_experience: Literal["none", "some", "regular"] | None = None
    session_minutes: StrictInt | None = Field(default=None, ge=10, le=180)
    sessions_per_month: StrictInt | None = Field(default=None, ge=1, le=31)
    goals: Text = ""


class Intake(_Model):
    assessed_on: Day
    client: Client
    pain: Pain | None = None
    red_flags: RedFlags = RedFlags()
    conditions: list[Annotated[ConditionEntry, BeforeValidator(_condition)]] = _none(MAX_ITEMS)
    medications: Names = _none()
    procedures: list[Procedure] = _none(MAX_ITEMS)
    skin: list[SkinFinding] = _none(MAX_ITEMS)
    vitals: Vitals = Vitals()
    allergies: Names = _none()
    # Made afresh (a default model holding a list would be deep-copied for every intake);
    # the schema still shows the default.
    preferences: Preferences = Field(
        default_factory=Preferences,
        json_schema_extra={"default": Preferences().model_dump(mode="json")},
    )
    notes: Text = ""
    clearances: list[ClearanceEntry] = _none(MAX_ITEMS)

    @field_validator("medications", "allergies")
    @classmethod
    def _no_blank_items(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise PydanticCustomError("blank", "items must not be blank")
        return value


def parse_intake(data: Any, *, today: date) -> Intake:
    """Validate a decoded YAML/JSON intake; ``today`` fills a missing ``assessed_on``."""
    if not isinstance(data, dict):
        raise InvalidIntake([Problem("", "an intake is a mapping of fields (YAML or JSON object)")])
    if data.get("assessed_on") is None:
        data = {**data, "assessed_on": today}
    try:
        intake = Intake.model_validate(data)
    except ValidationError as error:
        raise InvalidIntake([_problem(e) for e in error.errors()]) from None
    problems = list(_consistency(intake))
    if problems:
        raise InvalidIntake(problems)
    return intake


def check_against(intake: Intake, modalities: Iterable[str]) -> None:
    """Values that only the knowledge base can check: the preferred modalities."""
    known = list(modalities)
    wanted = intake.preferences.modalities
    problems = [
        Problem(
            f"preferences.modalities[{i}]",
            f"unknown modality {shown(m)}; allowed: {', '.join(known)}",
        )
        for i, m in enumerate(wanted)
        if m not in known
    ]
    if problems:
        raise InvalidIntake(problems)


def _consistency(intake: Intake) -> list[Problem]:
    problems: list[Problem] = []
    client, vitals = intake.client, intake.vitals
    if client.pregnant_weeks is not None and client.sex == "male":
        problems.append(Problem("client.pregnant_weeks", "given for a client of sex 'male'"))
    if (
        vitals.systolic is not None
        and vitals.diastolic is not None
        and (vitals.diastolic >= vitals.systolic)
    ):
        problems.append(Problem("vitals.diastolic", "must be lower than vitals.systolic"))
    dated: list[tuple[str, date | None]] = [
        (f"procedures[{i}].date", p.date) for i, p in enumerate(intake.procedures)
    ]
    dated += [(f"conditions[{i}].since", c.since) for i, c in enumerate(intake.conditions)]
    dated += [
        (f"clearances[{i}].received_on", c.received_on) for i, c in enumerate(intake.clearances)
    ]
    for path, day in dated:
        if day is not None and day > intake.assessed_on:
            problems.append(Problem(path, f"{day} is after assessed_on ({intake.assessed_on})"))
    return problems


_MESSAGES = {
    "missing": "is required",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
}


def _problem(error: Any) -> Problem:
    loc: tuple[Any, ...] = error["loc"]
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "invalid_key":
        return Problem(
            field_path(loc[:-1]), f"field names must be text, not {shown(error['input'])}"
        )
    path = field_path(loc)
    if kind == "extra_forbidden":
        return Problem(
            path, f"unknown field; allowed fields here: {', '.join(_fields_at(loc[:-1]))}"
        )
    if kind == "literal_error":
        return Problem(
            path, f"{shown(error['input'])} is not allowed; allowed: {ctx.get('expected', '')}"
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return Problem(path, f"{shown(error['input'])} is out of range: {error['msg'].lower()}")
    if kind in (
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "date_parsing",
        "date_type",
    ):
        return Problem(path, f"{shown(error['input'])} is not a date; write YYYY-MM-DD")
    if kind == "string_too_long":
        return Problem(
            path,
            f"is too long ({len(error['input']):,} characters); "
            f"at most {ctx['max_length']:,} allowed",
        )
    if kind == "too_long":
        return Problem(
            path,
            f"has too many items ({ctx['actual_length']}); at most {ctx['max_length']} allowed",
        )
    return Problem(path, _MESSAGES.get(kind, error["msg"]))


def field_path(loc: tuple[Any, ...]) -> str:
    """A location as the contract writes it: ``conditions[0].since``; odd keys are quoted."""
    return "".join(_part(part) for part in loc).lstrip(".")


def _part(part: Any) -> str:
    if isinstance(part, int) and not isinstance(part, bool):
        return f"[{part}]"
    if isinstance(part, str) and part.isidentifier() and part.isascii() and len(part) <= 60:
        return f".{part}"
    return f"[{shown(part)}]"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found at ``loc`` (for 'unknown field' messages)."""
    model: Any = Intake
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = next(
            (
                arg
                for arg in _flatten(field.annotation)
                if isinstance(arg, type) and issubclass(arg, _Model)
            ),
            None,
        )
    return list(model.model_fields) if model else []


def _flatten(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        meta = getattr(annotation, "__origin__", None)
        return [annotation] if meta is None else [meta]
    return [leaf for arg in args for leaf in _flatten(arg)]
