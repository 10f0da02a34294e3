"""The app's addresses plus a signed-in hello world: the cheapest page the same server,
middleware and sign-in can serve, the anchor of bench/bench_pages.py; the same page writing
the audit row every page view writes (as an empty client search), which shows what that row
costs beside it; and a save, after which the next view of a page finds nothing kept."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from backcare.records import audit
from backcare.records.models import User
from backcare.reports import charts
from backcare.web import fragments
from backcare.web.urls import urlpatterns as app_urls


@login_required
def hello(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


@login_required
def audited_hello(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    audit.record(user=request.user, action="client.search", detail={"clients": [], "page": 1})
    return HttpResponse("Hello, world", content_type="text/plain")


def save(user: User) -> None:
    """A save in the user's clinic, after which the next view of any page works out and renders
    everything again: a change in the clinic's audit chain (what every figure kept until a save
    checks) and the kept renderings emptied (kept by content, they would outlive a save that
    changed nothing shown)."""
    audit.record(user=user, action="bench.save")
    for rendered in (fragments._rendered, fragments._pages, charts._svg):
        rendered.cache_clear()


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    save(request.user)
    return HttpResponse("Saved", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/audited/", audited_hello),
    path("bench/saved/", saved),
    *app_urls,
]
