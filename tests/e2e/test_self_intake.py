"""The client's own intake in a real browser: every step at a phone's and a desktop's width,
with a screenshot of each, no sideways scrolling, touch targets of 44 px and nothing the
Content-Security-Policy refuses."""

from __future__ import annotations

from playwright.sync_api import expect

from backcare.knowledge.contract import RED_FLAGS
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_content_security import refused, watch

STEPS = 8
SMALL_TARGETS = """() => [...document.querySelectorAll(
  ".step-form .options label, .step-form .tick, .step-actions button, .step-form summary,"
  + " .step-form input[type=text], .step-form input[type=number], .change-link")]
  .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
  .map((e) => e.textContent.trim().slice(0, 30) || e.name)"""


def walk(page, link: str, width: int, medicines: str = "") -> None:  # type: ignore[no-untyped-def]
    """Answer every step from the link's first page to the thank-you page, by Next and Send."""
    page.goto(link)
    for number in range(1, STEPS + 1):
        expect(page.locator("#step-count")).to_contain_text(f"Step {number} of {STEPS}")
        if page.locator("input[name=age]").count():
            page.fill("input[name=age]", "47")
        if page.locator("input[name=rf_saddle_numbness]").count():
            for flag in RED_FLAGS:
                page.locator(f"input[name=rf_{flag}][value=no]").check()
        if medicines and page.locator("textarea[name=medications]").count():
            page.fill("textarea[name=medications]", medicines)
        if page.locator("input[name=consent]").count():
            page.check("input[name=consent]")
            page.fill("input[name=consent_name]", "Iris Vale")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"step {number} scrolls sideways at {width}px ({scroll}px)"
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], f"step {number}: touch targets under 44 px at {width}px: {small}"
        assert refused(page) == []
        shot(page, f"self-intake-{width}-step-{number}")
        page.click("button[name=go][value=next], button[name=go][value=send]")
    expect(page.locator("h1")).to_have_text("Thank you")
    shot(page, f"self-intake-{width}-thanks")


def test_a_client_walks_every_step_at_390_without_javascript_and_at_1280(server, chromium, page):
    log_in(page, server)
    for width in (390, 1280):
        page.goto(f"{server}/clients/new/")
        page.fill("#id_first_name", "Wren")
        page.fill("#id_last_name", f"Steps{width}")
        page.click("text=Add client")
        page.goto(page.url.split("/intake/")[0] + "/")
        page.click("text=Send a self-service intake link")
        link = page.input_value("#link")
        context = chromium.new_context(  # on the phone with JavaScript off: plain posts only
            viewport={"width": width, "height": 844},
            has_touch=True,
            java_script_enabled=width > 390,
        )
        client = context.new_page()
        messages = watch(client)
        walk(client, link, width)
        assert messages == []
        context.close()
