"""Registers screened from the web app: a clinic admin uploads one, a worker thread in the server
screens it (batch/run.py) while the job's row shows its progress, and the results and the
refused rows can be downloaded until the files expire.

Why a job table and one worker thread rather than a task queue: a clinic's register takes
seconds to minutes, one at a time is enough, and nothing else (no broker, no worker process) has
to be deployed and watched. The job's row is the queue: a job is claimed by one atomic update,
and a job whose worker went away (the server restarted) is started again from the beginning
when the batch page is next opened. ``BACKCARE_BATCH_INLINE`` (a Django setting) runs it in the
request instead, for tests.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backcare import config
from backcare.batch import registers
from backcare.batch.run import Options, Summary, screen_file
from backcare.errors import BackcareError, NotAllowed, NotFound, UnreadableRegister
from backcare.records import audit
from backcare.records.models import BatchJob, User

log = logging.getLogger(__name__)
Status = BatchJob.Status
RESULT_FORMATS = ("csv", "parquet", "jsonl")
STALLED = timedelta(minutes=5)
TOP_FINDINGS = 10
_worker: ThreadPoolExecutor | None = None


def _admin(user: User) -> None:
    if not user.is_clinic_admin:
        raise NotAllowed("only a clinic admin can screen a register")


def jobs(*, user: User) -> QuerySet[BatchJob]:
    """The clinic's jobs, newest first."""
    _admin(user)
    return BatchJob.objects.filter(clinic=user.clinic)


def job(*, user: User, job_id: int) -> BatchJob:
    """One of the clinic's jobs; another clinic's is not found."""
    found = jobs(user=user).filter(pk=job_id).first()
    if found is None:
        raise NotFound(f"no batch job {job_id}")
    return found


def submit(*, user: User, name: str, content: bytes, result_format: str) -> BatchJob:
    """Keep the upload privately and start screening it; refused when it cannot be read."""
    _admin(user)
    assert user.clinic is not None  # a clinic admin belongs to a clinic
    source_format = registers.format_of(Path(name))
    if result_format not in RESULT_FORMATS:
        raise UnreadableRegister(
            f"result format {result_format!r}: allowed {', '.join(RESULT_FORMATS)}"
        )
    if len(content) > config.max_upload_bytes():
        raise UnreadableRegister(
            f"{_clean(name)} is larger than {config.max_upload_bytes() >> 20} MiB, the most "
            "an upload may be"
        )
    created = BatchJob(
        clinic=user.clinic,
        created_by=user,
        folder=secrets.token_hex(16),
        source_name=_clean(name),
        source_format=source_format,
        result_format=result_format,
    )
    kept = files(created)
    _private(kept.source, content)
    try:
        next(registers.chunks(kept.source, 1), None)  # a header it cannot read is refused now
    except UnreadableRegister:
        shutil.rmtree(kept.folder, ignore_errors=True)
        raise
    created.rows_total = registers.count(kept.source)
    created.save()
    audit.record(
        user=user,
        action="batch.upload",
        target=f"batch-{created.pk}",
        detail={"file": created.source_name, "rows": created.rows_total},
    )
    _start(created.pk)
    return created


@dataclass(frozen=True, slots=True)
class Files:
    folder: Path
    source: Path
    result: Path
    errors: Path


def files(job: BatchJob) -> Files:
    """Where the job's files are kept: a random folder of the clinic's, under the data dir."""
    folder = config.data_dir() / "batch" / str(job.clinic_id) / job.folder
    return Files(
        folder=folder,
        source=folder / f"register.{job.source_format}",
        result=folder / f"results.{job.result_format}",
        errors=folder / "refused.csv",
    )


