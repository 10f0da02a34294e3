"""The clinic's settings page: for clinic admins, their own clinic only, audited, with clear
errors, and a logo that must really be a small PNG or JPEG."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from PIL import Image

from backcare.records.clinic_settings import MAX_LOGO_BYTES
from backcare.records.models import AuditEvent, Clinic

URL = "/clinic/settings/"
DETAILS = {
    "name": "Back in Shape",
    "address": "12 Harley Lane\nLondon W1",
    "phone": "+44 20 7946 0018",
    "email": "desk@backinshape.example",
}


def image(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (15, 118, 110)).save(out, kind)
    return out.getvalue()


def upload(content: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "image/png")


def test_an_admin_sets_the_clinics_details_and_they_are_audited(admin_browser, clinic_a, admin_a):
    response = admin_browser.post(URL, DETAILS, follow=True)

    assert b"Clinic settings saved (4 changed)" in response.content
    clinic = Clinic.objects.get(pk=clinic_a.pk)
    assert (clinic.name, clinic.address, clinic.phone, clinic.email) == tuple(DETAILS.values())
    event = AuditEvent.objects.get(action="clinic.settings")
    assert (event.user, event.clinic) == (admin_a, clinic_a)
    assert sorted(event.detail["fields"]) == ["address", "email", "name", "phone"]


def test_the_settings_change_only_the_admins_own_clinic(admin_browser, clinic_a, clinic_b):
    admin_browser.post(URL, {**DETAILS, "clinic": clinic_b.pk, "id": clinic_b.pk})

    assert Clinic.objects.get(pk=clinic_b.pk).name == "Clinic B"
    assert Clinic.objects.get(pk=clinic_a.pk).name == "Back in Shape"
    assert b"Clinic B" not in admin_browser.get(URL).content


def test_a_therapist_may_neither_see_nor_change_the_settings(browser_a, clinic_a):
    assert browser_a.get(URL).status_code == 403
    assert browser_a.post(URL, DETAILS).status_code == 403
    assert Clinic.objects.get(pk=clinic_a.pk).name == "Clinic A"


def test_the_settings_are_in_an_admins_navigation_only(admin_browser, browser_a):
    assert f'href="{URL}"'.encode() in admin_browser.get("/").content
    assert f'href="{URL}"'.encode() not in browser_a.get("/").content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "name: the clinic needs a name"),
        ("phone", "call reception", "phone: write digits"),
        ("phone", "12", "phone: write digits"),
        ("email", "desk at clinic", "email: not an email address"),
    ],
)
def test_a_wrong_detail_is_refused_naming_its_field_and_nothing_is_saved(
    admin_browser, clinic_a, field: str, value: str, message: str
):
    response = admin_browser.post(URL, {**DETAILS, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert value.encode() in response.content or not value.strip(), "what was typed is kept"
    assert Clinic.objects.get(pk=clinic_a.pk).name == "Clinic A"
    assert not AuditEvent.objects.filter(action="clinic.settings").exists()


@pytest.mark.parametrize(("kind", "media"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_a_png_or_jpeg_logo_is_kept_and_printed_on_the_handout(
    admin_browser, browser_a, clinic_a, client_a, kind: str, media: str
):
    content = image(kind)

    admin_browser.post(URL, {**DETAILS, "logo": upload(content, f"logo.{kind.lower()}")})

    clinic = Clinic.objects.get(pk=clinic_a.pk)
    assert (bytes(clinic.logo), clinic.logo_type) == (content, media)
    handout = browser_a.get(f"/clients/{client_a.pk}/self-care/").content.decode()
    assert f'<img src="data:{media};base64,' in handout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + image("GIF")[6:], "a GIF image; upload a PNG or JPEG file"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a readable image"),
        (image("PNG")[:40], "not a readable image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a readable image"),
        (b"\xff\xd8\xff" + b"x" * (MAX_LOGO_BYTES + 10), "the file is too big; at most 512 KB"),
        (image("PNG", (4100, 10)), "4100×10 pixels; at most 4000 a side"),
    ],
    ids=["gif named png", "svg", "cut short", "png header only", "too big", "too wide"],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(
    admin_browser, clinic_a, content: bytes, message: str
):
    response = admin_browser.post(URL, {**DETAILS, "logo": upload(content)})

    assert response.status_code == 400
    assert f"logo: {message}" in response.content.decode()
    clinic = Clinic.objects.get(pk=clinic_a.pk)
    assert (clinic.name, clinic.logo_type) == ("Clinic A", "")


def test_saving_the_same_details_again_changes_nothing(admin_browser, clinic_a):
    admin_browser.post(URL, DETAILS)
    as_a_browser_sends_it = {**DETAILS, "address": DETAILS["address"].replace("\n", "\r\n")}

    response = admin_browser.post(URL, as_a_browser_sends_it, follow=True)

    assert b"Clinic settings saved (0 changed)" in response.content


def test_the_logo_can_be_removed(admin_browser, clinic_a):
    admin_browser.post(URL, {**DETAILS, "logo": upload(image("PNG"))})

    admin_browser.post(URL, {**DETAILS, "remove_logo": "on"})

    assert Clinic.objects.get(pk=clinic_a.pk).logo_type == ""


def test_the_settings_page_shows_what_is_stored(admin_browser: Browser, clinic_a: Any):
    admin_browser.post(URL, DETAILS)

    html = admin_browser.get(URL).content.decode()

    assert 'value="+44 20 7946 0018"' in html
    assert "12 Harley Lane\nLondon W1</textarea>" in html
