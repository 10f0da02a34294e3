"""A page masks its CSRF token once (web/csrf_token.py): every place of the page carries the
same working token, and a sign-in within the request, which rotates the secret, gets a token
of the new secret."""

from __future__ import annotations

import re

from django.middleware.csrf import _unmask_cipher_token, rotate_token
from django.test import Client as Browser
from django.test import RequestFactory

from backcare.records.models import Client, User
from backcare.web.csrf_token import get_token

IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IN_HEADERS = re.compile(r'"X-CSRFToken": "([^"]+)"')


def test_every_form_and_the_htmx_headers_of_a_page_carry_one_token_that_posts(
    therapist_a: User, client_a: Client
) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(therapist_a)
    page = browser.get(f"/clients/{client_a.pk}/").content.decode()

    tokens = set(IN_FORM.findall(page)) | set(IN_HEADERS.findall(page))

    assert len(tokens) == 1
    made = browser.post(f"/clients/{client_a.pk}/link/", {"csrfmiddlewaretoken": tokens.pop()})
    assert made.status_code in (200, 302)


def test_a_token_asked_for_after_the_secret_is_rotated_is_of_the_new_secret() -> None:
    request = RequestFactory().get("/")
    before = get_token(request)
    assert get_token(request) == before

    rotate_token(request)  # what signing in does
    after = get_token(request)

    assert after != before
    assert _unmask_cipher_token(after) == request.META["CSRF_COOKIE"]
