"""One error body for every status the API answers with (docs/api.md), each declared in the
OpenAPI document of every operation, and the handlers that make it.

    {"status": 422, "error": "Unprocessable Content", "message": "...",
     "problems": [{"path": "client.age", "message": "..."}]}

``problems`` names each field that is wrong (a dotted path, as the intake contract's problems
do) and what is allowed; it is empty when the trouble is not one field's.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from backcare.errors import (
    ImmutableRecord,
    InvalidIntake,
    NotAllowed,
    NotFound,
    OutsideClinic,
    Problem,
    SaveFailed,
)
from backcare.records import clients
from backcare.records.models import ApiToken

log = logging.getLogger(__name__)

# Every status an operation may answer with besides its success, each for a documented reason.
ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 503)


class ProblemOut(Schema):
    path: str
    message: str


class ErrorOut(Schema):
    status: int
    error: str
    message: str
    problems: list[ProblemOut]


def responses(ok: dict[int, Any]) -> dict[Any, Any]:
    """An operation's responses: its successes and every documented error."""
    return {**ok, frozenset(ERRORS): ErrorOut}


class Stopped(Exception):
    """What was asked cannot be done in the client's present state (409)."""


class TooLarge(Exception):
    def __init__(self, most: int) -> None:
        super().__init__(f"the request body is larger than {most:,} bytes, the most allowed")


# The errors whose message is the whole answer, and their status.
STATUS_OF: dict[type[Exception], int] = {
    NotFound: 404,
    NotAllowed: 403,
    PermissionDenied: 403,
    ImmutableRecord: 409,
    Stopped: 409,
    TooLarge: 413,
    SaveFailed: 503,
}


def body(status: int, message: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "problems": [{"path": p.path, "message": p.message} for p in problems or []],
    }


def error_response(
    status: int, message: str, problems: list[Problem] | None = None
) -> HttpResponse:
    """The error body as a response, for code outside ninja (the request size middleware)."""
    return HttpResponse(
        json.dumps(body(status, message, problems)), status=status, content_type="application/json"
    )


def _field_path(location: list[Any] | tuple[Any, ...]) -> str:
    """ninja's location (("body", "data", "first_name"), ("query", "limit")) as a dotted path
    within the body or the query: "first_name", "limit"."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        return ".".join(parts[2:] if len(parts) > 2 else parts[1:])
    return ".".join(parts[1:] or parts)


def install(api: NinjaAPI) -> None:
    """Map every error to its status and the one body."""

    def reply(
        request: HttpRequest, status: int, message: str, problems: Any = None
    ) -> HttpResponse:
        response = api.create_response(request, body(status, message, problems), status=status)
        if status == 503:
            response["Retry-After"] = "10"
        return response

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [
            Problem(_field_path(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors
        ]
        return reply(request, 422, "the request does not follow the schema", problems)

    @api.exception_handler(InvalidIntake)
    def refused(request: HttpRequest, exc: InvalidIntake) -> HttpResponse:
        return reply(request, 422, "nothing was saved: fix the problems listed", exc.problems)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, int(exc.wait or 1))
        response = reply(request, 429, f"too many requests for this token: wait {wait} s")
        response["Retry-After"] = str(wait)
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, _exc: AuthenticationError) -> HttpResponse:
        response = reply(
            request,
            401,
            "send a valid API token as 'Authorization: Bearer bc_...'; it may have expired or "
            "been revoked, or its account deactivated",
        )
        response["WWW-Authenticate"] = 'Bearer realm="backcare"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            problems = getattr(request, "body_problems", None) or [Problem("body", str(exc))]
            return reply(request, 400, "the request body is not JSON that can be read", problems)
        return reply(request, exc.status_code, str(exc))

    @api.exception_handler(OutsideClinic)
    def outside(request: HttpRequest, exc: OutsideClinic) -> HttpResponse:
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            clients.refused(user=token.user, error=exc)
        return reply(request, 404, str(exc))

    @api.exception_handler(Http404)
    def no_route(request: HttpRequest, _exc: Http404) -> HttpResponse:
        return reply(request, 404, "no such address in the API (docs/api.md lists them)")

    def plain(status: int) -> Any:
        return lambda request, exc: reply(request, status, str(exc) or HTTPStatus(status).phrase)

    for error, status in STATUS_OF.items():
        api.add_exception_handler(error, plain(status))

    @api.exception_handler(OperationalError)
    def database_busy(request: HttpRequest, _exc: OperationalError) -> HttpResponse:
        log.error("%s %s: the database did not answer in time", request.method, request.path)
        return reply(request, 503, "the database is busy just now; nothing was stored: try again")
