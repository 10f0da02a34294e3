"""The CDS Hooks 2.0 service as an EHR calls it: discovery, patient-view and order-select calls
with prefetch (or fetched from a FHIR server on this machine), signed-JWT refusals, feedback.

Requests follow the specification's examples (cds-hooks.hl7.org/2.0, §Calling a CDS Service);
tokens are signed with ES384 as the reference sandbox signs its calls. Expected responses are
golden files under tests/golden/cds_hooks/ (BACKCARE_WRITE_GOLDEN=1 rewrites them).
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client as Browser

from backcare.records import cds_clients
from backcare.records.models import AuditEvent, Clinic

GOLDEN = Path(__file__).parents[1] / "golden" / "cds_hooks"
ISSUER = "https://ehr.example.org"
BASE = "http://testserver/cds-hooks/cds-services"
PATIENT_VIEW = f"{BASE}/backcare-patient-view"
HOOK_INSTANCE = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"  # the specification's example
SNOMED = "http://snomed.info/sct"


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def pem(private: ec.EllipticCurvePrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture
def trusted(clinic_a: Clinic, key: ec.EllipticCurvePrivateKey) -> Clinic:
    cds_clients.trust(issuer=ISSUER, key=pem(key), clinic=clinic_a)
    return clinic_a


def signed(
    key: Any, *, aud: str = PATIENT_VIEW, iss: str = ISSUER, alg: str = "ES384", **claims: Any
) -> str:
    now = int(time.time())
    payload = {
        "iss": iss,
        "sub": "sandbox",
        "aud": aud,
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": "sandbox-key"})


def condition(code: str, display: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": f"cond-{code}",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}]},
        "subject": {"reference": "Patient/1288992"},
    }


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r} for r in resources],
    }


PATIENT = {
    "resourceType": "Patient",
    "id": "1288992",
    "gender": "female",
    "birthDate": "1970-05-01",
    "name": [{"family": "Chalmers", "given": ["Peter"]}],
}


def prefetch(*conditions: dict[str, Any], medications: tuple[dict[str, Any], ...] = ()) -> dict:
    return {
        "patient": PATIENT,
        "conditions": searchset(*conditions),
        "medicationStatements": searchset(*medications),
        "medicationRequests": searchset(),
        "allergies": searchset(),
    }


def patient_view(**fields: Any) -> dict[str, Any]:
    return {
        "hookInstance": HOOK_INSTANCE,
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        "prefetch": prefetch(),
        **fields,
    }


def post(url: str, body: Any, token: str | None) -> Any:
    """POST as a CDS client does: JSON, a bearer token, no CSRF token (the checks are on)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    browser = Browser(enforce_csrf_checks=True)
    return browser.post(url, json.dumps(body), content_type="application/json", **headers)


