"""`backcare user ...` on the test database: what an operator types, what they read, exit codes."""

from __future__ import annotations

import io
import sys

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django_otp.plugins.otp_totp.models import TOTPDevice

from backcare import cli
from backcare.records import accounts
from backcare.records.models import AuditEvent, Clinic, User

PASSWORD = "a-long-test-password-42"


def backcare(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the command line's entry point as `backcare ARGS`: exit code, output, errors."""
    monkeypatch.setattr(sys, "argv", ["backcare", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setenv("COLUMNS", "200")  # one table row a line
    with pytest.raises(SystemExit) as done:
        cli.main()
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


@pytest.fixture
def clinic(db) -> Clinic:
    clinic = Clinic.objects.create(name="Harbour clinic")
    accounts.create_user(clinic=clinic, username="hana", password=PASSWORD, role="admin")
    accounts.create_user(clinic=clinic, username="theo", password=PASSWORD, full_name="Theo Ng")
    other = Clinic.objects.create(name="Hill clinic")
    accounts.create_user(clinic=other, username="hugo", password=PASSWORD, role="admin")
    return clinic


def test_user_list_shows_every_account_or_one_clinics(clinic, capsys, monkeypatch) -> None:
    TOTPDevice.objects.create(user=User.objects.get(username="theo"), name="p", confirmed=True)

    code, out, _ = backcare(capsys, monkeypatch, "user", "list", "--clinic", "Harbour clinic")

    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert set(rows) == {"hana", "theo"}
    assert "Theo Ng" in rows["theo"]
    assert "therapist" in rows["theo"]
    assert rows["theo"].rstrip(" │").endswith("on")
    assert "never" in rows["hana"]
    assert "hugo" in backcare(capsys, monkeypatch, "user", "list")[1]

    code, _, err = backcare(capsys, monkeypatch, "user", "list", "--clinic", "Nowhere")
    assert code == 2
    assert "error: --clinic: no clinic named 'Nowhere'; clinics: Harbour clinic, Hill clinic" in err


def test_user_passwd_refuses_weak_passwords_and_sets_a_good_one(clinic, capsys, monkeypatch):
    for weak, why in [
        ("theotheotheo", "contains your user name"),
        ("short-pw-1", "at least 12 characters"),
        ("password1234", "too common"),
    ]:
        code, _, err = backcare(
            capsys, monkeypatch, "user", "passwd", "theo", "--password-stdin", stdin=weak + "\n"
        )
        assert code == 2, weak
        assert why in err, weak
        assert "Traceback" not in err

    code, out, _ = backcare(
        capsys, monkeypatch, "user", "passwd", "theo", "--password-stdin", stdin="moss-kite-7-7\n"
    )
    assert code == 0
    assert "Password of 'theo' changed" in out
    assert User.objects.get(username="theo").check_password("moss-kite-7-7")
    event = AuditEvent.objects.get(action="password_set")
    assert event.clinic == clinic
    assert event.user is None
    assert event.detail == {"by": "command line"}


def test_user_deactivate_ends_the_sessions_but_never_of_the_last_admin(
    clinic, capsys, monkeypatch
) -> None:
    theo = Browser()
    theo.force_login(User.objects.get(username="theo"))

    code, out, _ = backcare(capsys, monkeypatch, "user", "deactivate", "theo")

    assert code == 0
    assert "Deactivated 'theo'; their sessions ended." in out
    assert theo.get("/clients/").status_code == 302
    assert Session.objects.count() == 0

    code, _, err = backcare(capsys, monkeypatch, "user", "deactivate", "hana")
    assert code == 2
    assert "'hana' is the clinic's last active admin and cannot be deactivated" in err
    assert User.objects.get(username="hana").is_active

    code, _, err = backcare(capsys, monkeypatch, "user", "deactivate", "nobody")
    assert code == 2
    assert "no account 'nobody'" in err

    assert backcare(capsys, monkeypatch, "user", "activate", "theo")[0] == 0
    assert User.objects.get(username="theo").is_active


def test_user_reset_second_factor_removes_the_authenticator(clinic, capsys, monkeypatch) -> None:
    hana = User.objects.get(username="hana")
    TOTPDevice.objects.create(user=hana, name="phone", confirmed=True)

    code, out, _ = backcare(capsys, monkeypatch, "user", "reset-second-factor", "hana")

    assert code == 0
    assert "Second factor of 'hana' removed." in out
    assert not TOTPDevice.objects.filter(user=hana).exists()
    assert AuditEvent.objects.filter(action="second_factor_reset", clinic=clinic).exists()
