"""The client's pain and sleep log, from their link: no login, nothing of the record shown
beyond their own first name and what they logged."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backcare.errors import InvalidIntake, LinkRefused, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.records import painlog
from backcare.web.views.common import today
from backcare.web.views.links import refused

FIELDS = {
    "pain": "Pain today",
    "sleep_hours": "Hours slept",
    "logged_on": "Day",
    "note": "Note",
}


def pain_log(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = painlog.open_link(token=token, now=timezone.now())
    except LinkRefused as error:
        return refused(request, error)
    scale = load_knowledge().instruments["nprs"]
    errors: list[str] = []
    saved = False
    post = request.POST
    if request.method == "POST":
        try:
            painlog.log(token=token, data=post.dict(), now=timezone.now(), today=today())
            saved = True
            post = request.GET  # an empty form for the next entry
        except InvalidIntake as error:
            errors = [f"{FIELDS.get(p.path, p.path)}: {p.message}" for p in error.problems]
        except SaveFailed as error:
            errors = [str(error)]
        except LinkRefused as error:
            return refused(request, error)
    return render(
        request,
        "web/pain_log.html",
        {
            "public": True,
            "first_name": link.client.first_name,
            "errors": errors,
            "saved": saved,
            "post": post,
            "today": today(),
            "scale": range(int(scale.min), int(scale.max) + 1),
            "recent": painlog.recent(link),
            "urgent_signs": load_knowledge().meta.public_check.urgent_signs,
        },
    )
