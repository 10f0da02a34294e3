"""The main part of a page rendered once for the same content: shown again with the same data,
the page reuses what was rendered rather than rendering its template again (a page's template
took a third to a half of its time).

What is kept is keyed by its content: the template, the knowledge base's version and a
fingerprint of every value handed to the template (each record with every field read from the
database and the records read with it). Anything saved changes what a view reads, hence the
key, so a change shows at the next view; nothing needs to be told of a save. A value that cannot
be fingerprinted (a query not yet run, a form) renders the template every time, and so does a
rendering that reads the database itself (a field not read with its record), as its key would
not cover what it shows. The part is rendered without the request: the signed-in user, messages
and the request belong to the page around it (templates/web/base.html). Each view's own CSRF
token is put into the forms of the part as it is sent.

A main page is kept whole the same way (``page``): the part with the page around it (its head,
its header, its title), for one user, keyed by the part's key, the page's own values and what
the header shows of the user (their key, clinic, name and role), so one user's page is never
sent to another. A view carrying messages to show once renders the page afresh (the messages
are shown, then gone). Either way the view's CSRF token is put in as the page is sent.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from pydantic import BaseModel

from backcare import lru
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records.models import Immutable
from backcare.web.csrf_token import get_token

# What the part's forms carry in place of the CSRF token (letters and digits, as a token is).
TOKEN_MARK = "csrfTokenOfTheRequestGoesHere"
_SCALARS = (str, bytes, int, float, bool, date, time, timedelta, Decimal, UUID, Enum, type(None))
_PLAIN = frozenset({str, int, bool, float, date, datetime, Decimal, type(None)})  # exact types
_rendered: lru.Kept[Hashable, str] = lru.Kept(size=256)
_pages: lru.Kept[Hashable, str] = lru.Kept(size=256)  # whole pages, each for one user


@dataclass(frozen=True, eq=False)
class Same:
    """A value never changed while it is kept (what records/kept.py keeps), told apart by
    identity rather than by content: the part kept with it holds it, so no other value can
    take its place while the part is kept."""

    value: object

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


class _Unkeyed(Exception):
    """A value whose fingerprint would not cover what the template shows of it."""


def rendered(
    request: HttpRequest | None,
    template: str,
    context: Mapping[str, Any],
    *,
    made_of: Mapping[str, Any] | None = None,
) -> SafeString:
    """``template`` rendered with ``context`` (the same as a fresh rendering, with the
    request's CSRF token), rendered again only for content not seen lately. ``made_of``: what
    the context is worked out from, and nothing else, fingerprinted in its place (a kept part
    by its identity is quicker to tell than all it holds). Without a request (a page being
    rendered to be kept whole), the CSRF token's mark is left for the page to replace."""
    try:
        key = _key(template, context, made_of)
    except _Unkeyed:
        if request is None:
            return mark_safe(_render(template, context)[0])
        return render_to_string(template, _values(context), request)
    html = _marked(key, template, context)[0]
    return mark_safe(html if request is None else _with_token(request, html))


def page(
    request: HttpRequest,
    template: str,
    part: str,
    context: Mapping[str, Any],
    *,
    made_of: Mapping[str, Any] | None = None,
    around: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The page ``template`` showing the part ``part`` rendered with ``context`` (as
    ``rendered`` does) as its ``content``, and ``around``, the page's own values (its title):
    the same as rendering both afresh, rendered again only for a user not shown the same page
    lately, and whenever the request carries messages to show."""
    around = around or {}
    # messages are shown once, so a view carrying them renders its page afresh
    key = (
        None
        if messages.get_messages(request)
        else _page_key(request, template, part, context, made_of, around)
    )
    if key is None:
        content = rendered(request, part, context, made_of=made_of)
        return render(request, template, {**around, "content": content})
    html = _pages.find(key)
    if html is None:
        shown, kept = _marked(key[-1], part, context)
        values = {**around, "content": mark_safe(shown), "user": request.user}
        html, reads = _render(template, values)
        if kept and not reads:
            _pages.keep(key, html)
    return HttpResponse(_with_token(request, html))


def _page_key(
    request: HttpRequest,
    template: str,
    part: str,
    context: Mapping[str, Any],
    made_of: Mapping[str, Any] | None,
    around: Mapping[str, Any],
) -> tuple[Hashable, ...] | None:
    """What tells apart two users' pages, and two pages of one user (None: a page that
    cannot be told apart, rendered every time): the part's key last."""
    user = request.user
    who = (user.pk, getattr(user, "clinic_id", None), user.get_username())
    admin = bool(getattr(user, "is_clinic_admin", False))  # the header names the admin pages
    try:
        return (template, who, admin, fingerprint(around), _key(part, context, made_of))
    except _Unkeyed:
        return None


def _key(template: str, context: Mapping[str, Any], made_of: Mapping[str, Any] | None) -> Hashable:
    """What tells apart two renderings of a part; _Unkeyed for a context it cannot tell."""
    return (template, load_knowledge().version, fingerprint(made_of or context))


def _marked(key: Hashable, template: str, context: Mapping[str, Any]) -> tuple[str, bool]:
    """The part rendered with the CSRF token's mark, and whether it is kept (a rendering that
    read the database is not: its key would not cover what it shows)."""
    html = _rendered.find(key)
    if html is not None:
        return html, True
    html, reads = _render(template, context)
    if not reads:
        _rendered.keep(key, html)
    return html, not reads


def _with_token(request: HttpRequest, html: str) -> str:
    return html.replace(TOKEN_MARK, get_token(request)) if TOKEN_MARK in html else html


def _render(template: str, context: Mapping[str, Any]) -> tuple[str, int]:
    """The rendering and how many queries it ran."""
    queries = [0]

    def count(execute: Any, *args: Any) -> Any:
        queries[0] += 1
        return execute(*args)

    with connection.execute_wrapper(count):
        html = render_to_string(template, {**_values(context), "csrf_token": TOKEN_MARK})
    return html, queries[0]


def _values(context: Mapping[str, Any]) -> dict[str, Any]:
    return {name: v.value if isinstance(v, Same) else v for name, v in context.items()}


def fingerprint(value: object) -> Hashable:
    """A hashable value equal for two values exactly when a template shows them the same;
    _Unkeyed for a value it cannot tell that of."""
    return _fingerprint(value, _Walk())


def _fingerprint(value: object, walk: _Walk) -> Hashable:
    """``walk``: the records being fingerprinted around this value (records refer to each
    other: a session to its client, the client to its clinic) and those done."""
    if type(value) in _PLAIN:  # most values: the fields of records
        return (type(value), value)
    if isinstance(value, list | tuple):  # a list of records or rows, a row read as a tuple
        if isinstance(value, tuple) and _PLAIN.issuperset(kinds := tuple(map(type, value))):
            return (type(value), kinds, value)  # a row of plain values: its types tell 1 from True
        return (type(value), tuple(_each(value, walk)))
    if isinstance(value, Same):
        return value
    if isinstance(value, _SCALARS):
        return (type(value), value)  # True and 1, "<b>" and a safe "<b>" render differently
    if isinstance(value, memoryview):  # a binary field on PostgreSQL
        return (bytes, value.tobytes())
    if isinstance(value, KnowledgeBase):  # loaded once, never changed: its version names it
        return (KnowledgeBase, value.version)
    if isinstance(value, Mapping):
        items = value.items()
        return (dict, tuple((_fingerprint(k, walk), _fingerprint(v, walk)) for k, v in items))
    if isinstance(value, set | frozenset):
        return (frozenset, frozenset(_fingerprint(item, walk) for item in value))
    if isinstance(value, models.Model):
        return _record(value, walk)
    if isinstance(value, BaseModel):  # a knowledge base entry, an intake
        return (type(value), _fingerprint(value.__dict__, walk))
    if isinstance(value, models.QuerySet):
        if value._result_cache is None:  # a query not run yet
            raise _Unkeyed(value)
        return _fingerprint(value._result_cache, walk)
    if isinstance(value, Page):
        paginator = value.paginator
        listed = _fingerprint(list(value.object_list), walk)
        return (Page, value.number, paginator.count, paginator.num_pages, listed)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value), tuple(_fingerprint(getattr(value, f.name), walk) for f in fields))
    raise _Unkeyed(value)


