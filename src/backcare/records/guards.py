"""Database triggers that refuse to change or delete records written once.

The models already refuse ``save()`` and ``delete()`` on these records; the triggers hold the
same line for everything else that reaches the database: a bulk ``update()``, raw SQL, a
database console. UPDATE is always refused. DELETE (and TRUNCATE on PostgreSQL) is refused
unless the connection has switched erasing on (``erasing``): only emptying a test database
between tests does that. A database owner can still drop the triggers: the audit trail's hash
chain (records/chain.py) is what shows a change made that way.

SQLite has no session settings, so the switch there is a function registered on each
connection (``backcare_may_erase()``); a tool that has not registered it (the sqlite3 shell)
is refused as well, with "no such function: backcare_may_erase". PostgreSQL reads the session
setting ``backcare.may_erase``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = (
    "records_auditevent",
    "records_intake",
    "records_assessment",
    "records_sessionnote",
    "records_sessionamendment",
    "records_clientchange",
    "records_alertacknowledgement",
    "records_measure",
)
GUARDED_FROM = "0005_tamper_evident"  # the migration that first created the triggers
_SWITCH = "backcare.may_erase"
_REFUSAL = "rows of {table} are written once and never changed or deleted (backcare)"


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers on every guarded table (again after a table was rebuilt)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, _present(connection)):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for event in _events(connection.vendor):
                tail = f" ON {table}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}{tail}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS backcare_refuse_change()")


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """The guarded tables whose triggers are missing (an empty list when all are there)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    return [
        t
        for t in _present(connection)
        if any(_name(t, e) not in names for e in _events(connection.vendor))
    ]


def _present(connection: BaseDatabaseWrapper) -> list[str]:
    """The guarded tables that exist (a table made by a later migration is guarded after it)."""
    existing = set(connection.introspection.table_names())
    return [table for table in TABLES if table in existing]


@contextmanager
def erasing(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let this connection delete guarded rows while inside: for emptying a test database."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        state = _sqlite_state(connection)
        state["on"] = True
        try:
            yield
        finally:
            state["on"] = False
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET {_SWITCH} = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"RESET {_SWITCH}")


def register_switch(sender: Any, connection: BaseDatabaseWrapper, **_: Any) -> None:  # noqa: ARG001
    """On each new SQLite connection, the function the triggers ask (off until ``erasing``)."""
    if connection.vendor != "sqlite":
        return
    state = {"on": False}
    connection.backcare_erase_state = state  # type: ignore[attr-defined]
    connection.connection.create_function("backcare_may_erase", 0, lambda: int(state["on"]))


def reinstall(sender: Any, using: str = "default", **_: Any) -> None:  # noqa: ARG001
    """After migrations: SQLite drops a table's triggers when a migration rebuilds the table,
    so they are put back each time (a no-op when they are there)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if ("records", GUARDED_FROM) in MigrationRecorder(connection).applied_migrations():
        install(connection)


def _sqlite_state(connection: BaseDatabaseWrapper) -> dict[str, bool]:
    state: dict[str, bool] = connection.backcare_erase_state  # type: ignore[attr-defined]
    return state


def _events(vendor: str) -> tuple[str, ...]:
    return ("update", "delete") if vendor == "sqlite" else ("update", "delete", "truncate")


def _name(table: str, event: str) -> str:
    return f"backcare_keep_{table.removeprefix('records_')}_{event}"


def _statements(vendor: str, tables: list[str]) -> Iterator[str]:
    if vendor == "sqlite":
        for table in tables:
            refusal = _REFUSAL.format(table=table)
            yield (
                f"CREATE TRIGGER IF NOT EXISTS {_name(table, 'update')} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'UPDATE refused: {refusal}'); END"
            )
            yield (
                f"CREATE TRIGGER IF NOT EXISTS {_name(table, 'delete')} BEFORE DELETE ON {table} "
                f"WHEN NOT backcare_may_erase() "
                f"BEGIN SELECT RAISE(ABORT, 'DELETE refused: {refusal}'); END"
            )
        return
    if vendor != "postgresql":
        raise NotImplementedError(f"no record guards for the {vendor} database")
    yield (
        "CREATE OR REPLACE FUNCTION backcare_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        f" IF TG_OP <> 'UPDATE' AND current_setting('{_SWITCH}', true) = 'on' THEN"
        "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NULL;"
        " END IF;"
        " RAISE EXCEPTION '% refused: rows of % are written once and never changed or deleted"
        " (backcare)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';"
        " END $$"
    )
    for table in tables:
        for event, each in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT")):
            yield (
                f"CREATE OR REPLACE TRIGGER {_name(table, event)} BEFORE {event.upper()} "
                f"ON {table} FOR EACH {each} EXECUTE FUNCTION backcare_refuse_change()"
            )
