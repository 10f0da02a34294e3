"""The outcome chart and the progress report in a real browser: drawn under the strict
Content-Security-Policy, readable on a phone and on a desktop without sideways scrolling."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shot
from tests.e2e.test_content_security import refused, watch


def test_the_pain_chart_and_the_progress_report_fit_any_screen_under_the_policy(server, page):
    messages = watch(page)
    log_in(page, server)
    page.goto(f"{server}/clients/?q=Hughes")
    page.click("text=Hughes, Arthur")
    chart = page.locator("#pain-chart svg[role=img]")
    expect(chart).to_be_visible()
    seen = refused(page)
    page.click("text=Read it here")
    expect(page.locator("#report-recommendation")).to_be_visible()
    expect(page.locator("#report-outcomes svg[role=img]").first).to_be_visible()
    seen += refused(page)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        right = page.evaluate(
            "Math.max(...[...document.querySelectorAll('svg.chart')]"
            ".map(s => s.getBoundingClientRect().right))"
        )
        assert right <= width
        shot(page, f"progress-report-{width}")
    download = page.locator("text=Download the PDF")
    assert download.bounding_box()["height"] >= 44
    assert seen == []
    assert messages == []
