"""The app's addresses plus a signed-in hello world: the cheapest page the same server,
middleware and sign-in can serve, the anchor of bench/bench_pages.py; and the same page writing
the audit row every page view writes (as an empty client search), which shows what that row
costs beside it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from backcare.records import audit
from backcare.records.models import User
from backcare.web.urls import urlpatterns as app_urls


@login_required
def hello(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


@login_required
def audited_hello(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    audit.record(user=request.user, action="client.search", detail={"clients": [], "page": 1})
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), path("bench/audited/", audited_hello), *app_urls]
