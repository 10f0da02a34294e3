"""The export page, a client's own copy, and import refusing what it cannot take: every table of
the records covered, the columns documented, nothing of another clinic, everything audited."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client as Browser

from backcare import cli
from backcare.records import exchange, export, guards, importer, user_admin
from backcare.records.models import AuditEvent, Clearance, Client, Clinic, User
from tests.integration import export_records
from tests.web.test_accessibility import audit
from tests.web.test_pages import errors, text

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"
BLOCK = re.compile(r"(<!-- columns:start -->\n)(.*?)(<!-- columns:end -->)", re.S)


def zip_of(response: Any) -> zipfile.ZipFile:
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data))


def test_every_records_model_is_exported_or_left_out_with_its_reason(db):
    exported = {table.name for table in exchange.tables()}  # refuses a model of no clinic
    for model in apps.get_app_config("records").get_models():
        name = exchange.name_of(model)
        assert name in exported or exchange.EXCLUDED.get(name, "").strip(), (
            f"{model.__name__} is neither exported nor listed in exchange.EXCLUDED with a reason"
        )
    for name, reasons in exchange.EXCLUDED_COLUMNS.items():
        assert all(reason.strip() for reason in reasons.values()), name


def test_the_documented_columns_are_the_models_columns(db):
    doc = DOC.read_text(encoding="utf-8")
    found = BLOCK.search(doc)
    assert found, "docs/export.md has lost its columns block"
    generated = exchange.columns_doc()
    if os.environ.get("BACKCARE_UPDATE_DOCS"):
        DOC.write_text(BLOCK.sub(lambda m: m[1] + generated + m[3], doc), encoding="utf-8")
    assert found[2] == generated, (
        "docs/export.md differs from the models: run "
        "BACKCARE_UPDATE_DOCS=1 .venv/bin/pytest tests/web/test_export.py and review the diff"
    )


def test_only_an_admin_exports_and_a_client_export_holds_nothing_of_another_clinic(
    admin_browser: Browser, browser_a: Browser, client_a: Client, client_b: Client
):
    assert browser_a.get("/clinic/export/").status_code == 403
    assert browser_a.post("/clinic/export/").status_code == 403
    page = admin_browser.get("/clinic/export/")
    assert page.status_code == 200
    assert "Download the export" in text(page)
    refused = admin_browser.post("/clinic/export/", {"client": str(client_b.pk)})
    assert refused.status_code == 400
    assert f"no client {client_b.pk} in clinic" in errors(text(refused))
    assert "not a client number" in errors(
        text(admin_browser.post("/clinic/export/", {"client": "x"}))
    )

    response = admin_browser.post("/clinic/export/", {"client": str(client_a.pk)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    with zip_of(response) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        everything = b"".join(zipped.read(name) for name in zipped.namelist())
        intakes = [json.loads(line) for line in zipped.read("json/intake.jsonl").splitlines()]
    assert manifest["scope"] == "client"
    assert manifest["client"]["id"] == client_a.pk
    assert manifest["counts"]["client"] == 1
    assert manifest["counts"]["intake"] == 1
    assert intakes[0]["data"]["medications"] == ["warfarin 5 mg"]
    assert manifest["counts"]["user"] == 1  # the therapist who recorded, not the whole clinic
    for stranger in (b"Clinic B", b"Bea", b"bert", b"alice"):
        assert stranger not in everything
    event = AuditEvent.objects.filter(action="export.client").get()
    assert (event.client_id, event.detail["counts"]["intake"]) == (client_a.pk, 1)

    whole = admin_browser.post("/clinic/export/", {"client": ""})
    with zip_of(whole) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert b"Bea" not in b"".join(zipped.read(name) for name in zipped.namelist())
    assert manifest["scope"] == "clinic"
    assert manifest["counts"]["user"] == 2
    assert AuditEvent.objects.filter(action="export.clinic", clinic=client_a.clinic).exists()


def test_a_clients_own_copy_holds_their_record_and_no_secret_in_one_click(
    browser_a: Browser, client_a: Client, client_b: Client, therapist_a: User
):
    page = text(browser_a.get(f"/clients/{client_a.pk}/"))
    assert f'action="/clients/{client_a.pk}/own-copy/"' in page
    assert (
        browser_a.get(f"/clients/{client_a.pk}/own-copy/")["Location"] == f"/clients/{client_a.pk}/"
    )
    response = browser_a.post(f"/clients/{client_a.pk}/own-copy/")
    assert response.status_code == 200
    with zip_of(response) as zipped:
        html = zipped.read("record.html").decode()
        record = json.loads(zipped.read("record.json"))
    assert audit(html) == []  # a language, one h1, named controls
    assert "The record of Ada Lovelace" in html
    assert "warfarin 5 mg" in html
    assert "In short" in html  # the latest intake in words, before the tables
    assert record["client"] == "Ada Lovelace"
    assert record["record"]["assessment"][0]["decision"] == client_a.assessments.get().decision
    assert "Bea" not in html
    assert "password" not in json.dumps(record)
    assert therapist_a.password not in html
    assert AuditEvent.objects.filter(action="client.own_copy", client=client_a).count() == 1
    assert browser_a.post(f"/clients/{client_b.pk}/own-copy/").status_code == 404


def backcare(*args: str, monkeypatch: Any, capsys: Any) -> tuple[int, str]:
    """The command line run in this process (on the test database): exit code and output."""
    monkeypatch.setattr(sys, "argv", ["backcare", *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out + out.err


def import_cli(path: Path, *extra: str, monkeypatch: Any, capsys: Any) -> tuple[int, str]:
    return backcare("import", *extra, str(path), monkeypatch=monkeypatch, capsys=capsys)


def test_the_export_command_names_what_it_needs_and_writes_a_private_file(
    client_a: Client, client_b: Client, tmp_path: Path, monkeypatch: Any, capsys: Any
):
    def run(*args: str) -> tuple[int, str]:
        return backcare("export", *args, monkeypatch=monkeypatch, capsys=capsys)

    assert run(str(tmp_path / "x.zip")) == (
        2,
        "error: --clinic: name the clinic to export; clinics: 'Clinic A', 'Clinic B'\n",
    )
    code, output = run("--clinic", "Clinic A", "--client", str(client_b.pk), "x.zip")
    assert (code, output) == (2, f"error: no client {client_b.pk} in clinic 'Clinic A'\n")
    code, output = run("--clinic", "Clinic A", str(tmp_path / "no" / "x.zip"))
    assert code == 2
    assert "cannot write" in output
    code, output = run(
        "--clinic", "Clinic A", "--client", str(client_a.pk), str(tmp_path / "a.zip")
    )
    assert code == 0, output
    assert (tmp_path / "a.zip").stat().st_mode & 0o777 == 0o600
    assert AuditEvent.objects.get(action="export.client").detail["by"] == "command line"


def exported(admin_browser: Browser) -> bytes:
    response: Any = admin_browser.post("/clinic/export/")
    return b"".join(response.streaming_content)


def rewritten(original: bytes, change: Any) -> bytes:
    """The zip with ``change(name, data)`` applied to each member."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                copy.writestr(name, data)
    return target.getvalue()


