"""Referrals, the clinic export and a client's own copy in a real browser, on a phone and on a
desktop screen: nothing scrolls sideways, buttons are big enough to tap, downloads are zips."""

from __future__ import annotations

import json
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shot


def fits(page, width: int, name: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": 900})
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{name} scrolls sideways at {width}px ({scrolled}px wide)"
    for button in page.locator("main button, main .button").all():
        if button.is_visible():
            box = button.bounding_box()
            assert box is not None
            assert box["height"] >= 44, f"{name}: a button is {box['height']}px high"
    shot(page, f"{name}-{width}")


def test_referrals_the_export_and_the_own_copy_work_on_a_phone_and_a_desktop(
    server, page, tmp_path
):
    log_in(page, server, "demo-admin")
    expect(page.locator("#kind-referral + ul")).to_contain_text("Referral from Dr Maya Patel")
    expect(page.locator("#kind-referral + ul")).to_contain_text("expired on")
    page.goto(f"{server}/clients/?q=Baker")
    page.click("text=Baker, Tom")
    referrals = page.locator("#referrals")
    expect(referrals).to_contain_text("1 left")
    expect(referrals).to_contain_text("ICD-10 M54.5")
    for width in (390, 1280):
        fits(page, width, "client-referrals")

    with page.expect_download() as own:
        page.click("text=The client's own copy (zip)")
    copy = tmp_path / "own.zip"
    own.value.save_as(copy)
    with zipfile.ZipFile(copy) as zipped:
        assert "Dr Maya Patel" in zipped.read("record.html").decode()

    page.click("text=Record a referral")
    for width in (390, 1280):
        fits(page, width, "referral-form")
    page.fill("#referrer", "Dr Ana Ruiz, GP")
    page.fill("#diagnosis", "Sciatica")
    page.fill("#icd10", "M54.3")
    page.fill("#visits_authorised", "6")
    page.click("text=Record referral")
    expect(page.locator("#referrals")).to_contain_text("0 of 6 visits used")

    page.click("nav >> text=Export")
    for width in (390, 1280):
        fits(page, width, "clinic-export")
    with page.expect_download() as download:
        page.click("text=Download the export (zip)")
    archive = tmp_path / "clinic.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["clinic"]["name"] == "Demo clinic"
    assert manifest["counts"]["referral"] == 3
