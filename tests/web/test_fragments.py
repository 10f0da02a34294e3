"""The main part of a page rendered once for the same content, and the main pages kept whole
(web/fragments.py): a save shows at the next view, each view's forms carry that view's own CSRF
token, one user's page is never shown to another, a message shows once, and the fingerprint
tells apart what a template shows differently."""

from __future__ import annotations

import re

from django.test import Client as Browser
from django.utils.safestring import mark_safe

from backcare.records import client_details
from backcare.records.models import Client, User
from backcare.web.fragments import fingerprint
from tests.web.conftest import new_client
from tests.web.test_pages import record_sessions

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_save_shows_on_the_client_page_at_the_next_view(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    url = f"/clients/{client_a.pk}/"
    for _ in range(2):
        assert "No sessions recorded yet." in browser_a.get(url).content.decode()

    client_details.update_client(
        user=therapist_a, client=client_a, data={"last_name": "Byron"}, reason="married name"
    )
    record_sessions(therapist_a, client_a, 1)
    page = browser_a.get(url).content.decode()

    assert "Ada Byron" in page
    assert "Ada Lovelace" not in page
    assert "1 session, on" in page


def test_a_save_shows_on_the_dashboard_and_the_client_list_at_the_next_view(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    assert "No sessions recorded today yet." in browser_a.get("/").content.decode()
    assert "Grace Hopper" not in browser_a.get("/clients/?q=").content.decode()

    record_sessions(therapist_a, client_a, 1)
    new_client(therapist_a, "Grace", "Hopper")

    assert "Ada Lovelace</a>: 45 min" in browser_a.get("/").content.decode()
    assert "Hopper, Grace" in browser_a.get("/clients/?q=").content.decode()


def test_a_change_made_around_the_services_shows_at_the_next_view_too(
    browser_a: Browser, client_a: Client
) -> None:
    browser_a.get("/clients/?q=")
    Client.objects.filter(pk=client_a.pk).update(phone="0123 456789")

    assert "0123 456789" in browser_a.get("/clients/?q=").content.decode()


def test_each_view_of_a_kept_page_carries_its_own_working_csrf_token(
    therapist_a: User, admin_a: User, client_a: Client
) -> None:
    tokens: list[str] = []
    for user in (therapist_a, admin_a, therapist_a):
        browser = Browser(enforce_csrf_checks=True)
        browser.force_login(user)
        page = browser.get(f"/clients/{client_a.pk}/").content.decode()
        link_form = page[page.index(f'action="/clients/{client_a.pk}/link/"') :]
        token = TOKEN.search(link_form)
        assert token is not None
        refused = browser.post(f"/clients/{client_a.pk}/link/", {"csrfmiddlewaretoken": "x" * 64})
        assert refused.status_code == 403
        made = browser.post(f"/clients/{client_a.pk}/link/", {"csrfmiddlewaretoken": token[1]})
        assert made.status_code in (200, 302)
        tokens.append(token[1])
    assert len(set(tokens)) == 3


def test_the_fingerprint_tells_apart_values_a_template_shows_differently(
    client_a: Client,
) -> None:
    assert fingerprint(True) != fingerprint(1)
    assert fingerprint("<b>") != fingerprint(mark_safe("<b>"))
    assert fingerprint([1, 2]) != fingerprint([2, 1])
    assert fingerprint(("Ann", 1)) != fingerprint(("Ann", True))  # a row read as a tuple
    assert fingerprint(("Ann", 1)) != fingerprint(("Ann", 1.0))
    assert fingerprint(("<b>",)) != fingerprint((mark_safe("<b>"),))
    assert fingerprint(("Ann", 1)) == fingerprint(("Ann", 1))
    one, other = Client.objects.get(pk=client_a.pk), Client.objects.get(pk=client_a.pk)
    assert fingerprint(one) == fingerprint(other)
    other.phone = "0123 456789"
    assert fingerprint(one) != fingerprint(other)


def test_the_header_kept_for_each_user_names_them_and_logs_them_out(
    therapist_a: User, admin_a: User
) -> None:
    for _ in range(2):  # the second round shows the kept headers
        for user, admin in ((therapist_a, False), (admin_a, True)):
            browser = Browser(enforce_csrf_checks=True)
            browser.force_login(user)
            page = browser.get("/").content.decode()
            header = page[page.index('<header class="top">') : page.index("</header>")]
            assert f"Log out {user.username}</button>" in header
            assert ('href="/audit/"' in header) is admin
            token = TOKEN.search(header)
            assert token is not None
            out = browser.post("/logout/", {"csrfmiddlewaretoken": token[1]})
            assert out.status_code == 302
            assert browser.get("/").status_code == 302  # signed out: to the login page


def test_a_kept_page_is_shown_only_to_its_own_user_of_its_own_clinic(
    therapist_a: User, admin_a: User, therapist_b: User, client_a: Client, client_b: Client
) -> None:
    for _ in range(2):  # the second round shows the kept pages
        for user, own, other in (
            (therapist_a, client_a, client_b),
            (admin_a, client_a, client_b),
            (therapist_b, client_b, client_a),
        ):
            browser = Browser()
            browser.force_login(user)
            page = browser.get("/clients/?q=").content.decode()
            assert f"Log out {user.username}</button>" in page
            assert ('href="/audit/"' in page) is user.is_clinic_admin
            assert own.last_name in page
            assert other.last_name not in page


def test_two_views_of_a_kept_page_carry_two_tokens_and_both_post(therapist_a: User) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(therapist_a)
    tokens = []
    for _ in range(2):
        page = browser.get("/").content.decode()
        found = TOKEN.findall(page)
        assert found
        assert len(set(found)) == 1  # the same token in every form of the page
        tokens.append(found[0])
    assert tokens[0] != tokens[1]
    for token in tokens:  # a refused acknowledgement (no note) goes back to the dashboard
        answer = browser.post("/alerts/acknowledge/", {"csrfmiddlewaretoken": token})
        assert answer.status_code == 302


def test_a_message_shows_once_on_a_page_otherwise_kept(browser_a: Browser) -> None:
    for _ in range(2):
        assert 'class="messages"' not in browser_a.get("/").content.decode()

    browser_a.post("/alerts/acknowledge/", {})  # refused: the dashboard says why
    assert 'class="messages"' in browser_a.get("/").content.decode()

    assert 'class="messages"' not in browser_a.get("/").content.decode()