def test_import_refuses_a_damaged_newer_or_foreign_file_and_a_full_installation(
    admin_browser: Browser, client_a: Client, tmp_path: Path, monkeypatch: Any, capsys: Any
):
    good = exported(admin_browser)

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "format_version": exchange.VERSION + 1}).encode()

    cases = {
        "damaged": (
            rewritten(
                good, lambda n, d: d.replace(b"warfarin", b"aspirin") if "intake" in n else d
            ),
            "is damaged: csv/intake.csv does not match its SHA-256 in the manifest",
        ),
        "missing": (
            rewritten(good, lambda n, d: None if n == "json/client.jsonl" else d),
            "is damaged: json/client.jsonl is missing",
        ),
        "newer": (rewritten(good, newer), f"has export format version {exchange.VERSION + 1}"),
        "foreign": (
            rewritten(good, lambda n, d: None if n == "manifest.json" else d),
            "no manifest.json",
        ),
        "not a zip": (b"just some text", "is not a readable zip"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / f"{name}.zip"
        path.write_bytes(data)
        code, output = import_cli(path, monkeypatch=monkeypatch, capsys=capsys)
        assert (code, name) == (2, name), output
        assert output.startswith("error: "), (name, output)
        assert message in output, (name, output)
    path = tmp_path / "good.zip"
    path.write_bytes(good)
    code, output = import_cli(path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "this installation already holds data (1 clinic, 2 user, 1 client" in output


def test_a_clinic_imported_into_an_empty_database_has_the_same_records_and_decisions(
    db: Any, tmp_path: Path
):
    """In this process, so it runs on PostgreSQL too (tests/integration/test_postgres.py);
    tests/integration/test_export.py does the same through the command line."""
    export_records.make()
    made = export_records.snapshot()
    path = tmp_path / "clinic.zip"
    clinic = Clinic.objects.get(name=export_records.CLINIC)
    export.write_file(scope=export.Scope(clinic), path=path, user=None)
    for name in Clearance.objects.values_list("document", flat=True):
        default_storage.delete(name)
    with guards.erasing(connection):  # an empty database, as a new installation has
        for table in reversed(exchange.tables()):
            table.model._base_manager.all()._raw_delete(table.model._base_manager.db)  # type: ignore[attr-defined]

    dry = importer.import_file(path, dry_run=True)
    assert dry.counts == {name: len(made[name]) for name in dry.counts}
    assert not Client.objects.exists()
    importer.import_file(path)
    restored = export_records.snapshot()
    assert restored["auditevent"].pop()[4] == "import"
    assert restored == made  # every row and decision, the documents, the acknowledged alert

    account = User.objects.get(username="anna")
    assert not account.has_usable_password()  # no password hash travels in an export
    user_admin.set_password(actor=None, account=account, password="another-long-password-9")
    assert User.objects.get(username="anna").check_password("another-long-password-9")


def test_a_document_gone_from_the_data_directory_is_named_never_a_server_error(
    admin_browser: Browser, client_a: Client, admin_a: User
):
    Clearance.objects.create(
        clinic=client_a.clinic,
        client=client_a,
        received_from="Dr Who",
        received_on=client_a.created_at.date(),
        recorded_by=admin_a,
        document="clearances/2026/gone.pdf",
    )
    refused = admin_browser.post("/clinic/export/")
    assert refused.status_code == 400
    assert "the document clearances/2026/gone.pdf that a clearance names is missing" in errors(
        text(refused)
    )
    with zip_of(admin_browser.post(f"/clients/{client_a.pk}/own-copy/")) as zipped:
        assert "clearances/2026/gone.pdf" in zipped.read("documents/MISSING.txt").decode()
