"""Security settings a clinic relies on, as a browser sees them."""

from __future__ import annotations

from django.conf import settings
from django.test import Client as Browser

from tests.web.conftest import PASSWORD


def test_pages_forbid_framing_and_content_sniffing(browser_a):
    response = browser_a.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_secure_http_only_and_same_site(therapist_a):
    browser = Browser()
    response = browser.post("/login/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_sessions_end_with_the_browser_or_after_eight_hours():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_passwords_are_hashed_with_argon2_outside_tests():
    from backcare.web import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
