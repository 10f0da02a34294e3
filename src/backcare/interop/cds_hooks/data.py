"""The FHIR resources of a call (CDS Hooks 2.0, §Prefetch and §FHIR Resource Access).

Each prefetch key the client sent is used as it is. A key it left out (or sent as null) is
fetched from ``fhirServer`` with the ``fhirAuthorization`` bearer token, each request with a
timeout. When neither is possible the call cannot be answered: ``DataMissing`` (412, as the
specification's §Prefetch asks).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from backcare.errors import DataMissing
from backcare.interop.cds_hooks.call import HookRequest
from backcare.interop.cds_hooks.services import PATIENT, PREFETCH

TIMEOUT = (2.0, 4.0)  # seconds to connect, to read: a CDS client waits about half a second
MOST_BYTES = 5_000_000


def gather(request: HookRequest) -> dict[str, Any]:
    """Every prefetch key's data: what the client sent, the rest fetched."""
    given = {key: request.prefetch.get(key) for key in PREFETCH}
    missing = [key for key, value in given.items() if value is None]
    if missing and not (request.fhirServer and request.fhirAuthorization):
        raise DataMissing(
            f"prefetch {', '.join(missing)} missing, and no fhirServer with fhirAuthorization"
            " to fetch them from"
        )
    for key in missing:
        given[key] = _fetch(request, PREFETCH[key].replace(PATIENT, request.context.patientId))
    return given


def resources(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The resources of the prefetch: single resources and the entries of search Bundles."""
    for value in data.values():
        if not isinstance(value, Mapping):
            continue
        if value.get("resourceType") == "Bundle":
            for entry in value.get("entry") or []:
                if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping):
                    yield entry["resource"]
        else:
            yield value


def _fetch(request: HookRequest, query: str) -> Any:
    assert request.fhirServer is not None
    assert request.fhirAuthorization is not None
    base = _checked_server(request.fhirServer)
    headers = {
        "Accept": "application/fhir+json",
        "Authorization": f"Bearer {request.fhirAuthorization.access_token}",
    }
    url = f"{base.rstrip('/')}/{query}"
    try:
        answer = requests.get(url, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        raise DataMissing(
            f"could not fetch {query} from fhirServer: {type(error).__name__}"
        ) from None
    if answer.status_code != 200 or len(answer.content) > MOST_BYTES:
        raise DataMissing(f"fhirServer answered {answer.status_code} to {query}")
    try:
        return answer.json()
    except ValueError:
        raise DataMissing(f"fhirServer sent no JSON for {query}") from None


def _checked_server(url: str) -> str:
    """HTTPS, as the specification requires; plain HTTP only to this machine (for testing)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url
    raise DataMissing(f"fhirServer {url!r} is not an https:// address")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
