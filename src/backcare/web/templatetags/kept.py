"""The parts of every page that are the same for every view (its head's files, the header of a
user's pages), rendered once for the same values (web/fragments.py) rather than at every view."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from backcare.web import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def kept(context: template.Context, name: str, **values: Any) -> SafeString:
    """``{% kept "web/_head.html" %}``: the template ``name`` rendered with ``values`` only."""
    request = context.get("request")
    if request is None and context.get("csrf_token") != fragments.TOKEN_MARK:
        # a page rendered outside a request (an error page): nothing to keep
        return mark_safe(render_to_string(name, values))
    return fragments.rendered(request, name, values)  # no request: a page to be kept whole


@register.simple_tag(takes_context=True)
def page_header(context: template.Context) -> SafeString:
    """The header: the app's name and, for a signed-in user's page, the main navigation (an
    admin's with the admin pages) and the log-out button."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated and not context.get("public"))
    return kept(
        context,
        "web/_header.html",
        signed_in=signed_in,
        admin=signed_in and bool(getattr(user, "is_clinic_admin", False)),
        username=user.username if signed_in else "",  # type: ignore[union-attr]
    )
