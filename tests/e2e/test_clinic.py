"""A therapist's day and a client's self-service intake, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from backcare.knowledge.contract import RED_FLAGS
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_self_intake import walk


def answer_no_to_every_red_flag(page) -> None:  # type: ignore[no-untyped-def]
    for flag in RED_FLAGS:
        page.check(f"input[name=rf_{flag}][value=no]")


def new_client(page, base: str, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/clients/new/")
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.click("text=Add client")
    expect(page.locator("h1")).to_contain_text(f"Intake for {first} {last}")


def test_therapist_screens_a_client_on_a_blood_thinner_and_records_a_session(server, page):
    log_in(page, server)
    shot(page, "dashboard")
    new_client(page, server, "Walter", "Finch")
    page.fill("#id_age", "67")
    answer_no_to_every_red_flag(page)
    page.check("input[name=pain_regions][value=low_back_left]")
    page.check("input[name=pain_regions][value=low_back_right]")
    page.fill("#id_duration_weeks", "10")
    page.fill("#id_intensity", "5")
    page.select_option("#id_cause", "posture")
    page.fill("#id_medications", "warfarin 5 mg daily")
    page.select_option("#id_skin_0_finding", "bruise")
    page.select_option("#id_skin_0_region", "low_back_left")
    shot(page, "intake-form")
    page.click("text=Save and assess")

    expect(page.locator(".light")).to_contain_text("Massage with changes")
    expect(page.locator("#main")).to_contain_text("Takes an anticoagulant")
    expect(page.locator("#main")).to_contain_text("Pressure at most light")
    expect(page.locator("#main")).to_contain_text("Avoid Low back, left")
    expect(page.locator(".bodychart [data-region=low_back_left]")).to_have_class(
        re.compile("avoided")
    )
    shot(page, "client-after-intake")

    page.click("text=Record a session")
    chart = page.locator("[data-bodychart]")
    chart.locator("[data-region=upper_back_left]").click()
    chart.locator("[data-region=low_back_right]").click()
    expect(page.locator("input[name=regions][value=upper_back_left]")).to_be_checked()
    expect(chart.locator("[data-region=upper_back_left]")).to_have_class(re.compile("selected"))
    expect(chart.locator("[data-region=upper_back_left]")).to_have_css("fill", "rgb(91, 155, 213)")
    chart.locator("[data-region=low_back_left]").click()
    expect(page.locator("#avoid-warning")).to_be_visible()
    expect(page.locator("#avoid-warning")).to_contain_text("Low back, left")
    shot(page, "session-avoided-warning")
    chart.locator("[data-region=low_back_left]").click()
    expect(page.locator("#avoid-warning")).to_be_hidden()
    page.check("input[name=techniques][value=effleurage]")
    page.fill("#pain_before", "5")
    page.fill("#pain_after", "3")
    page.fill("#subjective", "Back stiff after gardening.")
    shot(page, "session-note")
    page.click("text=Record session")

    expect(page.locator("#main")).to_contain_text("Session recorded")
    expect(page.locator("#main")).to_contain_text("pain 5 → 3")
    # the chart marks the session twice (before and after), each mark named for a screen reader
    expect(page.locator('#pain-chart [aria-label$=": pain 5 before session"]')).to_have_count(1)
    expect(page.locator('#pain-chart [aria-label$=": pain 3 after session"]')).to_have_count(1)
    shot(page, "client-with-pain-chart")


def test_a_clients_self_service_answers_are_merged_without_losing_the_therapists(
    server, page, chromium
):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, server)
    new_client(page, server, "Iris", "Vale")
    page.fill("#id_age", "58")
    answer_no_to_every_red_flag(page)
    page.check("input[name=pain_regions][value=upper_back_left]")
    page.fill("#id_intensity", "5")
    page.fill("#id_medications", "warfarin 5 mg")
    page.fill("#id_allergies", "almond oil")
    page.select_option("#id_skin_0_finding", "open_wound")
    page.select_option("#id_skin_0_region", "low_back_left")
    page.fill("#id_systolic", "150")
    page.fill("#id_diastolic", "95")
    page.click("text=Save and assess")
    expect(page.locator("#main")).to_contain_text("Open or healing wound")
    page.click("text=Send a self-service intake link")
    link = page.input_value("#link")
    assert "/i/" in link
    page.click("text=Back to Iris Vale")
    expect(page.locator(".links input[type=text]")).to_have_value(link)
    shot(page, "client-with-active-link")

    phone = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    client_page = phone.new_page()
    client_page.goto(link)
    expect(client_page.locator("h1")).to_contain_text("your health questions")
    expect(client_page.locator("body")).not_to_contain_text("Dashboard")
    client_page.goto(f"{link}medicines/")
    expect(client_page.locator("#id_medications")).to_have_value("warfarin 5 mg")
    client_page.goto(f"{link}allergies/")
    expect(client_page.locator("#id_allergies")).to_have_value("almond oil")
    assert client_page.locator("[name=systolic], [name=skin_0_finding]").count() == 0
    walk(client_page, link, 390, medicines="apixaban 5 mg")
    client_page.goto(link)
    expect(client_page.locator("body")).to_contain_text("already been used")
    phone.close()

    page.goto(f"{server}/")
    alert = page.locator("li", has_text="Iris Vale").filter(has_text="Self-service answers")
    shot(page, "dashboard-draft-alert")
    alert.locator("text=Compare and merge").click()
    expect(page.locator("h1")).to_contain_text("Self-service answers of Iris Vale")
    removed = page.locator("tr", has_text="warfarin 5 mg")
    expect(removed.locator(".change")).to_have_text("removed")
    removed.locator("input[value=client]").check()
    page.set_viewport_size({"width": 390, "height": 844})  # the therapist may merge on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the comparison scrolls sideways on a phone ({width}px wide)"
    shot(page, "draft-comparison-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#main")).to_contain_text("Open wound (Low back, left)")
    expect(page.locator("#main")).to_contain_text("blood pressure 150/95")
    shot(page, "draft-comparison-1280")
    page.click("text=Merge and assess")

    expect(page.locator("#main")).to_contain_text("Answers merged")
    expect(page.locator(".links")).to_contain_text("used")
    shot(page, "client-after-merge")
    page.click("text=Full assessment")
    main = page.locator("#main")
    expect(main).to_contain_text("Open or healing wound")
    expect(main).to_contain_text("High blood pressure reading")
    expect(main).to_contain_text("Allergies")
    page.click("text=Intake data as recorded")
    data = page.locator("pre.data")
    expect(data).to_contain_text("almond oil")
    expect(data).to_contain_text("apixaban 5 mg")
    expect(data).not_to_contain_text("warfarin")
    expect(data).to_contain_text("open_wound")
    expect(data).to_contain_text("'systolic': 150")
    shot(page, "assessment-after-merge")


def test_main_pages_render_for_the_demo_clinic(server, page):
    log_in(page, server, "demo-admin")
    for name, path in [
        ("clients", "/clients/"),
        ("knowledge", "/knowledge/"),
        ("knowledge-osteoporosis", "/knowledge/conditions/osteoporosis/"),
        ("audit", "/audit/"),
    ]:
        response = page.goto(f"{server}{path}")
        assert response is not None
        assert response.status == 200, path
        shot(page, name)
    page.goto(f"{server}/clients/?q=Hughes")
    page.click("text=Hughes, Arthur")
    expect(page.locator(".light")).to_contain_text("Massage with changes")
    expect(page.locator("svg title", has_text=re.compile("before"))).not_to_have_count(0)
    shot(page, "demo-client")
    page.click("text=Plan and session outline")
    expect(page.locator("h2", has_text="Session outline")).to_be_visible()
    shot(page, "plan-outline")
    page.go_back()
    page.click("text=Self-care guide (printable)")
    expect(page.locator("h1")).to_contain_text("Self-care at home")
    shot(page, "self-care-guide")


def test_the_client_page_and_session_note_fit_a_tablet(server, chromium):
    context = chromium.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    log_in(page, server)
    page.goto(f"{server}/clients/?q=Baker")
    page.click("text=Baker, Tom")
    expect(page.locator(".light")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, f"the page scrolls sideways on a tablet ({width}px wide)"
    shot(page, "tablet-client")
    page.click("text=Record a session")
    page.locator("[data-bodychart] [data-region=upper_back_right]").tap()
    expect(page.locator("input[name=regions][value=upper_back_right]")).to_be_checked()
    shot(page, "tablet-session")
    context.close()
