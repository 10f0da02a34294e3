"""The FHIR resources of a call (CDS Hooks 2.0, §Prefetch and §FHIR Resource Access).

Each prefetch key the client sent is used as it is. A key it left out (or sent as null) is
fetched from ``fhirServer`` with the ``fhirAuthorization`` bearer token, each request with a
timeout. When neither is possible the call cannot be answered: ``DataMissing`` (412, as the
specification's §Prefetch asks).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from backcare.errors import BadHookRequest, DataMissing, Problem
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


def resources(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The resources of the prefetch: single resources and the entries of search Bundles;
    anything else is a ``BadHookRequest`` naming where it is."""
    found: list[Mapping[str, Any]] = []
    problems: list[Problem] = []
    for key, value in data.items():
        if not isinstance(value, Mapping):
            problems.append(Problem(f"prefetch.{key}", "must be a FHIR resource or Bundle"))
        elif value.get("resourceType") != "Bundle":
            found.append(value)
        elif not isinstance(value.get("entry", []), list):
            problems.append(Problem(f"prefetch.{key}.entry", "must be a list of entries"))
        else:
            for n, entry in enumerate(value.get("entry", [])):
                resource = entry.get("resource") if isinstance(entry, Mapping) else None
                if isinstance(resource, Mapping):
                    found.append(resource)
                else:
                    where = f"prefetch.{key}.entry.{n}.resource"
                    problems.append(Problem(where, "must be a FHIR resource"))
    if problems:
        raise BadHookRequest(problems)
    return found


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
