"""The public "is back massage right for me?" check, in a real browser, with no login."""

from __future__ import annotations

from playwright.sync_api import expect

from backcare.knowledge.contract import RED_FLAGS
from tests.e2e.conftest import shot


def answer(page, saddle: str = "no") -> None:  # type: ignore[no-untyped-def]
    for flag in RED_FLAGS:
        value = saddle if flag == "saddle_numbness" else "no"
        page.check(f"input[name=rf_{flag}][value={value}]")
    page.fill("#id_age", "38")
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
    expect(page.locator("#main")).to_contain_text("Swedish massage")
    expect(page.locator("#home-h")).to_be_visible()
    expect(page.locator(".bodychart svg .region.selected").first).to_be_visible()
    shot(page, "public-check-result")
