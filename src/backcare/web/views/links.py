"""Self-service links: the therapist makes or revokes one; the client fills their form from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from backcare.errors import InvalidIntake, LinkRefused, SaveFailed
from backcare.knowledge import load_knowledge
from backcare.records import clients, selfservice
from backcare.web.intake_form import IntakeForm
from backcare.web.prefill import client_initial, rows_for
from backcare.web.views.common import clinic_page, today, user_of
from backcare.web.views.intakes import context


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


def refused(request: HttpRequest, error: LinkRefused) -> HttpResponse:
    context = {"heading": "This link cannot be used", "message": str(error)}
    return render(request, "410.html", context, status=410)


def self_intake(request: HttpRequest, token: str) -> HttpResponse:
    """The client's own intake, from a link: no login, nothing of the therapist's shown."""
    try:
        link = selfservice.open_link(token=token, now=timezone.now())
    except LinkRefused as error:
        return refused(request, error)
    start = selfservice.form_start(link)
    form = IntakeForm(
        request.POST or None,
        for_client=True,
        initial=client_initial(start, link.client, today()),
        rows=rows_for(start),
    )
    if request.method == "POST" and form.is_valid():
        try:
            selfservice.submit(
                token=token, data=form.to_intake(), now=timezone.now(), today=today()
            )
            urgent = load_knowledge().meta.public_check.urgent_signs
            return render(request, "web/self_thanks.html", {"public": True, "urgent_signs": urgent})
        except InvalidIntake as error:
            form.add_problems(error.problems)
        except SaveFailed as error:
            form.add_error(None, str(error))
        except LinkRefused as error:
            return refused(request, error)
    return render(
        request,
        "web/intake_form.html",
        context(
            form,
            client=None,
            first_name=link.client.first_name,
            correcting=False,
            self_service=True,
            prefilled=start is not None,
            public=True,
        ),
    )
