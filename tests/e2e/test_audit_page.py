"""The audit log on a phone (390 px) and on a desktop (1280 px): no sideways scroll, filters and
pager large enough to tap, and a filter that narrows what is shown."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shot


def test_the_audit_log_reflows_on_a_phone_and_filters_by_action(server, chromium):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server, "demo-admin")
    page.goto(f"{server}/audit/")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the audit log scrolls sideways at {width}px ({scroll}px wide)"
        controls = page.locator(".audit-filters select, .audit-filters .button, .pager a")
        heights = controls.evaluate_all("all => all.map(e => e.getBoundingClientRect().height)")
        assert min(heights) >= 44, f"a control is only {min(heights)}px tall at {width}px"
        shot(page, f"audit-log-{width}")

    page.select_option("#id_action", "intake.record")
    page.click("text=Show")
    expect(page.locator("td[data-label=What]").first).to_have_text("intake.record")
    assert set(page.locator("td[data-label=What]").all_inner_texts()) == {"intake.record"}
    context.close()
