"""Signing in: the second factor (TOTP), lockout by user name and by address, idle sessions."""

from __future__ import annotations

import re
import time

from django.test import Client as Browser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from backcare.records.models import AuditEvent, User
from backcare.web.idle import LAST_SEEN, SIGNED_IN
from tests.web.conftest import PASSWORD

KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, as django-otp stores it


def code_now(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding the device's key shows now (or a step later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_now(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("111111", "222222", "333333", "444444") if c not in right)


def sign_in(browser: Browser, username: str, password: str = PASSWORD) -> int:
    return browser.post("/login/", {"username": username, "password": password}).status_code


def test_a_user_sets_up_an_authenticator_from_the_qr_code_and_confirms_it_with_a_code(
    admin_browser: Browser, admin_a: User
) -> None:
    page = admin_browser.get("/account/two-factor/").content.decode()
    assert 'src="data:image/png;base64,' in page
    secret = re.search(r'<p class="secret">([A-Z2-7 ]+)</p>', page)
    assert secret
    device = TOTPDevice.objects.get(user=admin_a, confirmed=False)
    import base64

    assert base64.b32decode(secret.group(1).replace(" ", "")) == device.bin_key

    wrong = admin_browser.post("/account/two-factor/", {"action": "confirm", "code": "12 34"})
    assert wrong.status_code == 400
    assert b"enter the 6 digits" in wrong.content
    admin_browser.post("/account/two-factor/", {"action": "confirm", "code": code_now(device)})

    assert TOTPDevice.objects.get(user=admin_a).confirmed
    assert admin_browser.get("/clients/").status_code == 200  # this session gave its code
    assert b"<strong>On.</strong>" in admin_browser.get("/account/two-factor/").content
    assert AuditEvent.objects.filter(action="second_factor_on", user=admin_a).exists()


def test_an_admin_with_an_authenticator_gives_its_code_before_any_page(admin_a: User) -> None:
    device = TOTPDevice.objects.create(user=admin_a, name="phone", key=KEY, confirmed=True)
    browser = Browser()

    assert sign_in(browser, "alice") == 302
    for page in ("/", "/clients/", "/clinic/users/", "/audit/", "/account/password/"):
        response = browser.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/account/verify/?next="), page

    browser.post("/account/verify/", {"code": wrong_code(device)})
    too_soon = browser.post("/account/verify/", {"code": code_now(device)})
    assert b"too soon after a wrong code: wait 1 s" in too_soon.content
    device.throttle_reset()  # as if the second had passed
    right = browser.post("/account/verify/", {"code": code_now(device), "next": "/clients/"})
    assert right["Location"] == "/clients/"
    assert browser.get("/clinic/users/").status_code == 200


def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_account(admin_a: User) -> None:
    device = TOTPDevice.objects.create(user=admin_a, name="phone", key=KEY, confirmed=True)
    browser = Browser()
    sign_in(browser, "alice")

    for _ in range(4):
        device.throttle_reset()  # django-otp's own slow-down would refuse a try at once
        wrong = browser.post("/account/verify/", {"code": wrong_code(device)})
        assert wrong.status_code == 400
        assert b"not the current code" in wrong.content
    device.throttle_reset()
    locked = browser.post("/account/verify/", {"code": wrong_code(device)})

    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert browser.get("/").status_code == 302  # signed out
    assert sign_in(Browser(REMOTE_ADDR="198.51.100.7"), "alice") == 429  # the password too


def test_five_failures_lock_the_user_name_from_every_address(therapist_a: User) -> None:
    for n in range(5):
        sign_in(Browser(REMOTE_ADDR=f"198.51.100.{n + 1}"), "anna", "not-the-password")

    locked = Browser(REMOTE_ADDR="203.0.113.50").post(
        "/login/", {"username": "anna", "password": PASSWORD}
    )

    assert locked.status_code == 429
    assert b"for this user name (from every computer)" in locked.content
    assert b"Ask your clinic admin for a new sign-in link" in locked.content


def test_five_failures_from_one_address_lock_it_for_every_user_name(
    therapist_a: User, admin_a: User
) -> None:
    for name in ("ann", "anne", "anna.k", "annie", "hanna"):
        sign_in(Browser(REMOTE_ADDR="198.51.100.9"), name, "guess-guess-guess")

    assert sign_in(Browser(REMOTE_ADDR="198.51.100.9"), "alice") == 429
    assert sign_in(Browser(REMOTE_ADDR="192.0.2.30"), "alice") == 302


def test_an_admin_reset_lifts_a_lockout(admin_browser: Browser, therapist_a: User) -> None:
    for _ in range(5):
        sign_in(Browser(REMOTE_ADDR="198.51.100.1"), "anna", "not-the-password")
    admin_browser.post(f"/clinic/users/{therapist_a.pk}/", {"action": "reset"})
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(username="anna").exists()


def test_a_session_idle_past_the_limit_ends_and_the_login_page_says_why(
    browser_a: Browser, settings
) -> None:
    assert settings.BACKCARE_IDLE_MINUTES == 30
    session = browser_a.session
    session[LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert browser_a.get("/clients/").status_code == 200  # 29 minutes: still signed in

    session = browser_a.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = browser_a.get("/clients/", follow=True)

    assert response.redirect_chain[0][0] == "/login/?next=/clients/"
    assert b"You were signed out after 30 minutes without activity" in response.content
    assert browser_a.get("/clients/").status_code == 302


def test_a_busy_session_still_ends_eight_hours_after_sign_in(browser_a: Browser) -> None:
    assert browser_a.get("/clients/").status_code == 200
    session = browser_a.session
    session[SIGNED_IN] = int(time.time()) - 8 * 60 * 60 - 1
    session.save()  # LAST_SEEN is a moment ago: the session is busy

    response = browser_a.get("/clients/", follow=True)

    assert b"You were signed out because a session lasts at most 8 hours" in response.content
