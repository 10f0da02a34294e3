"""Clients: create, find and open, always inside the user's clinic and always audited."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import Any, NamedTuple, overload

from django.db.models import Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from backcare import lru
from backcare.errors import NotFound, OutsideClinic
from backcare.records import audit, kept, plans, saving, statements
from backcare.records.models import (
    Assessment,
    Clearance,
    Client,
    Clinic,
    Intake,
    Plan,
    SessionNote,
    User,
)


@saving.atomic
def create_client(*, user: User, data: dict[str, Any]) -> Client:
    assert user.clinic is not None, "only clinic accounts manage clients"
    client = Client.objects.create(clinic=user.clinic, created_by=user, **data)
    audit.record(user=user, action="client.create", client=client)
    return client


def refused(*, user: User, error: OutsideClinic) -> None:
    """Write a refused request for a client outside the user's clinic to the clinic's trail."""
    audit.record(user=user, action="client.refused", target=f"client {error.client_id}")


def search(*, user: User, words: list[str] | None = None) -> QuerySet[Client]:
    """Clients of the user's clinic whose name, email or phone contains every word, each with
    the decision of their latest assessment (``latest_decision``). The words come bounded from
    the search form (backcare.limits: SEARCH_WORDS, SEARCH_CHARS)."""
    assert user.clinic_id is not None
    return _with_decision(
        _matching(Client.objects.filter(clinic_id=user.clinic_id), *(words or []))
    )


def _matching(clients: QuerySet[Client], *words: str) -> QuerySet[Client]:
    """Those of ``clients`` whose name, email or phone contains every word."""
    for word in words:
        clients = clients.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    return clients


def _with_decision(clients: QuerySet[Client]) -> QuerySet[Client]:
    latest = Assessment.objects.filter(client=OuterRef("pk")).order_by("-created_at", "-pk")
    return clients.annotate(latest_decision=Subquery(latest.values("decision")[:1]))


class Listed(NamedTuple):
    """A client as a row of the client list shows them (web/templates/web/_client_rows.html),
    read as a row: a page of 50 clients neither reads nor converts their notes and times, nor
    makes a record of each."""

    pk: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    email: str
    phone: str
    latest_decision: str | None


@dataclass(frozen=True)
class Listing:
    """The clients of a clinic ``search`` gives for the words, for a paginator, read a page at
    a time by queries compiled once (a page's bounds are part of its query). Every client is
    counted at each view; a search's matches are found once, in order, and kept until
    something is saved in the clinic (records/kept.py: the names, emails and phones it looks
    in change only through audited saves), so its count and each page's clients are read
    without looking through the clinic's clients again."""

    clinic: Clinic
    today: date
    words: tuple[str, ...] = ()
    ordered = True  # by name, as search gives them

    def count(self) -> int:
        if self.words:
            return len(self._matches)
        found = statements.fetch(_count, self.clinic.pk)
        return int(found[0][0]) if found else 0

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Listed]:
        return iter(self[0:None])

    @overload
    def __getitem__(self, part: int) -> Listed: ...
    @overload
    def __getitem__(self, part: slice) -> list[Listed]: ...
    def __getitem__(self, part: int | slice) -> Listed | list[Listed]:
        if isinstance(part, int):
            return self[part : part + 1][0]
        if self.words:
            return _listed(self.clinic.pk, self._matches[part])
        bounds = partial(_part, part.start, part.stop)  # in the query's SQL, not its parameters
        return [Listed(*row) for row in statements.fetch(bounds, self.clinic.pk)]

    @cached_property
    def _matches(self) -> array[int]:
        """The keys of the clients matching the words, in the list's order."""
        where: tuple[int | str, ...] = (self.clinic.pk, *self.words)
        return kept.until_saved(
            f"client search {self.words!r}",
            self.clinic,
            self.today,
            lambda: array("q", (row[0] for row in statements.fetch(_keys, *where))),
            depends_on=(),
            store=_searches,
        )


_searches: kept.Store = lru.Kept(size=64)  # the searches made lately, apart from the clinic's