def download(*, user: User, job_id: int, which: str) -> tuple[Path, str]:
    """The path and the file name of a finished job's results or refused rows; audited."""
    found = job(user=user, job_id=job_id)
    if found.status != Status.DONE or which not in ("results", "refused"):
        raise NotFound(f"batch job {job_id} has no {which} to download")
    kept = files(found)
    path = kept.result if which == "results" else kept.errors
    audit.record(
        user=user,
        action=f"batch.{which}",
        target=f"batch-{found.pk}",
        detail={"file": found.source_name},
    )
    stem = Path(found.source_name).stem
    return path, f"{stem}-{which}{path.suffix}"


def run(job_id: int, *, today: date | None = None) -> None:
    """Screen the job's register (claimed first: one worker runs a job)."""
    claimed = BatchJob.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat__lt=timezone.now() - STALLED),
        pk=job_id,
    ).update(status=Status.RUNNING, heartbeat=timezone.now(), rows_done=0)
    if not claimed:
        return
    started = BatchJob.objects.get(pk=job_id)
    kept = files(started)
    options = Options(today=today or timezone.localdate(), engine="polars", workers=1)
    for output in (kept.result, kept.errors):
        output.touch(mode=0o600)
    try:
        summary = screen_file(
            kept.source,
            kept.result,
            errors=kept.errors,
            options=options,
            progress=lambda n: _advance(job_id, n),
        )
    except BackcareError as error:
        _finish(job_id, Status.FAILED, message=str(error))
    except Exception:  # the job fails with a message; the server keeps running
        log.exception("batch job %s failed", job_id)
        _finish(job_id, Status.FAILED, message="an internal error stopped the screening")
    else:
        _finish(job_id, Status.DONE, summary=summary)


def _advance(job_id: int, rows: int) -> None:
    BatchJob.objects.filter(pk=job_id).update(
        rows_done=F("rows_done") + rows, heartbeat=timezone.now()
    )


def _finish(job_id: int, status: str, *, message: str = "", summary: Summary | None = None) -> None:
    fields: dict[str, object] = {
        "status": status,
        "message": message,
        "finished_at": timezone.now(),
    }
    if summary is not None:
        fields.update(
            screened=summary.screened,
            refused=summary.refused,
            summary={
                "decisions": [[name, n] for name, n, _ in summary.shares()],
                "findings": [list(pair) for pair in summary.findings.most_common(TOP_FINDINGS)],
            },
        )
    BatchJob.objects.filter(pk=job_id).update(**fields)


def resume_stalled() -> None:
    """Start again any job whose worker went away (waiting, or no progress for a while)."""
    stalled = BatchJob.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=timezone.now() - STALLED)
        | Q(status=Status.RUNNING, heartbeat__lt=timezone.now() - STALLED)
    )
    for job_id in stalled.values_list("pk", flat=True):
        _start(job_id)


def remove_expired() -> int:
    """Remove the files of jobs older than the keep time; the job's row stays, as expired."""
    cutoff = timezone.now() - timedelta(hours=config.batch_keep_hours())
    old = BatchJob.objects.filter(created_at__lt=cutoff).exclude(status=Status.EXPIRED)
    removed = 0
    for expired in old:
        shutil.rmtree(files(expired).folder, ignore_errors=True)
        removed += BatchJob.objects.filter(pk=expired.pk).update(status=Status.EXPIRED)
    return removed


def _start(job_id: int) -> None:
    if getattr(settings, "BACKCARE_BATCH_INLINE", False):
        run(job_id)
        return
    global _worker
    if _worker is None:
        _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backcare-batch")
    _worker.submit(_in_thread, job_id)


def _in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    except Exception:  # the database could not be reached: the job is started again later
        log.exception("batch job %s could not be run", job_id)
    finally:
        close_old_connections()


def _private(path: Path, content: bytes) -> None:
    """Write ``content`` readable by the server's user alone, in folders only it can open."""
    home = config.data_dir()
    for folder in reversed(path.relative_to(home).parents[:-1]):
        (home / folder).mkdir(mode=0o700, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(content)


def _clean(name: str) -> str:
    """The upload's own name, without folders, for showing; at most 120 characters."""
    base = Path(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isprintable())[-120:] or "register"
