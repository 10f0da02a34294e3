"""The physician progress report: as a page, and as a PDF to download (both audited)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backcare.records.report import progress_report
from backcare.reports import progress
from backcare.web.views.common import clinic_page, today, user_of


@clinic_page
def report_page(request: HttpRequest, client_id: int) -> HttpResponse:
    report = progress_report(user=user_of(request), client_id=client_id, today=today())
    return render(request, "web/progress_report.html", progress.context(report))


@clinic_page
def report_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    report = progress_report(
        user=user_of(request), client_id=client_id, today=today(), purpose="progress report (PDF)"
    )
    response = HttpResponse(progress.pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{progress.file_name(report)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
