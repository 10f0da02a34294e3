"""Error pages look like the rest of the app and offer a way back; a fresh install's start page
says how to make the first account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser
from django.test import RequestFactory
from django.views.defaults import server_error

ELSEWHERE = "203.0.113.7"  # an address that is not this machine (TEST-NET-3)


def assert_styled_with_a_way_back(html: str) -> None:
    assert "backcare/app.css" in html
    assert 'href="/check/"' in html
    assert "Back button" in html


def test_a_missing_page_is_styled_and_links_back(browser_a):
    page = browser_a.get("/clients/999999/")
    assert page.status_code == 404
    html = page.content.decode()
    assert_styled_with_a_way_back(html)
    assert 'href="/"' in html


def test_a_bad_request_is_styled_and_links_back(db):
    page = Browser().get("/check/", HTTP_HOST="not-an-allowed-host.invalid")
    assert page.status_code == 400
    assert_styled_with_a_way_back(page.content.decode())


def test_a_server_error_page_is_styled_and_links_back(db):
    page = server_error(RequestFactory().get("/"))
    assert page.status_code == 500
    html = page.content.decode()
    assert_styled_with_a_way_back(html)
    assert "has been logged" in html


def test_setup_from_another_machine_is_refused_with_the_command_to_use(db):
    page = Browser().get("/setup/", REMOTE_ADDR=ELSEWHERE)
    assert page.status_code == 403
    html = page.content.decode()
    assert_styled_with_a_way_back(html)
    assert "backcare user create" in html


def test_a_used_link_page_offers_the_public_check_but_not_the_clinic(db, anonymous: Any):
    page = anonymous.get("/i/not-a-real-token/")
    assert page.status_code == 410
    html = page.content.decode()
    assert_styled_with_a_way_back(html)
    assert 'href="/"' not in html


def test_a_fresh_install_start_page_on_this_machine_links_to_setup(db):
    page = Browser().get("/")
    assert page.status_code == 200
    assert 'href="/setup/"' in page.content.decode()


def test_a_fresh_install_start_page_from_elsewhere_names_the_two_ways_to_begin(db):
    html = Browser().get("/", REMOTE_ADDR=ELSEWHERE).content.decode()
    assert "backcare user create" in html
    assert "localhost/setup/" in html
    assert 'href="/setup/"' not in html, "the link would only be refused from here"


@pytest.mark.usefixtures("therapist_a")
def test_once_an_account_exists_the_start_page_asks_to_log_in(db):
    page = Browser().get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")
