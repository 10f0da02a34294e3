"""The public "is back massage right for me?" check, in a real browser, with no login."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backcare.knowledge.contract import RED_FLAGS
from tests.e2e.conftest import shot


def answer(page, saddle: str = "no", medications: str = "") -> None:  # type: ignore[no-untyped-def]
    for flag in RED_FLAGS:
        value = saddle if flag == "saddle_numbness" else "no"
        page.check(f"input[name=rf_{flag}][value={value}]")
    page.fill("#id_age", "38")
    page.fill("#id_medications", medications)
    page.check("input[name=areas][value=low_back]")
    page.fill("#id_duration_weeks", "26")
    page.fill("#id_intensity", "5")
    page.select_option("#id_cause", "posture")


def test_saddle_numbness_says_seek_emergency_care_and_gives_no_massage_advice(server, page):
    page.goto(f"{server}/check/")
    expect(page.locator("body")).to_contain_text("not a diagnosis")
    shot(page, "public-check-form")
    answer(page, saddle="yes")
    page.click("text=See my answer")
    expect(page.locator("[role=alert] h2")).to_have_text("Seek emergency care now")
    expect(page.locator("body")).not_to_contain_text("Kinds of massage that fit")
    expect(page.locator("body")).not_to_contain_text("What you can do at home")
    shot(page, "public-check-emergency")


def test_a_desk_worker_back_ache_gets_a_fitting_massage_and_a_routine_with_its_map(server, page):
    page.goto(f"{server}/check/")
    answer(page)
    page.click("text=See my answer")
    expect(page.locator(".light")).to_contain_text("Massage can go ahead")
    expect(page.locator("#fit-h")).to_be_visible()
    expect(page.locator("#main")).not_to_contain_text("the client")
    page.click("#home-h")
    expect(page.locator(".bodychart svg .region.selected").first).to_be_visible()
    page.click("#fit-h")
    expect(page.locator("#main")).to_contain_text("Swedish massage")
    shot(page, "public-check-result")


WIDTHS = (390, 1280)
CASES = {"healthy": {}, "anticoagulant": {"medications": "warfarin 5mg\nzorbicol"}}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_answer_fits_the_screen_and_opens_with_what_to_do(server, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    for name, case in [*CASES.items(), ("emergency", {"saddle": "yes"})]:
        page.goto(f"{server}/check/")
        answer(page, **case)
        page.click("text=See my answer")
        expect(page.locator(".light")).to_be_visible()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} at {width} px is {wide} px wide"
        if name == "anticoagulant":
            expect(page.locator("#main")).to_contain_text("tell your therapist and your pharmacist")
            expect(page.locator("#main")).to_contain_text("zorbicol")
        shot(page, f"public-check-{name}-{width}")
        if name == "anticoagulant":
            for summary in page.locator("details > summary").all():
                summary.click()
            shot(page, f"public-check-{name}-{width}-details")
    context.close()
