"""How a save is made when several people save at once: one transaction per save, one writer per
client at a time, and a clear SaveFailed (never a server error) when the database cannot take it.

Intake versions are numbered per client (1, 2, 3 ...). Two saves for one client must not both
read "the newest is 3" and both write 4. The save therefore holds the client's row
(``SELECT ... FOR NO KEY UPDATE``) before it reads the newest version: on PostgreSQL a second
save for the same client waits there until the first commits, then reads the new newest version,
so no save fails and nothing has to be tried again. SQLite runs every transaction as
``BEGIN IMMEDIATE`` (see the database settings), which takes the database's single write lock
at the start, so saves are already one at a time there and Django leaves ``FOR UPDATE`` out.

Why a lock and not a retry on the unique constraint's IntegrityError: a retry runs the whole
save again (the assessment included) and only makes a failure less likely, where the lock makes
it impossible; and the same lock keeps the other read-then-write steps of a save whole: exactly
one active plan after an intake, a clearance added to the intake that is really the newest, a
session note checked against the decision that is really the latest. Locking the newest intake
row (what came before) was not enough: a client's first intake has no row to lock, and a save
that waited on the row read the same old version again once the lock was free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

from backcare.errors import SaveFailed
from backcare.records.models import Client, Clinic, User

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


def atomic(save: Callable[P, R]) -> Callable[P, R]:
    """Run ``save`` in one transaction; a database that cannot take it raises SaveFailed.

    OperationalError is what the drivers raise when a lock wait runs out ("database is locked"),
    on a deadlock and on a lost connection; the transaction is rolled back, so nothing is kept.
    """

    @wraps(save)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return save(*args, **kwargs)
        except OperationalError as error:
            log.warning("%s could not be saved: %s", save.__name__, error, exc_info=True)
            raise SaveFailed() from error

    return run


def lock_client(client: Client) -> None:
    """Hold the client's row until the transaction ends: other saves for this client wait.

    ``FOR NO KEY UPDATE``, not ``FOR UPDATE``: rows that merely refer to the client (an audit
    event of someone opening the client's page) need a key-share lock on it, which this lock
    leaves free, so only saves wait for saves.
    """
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).values_list("pk").get()


_AUDIT_CHAIN_LOCKS = 0x61756474  # a namespace of PostgreSQL advisory locks: the audit chains


def lock_audit_chains(events: Sequence[tuple[int | None, int | None, int | None]]) -> None:
    """Hold the heads of the audit chains of the events' clinics until the transaction ends,
    so two events written at once never both follow the same event (which would fork a chain).
    Each event is given as the keys of the clinic, user and client it refers to (None: none).

    An advisory lock, not a row lock: a chain with no event yet has no row to lock, and
    events without a clinic have no clinic row. SQLite's write lock, taken at the start of
    every transaction, already lets one writer in at a time.

    First, the rows the events will refer to are key-shared, as the foreign-key check at commit
    would key-share them: a save that holds one of them (the clinic's settings hold the clinic
    row) and then writes its own event would otherwise wait for this chain head while this
    writer, holding the head, waited at its commit for that row: a deadlock. Taken in this
    order, this writer waits before it holds any head; the heads are then taken in the order of
    their clinics, so two writers of several chains at once never wait for each other in a ring.
    """
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Clinic, User, Client)]
    rows = {
        (table, pk)
        for event in events
        for table, pk in zip(tables, event, strict=True)
        if pk is not None
    }
    clinics = {clinic_id % 2**31 if clinic_id is not None else 0 for clinic_id, _, _ in events}
    with connection.cursor() as cursor:
        for table, pk in sorted(rows):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT 1 FROM {quoted} WHERE id = %s FOR KEY SHARE", [pk])
        for key in sorted(clinics):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_AUDIT_CHAIN_LOCKS, key])
