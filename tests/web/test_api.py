"""The REST API with tokens: scoped to the token's clinic, refused when revoked or expired, a
read token cannot write, every call audited, and the assess endpoint is the CLI's JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client as Browser
from django.utils import timezone
from typer.testing import CliRunner

from backcare import cli
from backcare.errors import InvalidIntake
from backcare.records import api_tokens, user_admin
from backcare.records.models import (
    ApiToken,
    Assessment,
    AuditEvent,
    Client,
    Intake,
    Measure,
    Referral,
    SessionNote,
    User,
)
from tests.web.conftest import TODAY, chronic_back_pain

OWN_ROWS = (Client, Intake, Assessment, SessionNote, Measure, Referral)
GOLDEN = Path(__file__).parents[1] / "golden" / "intakes"


def token_for(user: User, scope: str = "read") -> str:
    return api_tokens.issue(user=user, name="test", scope=scope, days=5)[1]


def call(token: str, method: str, url: str, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    send = getattr(Browser(), method)
    if body is None:
        return send(url, **headers)
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return send(url, data=data, content_type="application/json", **headers)


def test_a_token_reads_its_own_clinic_and_nothing_of_another(
    therapist_a: User, client_a: Client, client_b: Client
) -> None:
    token = token_for(therapist_a)
    listed = call(token, "get", "/api/v1/clients").json()
    assert [c["id"] for c in listed["items"]] == [client_a.pk]
    assert call(token, "get", f"/api/v1/clients/{client_a.pk}").json()["last_name"] == "Lovelace"
    assert call(token, "get", f"/api/v1/clients/{client_a.pk}/plan").status_code == 200
    for path in (
        "",
        "/intakes",
        "/intakes/1",
        "/assessments",
        "/plan",
        "/sessions",
        "/measures",
        "/referrals",
        "/export",
        "/fhir",
    ):
        refused = call(token, "get", f"/api/v1/clients/{client_b.pk}{path}")
        assert refused.status_code == 404, path
        assert "Bea" not in refused.content.decode()
    assert (
        AuditEvent.objects.filter(
            clinic=therapist_a.clinic, action="client.refused", target=f"client {client_b.pk}"
        ).count()
        == 10
    )
    bundle = call(token, "get", f"/api/v1/clients/{client_a.pk}/fhir")
    assert bundle["Content-Type"] == "application/fhir+json"
    patients = [e["resource"] for e in bundle.json()["entry"]]
    assert [p["name"][0]["family"] for p in patients if p["resourceType"] == "Patient"] == [
        "Lovelace"
    ]


def test_revoked_expired_and_deactivated_tokens_are_refused(
    therapist_a: User, admin_a: User, client_a: Client
) -> None:
    revoked, expired, deactivated = (token_for(therapist_a) for _ in range(3))
    assert call(revoked, "get", "/api/v1/clients").status_code == 200
    api_tokens.revoke(token=api_tokens.find(prefix=revoked.split("_")[1]), actor=None)
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for token in (revoked, expired, "bc_nothing_here", revoked[:-1] + "x"):
        answer = call(token, "get", "/api/v1/clients")
        assert answer.status_code == 401
        assert answer.json()["status"] == 401
        assert answer["WWW-Authenticate"].startswith("Bearer")
    user_admin.set_active(actor=admin_a, account=therapist_a, active=False)
    assert call(deactivated, "get", "/api/v1/clients").status_code == 401
    assert Browser().get("/api/v1/clients").status_code == 401


def test_a_read_token_cannot_write_and_a_write_token_records(
    therapist_a: User, client_a: Client
) -> None:
    read, write = token_for(therapist_a), token_for(therapist_a, "write")
    new = {"first_name": "Grace", "last_name": "Hopper"}
    refused = call(read, "post", "/api/v1/clients", new)
    assert refused.status_code == 403
    assert "read token" in refused.json()["message"]
    assert not Client.objects.filter(last_name="Hopper").exists()
    made = call(write, "post", "/api/v1/clients", new)
    assert made.status_code == 201
    grace = made.json()["id"]
    intake = call(
        write, "post", f"/api/v1/clients/{grace}/intakes", {"intake": chronic_back_pain()}
    )
    assert intake.status_code == 201
    assert intake.json()["decision"]
    wrong = call(
        write,
        "post",
        f"/api/v1/clients/{grace}/intakes",
        {"intake": chronic_back_pain(client={"age": 300})},
    )
    assert wrong.status_code == 422
    assert [p["path"] for p in wrong.json()["problems"]] == ["intake.client.age"]
    session = {"session_date": TODAY.isoformat(), "pressure": "light", "minutes": 30}
    assert call(read, "post", f"/api/v1/clients/{grace}/sessions", session).status_code == 403
    recorded = call(write, "post", f"/api/v1/clients/{grace}/sessions", session)
    assert recorded.status_code == 201, recorded.json()
    assert call(read, "get", f"/api/v1/clients/{grace}/sessions").json()["total"] == 1
    stopped = call(write, "post", f"/api/v1/clients/{grace}/sessions",
                   {**session, "follow_up": {"warning_signs": ["saddle_numbness"]}})  # fmt: skip
    assert stopped.status_code == 409
    assert "no session was recorded" in stopped.json()["message"]
    assert call(read, "get", f"/api/v1/clients/{grace}/sessions").json()["total"] == 1
    assert call(read, "get", f"/api/v1/clients/{grace}/intakes").json()["total"] == 2
    measure = {"instrument": "rmdq", "answers": {"total": "9"}, "measured_on": TODAY.isoformat()}
    scored = call(write, "post", f"/api/v1/clients/{grace}/measures", measure)
    assert scored.status_code == 201, scored.json()
    assert scored.json()["score"] == 9
    referral = {"referrer": "Dr Who, GP", "diagnosis": "Low back pain", "visits_authorised": 6,
                "referred_on": TODAY.isoformat()}  # fmt: skip
    kept = call(write, "post", f"/api/v1/clients/{grace}/referrals", referral)
    assert kept.status_code == 201, kept.json()
    assert (kept.json()["visits_used"], kept.json()["visits_left"]) == (1, 5)
    listed = call(read, "get", f"/api/v1/clients/{grace}/referrals").json()["items"]
    assert [r["id"] for r in listed] == [kept.json()["id"]]
    as_text = call(write, "post", f"/api/v1/clients/{grace}/referrals",
                   {**referral, "visits_authorised": "6"})  # fmt: skip
    assert as_text.status_code == 422
    assert as_text.json()["problems"][0]["path"] == "visits_authorised"


def test_every_call_leaves_an_audit_row(therapist_a: User, client_a: Client) -> None:
    token = token_for(therapist_a)
    before = AuditEvent.objects.count()
    paths = [
        "/clients",
        f"/clients/{client_a.pk}",
        f"/clients/{client_a.pk}/intakes",
        f"/clients/{client_a.pk}/assessments",
        f"/clients/{client_a.pk}/plan",
        f"/clients/{client_a.pk}/sessions",
        f"/clients/{client_a.pk}/measures",
        f"/clients/{client_a.pk}/referrals",
    ]
    for path in paths:
        assert call(token, "get", f"/api/v1{path}").status_code == 200, path
    assert AuditEvent.objects.count() - before == len(paths)
    answer = call(token, "post", "/api/v1/assess", chronic_back_pain())
    row = AuditEvent.objects.latest("pk")
    assert answer.status_code == 200
    assert (row.action, row.client, row.detail) == (
        "api.assess",
        None,
        {"decision": answer.json()["decision"]},
    )


@pytest.mark.parametrize("name", ["desk-worker-chronic", "heparin-and-bruise", "saddle-and-bowel"])
def test_assess_answers_the_clis_json_byte_for_byte(therapist_a: User, name: str) -> None:
    path = GOLDEN / f"{name}.yaml"
    printed = CliRunner().invoke(cli.app, ["assess", str(path), "--json"])
    assert printed.exit_code == 0
    sent = json.dumps(yaml.safe_load(path.read_text()), default=str)  # YAML's dates as text
    answer = call(token_for(therapist_a), "post", "/api/v1/assess", sent)
    assert answer.status_code == 200
    assert answer.content == printed.stdout_bytes


def test_errors_share_one_body(therapist_a: User) -> None:
    token = token_for(therapist_a)
    malformed = call(token, "post", "/api/v1/assess", b'{"client": ')
    assert malformed.status_code == 400
    assert malformed.json()["problems"][0]["path"] == "body"
    extra = call(
        token_for(therapist_a, "write"),
        "post",
        "/api/v1/clients",
        {"first_name": "A", "last_name": "B", "shoe_size": 9},
    )
    assert extra.status_code == 422
    assert extra.json()["problems"][0]["path"] == "shoe_size"
    sorted_by = call(token, "get", "/api/v1/clients?sort=password")
    assert sorted_by.status_code == 422
    assert sorted_by.json()["problems"][0]["path"] == "sort"
    assert call(token, "get", "/api/v1/clients?limit=1000").status_code == 422


def test_the_command_line_makes_and_revokes_a_token(therapist_a: User) -> None:
    made = CliRunner().invoke(cli.app, ["token", "create", "anna", "--scope", "write"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert call(token, "get", "/api/v1/token").json()["scope"] == "write"
    stored = ApiToken.objects.get(prefix=token.split("_")[1])
    assert token.split("_", 2)[2] not in (stored.secret_hash, stored.prefix)
    too_long = CliRunner().invoke(cli.app, ["token", "create", "anna", "--days", "9999"])
    assert isinstance(too_long.exception, InvalidIntake)  # main() makes it exit 2, with the text
    assert "days: a whole number of days from 1 to 90" in str(too_long.exception)
    revoked = CliRunner().invoke(cli.app, ["token", "revoke", token])
    assert revoked.exit_code == 0
    assert call(token, "get", "/api/v1/token").status_code == 401


def test_too_many_requests_are_refused_with_retry_after(
    therapist_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ninja.throttling import SimpleRateThrottle

    from backcare.web.api.app import api

    token = token_for(therapist_a)
    throttle = api.throttle[0]  # type: ignore[index]
    monkeypatch.setattr(throttle, "num_requests", 2)
    assert isinstance(throttle, SimpleRateThrottle)
    answers = [call(token, "get", "/api/v1/token") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) >= 1
    assert answers[2].json()["status"] == 429
    assert call(token_for(therapist_a), "get", "/api/v1/token").status_code == 200  # per token


def test_a_body_over_the_limit_is_refused_before_it_is_read(therapist_a: User) -> None:
    answer = call(token_for(therapist_a), "post", "/api/v1/assess", b"[" + b" " * (1 << 20) + b"]")
    assert answer.status_code == 413
    assert "1,048,576 bytes" in answer.json()["message"]


def test_every_operation_needs_a_token_and_keeps_to_its_clinic(
    therapist_a: User, client_a: Client, client_b: Client
) -> None:
    """The token matrix, from the OpenAPI document, so an operation added later is in it: no
    token is 401 everywhere; clinic A's write token on clinic B's client is 404, by any method,
    and changes nothing of clinic B."""
    document = Browser().get("/api/v1/openapi.json").json()
    token = token_for(therapist_a, "write")
    before = {m.__name__: m.objects.filter(clinic=client_b.clinic).count() for m in OWN_ROWS}
    operations = [(path, method) for path, item in document["paths"].items() for method in item]
    assert len(operations) >= 18
    for path, method in operations:
        url = path.format(client_id=client_b.pk, version=1, assessment_id=1, plan_id=1,
                          session_id=1)  # fmt: skip
        assert call("", method, url).status_code == 401, (method, path)
        if "{client_id}" in path:
            answer = call(token, method, url, {} if method == "post" else None)
            assert answer.status_code in (404, 422), (method, path)  # 422: the body, checked first
            assert "Bea" not in answer.content.decode()
    after = {m.__name__: m.objects.filter(clinic=client_b.clinic).count() for m in OWN_ROWS}
    assert after == before
