"""Self-service links: the therapist makes or revokes one (the client's side: self_intake)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from backcare.records import clients, selfservice
from backcare.web.views.common import clinic_page, user_of


def link_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("self_intake", args=[token]))


@clinic_page
def link_new(request: HttpRequest, client_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="self-service link")
    if request.method != "POST":
        return redirect("client", client_id=client.pk)
    token = selfservice.create_link(user=user, client=client, now=timezone.now())
    link = client.links.first()
    return render(
        request,
        "web/link_created.html",
        {"client": client, "url": link_url(request, token), "link": link},
    )


@clinic_page
def link_revoke(request: HttpRequest, client_id: int, link_id: int) -> HttpResponse:
    user = user_of(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="self-service link")
    if request.method == "POST":
        selfservice.revoke_link(user=user, client=client, link_id=link_id, now=timezone.now())
        messages.success(request, "Link revoked: it no longer opens the form.")
    return redirect("client", client_id=client.pk)
