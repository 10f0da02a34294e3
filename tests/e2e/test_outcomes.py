"""Outcomes in a real browser: a course of six sessions with falling pain reads as a responder
who met the goal and may taper; a worsening course raises a stop-and-re-screen alert on the
dashboard; a pain log entry sent from the client's link appears on the client page; the
measure form and the clinic outcomes page fit a phone and a desktop."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shot


def fits(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_progress_alerts_and_the_pain_log_in_the_browser(server, chromium):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server)

    page.goto(f"{server}/clients/?q=Ekdahl")
    page.click("text=Ekdahl, Nora")
    expect(page.locator("#progress-changes")).to_contain_text("responder")
    expect(page.locator("#progress-verdict")).to_contain_text("Taper to maintenance")
    expect(page.locator("#progress-verdict")).to_contain_text("Goal met")
    expect(page.locator("#expected-table tbody tr")).to_have_count(6)
    shot(page, "outcomes-responder-1280")

    page.goto(f"{server}/")
    alert = page.locator("li", has_text="Walter Brenner").filter(has_text="Stop and re-screen")
    expect(alert.first).to_be_visible()

    page.goto(f"{server}/clients/?q=Brenner")
    page.click("text=Brenner, Walter")
    expect(page.locator("#below-expected")).to_be_visible()
    page.click("text=Make a pain log link")
    link = page.locator("input[id^=log-link-]").first.input_value()
    assert re.search(r"/p/[\w-]+/$", link)

    phone = chromium.new_context(viewport={"width": 390, "height": 800})
    client_page = phone.new_page()
    client_page.goto(link)
    client_page.locator("label", has_text="8").first.click()
    client_page.fill("#sleep_hours", "4")
    client_page.fill("#note", "could not sit at work today")
    client_page.click("text=Save today's entry")
    expect(client_page.locator("#log-saved")).to_be_visible()
    fits(client_page, 390)
    shot(client_page, "outcomes-pain-log-390")
    phone.close()

    page.reload()
    expect(page.locator("#pain-log-table")).to_contain_text("could not sit at work today")

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/outcomes/")
        expect(page.locator("#responders-all")).to_contain_text("responded")
        fits(page, width)
        shot(page, f"outcomes-clinic-{width}")
        page.goto(f"{server}/clients/?q=Brenner")
        page.click("text=Brenner, Walter")
        page.click("a.button:text-is('PEG-3')")
        page.fill("#item_pain", "8")
        page.fill("#item_enjoyment", "7")
        page.fill("#item_activity", "11")
        # past the browser's own range check, as a browser without it would send it
        page.evaluate("document.querySelector('main form[method=post]').noValidate = true")
        page.click("text=Record PEG-3")
        expect(page.locator("#measure-errors")).to_contain_text("from 0 to 10")
        fits(page, width)
        shot(page, f"outcomes-measure-form-{width}")
    context.close()
