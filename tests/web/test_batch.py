"""Screening a register from the web app: a clinic admin uploads it, it is screened as a job,
the page shows the decisions, and the results and refused rows download; private files, audited,
scoped to the clinic, removed after the keep time."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.utils import timezone

from backcare.records import accounts, batch_jobs
from backcare.records.models import AuditEvent, BatchJob
from tests.web.conftest import PASSWORD
from tests.web.test_accessibility import audit
from tests.web.test_pages import errors, text

REGISTER = (
    "id,age,pain,pain_regions,pain_intensity,red_flag_fever,medications\n"
    "a1,40,true,low_back,4,false,\n"
    "a2,130,true,low_back,4,false,\n"
    "a3,67,true,low_back; neck,8,true,warfarin\n"
)


def upload(browser: Browser, name: str, content: str, result_format: str = "csv"):
    register = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return browser.post("/clinic/batch/", {"register": register, "result_format": result_format})


def test_an_admin_screens_a_register_and_downloads_results_and_refused_rows(
    admin_browser, admin_a, clinic_b
):
    assert admin_browser.get("/clinic/batch/").status_code == 200
    sent = upload(admin_browser, "intakes 2026.csv", REGISTER)
    assert sent.status_code == 302
    page = admin_browser.get(sent["Location"])
    html = text(page)
    assert "Done" in html
    assert "2 intakes screened" in html
    assert "1 row could not be screened" in html
    assert not audit(html)

    job = BatchJob.objects.get()
    results = admin_browser.post(f"/clinic/batch/{job.pk}/results/")
    rows = list(csv.DictReader(b"".join(results.streaming_content).decode().splitlines()))
    assert [(r["id"], r["row"]) for r in rows] == [("a1", "1"), ("a3", "3")]
    assert json.loads(rows[1]["findings"])  # fever and an anticoagulant: findings, never none
    assert "intakes 2026-results.csv" in results["Content-Disposition"]
    refused = admin_browser.post(f"/clinic/batch/{job.pk}/refused/")
    lines = list(csv.DictReader(b"".join(refused.streaming_content).decode().splitlines()))
    assert [(r["row"], r["id"], r["field"]) for r in lines] == [("2", "a2", "client.age")]

    kept = batch_jobs.files(job)
    for path in (kept.source, kept.result, kept.errors):
        assert path.stat().st_mode & 0o777 == 0o600
    for folder in (kept.folder, kept.folder.parent, kept.folder.parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    actions = set(AuditEvent.objects.filter(clinic=admin_a.clinic).values_list("action", flat=True))
    assert {"batch.upload", "batch.results", "batch.refused"} <= actions

    outsider = Browser()
    outsider.force_login(
        accounts.create_user(clinic=clinic_b, username="otto", password=PASSWORD, role="admin")
    )
    assert outsider.get(f"/clinic/batch/{job.pk}/").status_code == 404
    assert outsider.post(f"/clinic/batch/{job.pk}/results/").status_code == 404

    BatchJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=2))
    admin_browser.get("/clinic/batch/")
    assert BatchJob.objects.get().status == "expired"
    assert not kept.folder.exists()
    assert admin_browser.post(f"/clinic/batch/{job.pk}/results/").status_code == 404


def test_an_unreadable_register_is_refused_with_what_is_allowed(admin_browser):
    refused = upload(admin_browser, "intakes.xlsx", "not a register")
    assert refused.status_code == 400
    assert "unknown format '.xlsx'; allowed: .csv, .jsonl" in unescape(errors(text(refused)))
    misspelt = upload(admin_browser, "intakes.csv", "id,agee\nx,40\n")
    assert misspelt.status_code == 400
    shown = unescape(errors(text(misspelt)))
    assert "agee: is not a column of the flat layout; did you mean 'age'?" in shown
    assert not BatchJob.objects.exists()
