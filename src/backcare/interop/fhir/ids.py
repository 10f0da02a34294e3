"""Stable resource ids for a client's Bundle.

HL7 FHIR R4 (4.0.1), Bundle §2.36.4 (resource URL and uuid identifiers): every entry has a
``fullUrl`` of the form ``urn:uuid:<uuid>`` and references point at it. The uuid is derived
(UUID version 5) from the client and the record, so exporting the same records twice gives the
same ids and a receiving system can recognise a resource it has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

_NAMESPACE = UUID("5d2c7a1e-6f0b-4e43-9a8e-0b7c0f3f1f6e")


@dataclass(frozen=True, slots=True)
class Ids:
    """Ids within one client's Bundle."""

    client: str

    def id(self, kind: str, key: object = "") -> str:
        return str(uuid5(_NAMESPACE, f"{self.client}/{kind}/{key}"))

    def url(self, kind: str, key: object = "") -> str:
        return f"urn:uuid:{self.id(kind, key)}"

    def ref(self, kind: str, key: object = "", display: str | None = None) -> dict[str, Any]:
        reference: dict[str, Any] = {"reference": self.url(kind, key)}
        if display:
            reference["display"] = display
        return reference

    def resource(self, kind: str, key: object = "", **fields: Any) -> dict[str, Any]:
        """A resource of type ``kind`` with its id and fields (those that are None left out)."""
        body = {k: v for k, v in fields.items() if v not in (None, [], "")}
        return {"resourceType": kind, "id": self.id(kind, key), **body}