def _each(values: list[object] | tuple[object, ...], walk: _Walk) -> Iterator[Hashable]:
    """The fingerprints of the items of a list or tuple, those of plain values and of rows of
    plain values (a page of the client list) made here rather than in a call each."""
    for item in values:
        kind = type(item)
        if kind in _PLAIN:
            yield (kind, item)
        elif isinstance(item, tuple) and _PLAIN.issuperset(kinds := tuple(map(type, item))):
            yield (kind, kinds, item)
        else:
            yield _fingerprint(item, walk)


def _record(record: models.Model, walk: _Walk) -> Hashable:
    """A record by every field read with it and the records read with it (a record met again
    inside itself by its kind and key: its fields are in the fingerprint around it)."""
    if id(record) in walk.around:
        return (type(record), record.pk)
    outermost = not walk.around
    if outermost and id(record) in walk.done:  # the same record shown twice (a list, a page)
        return walk.done[id(record)]
    walk.around.add(id(record))
    written = _written_once(type(record))
    try:
        read = tuple(
            (k, (type(v), v) if type(v) in _PLAIN else _fingerprint(v, walk))
            for k, v in record.__dict__.items()
            if k != "_state" and k not in written
        )
        cache = record._state.fields_cache  # select_related's records
        related = _fingerprint(cache, walk) if cache else ()
    finally:
        walk.around.discard(id(record))
    found = (type(record), record.pk if written else None, read, related)
    if outermost:  # a record's fingerprint within another may stand for that one by its key
        walk.done[id(record)] = found
    return found


class _Walk:
    __slots__ = ("around", "done")

    def __init__(self) -> None:
        self.around: set[int] = set()
        self.done: dict[int, Hashable] = {}


@functools.cache
def _written_once(kind: type[models.Model]) -> frozenset[str]:
    """The fields of a record that never changes once saved (records/models.py: Immutable),
    which its key stands for; none for any other record."""
    if not issubclass(kind, Immutable):
        return frozenset()
    return frozenset(f.attname for f in kind._meta.concrete_fields)
