"""What an export holds, shared by export and import: every model of the ``records`` app, in
foreign-key order, its columns, and how each value is written in CSV and in JSON.

The tables are found by walking the app's models, so a model added later is exported with no
change here; a model that belongs to no clinic must be listed in ``EXCLUDED`` with the reason
(``tables()`` refuses otherwise, and a test calls it).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models

from backcare.errors import BackcareError

FORMAT = "backcare-export"
VERSION = 1

# Models of the records app deliberately left out of an export, with the reason.
EXCLUDED: dict[str, str] = {
    "firstsetup": "it marks that this installation's first setup was done; an installation that"
    " imports an export has accounts already, so its setup page is closed without it",
    "seentoken": "it remembers CDS Hooks client tokens for the minutes until they expire, to"
    " refuse a token used twice; it belongs to no clinic and is of no use elsewhere",
    "apitoken": "API tokens are keys to this installation; an installation that imports an"
    " export makes its own, so a copied export opens nothing",
    "batchjob": "a register screened from the web app is working data: its files are removed "
    "after BACKCARE_BATCH_KEEP_HOURS and its results were downloaded; nothing of a client's "
    "record is in it",
}

# Columns deliberately left out, with the reason.
EXCLUDED_COLUMNS: dict[str, dict[str, str]] = {
    "user": {
        "password": "password hashes never leave the installation; an imported account has no "
        "password until one is set (backcare user password NAME)",
    },
}


class ExchangeError(BackcareError):
    """An export or import that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """One model as a table of the export: its file name and the columns it writes."""

    model: type[models.Model]
    name: str
    fields: tuple[models.Field[Any, Any], ...]
    clinic_path: str
    client_path: str | None

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    def file_fields(self) -> list[models.Field[Any, Any]]:
        return [f for f in self.fields if isinstance(f, models.FileField)]

    def foreign_keys(self) -> list[models.ForeignKey[Any, Any]]:
        return [f for f in self.fields if isinstance(f, models.ForeignKey)]


def tables() -> list[Table]:
    """Every exported model of the records app, each after the models it refers to."""
    found = [m for m in apps.get_app_config("records").get_models() if name_of(m) not in EXCLUDED]
    return [_table(m) for m in _in_key_order(found)]


def name_of(model: type[models.Model]) -> str:
    return model._meta.model_name or model.__name__.lower()


def _table(model: type[models.Model]) -> Table:
    skipped = EXCLUDED_COLUMNS.get(name_of(model), {})
    fields = tuple(f for f in model._meta.concrete_fields if f.name not in skipped)
    clinic = "pk" if model is _model("Clinic") else _path_to(model, _model("Clinic"))
    if clinic is None:
        raise ExchangeError(
            f"the model {model.__name__} belongs to no clinic, so no export can hold it; give it "
            "a clinic, or list it in records/exchange.py EXCLUDED with the reason"
        )
    client = "pk" if model is _model("Client") else _path_to(model, _model("Client"))
    return Table(model, name_of(model), fields, clinic, client)


def _model(name: str) -> type[models.Model]:
    return apps.get_model("records", name)


def _path_to(model: type[models.Model], target: type[models.Model]) -> str | None:
    """The shortest lookup (``plan__client``) from ``model`` to ``target`` along foreign keys,
    never through an account (a user's clinic says nothing of whose record a row is)."""
    queue: list[tuple[type[models.Model], str]] = [(model, "")]
    seen = {model}
    while queue:
        current, path = queue.pop(0)
        for field in current._meta.concrete_fields:
            related = field.related_model
            if not isinstance(field, models.ForeignKey) or not isinstance(related, type):
                continue
            step = f"{path}__{field.name}" if path else field.name
            if related is target:
                return step
            if related not in seen and related is not _model("User"):
                seen.add(related)
                queue.append((related, step))
    return None


def _in_key_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Kahn's topological order over the foreign keys between the models (self-references
    aside), keeping the app's order among equals so the layout is stable."""
    depends = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
            and f.related_model in found
            and f.related_model is not m
        }
        for m in found
    }
    ordered: list[type[models.Model]] = []
    while len(ordered) < len(found):
        ready = [m for m in found if m not in ordered and depends[m] <= set(ordered)]
        if not ready:
            raise ExchangeError("the records models refer to each other in a circle")
        ordered.extend(ready[:1])
    return ordered


def to_json(field: models.Field[Any, Any], value: Any) -> Any:
    """A stored value as JSON: dates and times in ISO 8601 (times in UTC), bytes in base64."""
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_csv(field: models.Field[Any, Any], value: Any) -> str:
    """A stored value as CSV text: empty for null, JSON for JSON fields, true/false."""
    if value is None:
        return ""
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    value = to_json(field, value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_json(field: models.Field[Any, Any], value: Any) -> Any:
    """The value to store for a JSON value written by ``to_json``."""
    if value is None or isinstance(field, models.JSONField | models.FileField):
        return value
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    return field.to_python(value)


KINDS = {
    "AutoField": "whole number, the row's id",
    "BigAutoField": "whole number, the row's id",
    "CharField": "text",
    "TextField": "text",
    "EmailField": "email address",
    "DateField": "date, YYYY-MM-DD",
    "DateTimeField": "date and time, ISO 8601 in UTC",
    "BooleanField": "true or false",
    "PositiveIntegerField": "whole number",
    "PositiveSmallIntegerField": "whole number",
    "IntegerField": "whole number",
    "FloatField": "number",
    "JSONField": "JSON",
    "BinaryField": "bytes, base64",
    "FileField": "file path under documents/ in the zip",
}


def kind_of(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.ForeignKey):
        return f"id in {name_of(field.related_model)}"  # type: ignore[arg-type]
    kind = KINDS.get(field.get_internal_type(), field.get_internal_type())
    if field.choices:
        kind += ": " + ", ".join(str(value) for value, _ in field.flatchoices)
    return kind


def columns_doc() -> str:
    """The tables and their columns in Markdown, for docs/export.md (a test compares)."""
    lines: list[str] = []
    for table in tables():
        lines += [f"### {table.name}", "", "| column | kind | meaning |", "| --- | --- | --- |"]
        for field in table.fields:
            meaning = str(field.help_text or field.verbose_name).replace("|", "/")
            if field.primary_key:
                meaning = "this row's id, which other tables' `..._id` columns name"
            text = isinstance(field, models.CharField | models.TextField | models.FileField)
            empty = " (may be empty)" if field.null or (field.blank and text) else ""
            lines.append(f"| `{field.attname}` | {kind_of(field)} | {meaning}{empty} |")
        lines.append("")
    return "\n".join(lines)
