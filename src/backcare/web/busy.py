"""A database too busy to take a write in time answers 503 with a plain page, never a 500.

Saves handle this themselves (records.saving raises SaveFailed and the form comes back with what
was typed). This covers the writes a page makes before any save starts, such as the audit entry
of opening a client, when something has held the database for longer than the busy timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        log.error(
            "%s %s: the database did not answer in time",
            request.method,
            request.path,
            exc_info=exception,
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response
