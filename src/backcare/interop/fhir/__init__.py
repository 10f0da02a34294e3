"""HL7 FHIR R4 (4.0.1) export and import of a client.

``bundle_for(client)`` builds a client's collection Bundle (``export.py``); ``read_bundle`` and
``read_resources`` (``read.py``) turn FHIR resources back into an intake, listing what they could
not read.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.interop.fhir.read import Reading, Unmapped, read_bundle, read_resources

if TYPE_CHECKING:
    from backcare.records.models import Client

__all__ = ["Reading", "Unmapped", "bundle_for", "read_bundle", "read_resources"]


def bundle_for(client: Client, *, today: date | None = None) -> dict[str, Any]:
    """The client's records as a FHIR R4 collection Bundle (a JSON-ready dict); the caller has
    found the client within the user's clinic and audits what it shows."""
    from backcare.interop.fhir.export import bundle_for as build  # needs Django set up

    return build(client, today=today)