def golden(name: str, found: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(found, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("BACKCARE_WRITE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """The cards, with the assessment link (encrypted anew each call) named by its address."""
    for card in answer["cards"]:
        for link in card.get("links", []):
            assert link["url"].startswith("http://testserver/cds-hooks/assessment/")
            link["url"] = "http://testserver/cds-hooks/assessment/<sealed>/"
    return answer


def test_discovery_lists_the_two_services_with_their_prefetch(db: Any) -> None:
    answer = Browser().get("/cds-hooks/cds-services")
    assert answer.status_code == 200
    golden("discovery", answer.json())


@pytest.mark.parametrize(
    ("name", "conditions", "indicators"),
    [
        ("proceed", (), ["info"]),
        ("modify", (condition("64859006", "Osteoporosis"),), ["warning", "warning"]),
        ("emergency", (condition("192970008", "Cauda equina syndrome"),), ["critical"] * 2),
    ],
)
def test_cards_follow_the_decision(
    trusted: Clinic, key: Any, name: str, conditions: Any, indicators: list[str]
) -> None:
    answer = post(PATIENT_VIEW, patient_view(prefetch=prefetch(*conditions)), signed(key))
    assert answer.status_code == 200, answer.content
    cards = answer.json()["cards"]
    assert [c["indicator"] for c in cards] == indicators
    assert all(len(c["summary"]) <= 140 for c in cards)
    golden(f"patient-view-{name}", comparable(answer.json()))


MASSAGE_URL = f"{BASE}/backcare-massage-order"


def service_request(order_id: str, code: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": order_id,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/1288992"},
        "code": code,
    }


def order_select(selected: str, orders: list[dict[str, Any]], *conditions: Any) -> dict[str, Any]:
    return {
        "hookInstance": HOOK_INSTANCE,
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/example",
            "patientId": "1288992",
            "selections": [selected],
            "draftOrders": searchset(*orders),
        },
        "prefetch": prefetch(*conditions),
    }


def test_an_order_select_for_massage_when_massage_must_wait_suggests_cancelling_it(
    trusted: Clinic, key: Any
) -> None:
    coded = {"coding": [{"system": SNOMED, "code": "387854002", "display": "Therapeutic massage"}]}
    orders = [
        service_request("massage-1", coded),
        service_request("xray-1", {"text": "Lumbar spine X-ray"}),
    ]
    emergency = condition("192970008", "Cauda equina syndrome")
    body = order_select("ServiceRequest/massage-1", orders, emergency)
    cards = post(MASSAGE_URL, body, signed(key, aud=MASSAGE_URL)).json()["cards"]
    action = cards[0]["suggestions"][0]["actions"][0]
    assert action == {
        "type": "delete",
        "description": "Cancel the massage order",
        "resourceId": ["ServiceRequest/massage-1"],
    }
    body = order_select("ServiceRequest/xray-1", orders, emergency)
    assert post(MASSAGE_URL, body, signed(key, aud=MASSAGE_URL)).json() == {"cards": []}


def test_an_order_select_for_massage_that_may_go_ahead_changed_adds_the_changes_to_it(
    trusted: Clinic, key: Any
) -> None:
    orders = [service_request("massage-1", {"text": "Swedish massage"})]
    body = order_select("ServiceRequest/massage-1", orders, condition("64859006", "Osteoporosis"))
    card = post(MASSAGE_URL, body, signed(key, aud=MASSAGE_URL)).json()["cards"][0]
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert action["resource"]["id"] == "massage-1"
    assert "Pressure at most light" in action["resource"]["note"][0]["text"]


def test_a_body_that_is_not_a_hook_request_is_400_naming_the_field(
    trusted: Clinic, key: Any
) -> None:
    bad = {
        "the body is not JSON": ("{not json", "not JSON"),
        "no context": ({**patient_view(), "context": None}, "context"),
        "another hook": ({**patient_view(), "hook": "order-sign"}, "hook"),
        "a patient id with a path in it": (
            patient_view(context={"userId": "u", "patientId": "1/../Patient"}),
            "context.patientId",
        ),
        "a prefetch that is no resource": (
            patient_view(prefetch={**prefetch(), "conditions": "none"}),
            "prefetch.conditions",
        ),
        "a Bundle entry without its resource": (
            patient_view(prefetch={**prefetch(), "allergies": searchset() | {"entry": [{}]}}),
            "prefetch.allergies.entry.0.resource",
        ),
        "a token but no server": (
            patient_view(fhirAuthorization={"access_token": "t", "token_type": "Bearer"}),
            "fhirServer",
        ),
    }
    for why, (body, field) in bad.items():
        raw = body if isinstance(body, str) else json.dumps(body)
        answer = Browser(enforce_csrf_checks=True).post(
            PATIENT_VIEW,
            raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {signed(key)}",
        )
        assert (why, answer.status_code) == (why, 400)
        assert field in answer.json()["error"], why
    url = MASSAGE_URL
    body = order_select("ServiceRequest/1", [], condition("64859006", "Osteoporosis"))
    body["context"]["draftOrders"] = {"resourceType": "Bundle", "entry": [{"resource": 3}]}
    answer = post(url, body, signed(key, aud=url))
    assert answer.status_code == 400
    assert "context.draftOrders.entry.0.resource" in answer.json()["error"]


def test_a_record_without_a_birth_date_gets_one_card_saying_what_to_add(
    trusted: Clinic, key: Any
) -> None:
    unborn = {k: v for k, v in PATIENT.items() if k != "birthDate"}
    body = patient_view(prefetch={**prefetch(), "patient": unborn})
    [card] = post(PATIENT_VIEW, body, signed(key)).json()["cards"]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Back massage: not screened")
    assert "Patient: no birthDate" in card["detail"]


def test_missing_prefetch_without_a_fhir_server_is_412(trusted: Clinic, key: Any) -> None:
    body = patient_view(prefetch={"patient": PATIENT})
    answer = post(PATIENT_VIEW, body, signed(key))
    assert answer.status_code == 412
    assert "conditions" in answer.json()["error"]


class FhirStub(BaseHTTPRequestHandler):
    """A FHIR server with one patient taking warfarin; it wants the bearer token it gave."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        FhirStub.seen.append(self.path)
        if self.headers.get("Authorization") != "Bearer some-opaque-fhir-access-token":
            self.send_response(401)
            self.end_headers()
            return
        warfarin = {
            "resourceType": "MedicationRequest",
            "id": "m1",
            "status": "active",
            "intent": "order",
            "subject": {"reference": "Patient/1288992"},
            "medicationCodeableConcept": {"text": "warfarin 5 mg"},
        }
        found = (
            PATIENT
            if self.path.startswith("/fhir/Patient/")
            else searchset(
                *([warfarin] if self.path.startswith("/fhir/MedicationRequest?") else [])
            )
        )
        data = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fhir_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FhirStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/fhir"
    server.shutdown()
    server.server_close()


def test_missing_prefetch_is_fetched_from_the_fhir_server(
    trusted: Clinic, key: Any, fhir_server: str
) -> None:
    FhirStub.seen.clear()
    body = patient_view(
        prefetch={"patient": PATIENT},
        fhirServer=fhir_server,
        fhirAuthorization={
            "access_token": "some-opaque-fhir-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read",
            "subject": "cds-service",
        },
    )
    answer = post(PATIENT_VIEW, body, signed(key))
    assert answer.status_code == 200, answer.content
    assert "/fhir/MedicationRequest?patient=1288992&status=active" in FhirStub.seen
    assert not any(p.startswith("/fhir/Patient/") for p in FhirStub.seen)  # prefetched
    assert "anticoagulant" in json.dumps(answer.json()).lower()


def test_tokens_that_do_not_prove_the_caller_are_refused_with_401(
    trusted: Clinic, key: Any
) -> None:
    stranger = ec.generate_private_key(ec.SECP384R1())
    now = int(time.time())
    used = signed(key)
    assert post(PATIENT_VIEW, patient_view(), used).status_code == 200
    refused = {
        "no token": None,
        "unsigned": jwt.encode(
            {"iss": ISSUER, "aud": PATIENT_VIEW, "iat": now, "exp": now + 60, "jti": "x"},
            None,
            algorithm="none",
        ),
        "wrong algorithm": jwt.encode(
            {"iss": ISSUER, "aud": PATIENT_VIEW},
            "shared-secret-long-enough-for-hmac-32b",
            algorithm="HS256",
        ),
        "untrusted issuer": signed(stranger, iss="https://elsewhere.example"),
        "trusted issuer, wrong key": signed(stranger),
        "expired": signed(key, iat=now - 900, exp=now - 600),
        "wrong audience": signed(key, aud=f"{BASE}/backcare-massage-order"),
        "replayed jti": used,
    }
    for why, token in refused.items():
        answer = post(PATIENT_VIEW, patient_view(), token)
        assert (why, answer.status_code) == (why, 401)
        assert answer.json()["error"], why


def test_an_rs384_issuer_whose_key_is_a_jwk_set_is_let_in(clinic_a: Clinic) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    keys = json.dumps({"keys": [{**public, "kid": "sandbox-key", "alg": "RS384"}]})
    cds_clients.trust(issuer="https://rsa-ehr.example", key=keys, clinic=clinic_a)
    token = signed(private, iss="https://rsa-ehr.example", alg="RS384")
    assert post(PATIENT_VIEW, patient_view(), token).status_code == 200


def test_feedback_on_a_card_is_written_to_the_issuers_clinic_audit_trail(
    trusted: Clinic, key: Any
) -> None:
    url = f"{PATIENT_VIEW}/feedback"
    body = {
        "feedback": [
            {
                "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {
                        "code": "clearance-on-file",
                        "system": "urn:backcare:cds-override-reason",
                    },
                    "userComment": "Clearance letter from Dr Chen, 1 Dec",
                },
                "outcomeTimestamp": "2026-12-02T06:30:00Z",
            }
        ]
    }
    assert post(url, body, signed(key, aud=url)).status_code == 200
    event = AuditEvent.objects.get(clinic=trusted, action="cds_overridden")
    assert event.detail["overrideReason"]["userComment"] == "Clearance letter from Dr Chen, 1 Dec"
    assert event.detail["issuer"] == ISSUER
    body["feedback"][0]["outcome"] = "ignored"
    answer = post(url, body, signed(key, aud=url))
    assert answer.status_code == 400
    assert "feedback.0.outcome" in answer.json()["error"]


def test_the_card_link_opens_the_assessment_for_the_callers_clinic_only(
    trusted: Clinic, key: Any, browser_a: Browser, client_b: Any, therapist_b: Any
) -> None:
    body = patient_view(prefetch=prefetch(condition("64859006", "Osteoporosis")))
    link = post(PATIENT_VIEW, body, signed(key)).json()["cards"][0]["links"][0]["url"]
    page = browser_a.get(link)
    assert page.status_code == 200
    assert "Osteoporosis" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert AuditEvent.objects.filter(clinic=trusted, action="cds_assessment_view").exists()
    other = Browser()
    other.force_login(therapist_b)
    assert other.get(link).status_code == 404
