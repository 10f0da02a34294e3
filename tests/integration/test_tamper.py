"""What the database itself refuses, and what ``backcare audit verify`` finds when someone with
the owner's rights removes the refusal. Runs on SQLite here and on PostgreSQL in the nested
run of tests/integration (test_postgres.py)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from typer.testing import CliRunner

from backcare.cli import app
from backcare.records import accounts, audit, clients, clinic_settings, guards, intakes, verify
from backcare.records.models import AuditEvent, Client, Clinic, User
from tests.integration.test_concurrency import TODAY, intake_data


@pytest.fixture
def therapist(db: Any) -> User:
    clinic = Clinic.objects.create(name="Guarded clinic")
    return accounts.create_user(clinic=clinic, username="gina", password="a-long-test-password-42")


@pytest.fixture
def person(therapist: User) -> Client:
    """A client with an intake and its assessment, and so a few audit events."""
    client = clients.create_client(user=therapist, data={"first_name": "Ida", "last_name": "Ward"})
    intakes.record_intake(user=therapist, client=client, data=intake_data("one"), today=TODAY)
    return client


def refused(sql: str, params: list[Any]) -> str:
    """Run ``sql`` and return the database's refusal (the test fails if it is accepted)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(error.value)


def test_raw_sql_can_neither_change_nor_delete_an_audit_event_an_intake_or_an_assessment(
    person: Client,
) -> None:
    rows = {
        "records_auditevent": ("target", AuditEvent.objects.filter(client=person).first()),
        "records_intake": ("reason", person.intakes.get()),
        "records_assessment": ("decision", person.assessments.get()),
    }
    for table, (column, row) in rows.items():
        assert row is not None
        changed = refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["forged", row.pk])
        removed = refused(f"DELETE FROM {table} WHERE id = %s", [row.pk])

        assert f"UPDATE refused: rows of {table} are written once" in changed
        assert f"DELETE refused: rows of {table} are written once" in removed
        assert type(row).objects.filter(pk=row.pk).exists()


def test_emptying_a_guarded_table_at_once_is_refused(person: Client) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # PostgreSQL truncates only with no check pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert "TRUNCATE refused" in refused("TRUNCATE records_auditevent", [])
    else:  # SQLite has no TRUNCATE: a DELETE without WHERE is its fast way to empty a table
        assert "DELETE refused" in refused("DELETE FROM records_auditevent", [])
    assert AuditEvent.objects.filter(client=person).exists()


def test_a_bulk_change_through_the_orm_is_refused_too(person: Client) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(client=person).update(target="nothing happened")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(client=person).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        person.intakes.update(reason="rewritten")


def test_deleting_works_only_while_the_connection_switches_erasing_on(person: Client) -> None:
    event = AuditEvent.objects.filter(client=person).first()
    assert event is not None

    with guards.erasing(connection):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert not AuditEvent.objects.filter(pk=event.pk).exists()

    assert "DELETE refused" in refused("DELETE FROM records_auditevent", [])


def test_verify_passes_a_whole_trail_and_names_the_event_changed_behind_the_triggers(
    person: Client, therapist: User
) -> None:
    cli = CliRunner()
    whole = cli.invoke(app, ["audit", "verify"])
    assert whole.exit_code == 0, whole.output
    assert "clinic" in whole.output
    assert "chain whole" in whole.output
    victim = AuditEvent.objects.filter(client=person, action="intake.record").get()

    guards.remove(connection)  # what a database owner can do
    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_auditevent SET target = 'x' WHERE id = %s", [victim.pk])
    broken = cli.invoke(app, ["audit", "verify", "--clinic", str(therapist.clinic_id)])

    assert broken.exit_code == 1, broken.output
    assert f"BROKEN at event {victim.seq} (id {victim.pk}, {victim.at:%Y-%m-%d %H:%M:%S}" in (
        broken.output
    )
    assert "content does not match its hash" in broken.output
    assert "guards missing: the database no longer refuses changes to records_auditevent" in (
        broken.output
    )


def test_verify_finds_an_event_removed_from_the_middle_of_a_trail(
    person: Client, therapist: User
) -> None:
    for purpose in ("overview", "plan"):
        clients.open_client(user=therapist, client_id=person.pk, purpose=purpose)
    gone = AuditEvent.objects.filter(client=person).order_by("seq")[1]
    guards.remove(connection)
    AuditEvent.objects.filter(pk=gone.pk).delete()
    guards.install(connection)

    [report] = list(verify.verify())

    assert report.broken is not None
    assert report.checked == gone.seq - 1
    assert f"where {gone.seq} was expected (events missing)" in report.broken.problem
    assert verify.unguarded_tables() == []


