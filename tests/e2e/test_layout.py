"""Every page of the app, on a 390 px phone and a 1280 px desktop: nothing scrolls sideways and
every link, button and form control is a target at least 44 by 44 px (WCAG 2.5.5), counting a
checkbox's label as part of it. Links inside a sentence are the exception WCAG allows.

The pages come from the URL map: each named route has an entry saying how to reach it with the
demo clinic's data, or why it is no page (a POST that redirects, a download). A new route with
no entry fails the test, so new pages get covered. With BACKCARE_LAYOUT_SHOTS=1 a screenshot of
each page at each width is saved under test-artifacts/screenshots/layout/ (left out by default:
they take longer than the checks)."""

from __future__ import annotations

import os
import re
from typing import Any

from django.urls import URLPattern, URLResolver

from backcare.web import urls
from tests.e2e.conftest import SHOTS, log_in
from tests.e2e.test_public import answer

# The API's addresses answer programs with JSON, not pages (its docs page is django-ninja's own,
# checked under the policy in test_content_security.py); every other entry is a page's route.
urlpatterns = [
    e for e in urls.urlpatterns if not (isinstance(e, URLResolver) and e.namespace == "api")
]
WIDTHS = (390, 1280)
TARGET = 44

# Routes that never answer with a page of their own.
NOT_PAGES = {
    "logout": "a POST that logs out and redirects",
    "alert_acknowledge": "a POST that redirects to the dashboard",
    "link_revoke": "a POST that redirects to the client",
    "draft_discard": "a POST that redirects to the client",
    "clearance_document": "a download (Content-Disposition: attachment), not a page",
    "fhir_export": "a POST whose answer is a download (a FHIR Bundle), not a page",
    "audit_export": "a download (the audit trail as CSV), not a page",
    "progress_report": "a download (the progress report as PDF), not a page",
    "own_copy": "a POST whose answer is a download (the client's own copy), not a page",
    "log_link_new": "a POST that makes a pain-log link and redirects to the client",
    "log_link_revoke": "a POST that redirects to the client",
    "user_change": "a POST from the users page that redirects back to it",
    "cds_discovery": "JSON for a health record system (CDS Hooks), not a page",
    "cds_service": "JSON for a health record system (CDS Hooks), not a page",
    "cds_feedback": "JSON for a health record system (CDS Hooks), not a page",
    "cds_assessment": "opened only from a CDS Hooks card's signed one-hour link "
    "(tests/web/test_cds_hooks.py opens it)",
    "pain_log": "the client's pain log, opened with its token: tests/e2e/test_outcomes.py "
    "checks it on a phone",
    "self_intake_step": "each step of the client's intake: tests/e2e/test_self_intake.py walks "
    "every step at 390 and 1280 px",
    "set_password": "opened only from a one-time link an admin hands over "
    "(tests/web/test_users.py follows one)",
    "two_factor_verify": "asked only after the password of an account with a second factor "
    "(tests/web/test_sign_in.py)",
    "batch_download": "a POST that answers with a download, not a page",
}
# Routes reached by a form rather than a link: the test submits the form.
BY_FORM = {
    "link_new": "the link page after 'Send a self-service intake link'",
    "batch_job": "a register's page, after uploading one on the batch page",
}
# A row refused, and a local condition without its place (the longest rule id of the summary).
REGISTER = (
    "id,age,pain,pain_regions,red_flag_fever,conditions\n"
    "r1,40,true,low_back,false,\nr2,300,,,,\nr3,50,true,low_back,false,varicose veins\n"
)
ANONYMOUS = {"login", "self_check", "self_intake"}
# Routes no link leads to: the start page, and setup (a 404 once the clinic is set up).
FIXED = {"dashboard": "/", "setup": "/setup/"}

