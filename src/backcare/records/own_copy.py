"""A client's own copy of everything held about them (their right of access): every row of
their record, from the same tables as an export, in words a reader can follow, with the
documents kept for them. Secrets of the installation (link tokens, password hashes) stay out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.core.files.storage import default_storage

from backcare.records import audit, clients
from backcare.records.exchange import tables, to_json
from backcare.records.export import Scope
from backcare.records.models import Client, User

# Columns that are the installation's, not the client's: left out of the copy.
HIDDEN = {
    "selfservicelink": {"token_hash", "nonce"},
    "clinic": {"logo"},
    "user": {"last_login", "is_superuser", "is_staff", "is_active", "date_joined", "email"},
}


MISSING = (
    "These documents are named in the record but their files could not be found when this "
    "copy was made; ask the clinic for them:\n"
)


@dataclass(frozen=True)
class Section:
    """One table of the record: its title, column labels and rows (JSON values)."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]

    def readable(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, text) pairs; structured values as indented JSON."""
        return [[(label, _text(row[name])) for name, label in self.columns] for row in self.rows]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class OwnCopy:
    client: Client
    made_at: datetime
    sections: list[Section]
    documents: list[str]

    def latest(self, name: str, column: str) -> dict[str, Any] | None:
        """The newest row's ``column`` of a table (the latest intake's data, for one)."""
        rows = next((s.rows for s in self.sections if s.name == name), [])
        return rows[-1][column] if rows else None

    def as_json(self) -> dict[str, Any]:
        """One JSON document: who, when, and each table's rows by column name."""
        return {
            "client": str(self.client),
            "clinic": self.client.clinic.name,
            "made_at": self.made_at.isoformat(timespec="seconds"),
            "record": {s.name: s.rows for s in self.sections},
            "documents": self.documents,
        }


def collect(*, user: User, client_id: int) -> OwnCopy:
    """Everything held about a client of the user's clinic; the copy is audited."""
    client = clients.get(user=user, client_id=client_id)
    scope = Scope(client.clinic, client)
    sections, documents = [], []
    for table in tables():
        rows = scope.rows(table)
        if rows is None:
            continue
        fields = [f for f in table.fields if f.attname not in HIDDEN.get(table.name, set())]
        found = [
            {f.attname: to_json(f, v) for f, v in zip(fields, values, strict=True)}
            for values in rows.values_list(*(f.attname for f in fields))
        ]
        documents += [r[f.attname] for f in table.file_fields() for r in found if r[f.attname]]
        title = str(table.model._meta.verbose_name_plural).capitalize()
        labels = [(f.attname, str(f.verbose_name).capitalize()) for f in fields]
        sections.append(Section(table.name, title, labels, found))
    audit.record(user=user, action="client.own_copy", client=client, target="own copy")
    return OwnCopy(client, datetime.now(UTC), sections, documents)


def write_zip(copy: OwnCopy, *, html: str, styles: bytes, target: IO[bytes]) -> None:
    """The copy as a zip: record.html (with record.css) to read, record.json for a program,
    and the documents."""
    with ZipFile(target, "w", compression=ZIP_DEFLATED) as zipped:
        zipped.writestr("record.html", html)
        zipped.writestr("record.css", styles)
        zipped.writestr("record.json", json.dumps(copy.as_json(), indent=2, ensure_ascii=False))
        missing = []
        for name in copy.documents:
            try:
                with default_storage.open(name, "rb") as stored:
                    zipped.writestr(f"documents/{name}", stored.read())
            except FileNotFoundError:
                missing.append(name)
        if missing:  # said in the copy, never left out silently
            zipped.writestr("documents/MISSING.txt", MISSING + "\n".join(missing) + "\n")