@pytest.mark.django_db(transaction=True)
def test_two_clinics_writing_at_once_keep_each_chain_whole_and_unforked() -> None:
    writers = [
        accounts.create_user(
            clinic=Clinic.objects.create(name=f"Clinic {n}"),
            username=f"writer{n}",
            password="a-long-test-password-42",
        )
        for n in range(2)
    ]
    people = [
        clients.create_client(user=w, data={"first_name": "Al", "last_name": f"Co{n}"})
        for n, w in enumerate(writers)
    ]
    failures: list[str] = []
    start = threading.Barrier(6)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                audit.record(user=writers[n % 2], action="client.view", client=people[n % 2])
                audit.record(user=writers[n % 2], action="client.search", target=f"{n}-{i}")
        except Exception as error:  # every failure is counted and shown, none hidden
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    reports = list(verify.verify())
    assert [(r.checked, r.broken) for r in reports] == [(61, None), (61, None)]  # 60 + create
    for report in reports:
        numbers = AuditEvent.objects.filter(clinic=report.clinic_id).values_list("seq", flat=True)
        assert sorted(numbers) == list(range(1, 62))


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_written_before_it_in_order() -> None:
    before, after = [("records", "0004_clinic_settings")], [("records", "0005_tamper_evident")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        clinic = old.get_model("records", "Clinic").objects.create(name="Older clinic")
        events = old.get_model("records", "AuditEvent")
        for n in range(3):
            events.objects.create(clinic=clinic, action="client.view", target=f"view {n}")
        events.objects.create(clinic=None, action="setup", target="")
    finally:
        MigrationExecutor(connection).migrate(after)
        call_command("migrate", verbosity=0)  # the rest, as an upgrade runs them (guards kept)

    reports = {r.clinic: (r.checked, r.broken) for r in verify.verify()}
    assert reports == {"Older clinic": (3, None), "(events of no clinic)": (1, None)}
    targets = AuditEvent.objects.filter(clinic=clinic.pk).order_by("seq").values_list("target")
    assert [t for (t,) in targets] == ["view 0", "view 1", "view 2"]
    assert verify.unguarded_tables() == []


def test_an_anchor_noted_earlier_shows_a_trail_cut_back_from_its_newest_events(
    person: Client, therapist: User
) -> None:
    cli = CliRunner()
    clinic = str(therapist.clinic_id)
    first = cli.invoke(app, ["audit", "verify", "--clinic", clinic])
    noted = re.search(r"head (\d+:[0-9a-f]{16})", first.output)
    assert noted is not None, first.output
    anchored = ["audit", "verify", "--clinic", clinic, "--anchor", noted.group(1)]
    assert cli.invoke(app, anchored).exit_code == 0

    newest = AuditEvent.objects.filter(clinic=therapist.clinic).order_by("-seq")[0]
    guards.remove(connection)
    AuditEvent.objects.filter(pk=newest.pk).delete()  # the rest of the chain still links
    guards.install(connection)
    plain, cut = cli.invoke(app, ["audit", "verify"]), cli.invoke(app, anchored)

    assert plain.exit_code == 0
    assert cut.exit_code == 1
    assert f"event {newest.seq} of the anchor is missing" in cut.output


def test_renaming_a_user_later_leaves_the_events_they_wrote_verifiable(
    person: Client, therapist: User
) -> None:
    therapist.username = "gina.new"
    therapist.save(update_fields=["username"])

    assert [r.broken for r in verify.verify()] == [None]
    assert set(AuditEvent.objects.filter(user=therapist).values_list("actor", flat=True)) == {
        "gina"
    }


@pytest.mark.django_db(transaction=True)
def test_a_clinic_settings_save_and_a_page_view_at_once_both_get_their_audit_event() -> None:
    """The settings save holds the clinic's row while it writes its event; a page view writing
    its own event at that moment must wait its turn, not deadlock with it."""
    clinic = Clinic.objects.create(name="Busy clinic")
    admin = accounts.create_user(
        clinic=clinic, username="ada", password="a-long-test-password-42", role="admin"
    )
    written, locked, failures = threading.Event(), threading.Event(), []

    def page_view() -> None:
        try:
            with transaction.atomic():
                audit.record(user=admin, action="dashboard.view")
                written.set()
                locked.wait(1)  # the settings save takes the clinic row now, if it can
        except Exception as error:  # every failure is counted and shown, none hidden
            failures.append(repr(error))
        finally:
            connection.close()

    def settings_save() -> None:
        try:
            written.wait(10)
            with connection.execute_wrapper(take_row):
                clinic_settings.update_settings(user=admin, data={"name": "Busy clinic B"})
        except Exception as error:  # every failure is counted and shown, none hidden
            failures.append(repr(error))
        finally:
            connection.close()

    def take_row(execute: Any, sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        if "FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql:
            locked.set()
        return result

    threads = [threading.Thread(target=page_view), threading.Thread(target=settings_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert [r.broken for r in verify.verify()] == [None]
    assert AuditEvent.objects.filter(action="clinic.settings").count() == 1
