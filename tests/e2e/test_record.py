"""The client's record in a real browser, on a phone and on a desktop: the summary with
today's changes, and a session note opened in full and amended."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shot


@pytest.mark.parametrize("width", [390, 1280])
def test_the_client_summary_and_a_session_note_read_well_on_a_phone_and_a_desktop(
    server, chromium, width
):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server)
    page.goto(f"{server}/clients/?q=Grant")
    page.click("text=Grant, Olivia")

    expect(page.locator("#todays-changes")).to_contain_text("Allergic to almond oil")
    expect(page.locator("article.finding", has_text="Allergies")).to_contain_text("almond oil")
    expect(page.locator("[aria-labelledby=intake-h]")).to_contain_text("almond oil")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"record-client-summary-{width}")

    page.goto(f"{server}/clients/?q=Hughes")
    page.click("text=Hughes, Arthur")
    expect(page.locator("#todays-changes")).to_contain_text("Pressure at most light")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"record-client-sessions-{width}")
    page.locator("text=Open the full note").first.click()
    expect(page.locator("h1")).to_contain_text("Session of")
    page.fill("#text", f"Late entry ({width}px): the client phoned, no soreness next day.")
    page.click("text=Add addendum")
    expect(page.locator("[aria-labelledby=addenda-h]")).to_contain_text(f"Late entry ({width}px)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"record-session-note-{width}")
    context.close()
