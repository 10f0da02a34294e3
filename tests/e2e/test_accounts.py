"""The account pages on a phone and a desktop: no sideways scroll, touch targets of 44 px."""

from __future__ import annotations

from tests.e2e.conftest import log_in, shot


def test_the_account_pages_fit_a_phone_and_a_desktop(server, chromium):
    for width in (390, 1280):
        context = chromium.new_context(viewport={"width": width, "height": 900}, has_touch=True)
        page = context.new_page()
        log_in(page, server, "demo-admin")
        for name, path in [
            ("users", "/clinic/users/"),
            ("password", "/account/password/"),
            ("two-factor", "/account/two-factor/"),
        ]:
            response = page.goto(f"{server}{path}")
            assert response is not None
            assert response.status == 200, path
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} scrolls sideways at {width} px ({wide} px wide)"
            small = page.evaluate(
                """[...document.querySelectorAll('main button, main select')]
                   .filter(e => e.getBoundingClientRect().height < 44)
                   .map(e => e.textContent.trim() || e.name)"""
            )
            assert small == [], f"{path} at {width} px: touch targets under 44 px: {small}"
            shot(page, f"account-{name}-{width}")
        context.close()
