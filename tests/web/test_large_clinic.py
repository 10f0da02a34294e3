"""Pages of a clinic with thousands of clients: a fixed number of queries, bounded pages, paging
that reaches every record, and audit rows that name only the clients shown."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from backcare.records import demo, demo_crowd, intakes
from backcare.records.dashboard import (
    KINDS,
    PAGE_SIZE,
    RECENT_SHOWN,
    SHOWN_PER_KIND,
    TODAY_SHOWN,
)
from backcare.records.models import AuditEvent, Client, Clinic, User
from backcare.web.idle import LAST_SEEN

SMALL, LARGE = 200, 2000
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')


@pytest.fixture(scope="module")
def crowd(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Clinic]:
    """The demo clinic grown to 200 clients, built once for the module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.ensure_demo()
        clinic = Clinic.objects.get(name=demo.CLINIC)
        demo_crowd.grow(clinic=clinic, clients=SMALL)
        yield clinic
        transaction.set_rollback(True)


@pytest.fixture
def therapist(crowd: Clinic, db: Any) -> Browser:
    browser = Browser()
    browser.force_login(User.objects.get(username=demo.THERAPIST))
    return browser


def _get(browser: Browser, url: str) -> tuple[str, int]:
    """The page and the number of its queries. The session is marked as seen just now first, so
    the once-a-minute write of the time last seen never falls into a count however long the
    clinic took to grow."""
    session = browser.session
    session[LAST_SEEN] = int(time.time())
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _last_audit(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-pk").first()
    assert event is not None
    return event


def _counts(html: str) -> dict[str, int]:
    """The count shown beside each kind's heading on the dashboard."""
    return {
        kind: int(count)
        for kind, count in re.findall(r'<h3 id="kind-([a-z]+)">[^<]*\((\d+)\)</h3>', html)
    }


def test_dashboard_queries_stay_the_same_as_the_clinic_grows(crowd: Clinic, therapist: Browser):
    small_html, small_queries = _get(therapist, "/")
    demo_crowd.grow(clinic=crowd, clients=LARGE)
    assert Client.objects.filter(clinic=crowd).count() == LARGE
    html, queries = _get(therapist, "/")
    assert queries == small_queries
    counts = _counts(html)
    assert sum(counts.values()) > sum(_counts(small_html).values())
    # a bounded number of alerts shown, however many there are, with a link to the rest
    assert html.count('name="situation"') <= SHOWN_PER_KIND * len(KINDS)
    assert sum(counts.values()) > SHOWN_PER_KIND * len(counts)
    for kind, count in counts.items():
        assert f'href="/alerts/{kind}/">All {count}: ' in html or count <= SHOWN_PER_KIND
    # the audit row names exactly the clients whose links are on the page
    shown = {int(pk) for pk in CLIENT_LINK.findall(html)}
    assert set(_last_audit("dashboard.view").detail["clients"]) == shown
    assert len(shown) <= SHOWN_PER_KIND * (len(KINDS) + 1) + RECENT_SHOWN + TODAY_SHOWN


def test_alerts_pages_reach_every_alert_of_a_kind(crowd: Clinic, therapist: Browser):
    counts = _counts(_get(therapist, "/")[0])
    kind, count = max(counts.items(), key=lambda item: item[1])
    assert count > PAGE_SIZE
    seen, number, queries = [], 1, set()
    while True:
        html, used = _get(therapist, f"/alerts/{kind}/?page={number}")
        on_page = re.findall(r'name="situation" value="([^"]*)"', html)
        clients = {int(pk) for pk in CLIENT_LINK.findall(html)}
        assert set(_last_audit("alerts.view").detail["clients"]) == clients
        assert 0 < len(on_page) <= PAGE_SIZE
        seen += on_page
        queries.add(used)
        if 'rel="next"' not in html:
            break
        number += 1
    assert len(seen) == count
    assert len(queries) == 1  # every page costs the same
    assert therapist.get("/alerts/no-such-kind/").status_code == 404


def test_client_list_pages_through_every_client(crowd: Clinic, therapist: Browser):
    names: list[str] = []
    number = 1
    while True:
        html, _ = _get(therapist, f"/clients/?q=&page={number}")
        rows = re.findall(r'href="/clients/\d+/">([^<]+)</a>', html)
        assert 0 < len(rows) <= 50
        event = _last_audit("client.search")
        assert len(event.detail["clients"]) == len(rows)
        names += rows
        if 'rel="next"' not in html:
            break
        number += 1
    assert len(names) == len(set(names)) == SMALL
    assert names == sorted(names, key=lambda name: tuple(name.split(", ", 1)))
    # a search pages too, and a page number that makes no sense is the first page
    html, _ = _get(therapist, "/clients/?q=baker")
    found = re.findall(r'href="/clients/\d+/">([^<]+)</a>', html)
    assert found
    assert all("baker" in name.lower() for name in found)
    assert _get(therapist, "/clients/?q=&page=abc")[0].count("Page 1 of 4") == 1


def test_dashboard_shows_a_change_at_the_next_view(crowd: Clinic, therapist: Browser):
    """Alerts are kept between views; anything saved shows at once."""
    before = _counts(_get(therapist, "/")[0])
    _get(therapist, "/")  # a view changes nothing
    kind = "measure"
    html = _get(therapist, f"/alerts/{kind}/")[0]
    listed = re.findall(
        r'name="client" value="(\d+)"><input type="hidden" name="kind" value="measure">'
        r'<input type="hidden" name="situation" value="([^"]*)"',
        html,
    )
    (client, situation), (other, _) = listed[0], listed[1]
    response = therapist.post(
        "/alerts/acknowledge/",
        {"client": client, "kind": kind, "situation": situation, "note": "Measured by phone"},
    )
    assert response.status_code == 302
    after = _counts(_get(therapist, "/")[0])
    assert after == {**before, kind: before[kind] - 1}
    # a new intake starts a new plan with no sessions yet: the course's alerts go
    person = Client.objects.get(pk=other)
    data = {**intakes.latest_data(person), "assessed_on": date.today()}  # type: ignore[dict-item]
    intakes.record_intake(user=_therapist_user(), client=person, data=data, today=date.today())
    assert _counts(_get(therapist, "/")[0])[kind] == after[kind] - 1
    assert f'name="client" value="{other}"' not in _get(therapist, f"/alerts/{kind}/")[0]


def _therapist_user() -> User:
    return User.objects.get(username=demo.THERAPIST)
