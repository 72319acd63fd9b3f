"""Building report files: one request makes a ``report`` job; a worker writes and stores the file.

``report_request`` enqueues the build (coalescing identical requests: one job per user, year,
scope and format), ``report_execute`` runs it in the worker with progress, ``report_write`` is
the build itself (also the command line's), and ``report_delete`` removes a file and its row.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import KrakenConnection
from jobs.models import Job, JobKind
from jobs.runner import Progress, job_run
from jobs.services import job_request, job_set_task
from reports import pdf, tables
from reports.content import Report, report_for, run_for_report
from reports.models import ReportFile, ReportFormat


def report_target(*, user_id: int, year: int, connection_id: int | None, fmt: str) -> str:
    return f"user:{user_id}:report:{year}:{connection_id or 'all'}:{fmt}"


def _parse_target(target: str) -> tuple[int, int | None, str]:
    *_, year, scope, fmt = target.split(":")
    return int(year), None if scope == "all" else int(scope), fmt


def report_job_parameters(job: Job) -> tuple[int, int | None, str]:
    """(year, connection id or None for all, format) a report job was asked for."""
    return _parse_target(job.target)


def report_request(*, user, year: int, fmt: str, connection: KrakenConnection | None = None) -> Job:
    """Ask for a report file; the job builds it after the commit (404 if nothing is computed)."""
    if fmt not in ReportFormat.values:
        raise ValueError(f"unknown report format {fmt!r}")
    if connection is not None and connection.user_id != user.pk:
        raise ValueError("not your connection")
    run_for_report(user=user, connection=connection)  # nothing to print: refuse now
    job, _ = job_request(
        kind=JobKind.REPORT,
        target=report_target(
            user_id=user.pk, year=year, connection_id=connection and connection.pk, fmt=fmt
        ),
        owner=user,
        reason=f"{fmt} report for {year}",
        enqueue=report_enqueue,
    )
    return job


def report_enqueue(job: Job) -> None:
    from reports.tasks import build_report  # tasks import this module

    result = build_report.delay(job.pk)
    job_set_task(job=job, task_id=getattr(result, "id", None))


def report_execute(*, job_id: int) -> Job | None:
    """Run a report job to its end (idempotent: a finished or living job is left alone)."""
    return job_run(job_id=job_id, work=_work)


def _work(job: Job, progress: Progress) -> None:
    if job.owner is None:
        return
    year, connection_id, fmt = _parse_target(job.target)
    connection = (
        KrakenConnection.objects.filter(pk=connection_id, user=job.owner).first()
        if connection_id
        else None
    )
    progress(stage="reading the stored results")
    report = report_for(user=job.owner, year=year, connection=connection)
    progress(stage=f"writing the {fmt.upper()}", disposals=len(report.rows.disposals))
    stored = report_store(report=report, fmt=fmt, job=job, connection=connection)
    progress(stage="done", file=stored.pk)


def report_bytes(report: Report, fmt: str) -> bytes:
    """The file's content: a PDF, or a ZIP of the PDF, every CSV and the JSON totals."""
    document = pdf.report_pdf(report)
    if fmt == ReportFormat.PDF:
        return document
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.pdf", document)
        archive.writestr("summary.json", json.dumps(report.summary, indent=2) + "\n")
        for name, content in tables.csv_files(report).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def report_store(
    *, report: Report, fmt: str, job: Job | None = None, connection: KrakenConnection | None = None
) -> ReportFile:
    """Write the file under REPORTS_DIR and record it; a failed write leaves neither behind."""
    content = report_bytes(report, fmt)
    owner = report.run.user
    relative = Path(str(owner.pk)) / f"{uuid.uuid4().hex}.{fmt}"
    path = Path(settings.REPORTS_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(content)
    try:
        with transaction.atomic():
            stored = ReportFile.objects.create(
                owner=owner,
                connection=connection,
                year=report.year,
                format=fmt,
                job=job,
                path=str(relative),
                size=len(content),
                parameters={
                    **report.settings,
                    "run": report.run.pk,
                    "scope": connection.label if connection else "all connections",
                },
            )
            partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored


def report_path(report_file: ReportFile) -> Path:
    return Path(settings.REPORTS_DIR) / report_file.path


def report_delete(*, report_file: ReportFile) -> None:
    path = report_path(report_file)
    with transaction.atomic():
        report_file.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


class ReportBusy(Exception):
    """The report is still being built: it can be deleted once its job ended."""


def report_job_delete(*, job: Job) -> None:
    """Delete a report job that ended and every file it wrote (files go after the commit)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_active:
            raise ReportBusy("The report is still being built; delete it once it has ended.")
        for report_file in ReportFile.objects.filter(job=job):
            report_delete(report_file=report_file)
        job.delete()
