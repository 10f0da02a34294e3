"""The pages work in a real browser under the Content-Security-Policy the server sends: no
script, style or request the policy refuses (each refusal would be a broken part of a page)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import log_in

REFUSALS = """() => {
  window.refused = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.refused.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
  });
}"""


def watch(page: Any) -> list[str]:
    """Console messages about the policy, and every refusal the page itself saw."""
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(f"({REFUSALS})()")
    return messages


def refused(page: Any) -> list[str]:
    return list(page.evaluate("window.refused || []"))


def test_the_clinic_pages_and_htmx_search_run_under_the_policy(server, page):
    messages = watch(page)
    log_in(page, server, "demo-admin")
    seen: list[str] = []
    for path in ["/", "/knowledge/", "/knowledge/conditions/osteoporosis/", "/audit/"]:
        response = page.goto(f"{server}{path}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        seen += refused(page)
    page.goto(f"{server}/clients/")
    page.fill("#q", "Hughes")  # htmx replaces the rows as one types
    expect(page.locator("#client-rows")).to_contain_text("Hughes, Arthur")
    expect(page.locator("#client-rows")).not_to_contain_text("Baker")
    seen += refused(page)
    page.click("text=Hughes, Arthur")
    expect(page.locator(".light")).to_contain_text("Massage with changes")
    seen += refused(page)
    client_page = page.url
    for link in ["Plan and session outline", "Self-care guide (printable)"]:
        page.goto(client_page)
        page.click(f"text={link}")
        seen += refused(page)
    page.goto(client_page)
    page.click("text=Send a self-service intake link")
    expect(page.locator("#link")).to_be_visible()
    seen += refused(page)
    assert seen == []
    assert messages == []


def test_the_session_note_body_chart_and_the_public_check_run_under_the_policy(server, page):
    messages = watch(page)
    log_in(page, server)
    page.goto(f"{server}/clients/?q=Hughes")
    page.click("text=Hughes, Arthur")
    page.click("text=Record a session")
    page.wait_for_load_state("load")
    seen = refused(page)
    page.goto(f"{server}/check/")
    seen += refused(page)
    assert seen == []
    assert messages == []


def test_a_token_made_on_the_tokens_page_opens_the_api_docs_under_the_policy(server, page):
    messages = watch(page)
    log_in(page, server)
    page.goto(f"{server}/account/tokens/")
    page.fill("#name", "reporting script")
    page.click("text=Make token")
    token = page.input_value("#token")
    assert token.startswith("bc_")
    seen = refused(page)
    page.goto(f"{server}/api/v1/docs")  # Swagger UI, from the app's own static files
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("backcare API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    seen += refused(page)
    answer = page.request.get(
        f"{server}/api/v1/token", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.json()["name"] == "reporting script"
    page.goto(f"{server}/account/tokens/")
    page.click("text=Revoke")
    expect(page.locator("td[data-label=State]").first).to_have_text("revoked")
    assert (
        page.request.get(
            f"{server}/api/v1/token", headers={"Authorization": f"Bearer {token}"}
        ).status
        == 401
    )
    assert seen == []
    assert messages == []
