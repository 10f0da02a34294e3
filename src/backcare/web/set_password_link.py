"""The one-time link that sets an account's password: an invitation, or after a reset.

Django's password-reset tokens: signed with the secret key over the account's password hash and
last login, so the link stops working once a password is set (or the account is reset again),
and after PASSWORD_RESET_TIMEOUT (72 hours). Nothing of it is stored: it is shown once.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from backcare.records.models import User


def link_for(request: HttpRequest, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(reverse("set_password", args=[uid, token]))
