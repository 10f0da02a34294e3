"""The audit log page: filters, paging through the whole trail, and the CSV export, all inside
the admin's own clinic."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from django.test import Client as Browser

from backcare.records import audit
from backcare.records.models import AuditEvent, Client, User
from tests.web.conftest import TODAY


def rows(html: str) -> list[str]:
    """The text of each entry's "What" cell, top to bottom."""
    return re.findall(r'<td data-label="What">([^<]*)</td>', html)


def exported(browser: Browser, **filters: str) -> list[dict[str, str]]:
    response = browser.get("/audit/export.csv", filters)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def test_the_filters_narrow_the_log_by_user_client_action_and_day(
    admin_browser: Browser, admin_a: User, therapist_a: User, client_a: Client
) -> None:
    audit.record(user=admin_a, action="clinic.settings")
    page = admin_browser.get

    by_user = page("/audit/", {"user": admin_a.pk}).content.decode()
    by_client = page("/audit/", {"client": "lovelace"}).content.decode()
    by_action = page("/audit/", {"action": "intake.record"}).content.decode()
    today = page("/audit/", {"since": TODAY, "until": TODAY}).content.decode()
    tomorrow = page("/audit/", {"since": TODAY + timedelta(days=1)}).content.decode()

    assert rows(by_user) == ["clinic.settings"]  # the admin's own reading came after
    assert set(rows(by_client)) == {"client.create", "intake.record"}
    assert rows(by_action) == ["intake.record"]
    assert {"clinic.settings", "intake.record"} <= set(rows(today))
    assert rows(tomorrow) == []
    assert "No entries match these filters." in tomorrow


def test_a_day_range_that_ends_before_it_starts_is_explained(admin_browser: Browser) -> None:
    response = admin_browser.get("/audit/", {"since": "2026-12-02", "until": "2026-12-01"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "To: the last day (2026-12-01) is before the first (2026-12-02)" in html
    assert rows(html) == []


def test_the_log_pages_through_every_entry_keeping_the_filters(
    admin_browser: Browser, admin_a: User
) -> None:
    for n in range(120):
        audit.record(user=admin_a, action="client.search", target=f"search {n}")

    first = admin_browser.get("/audit/", {"action": "client.search"}).content.decode()
    last = admin_browser.get("/audit/", {"action": "client.search", "page": "3"}).content.decode()

    assert len(rows(first)) == 50
    assert "120 entries match; page 1 of 3" in first
    assert 'href="?action=client.search&amp;page=2"' in first
    assert re.findall(r'data-label="Detail" class="audit-detail">search (\d+)<', last) == [
        str(n) for n in range(19, -1, -1)
    ]


def test_the_export_holds_every_filtered_row_of_the_clinic_only_and_is_logged(
    admin_browser: Browser, admin_a: User, client_a: Client, client_b: Client
) -> None:
    audit.record(user=admin_a, action="client.search", target='=HYPERLINK("http://x")')

    everything = exported(admin_browser)
    held = AuditEvent.objects.filter(clinic=admin_a.clinic).count()  # the export's own included
    searches = exported(admin_browser, action="client.search")

    assert {row["client"] for row in everything} >= {"Ada Lovelace", ""}
    assert "Bea Other" not in {row["client"] for row in everything}
    assert len(everything) == held
    assert everything[0]["action"] == "audit.export"
    assert [row["target"] for row in searches] == ['\'=HYPERLINK("http://x")']
    stored = AuditEvent.objects.get(action="client.search")
    assert searches[0]["hash"] == stored.hash
    assert searches[0]["seq"] == str(stored.seq)
    exports = AuditEvent.objects.filter(action="audit.export").order_by("seq")
    assert [e.detail for e in exports] == [{}, {"action": "client.search"}]


def test_only_a_clinic_admin_may_export_the_log(browser_a: Browser) -> None:
    assert browser_a.get("/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()
