"""FHIR R4 export and import against the demo clinic: every client's Bundle passes three
independent checkers (the official JSON schema, FHIR.js, @medplum/core), and importing it into an
empty clinic gives the same decision and findings."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.utils import timezone
from typer.testing import CliRunner

from backcare.cli import app
from backcare.errors import InvalidIntake, NotFound
from backcare.interop.fhir import bundle_for
from backcare.interop.fhir.importing import import_bundle
from backcare.records import demo
from backcare.records.models import AuditEvent, Client, Clinic
from tests import fhir_checkers
from tests.unit.test_fhir_golden import GOLDEN

needs_checkers = pytest.mark.skipif(
    not fhir_checkers.installed(), reason="npm ci in tools/fhir-validate installs the checkers"
)


def broken(bundle: dict[str, Any]) -> dict[str, Any]:
    """A copy with faults each checker is known to catch: an impossible birth date, an element
    Patient does not have, and a status outside its value set."""
    bad = copy.deepcopy(bundle)
    patient = bad["entry"][0]["resource"]
    patient["birthDate"] = "1970-13-01"
    patient["favouriteColour"] = "blue"
    next(e["resource"] for e in bad["entry"] if e["resource"]["resourceType"] == "Procedure")[
        "status"
    ] = "done"
    return bad


def findings(result: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["decision"]) for f in result["findings"])


@needs_checkers
def test_every_demo_bundle_passes_three_checkers_and_imports_to_the_same_decision(db):
    demo.ensure_demo()
    clients = list(Client.objects.filter(clinic__name=demo.CLINIC).order_by("pk"))
    bundles = {f"{c.pk} {c}": bundle_for(c) for c in clients}
    kinds = Counter(e["resource"]["resourceType"] for b in bundles.values() for e in b["entry"])
    for kind in (
        "Patient",
        "Condition",
        "MedicationStatement",
        "AllergyIntolerance",
        "QuestionnaireResponse",
        "DetectedIssue",
        "RiskAssessment",
        "Provenance",
        "CarePlan",
        "Goal",
        "ServiceRequest",
        "Procedure",
        "Observation",
    ):
        assert kinds[kind], f"no demo client's bundle has a {kind}"
    assert any(
        not any(e["resource"]["resourceType"] == "CarePlan" for e in b["entry"])
        for b in bundles.values()
    )

    bundles["golden"] = json.loads(GOLDEN.read_text())
    sample = next(
        b
        for b in bundles.values()
        if any(e["resource"]["resourceType"] == "Procedure" for e in b["entry"])
    )
    found = fhir_checkers.problems({**bundles, "broken": broken(sample)})
    caught = found.pop("broken")
    assert all(caught[checker] for checker in ("json-schema", "fhir.js", "medplum")), caught
    assert {
        name: {k: v for k, v in checks.items() if v}
        for name, checks in found.items()
        if any(checks.values())
    } == {}

    empty = Clinic.objects.create(name="Receiving clinic")
    for client, bundle in zip(clients, list(bundles.values())[: len(clients)], strict=True):
        done = import_bundle(clinic=empty, user=None, bundle=bundle, today=timezone.localdate())
        source = client.assessments.order_by("-pk").first()
        assert source is not None
        assert (done.client.first_name, done.client.last_name, done.client.date_of_birth) == (
            client.first_name,
            client.last_name,
            client.date_of_birth,
        )
        assert done.assessment.decision == source.decision, client
        assert findings(done.assessment.result) == findings(source.result), client


def test_the_client_page_downloads_the_bundle_audited_and_not_stored(client_a, therapist_a):
    browser = Browser()
    browser.force_login(therapist_a)
    page = browser.get(f"/clients/{client_a.pk}/").content.decode()
    assert f'action="/clients/{client_a.pk}/fhir/"' in page
    response = browser.post(f"/clients/{client_a.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    bundle = json.loads(response.content)
    patient = bundle["entry"][0]["resource"]
    assert patient["name"] == [{"family": "Lovelace", "given": ["Ada"]}]
    texts = [
        e["resource"].get("medicationCodeableConcept", {}).get("text") for e in bundle["entry"]
    ]
    assert "warfarin 5 mg" in texts
    event = AuditEvent.objects.filter(client=client_a, action="client.export_fhir").get()
    assert event.user == therapist_a


def test_export_fhir_and_import_fhir_commands_move_a_client_to_another_clinic(
    client_a, clinic_b, tmp_path
):
    cli = CliRunner()
    target = tmp_path / "ada.json"
    exported = cli.invoke(
        app, ["export-fhir", str(client_a.pk), "--clinic", "Clinic A", "-o", str(target)]
    )
    assert exported.exit_code == 0, exported.output
    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text())["resourceType"] == "Bundle"
    same = tmp_path / "same.json"  # `export fhir CLIENT_ID`, as the zip export is `export FILE`
    spelled = cli.invoke(
        app, ["export", "fhir", str(client_a.pk), "--clinic", "Clinic A", "-o", str(same)]
    )
    assert spelled.exit_code == 0, spelled.output
    assert json.loads(same.read_text())["entry"] == json.loads(target.read_text())["entry"]

    imported = cli.invoke(app, ["import-fhir", str(target), "--clinic", "Clinic B"])
    assert imported.exit_code == 0, imported.output
    moved = Client.objects.get(clinic=clinic_b)
    assert (moved.first_name, moved.last_name) == ("Ada", "Lovelace")
    assert moved.assessments.get().decision == client_a.assessments.get().decision
    assert f"Created client {moved.pk}" in imported.output
    assert "Not read: Procedure" not in imported.output

    outside = cli.invoke(app, ["export-fhir", str(client_a.pk), "--clinic", "Clinic B"])
    # main() turns these errors into exit code 2 and the message; CliRunner shows the error.
    assert isinstance(outside.exception, NotFound)
    assert f"no client {client_a.pk}" in str(outside.exception)
    (tmp_path / "bad.json").write_text("{not json")
    bad = cli.invoke(app, ["import-fhir", str(tmp_path / "bad.json"), "--clinic", "Clinic B"])
    assert isinstance(bad.exception, InvalidIntake)
    assert "is not a FHIR Bundle in JSON" in str(bad.exception)


def test_a_therapist_uploads_a_bundle_and_sees_what_was_not_read(client_a, therapist_a):
    browser = Browser()
    browser.force_login(therapist_a)
    bundle = bundle_for(client_a)
    bundle["entry"].append({"resource": {"resourceType": "Immunization", "id": "flu"}})
    upload = SimpleUploadedFile("ada.json", json.dumps(bundle).encode())
    page = browser.post("/clients/import-fhir/", {"bundle": upload})
    assert page.status_code == 200
    copy_of_ada = (
        Client.objects.filter(clinic=client_a.clinic, last_name="Lovelace")
        .exclude(pk=client_a.pk)
        .get()
    )
    shown = page.content.decode()
    assert f'href="/clients/{copy_of_ada.pk}/"' in shown
    assert "Immunization/flu" in shown
    assert copy_of_ada.assessments.get().decision == client_a.assessments.get().decision

    refused = browser.post(
        "/clients/import-fhir/", {"bundle": SimpleUploadedFile("x.json", b"[1, 2")}
    )
    assert refused.status_code == 400
    assert "bundle: is not a FHIR Bundle in JSON" in refused.content.decode()
    no_name = browser.post(
        "/clients/import-fhir/",
        {"bundle": SimpleUploadedFile("y.json", b'{"resourceType": "Bundle"}')},
    )
    assert no_name.status_code == 400
    assert "client.age" in no_name.content.decode()
