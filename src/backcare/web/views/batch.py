"""Screening a register from the web app (clinic admins): upload, progress, downloads."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from backcare import config
from backcare.errors import UnreadableRegister
from backcare.records import batch_jobs
from backcare.web.views.common import clinic_page, user_of


@clinic_page
def batch_page(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    batch_jobs.remove_expired()
    batch_jobs.resume_stalled()
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("register")
        try:
            if upload is None:
                raise UnreadableRegister("register: choose a .csv, .jsonl or .parquet file")
            created = batch_jobs.submit(
                user=user,
                name=upload.name or "",
                content=upload.read(config.max_upload_bytes() + 1),
                result_format=request.POST.get("result_format", "csv"),
            )
            return redirect("batch_job", job_id=created.pk)
        except UnreadableRegister as error:
            errors.append(str(error))
    return render(
        request,
        "web/batch.html",
        {
            "jobs": batch_jobs.jobs(user=user)[:20],
            "errors": errors,
            "formats": batch_jobs.RESULT_FORMATS,
            "keep_hours": config.batch_keep_hours(),
            "most_mb": config.max_upload_bytes() >> 20,
        },
        status=400 if errors else 200,
    )


@clinic_page
def batch_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = batch_jobs.job(user=user_of(request), job_id=job_id)
    return render(
        request, "web/batch_job.html", {"job": job, "keep_hours": config.batch_keep_hours()}
    )


@clinic_page
def batch_download(request: HttpRequest, job_id: int, which: str) -> HttpResponseBase:
    """A POST, so that no link prefetch makes (and audits) a download nobody asked for."""
    if request.method != "POST":
        return redirect("batch_job", job_id=job_id)
    path, name = batch_jobs.download(user=user_of(request), job_id=job_id, which=which)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
