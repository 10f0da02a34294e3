"""A password rule Django's validators lack: no password built from the account's own names.

Django's UserAttributeSimilarityValidator compares the whole password with the user name, so
``weak4weak4weak4`` for the user ``weak4`` passes it (the two are only half alike). This rule
refuses any password that contains the user name, the first or last name, or the part of the
email address before the ``@`` (ignoring case), since those are the first words a guesser tries.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

SHORTEST_NAME = 3  # shorter names ("al", "li") would refuse too many good passwords


class NotBuiltFromNameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.casefold()
        for label, name in _names(user):
            if len(name) >= SHORTEST_NAME and name.casefold() in lowered:
                raise ValidationError(
                    f"This password contains your {label}; choose one without it.",
                    code="password_contains_name",
                )

    def get_help_text(self) -> str:
        return "Your password must not contain your user name, your name or your email name."


def _names(user: Any) -> list[tuple[str, str]]:
    if user is None:
        return []
    email = getattr(user, "email", "") or ""
    return [
        ("user name", getattr(user, "username", "") or ""),
        ("first name", getattr(user, "first_name", "") or ""),
        ("last name", getattr(user, "last_name", "") or ""),
        ("email name", email.partition("@")[0]),
    ]