def listing(*, user: User, today: date, words: list[str] | None = None) -> Listing:
    """The clients of the user's clinic ``search`` gives for the words (every client for
    none), each as a row of the client list."""
    assert user.clinic is not None
    return Listing(user.clinic, today, tuple(words or ()))


def _count(clinic_id: int) -> QuerySet[Any, Any]:
    """The number of the clinic's clients, as one ``COUNT(*)`` for the clinic's row: grouped
    by the clinic, as an aggregate of the clients' query is, it took three times as long."""
    every = Func(template="COUNT(*)", output_field=IntegerField())
    counted = Client.objects.filter(clinic=OuterRef("pk")).order_by().values(clients=every)
    return Clinic.objects.filter(pk=clinic_id).values_list(Subquery(counted))


def _part(start: int | None, stop: int | None, clinic_id: int) -> QuerySet[Any, Any]:
    clients = _with_decision(Client.objects.filter(clinic_id=clinic_id))
    return clients.values_list(*Listed._fields)[start:stop]


def _keys(clinic_id: int, *words: str) -> QuerySet[Any, Any]:
    return _matching(Client.objects.filter(clinic_id=clinic_id), *words).values_list("pk")


def _listed(clinic_id: int, keys: array[int]) -> list[Listed]:
    """The clinic's clients of ``keys`` as rows of the list, in the order of ``keys``."""
    if not keys:
        return []
    rows = statements.fetch(_by_key, clinic_id, *keys)  # one compiled query a page's length
    found = {row[0]: Listed(*row) for row in rows}
    return [found[pk] for pk in keys if pk in found]


def _by_key(clinic_id: int, *keys: int) -> QuerySet[Any, Any]:
    clients = Client.objects.filter(clinic_id=clinic_id, pk__in=keys).order_by()  # by key
    return _with_decision(clients).values_list(*Listed._fields)


def get(*, user: User, client_id: int) -> Client:
    """A client of the user's clinic; any other id (another clinic's too) is NotFound."""
    assert user.clinic_id is not None
    found = statements.fetch(_client, user.clinic_id, client_id)  # every client's page reads it
    if not found:
        raise OutsideClinic(client_id)
    client: Client = found[0]
    return client


def _client(clinic_id: int, client_id: int) -> QuerySet[Client]:
    return Client.objects.select_related("clinic").filter(pk=client_id, clinic_id=clinic_id)


def open_client(*, user: User, client_id: int, purpose: str) -> Client:
    """Get a client for display, writing the view to the audit log."""
    client = get(user=user, client_id=client_id)
    audit.record(user=user, action="client.view", client=client, target=purpose)
    return client


@dataclass(frozen=True)
class Overview:
    client: Client
    intake: Intake | None
    assessment: Assessment | None
    plan: Plan | None
    sessions: list[SessionNote]
    clearances: list[Clearance]
    age: int | None


def overview(*, user: User, client_id: int, today: date) -> Overview:
    """The client page's records of a client of the user's clinic, the view audited."""
    client = open_client(user=user, client_id=client_id, purpose="overview")
    return overview_of(client, today=today)


def overview_of(client: Client, *, today: date) -> Overview:
    """The client's latest intake and assessment, current plan, sessions and clearances."""
    intake = client.intakes.select_related("recorded_by").first()
    assessment = Assessment.objects.filter(client=client).first()
    return Overview(
        client=client,
        intake=intake,
        assessment=assessment,
        plan=plans.current(client),
        sessions=list(client.sessions.select_related("therapist")),
        clearances=list(client.clearances.all()),
        age=client.age_on(today),
    )


def assessment(
    *, user: User, client_id: int, assessment_id: int
) -> tuple[Client, Assessment, list[Assessment]]:
    """One assessment of a client (audited), with the client's others for the history."""
    client = open_client(user=user, client_id=client_id, purpose=f"assessment {assessment_id}")
    history = list(client.assessments.select_related("intake"))
    found = next((a for a in history if a.pk == assessment_id), None)
    if found is None:
        raise NotFound(f"no assessment {assessment_id}")
    return client, found, history
