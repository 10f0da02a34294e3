"""Request bodies read as intake files are: bounded in size, depth and number of values, each
key once (backcare/intake_file.py); whatever cannot be read is a 400 naming what is wrong."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.parser import Parser

from backcare import intake_file
from backcare.errors import InvalidIntake, Problem


def read(request: HttpRequest) -> Any:
    """The body's JSON; a 400 (HttpError) naming the problems when it cannot be read."""
    try:
        return intake_file.load(request.body, as_json=True)
    except InvalidIntake as error:
        request.body_problems = [  # type: ignore[attr-defined]
            Problem("body" if p.path == "FILE" else p.path, p.message) for p in error.problems
        ]
        raise HttpError(400, str(error)) from None


class BoundedParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], read(request))