# The size of every target too small to hit, or [] (runs in the page).
TARGETS_JS = """(min) => {
  const inline = (el) => {
    if (el.tagName !== 'A') return false;
    const text = (node) => node.textContent.replace(/\\s+/g, '').length;
    const block = el.parentElement.closest('p, li, dd, td, th, h1, h2, h3, figcaption, label');
    return block !== null && text(block) > text(el);
  };
  const hitArea = (el) => {
    let r = el.getBoundingClientRect();
    const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
    if (label && (el.type === 'checkbox' || el.type === 'radio')) r = label.getBoundingClientRect();
    return r;
  };
  const small = [];
  const seen = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll(seen)) {
    if (!el.checkVisibility({visibilityProperty: true}) || el.closest('.sr-only')) continue;
    if (inline(el)) continue;
    const r = hitArea(el);
    if (r.width === 0 && r.height === 0) continue;
    if (r.height < min - 0.5 || r.width < min - 0.5) {
      const name = (el.textContent || el.value || el.name || el.id || '').trim().slice(0, 40);
      const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def route_regex() -> dict[str, re.Pattern[str]]:
    """Each named route as a regular expression over paths (``<int:x>`` is digits)."""
    found = {}
    for entry in urlpatterns:
        if isinstance(entry, URLPattern) and entry.name:
            text = re.sub(r"<int:\w+>", r"\\d+", str(entry.pattern))
            text = re.sub(r"<str:\w+>", r"[^/]+", text)
            found[entry.name] = re.compile(f"^/{text}$")
    return found


def discover(request: Any, base: str) -> dict[str, str]:
    """A path for every route that a link reaches, from the demo clinic's pages: breadth first
    over GET links, following a link only to a route not found yet or to another client (whose
    data may reach more), and stopping once every route has a path."""
    patterns = route_regex()
    wanted = set(patterns) - set(NOT_PAGES) - set(BY_FORM) - ANONYMOUS
    found = dict(FIXED)
    todo, seen = ["/"], {"/"}
    while todo and wanted - set(found):
        html = request.get(f"{base}{todo.pop(0)}").text()
        for link in re.findall(r'href="(/[^"#?]*)', html):
            name = next((n for n, p in patterns.items() if p.match(link)), None)
            if link in seen or name not in wanted or (name in found and name != "client"):
                continue
            seen.add(link)
            found.setdefault(name, link)
            todo.append(link)
    if "draft" in found:  # reached by the draft page's button, a POST that redirects here
        found["draft_review"] = f"{found['draft']}review/"
    if "clearance_new" in found:  # a client waiting for a clearance has no plan: the hold page
        found["plan on hold"] = found["clearance_new"].replace("clearances/new/", "plan/")
    return found


def problems_on(page: Any, name: str) -> dict[str, list[str]]:
    """What is wrong with the page at each width: sideways scrolling, targets too small."""
    page.wait_for_load_state("load")
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        wide = page.evaluate("document.documentElement.scrollWidth")
        wrong = [f"{wide} px wide"] if wide > width else []
        wrong += page.evaluate(TARGETS_JS, TARGET)
        if wrong:
            found[f"{name} at {width}"] = wrong
        if os.environ.get("BACKCARE_LAYOUT_SHOTS"):
            (SHOTS / "layout").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "layout" / f"{name}-{width}.png"), full_page=True)
    return found


def serve_error_page(route: Any) -> None:
    """The 500 page exactly as the app renders it; the live server has no page that fails."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    page = server_error(RequestFactory().get("/"))
    route.fulfill(status=500, body=page.content, content_type="text/html; charset=utf-8")


def test_every_route_named_here_exists():
    assert all(isinstance(entry, URLPattern) for entry in urlpatterns), "list included pages"
    named = set(NOT_PAGES) | set(BY_FORM) | ANONYMOUS | set(FIXED)
    assert named - set(route_regex()) == set()


def test_every_page_fits_a_phone_and_a_desktop_with_targets_big_enough(server, chromium):
    problems: dict[str, list[str]] = {}
    clinic = chromium.new_context()
    page = clinic.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server, "demo-admin")
    paths = discover(clinic.request, server)
    missing = set(route_regex()) - set(paths) - set(NOT_PAGES) - set(BY_FORM) - ANONYMOUS
    assert not missing, f"no demo data reaches {sorted(missing)}: add it to the demo clinic"
    for name, path in sorted(paths.items()):
        page.goto(f"{server}{path}")
        problems |= problems_on(page, name)
    page.goto(f"{server}{paths['client']}")
    page.click("text=Send a self-service intake link")
    problems |= problems_on(page, "link_new")
    link = page.locator("input[readonly]").first.input_value()
    page.goto(f"{server}/clinic/batch/")
    register = {"name": "register.csv", "mimeType": "text/csv", "buffer": REGISTER.encode()}
    page.set_input_files("#register", register)
    page.click("text=Screen the register")
    page.wait_for_selector("text=Download the results")  # the page updates itself when done
    problems |= problems_on(page, "batch_job")
    page.goto(f"{server}/clients/999999/")
    problems |= problems_on(page, "error-404")
    page.goto(server.replace("127.0.0.1", "0.0.0.0") + "/check/")  # a host it does not serve
    problems |= problems_on(page, "error-400")
    page.route(f"{server}/error-500/", serve_error_page)
    page.goto(f"{server}/error-500/")
    problems |= problems_on(page, "error-500")
    clinic.clear_cookies()
    for name, path in {"login": "/login/", "self_check": "/check/", "self_intake": link}.items():
        page.goto(path if path.startswith("http") else f"{server}{path}")
        problems |= problems_on(page, name)
    page.goto(link.replace("/i/", "/i/x"))
    problems |= problems_on(page, "error-410")
    for case, kwargs in {
        "healthy": {},
        "anticoagulant": {"medications": "warfarin 5mg"},
        "emergency": {"saddle": "yes"},
    }.items():
        page.goto(f"{server}/check/")
        answer(page, **kwargs)
        page.click("text=See my answer")
        for summary in page.locator("details > summary").all():
            summary.click()
        problems |= problems_on(page, f"self_check-{case}")
    log_in(page, server, "demo-therapist")
    page.goto(f"{server}/clinic/settings/")
    problems |= problems_on(page, "error-403")
    clinic.close()
    assert problems == {}
