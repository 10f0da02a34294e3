"""The audit log page (filters, paging) and its CSV export; clinic admins only. Reading the log
and exporting it are themselves written to the log."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from backcare.records import audit
from backcare.records.models import AuditEvent
from backcare.web.forms import AuditFilterForm
from backcare.web.views.common import clinic_page, today, user_of

PER_PAGE = 50
COLUMNS = ["at", "seq", "user", "client_id", "client", "action", "target", "detail", "hash"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


@clinic_page
def audit_log(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = AuditFilterForm(request.GET, user=user)
    valid = form.is_valid()
    chosen = form.chosen() if valid else audit.Filter()
    page = Paginator(audit.trail(user=user, chosen=chosen), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list) if valid else []
    audit.record(user=user, action="audit.view", detail={**chosen.as_detail(), "page": page.number})
    return render(
        request,
        "web/audit.html",
        {"form": form, "page": page, "events": rows, "filtered": bool(chosen.as_detail())},
        status=200 if valid else 400,
    )


@clinic_page
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """Every event the filters select, as CSV, streamed row by row."""
    user = user_of(request)
    form = AuditFilterForm(request.GET, user=user)
    if not form.is_valid():
        return audit_log(request)
    chosen = form.chosen()
    found = audit.trail(user=user, chosen=chosen)
    audit.record(user=user, action="audit.export", detail=chosen.as_detail())
    response = StreamingHttpResponse(_csv(found.iterator(chunk_size=1000)), content_type="text/csv")
    name = f"audit-log-{today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def _csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for e in events:
        row = [
            e.at.isoformat(),
            str(e.seq),
            e.actor,
            str(e.client_id or ""),
            str(e.client) if e.client else "",
            e.action,
            e.target,
            json.dumps(e.detail, sort_keys=True, ensure_ascii=False),
            e.hash,
        ]
        yield writer.writerow([_inert(cell) for cell in row])


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs (a client search may start with '=')."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell
