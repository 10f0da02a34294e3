"""Importing an export into an empty installation: the same records and decisions.

Every file is checked against the manifest's SHA-256 before anything is written. Rows are
inserted (never updated) table by table in the export's foreign-key order, in one transaction,
with new ids: each foreign key is remapped to the new id of the row it named. Saved times
(``created_at``, an audit event's ``at``) are kept as exported, and audit events are inserted
verbatim in their original order, so the audit trail reads as it did; the ids named inside their
text are those of the exporting installation. An acknowledged alert names the row that raised
it (``assessment 12``): that name is remapped before the acknowledgement is inserted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from django.contrib.auth.hashers import make_password
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction

from backcare.records import audit
from backcare.records.exchange import FORMAT, VERSION, ExchangeError, Table, from_json, tables
from backcare.records.export import BLOCK
from backcare.records.models import AlertAcknowledgement, Clinic, User

BATCH = 500
# The word an acknowledged alert's situation starts with, and the table its id is in.
SITUATIONS = {
    "assessment": "assessment",
    "plan": "plan",
    "session": "sessionnote",
    "draft": "intakedraft",
    "referral": "referral",
}
SITUATION = re.compile(r"(?P<word>[a-z]+) (?P<id>\d+)(?P<rest>.*)", re.DOTALL)


# What an import reads from the manifest, and its JSON type.
MANIFEST = {
    "format_version": int,
    "clinic": dict,
    "created_at": str,
    "tables": list,
    "counts": dict,
    "files": list,
}


@dataclass(frozen=True)
class Imported:
    manifest: dict[str, Any]
    counts: dict[str, int]
    dry_run: bool


def import_file(path: Path, *, dry_run: bool = False) -> Imported:
    """Check ``path`` and, unless ``dry_run``, insert its records; returns what it holds."""
    with _opened(path) as zipped:
        manifest = _checked(zipped, path)
        held = _held()
        if held:
            raise ExchangeError(
                f"this installation already holds data ({held}); an export is imported only "
                "into an empty installation (a new BACKCARE_HOME or database)"
            )
        if not dry_run:
            _insert(zipped, manifest)
    return Imported(manifest, dict(manifest["counts"]), dry_run)


def _opened(path: Path) -> ZipFile:
    try:
        return ZipFile(path)
    except FileNotFoundError:
        raise ExchangeError(f"{path}: no such file") from None
    except (BadZipFile, EOFError) as error:
        raise ExchangeError(f"{path} is not a readable zip ({error}); it may be damaged") from None
    except OSError as error:
        raise ExchangeError(f"cannot read {path}: {error.strerror}") from None


def _checked(zipped: ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zipped.read("manifest.json"))
    except KeyError:
        raise ExchangeError(f"{path} has no manifest.json: it is not a backcare export") from None
    except ValueError as error:
        raise ExchangeError(f"{path}: manifest.json is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExchangeError(f"{path} is not a backcare export (its manifest names no {FORMAT})")
    version = manifest.get("format_version")
    if isinstance(version, int) and version > VERSION:
        raise ExchangeError(
            f"{path} has export format version {version}, newer than this backcare reads "
            f"(up to {VERSION}); import it with a newer backcare"
        )
    for key, kind in MANIFEST.items():
        if not isinstance(manifest.get(key), kind):
            raise ExchangeError(f"{path}: manifest.json has no valid {key!r}; it may be damaged")
    names = set(zipped.namelist()) - {"manifest.json"}
    listed = {f.get("path"): f for f in manifest["files"] if isinstance(f, dict)}
    if names - set(listed):
        raise ExchangeError(
            f"{path} holds files its manifest does not list: {sorted(names - set(listed))[:5]}"
        )
    for name, entry in listed.items():
        if name not in names:
            raise ExchangeError(f"{path} is damaged: {name} is missing")
        if _sha256(zipped, name) != entry.get("sha256"):
            raise ExchangeError(
                f"{path} is damaged: {name} does not match its SHA-256 in the manifest"
            )
    known = {t.name for t in tables()}
    unknown = [name for name in manifest["counts"] if name not in known]
    if unknown:
        raise ExchangeError(
            f"{path} holds tables this backcare does not know: {', '.join(unknown)}"
        )
    return manifest


def _sha256(zipped: ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with zipped.open(name) as member:
            while block := member.read(BLOCK):
                digest.update(block)
    except (BadZipFile, OSError) as error:  # a CRC error, a cut-off file
        raise ExchangeError(f"{name} cannot be read ({error}); the zip is damaged") from None
    return digest.hexdigest()


def _held() -> str:
    counts = [(t.name, t.model._default_manager.count()) for t in tables()]
    return ", ".join(f"{count} {name}" for name, count in counts if count)


def _insert(zipped: ZipFile, manifest: dict[str, Any]) -> None:
    by_name = {t.name: t for t in tables()}
    # acknowledgements last: their situations name rows of tables that may come after them
    order = sorted(manifest["tables"], key=lambda name: name == "alertacknowledgement")
    ids: dict[str, dict[int, int]] = {}
    saved: list[str] = []
    try:
        with transaction.atomic():
            for name in order:
                ids[name] = _Load(zipped, by_name[name], ids, saved).run()
            clinic = Clinic.objects.get(pk=ids["clinic"][manifest["clinic"]["id"]])
            audit.record(
                user=None,
                clinic=clinic,
                action="import",
                target=clinic.name,
                detail={"created_at": manifest["created_at"], "counts": manifest["counts"]},
            )
    except (DatabaseError, ValueError, KeyError, TypeError) as error:
        for name in saved:
            default_storage.delete(name)
        raise ExchangeError(
            f"the export could not be imported ({error}); nothing was kept"
        ) from None


class _Load:
    """One table's rows inserted in batches, each foreign key remapped to the new ids."""

    def __init__(
        self, zipped: ZipFile, table: Table, ids: dict[str, dict[int, int]], saved: list[str]
    ) -> None:
        self.zipped, self.table, self.ids, self.saved = zipped, table, ids, saved
        self.mapped: dict[int, int] = {}
        self.pending: list[tuple[int, models.Model]] = []

    def run(self) -> dict[int, int]:
        table = self.table
        with _saved_times_kept(table), self.zipped.open(f"json/{table.name}.jsonl") as lines:
            for number, line in enumerate(lines, start=1):
                row = json.loads(line)
                old = row.pop("id")
                values = {
                    f.attname: from_json(f, self._value(f, self._given(f, row, number), number))
                    for f in table.fields
                    if not f.primary_key
                }
                unknown = set(row) - set(table.columns)
                if unknown:
                    raise ValueError(
                        f"{table.name} row {number} has columns this backcare does not know: "
                        f"{', '.join(sorted(unknown))}"
                    )
                if table.model is AlertAcknowledgement:
                    values["situation"] = self._situation(values["situation"])
                if table.model is User:  # no password travels: none works until one is set
                    values["password"] = make_password(None)
                self.pending.append((old, table.model(**values)))
                if len(self.pending) >= BATCH:
                    self._flush()
            self._flush()
        return self.mapped

    def _flush(self) -> None:
        made = self.table.model._default_manager.bulk_create([row for _, row in self.pending])
        self.mapped.update((old, row.pk) for (old, _), row in zip(self.pending, made, strict=True))
        self.pending.clear()

    def _given(self, field: models.Field[Any, Any], row: dict[str, Any], number: int) -> Any:
        """The row's value; a column added after the export was made takes its default."""
        if field.attname in row:
            return row[field.attname]
        if field.has_default() or field.null:
            return field.get_default()
        raise ValueError(f"{self.table.name} row {number} has no {field.attname}")

    def _value(self, field: models.Field[Any, Any], value: Any, number: int) -> Any:
        if isinstance(field, models.ForeignKey) and value is not None:
            return self._new_id(field, value, number)
        if isinstance(field, models.FileField) and value:
            return _document(self.zipped, value, self.saved)
        return value

    def _new_id(self, field: models.ForeignKey[Any, Any], value: int, number: int) -> int:
        target = field.related_model._meta.model_name  # type: ignore[union-attr]
        if target == self.table.name:  # a row of the same table, as an intake's correction_of
            if value not in self.mapped and any(old == value for old, _ in self.pending):
                self._flush()
            known = self.mapped
        else:
            known = self.ids.get(target or "", {})
        if value not in known:
            raise ValueError(
                f"{self.table.name} row {number}: {field.attname} {value} names no exported row"
            )
        return known[value]

    def _situation(self, situation: str) -> str:
        """An acknowledgement names the row that raised its alert (``assessment 12``): the
        name is remapped to the row's new id, or the acknowledged alert would come back."""
        found = SITUATION.fullmatch(situation)
        table = SITUATIONS.get(found["word"]) if found else None
        new = self.ids.get(table, {}).get(int(found["id"])) if found and table else None
        return f"{found['word']} {new}{found['rest']}" if found and new is not None else situation


def _document(zipped: ZipFile, name: str, saved: list[str]) -> str:
    with zipped.open(f"documents/{name}") as member:
        stored = default_storage.save(name, File(member, name=name))
    saved.append(stored)
    return stored


@contextmanager
def _saved_times_kept(table: Table) -> Iterator[None]:
    """Insert the exported times rather than now: ``auto_now`` is off while the table loads.
    The switch is process-wide, which is safe because an import runs from the command line,
    alone in its process (never inside the web app)."""
    stamped = [
        (f, f.auto_now, f.auto_now_add)  # type: ignore[attr-defined]
        for f in table.fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for field, _, _ in stamped:
        field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, now, added in stamped:
            field.auto_now, field.auto_now_add = now, added  # type: ignore[attr-defined]
