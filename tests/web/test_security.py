"""Security settings a clinic relies on, as a browser sees them."""

from __future__ import annotations

import re

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


def test_every_page_that_shows_a_client_tells_the_browser_to_store_nothing(browser_a, client_a):
    for path in [
        "/",
        "/clients/",
        "/clients/?q=Ada",
        f"/clients/{client_a.pk}/",
        f"/clients/{client_a.pk}/intakes/1/",
        f"/clients/{client_a.pk}/self-care/",
        f"/clients/{client_a.pk}/sessions/new/",
    ]:
        response = browser_a.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_pages_send_a_strict_content_security_policy(browser_a, client_a):
    policy = browser_a.get(f"/clients/{client_a.pk}/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_page_template_holds_inline_script_or_style_the_policy_would_block():
    from pathlib import Path

    import backcare.web

    templates = Path(backcare.web.__file__).parent / "templates" / "web"
    inline = re.compile(r"""\s(style|on[a-z]+)=["']|<script>|<style""")
    offending = {
        page.name: found.group(0)
        for page in templates.glob("*.html")
        if (found := inline.search(page.read_text(encoding="utf-8")))
    }
    assert offending == {}


def test_uploaded_documents_are_written_readable_by_their_owner_only(db, settings, tmp_path):
    import stat

    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "documents")
    name = storage.save("clearances/2026/letter.pdf", ContentFile(b"%PDF-1.4"))
    assert stat.S_IMODE((tmp_path / "documents" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "documents" / "clearances").stat().st_mode) == 0o700
