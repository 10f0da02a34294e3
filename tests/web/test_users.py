"""A clinic admin manages the clinic's accounts: invite, role, deactivate, reset; all scoped and
audited; and every user changes their own password under the password rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django_otp.plugins.otp_totp.models import TOTPDevice

from backcare.errors import InvalidIntake
from backcare.records import accounts
from backcare.records.models import AuditEvent, Clinic, User
from tests.web.conftest import PASSWORD


def actions(clinic: Clinic) -> list[str]:
    return list(
        AuditEvent.objects.filter(clinic=clinic).order_by("pk").values_list("action", flat=True)
    )


def signed_in(browser: Browser) -> bool:
    return browser.get("/clients/").status_code == 200


def the_link(html: str) -> str:
    found = re.search(r'<p class="one-time-link" id="link">http://testserver(/[^<]+)</p>', html)
    assert found, html
    return found.group(1)


def test_an_admin_sees_only_their_clinics_users_with_role_sign_in_and_second_factor(
    admin_browser: Browser, therapist_a: User, therapist_b: User
) -> None:
    TOTPDevice.objects.create(user=therapist_a, name="phone", confirmed=True)

    html = admin_browser.get("/clinic/users/").content.decode()

    row = html[html.index("<strong>anna</strong>") :].split("</tr>")[0]
    assert "Therapist" in row
    assert "never" in row  # never signed in
    assert 'data-label="Second factor">on' in row
    assert 'data-label="Active">yes' in row
    assert "<strong>alice</strong>" in html
    assert "bert" not in html  # clinic B's therapist


def test_a_therapist_cannot_open_or_use_the_user_page(browser_a: Browser, admin_a: User) -> None:
    assert browser_a.get("/clinic/users/").status_code == 403
    response = browser_a.post(f"/clinic/users/{admin_a.pk}/", {"action": "deactivate"})
    assert response.status_code == 403
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_an_invited_user_chooses_a_password_once_through_the_link_and_signs_in(
    admin_browser: Browser, admin_a: User
) -> None:
    invite = {"username": "nina", "full_name": "Nina Novak", "email": "", "role": "therapist"}
    page = admin_browser.post("/clinic/users/", invite).content.decode()
    link = the_link(page)
    assert "works <strong>once</strong>" in page
    nina = User.objects.get(username="nina")
    assert nina.clinic == admin_a.clinic
    assert not nina.has_usable_password()

    newcomer = Browser()
    form = newcomer.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    assert b"Choose your password" in form.content
    weak = newcomer.post(set_url, {"new_password1": "nina" * 4, "new_password2": "nina" * 4})
    assert b"This password contains your user name" in weak.content
    chosen = "tide-pool-lantern-81"
    done = newcomer.post(set_url, {"new_password1": chosen, "new_password2": chosen}, follow=True)
    assert b"Your password is set" in done.content

    assert newcomer.post("/login/", {"username": "nina", "password": chosen}).status_code == 302
    assert b"This link no longer works" in Browser().get(link, follow=True).content
    assert actions(admin_a.clinic)[-2:] == ["user_invited", "password_set"]


def test_an_invitation_with_a_bad_or_taken_user_name_says_what_is_wrong(
    admin_browser: Browser, therapist_a: User
) -> None:
    taken = admin_browser.post("/clinic/users/", {"username": "anna", "role": "therapist"})
    assert taken.status_code == 400
    assert b"username: &#x27;anna&#x27; is taken" in taken.content
    bad = admin_browser.post("/clinic/users/", {"username": "no spaces", "role": "boss"})
    assert bad.status_code == 400
    assert b"may hold only letters, digits" in bad.content
    assert b"&#x27;boss&#x27; is not a role; allowed: admin, therapist" in bad.content
    assert not User.objects.filter(username="no spaces").exists()


def test_a_deactivated_users_open_session_ends_at_once_and_they_cannot_sign_in(
    admin_browser: Browser, browser_a: Browser, therapist_a: User
) -> None:
    assert signed_in(browser_a)

    admin_browser.post(f"/clinic/users/{therapist_a.pk}/", {"action": "deactivate"})

    assert not signed_in(browser_a)
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(therapist_a.pk) for s in Session.objects.all()
    )
    again = Browser().post("/login/", {"username": "anna", "password": PASSWORD})
    assert again.status_code == 200  # the login form again, not a session
    admin_browser.post(f"/clinic/users/{therapist_a.pk}/", {"action": "reactivate"})
    assert Browser().post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 302
    assert actions(therapist_a.clinic)[-2:] == ["user_deactivated", "user_reactivated"]


def test_the_clinics_last_active_admin_can_be_neither_demoted_nor_deactivated(
    admin_browser: Browser, admin_a: User, therapist_a: User
) -> None:
    refused = admin_browser.post(
        f"/clinic/users/{admin_a.pk}/", {"action": "role", "role": "therapist"}, follow=True
    )
    assert b"last active admin" in refused.content
    admin_a.refresh_from_db()
    assert admin_a.is_clinic_admin
    for own in ("deactivate", "reset"):
        refused = admin_browser.post(f"/clinic/users/{admin_a.pk}/", {"action": own}, follow=True)
        assert b"you cannot" in refused.content, own
    assert User.objects.get(pk=admin_a.pk).has_usable_password()

    admin_browser.post(f"/clinic/users/{therapist_a.pk}/", {"action": "role", "role": "admin"})
    anna = Browser()
    anna.force_login(therapist_a)
    anna.post(f"/clinic/users/{admin_a.pk}/", {"action": "deactivate"})
    admin_a.refresh_from_db()
    assert not admin_a.is_active  # allowed: anna is an admin now

    refused = anna.post(
        f"/clinic/users/{therapist_a.pk}/", {"action": "role", "role": "therapist"}, follow=True
    )
    assert b"last active admin" in refused.content
    assert User.objects.get(pk=therapist_a.pk).is_clinic_admin


def test_an_admin_of_another_clinic_can_neither_see_nor_change_clinic_a_accounts(
    therapist_a: User, clinic_b: Clinic
) -> None:
    admin_b = accounts.create_user(clinic=clinic_b, username="bob", password=PASSWORD, role="admin")
    browser_b = Browser()
    browser_b.force_login(admin_b)

    assert b"anna" not in browser_b.get("/clinic/users/").content
    for action in ("deactivate", "reset", "second_factor"):
        assert (
            browser_b.post(f"/clinic/users/{therapist_a.pk}/", {"action": action}).status_code
            == 404
        )
    promote = browser_b.post(
        f"/clinic/users/{therapist_a.pk}/", {"action": "role", "role": "admin"}
    )
    assert promote.status_code == 404

    therapist_a.refresh_from_db()
    assert therapist_a.is_active
    assert therapist_a.has_usable_password()
    assert not therapist_a.is_clinic_admin


def test_a_reset_ends_the_password_the_second_factor_and_the_sessions(
    admin_browser: Browser, browser_a: Browser, therapist_a: User
) -> None:
    TOTPDevice.objects.create(user=therapist_a, name="phone", confirmed=True)

    page = admin_browser.post(f"/clinic/users/{therapist_a.pk}/", {"action": "reset"})

    assert "/account/set-password/" in the_link(page.content.decode())
    assert not signed_in(browser_a)
    assert Browser().post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 200
    assert not TOTPDevice.objects.filter(user=therapist_a).exists()
    event = AuditEvent.objects.filter(action="user_reset").get()
    assert event.detail == {"second_factor_removed": True}
    assert event.target == "user:anna"


def test_a_user_changes_their_password_with_the_current_one_under_the_rules(
    browser_a: Browser, therapist_a: User
) -> None:
    form = browser_a.get("/account/password/")
    assert b"at least 12 characters" in form.content  # the rules are shown

    def change(old: str, new: str) -> Any:
        fields = {"old_password": old, "new_password1": new, "new_password2": new}
        return browser_a.post("/account/password/", fields)

    assert (
        b"Your old password was entered incorrectly"
        in change("wrong", "tide-pool-lantern-81").content
    )
    assert b"contains your user name" in change(PASSWORD, "anna-anna-anna-1").content
    assert b"too common" in change(PASSWORD, "password1234").content
    assert b"at least 12 characters" in change(PASSWORD, "k7#qz!m2").content

    assert change(PASSWORD, "tide-pool-lantern-81").status_code == 302
    assert signed_in(browser_a)  # this session goes on
    assert Browser().post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 200
    assert "password_changed" in actions(therapist_a.clinic)


def test_a_password_built_from_the_user_name_is_refused_even_when_only_half_alike(
    clinic_a: Clinic,
) -> None:
    with pytest.raises(InvalidIntake) as refused:
        accounts.create_user(clinic=clinic_a, username="weak4", password="weak4weak4weak4")

    assert [str(p) for p in refused.value.problems] == [
        "password: This password contains your user name; choose one without it."
    ]
