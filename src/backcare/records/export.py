"""Exporting a clinic, or one client, as a zip that needs no backcare to read.

The zip holds, for each table of ``exchange.tables()``, ``csv/<table>.csv`` and
``json/<table>.jsonl`` (JSON Lines: one object a row), the uploaded documents under
``documents/``, and ``manifest.json`` (format version, knowledge version, clinic, scope, created
at, the row count of each table, the size and SHA-256 of every file). Rows are read in chunks and
written straight into the zip, so memory stays bounded however big the clinic; everything is read
in one transaction (a repeatable-read snapshot on PostgreSQL), so the files agree with each other.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet

from backcare import __version__
from backcare.errors import NotFound
from backcare.knowledge import load_knowledge
from backcare.records import audit
from backcare.records.exchange import (
    FORMAT,
    VERSION,
    ExchangeError,
    Table,
    tables,
    to_csv,
    to_json,
)
from backcare.records.models import Client, Clinic, User

CHUNK = 500  # rows read at a time: an assessment is about 8 KB of JSON
BLOCK = 1 << 16


@dataclass(frozen=True)
class Scope:
    """What an export holds: a whole clinic, or one client of it (and the accounts their
    record names)."""

    clinic: Clinic
    client: Client | None = None

    def rows(self, table: Table) -> QuerySet[Any] | None:
        """The table's rows in this scope, oldest first; None when the table has no place in it."""
        manager = table.model._default_manager
        if self.client is None:
            return manager.filter(**{table.clinic_path: self.clinic.pk}).order_by("pk")
        if table.model is User:
            return manager.filter(pk__in=self._accounts(), clinic=self.clinic).order_by("pk")
        if table.model is Clinic:
            return manager.filter(pk=self.clinic.pk)
        if table.client_path is None:
            return None
        return manager.filter(**{table.client_path: self.client.pk}).order_by("pk")

    def _accounts(self) -> set[int]:
        """The accounts a client's record names: who recorded, changed or saw it."""
        named: set[int] = set()
        for table in tables():
            rows = self.rows(table) if table.model is not User else None
            if rows is None:
                continue
            for key in table.foreign_keys():
                if key.related_model is User:
                    named.update(
                        rows.exclude(**{key.attname: None}).values_list(key.attname, flat=True)
                    )
        return named

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"clinic": {"id": self.clinic.pk, "name": self.clinic.name}}
        if self.client is not None:
            described["client"] = {"id": self.client.pk, "name": str(self.client)}
        return described


def export(*, scope: Scope, target: IO[bytes], user: User | None) -> dict[str, Any]:
    """Write the scope's zip to ``target`` and audit it; returns the manifest."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:  # one snapshot for every table (it must open the transaction)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        manifest = _write(scope, target)
    audit.record(
        user=user,
        clinic=scope.clinic,
        action="export.client" if scope.client else "export.clinic",
        client=scope.client,
        target=scope.clinic.name,
        detail={"counts": manifest["counts"], "by": "web" if user else "command line"},
    )
    return manifest


def _write(scope: Scope, target: IO[bytes]) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    documents: list[str] = []
    with ZipFile(target, "w", compression=ZIP_DEFLATED) as zipped:
        for table in tables():
            rows = scope.rows(table)
            if rows is None:
                continue
            lines = _member(zipped, f"csv/{table.name}.csv", _csv(table, rows), files)
            counts[table.name] = lines - 1  # the header aside
            _member(zipped, f"json/{table.name}.jsonl", _jsonl(table, rows), files)
            for file_field in table.file_fields():
                documents += [n for n in rows.values_list(file_field.attname, flat=True) if n]
        for name in sorted(set(documents)):
            _member(zipped, f"documents/{name}", _document(name), files)
        manifest = {
            "format": FORMAT,
            "format_version": VERSION,
            "backcare": __version__,
            "knowledge_version": load_knowledge().version,
            **scope.describe(),
            "scope": "client" if scope.client else "clinic",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": list(counts),
            "counts": counts,
            "files": files,
        }
        zipped.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _member(
    zipped: ZipFile, name: str, chunks: Iterator[bytes], files: list[dict[str, Any]]
) -> int:
    """Write one file into the zip from ``chunks``, noting its size and hash; returns the
    number of chunks (for a CSV file: its lines)."""
    digest, size, count = hashlib.sha256(), 0, 0
    entry = ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    entry.compress_type = ZIP_DEFLATED
    with zipped.open(entry, "w", force_zip64=True) as member:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            count += 1
            member.write(chunk)
    files.append({"path": name, "size": size, "sha256": digest.hexdigest()})
    return count


def _csv(table: Table, rows: QuerySet[Any]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[str]) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue().encode("utf-8")

    yield line(table.columns)
    for values in rows.values_list(*table.columns).iterator(chunk_size=CHUNK):
        yield line([to_csv(f, v) for f, v in zip(table.fields, values, strict=True)])


def _jsonl(table: Table, rows: QuerySet[Any]) -> Iterator[bytes]:
    for values in rows.values_list(*table.columns).iterator(chunk_size=CHUNK):
        row = {f.attname: to_json(f, v) for f, v in zip(table.fields, values, strict=True)}
        yield json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"


def _document(name: str) -> Iterator[bytes]:
    try:
        stored = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise ExchangeError(
            f"the document {name} that a clearance names is missing from the data directory; "
            "restore it from a backup, then export again"
        ) from None
    with stored:
        while block := stored.read(BLOCK):
            yield block


def write_file(*, scope: Scope, path: Path, user: User | None) -> dict[str, Any]:
    """Export into a file (mode 600: it holds health data)."""
    try:
        path.touch(mode=0o600)
        path.chmod(0o600)
        target = path.open("wb")
    except OSError as error:
        raise ExchangeError(f"cannot write {path}: {error.strerror}") from None
    try:
        with target:
            return export(scope=scope, target=target, user=user)
    except BaseException:
        path.unlink(missing_ok=True)  # no half-written export is left behind
        raise


def scope_for(*, clinic: Clinic, client_id: int | None) -> Scope:
    """The clinic, or one of its clients (another clinic's client is not found)."""
    if client_id is None:
        return Scope(clinic)
    found = Client.objects.filter(clinic=clinic, pk=client_id).first()
    if found is None:
        raise NotFound(f"no client {client_id} in clinic {clinic.name!r}")
    return Scope(clinic, found)
