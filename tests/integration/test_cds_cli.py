"""`backcare cds ...`: trusting, listing and no longer trusting a CDS Hooks client."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backcare.records.models import AuditEvent, Clinic
from tests.integration.test_user_cli import backcare

ISSUER = "https://ehr.example.org"


def test_an_issuer_is_trusted_listed_and_untrusted(db, tmp_path: Path, capsys, monkeypatch) -> None:
    clinic = Clinic.objects.create(name="Harbour clinic")
    key = ec.generate_private_key(ec.SECP384R1()).public_key()
    pem = tmp_path / "ehr.pem"
    pem.write_bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    broken = tmp_path / "broken.pem"
    broken.write_text("not a key")

    code, _, err = backcare(
        capsys, monkeypatch, "cds", "trust", ISSUER, "--key", str(broken), "--clinic", clinic.name
    )
    assert code == 2
    assert "error: --key: not a public key in PEM, JWK or JWK Set form" in err

    args = ("cds", "trust", ISSUER, "--key", str(pem), "--clinic", clinic.name)
    assert backcare(capsys, monkeypatch, *args)[0] == 0
    code, out, _ = backcare(capsys, monkeypatch, "cds", "list")
    assert code == 0
    assert out.startswith(f"{ISSUER}\tHarbour clinic\tsince ")

    assert backcare(capsys, monkeypatch, "cds", "untrust", ISSUER)[0] == 0
    assert "No trusted issuers" in backcare(capsys, monkeypatch, "cds", "list")[1]
    code, _, err = backcare(capsys, monkeypatch, "cds", "untrust", ISSUER)
    assert (code, err.strip()) == (2, f"error: ISSUER: '{ISSUER}' is not a trusted issuer")
    actions = set(AuditEvent.objects.filter(clinic=clinic).values_list("action", flat=True))
    assert actions == {"cds_trust", "cds_untrust"}
