"""A request body larger than any upload may be is refused (413) before it is read.

Django reads a request's body only when a view asks for it, and streams uploaded files to a
temporary file as they arrive, so without this an upload of any size would be written to disk
before the document check (records/documents.py) refused it. A little room above the upload
limit is left for the form's other fields.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from backcare import config

FORM_ROOM = 1024 * 1024  # the other fields of a form that carries a document


def largest_body() -> int:
    """The most bytes a request body may hold: the upload limit and room for the form."""
    return config.max_upload_bytes() + FORM_ROOM


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = largest_body()
        if size > limit and request.path.startswith("/api/"):
            from backcare.web.api.errors import error_response

            return error_response(413, f"the request body is larger than {limit:,} bytes")
        if size > limit:
            page = render_to_string("413.html", {"most": f"{config.max_upload_bytes() >> 20} MiB"})
            return HttpResponse(page, status=413)
        return self.get_response(request)
