"""The app's addresses plus a signed-in hello world: the cheapest page the same server,
middleware and sign-in can serve, the anchor of bench/bench_pages.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from backcare.web.urls import urlpatterns as app_urls


@login_required
def hello(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *app_urls]
