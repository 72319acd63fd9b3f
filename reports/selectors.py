"""Reading the report files a user built, and the report jobs still running."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jobs.models import ACTIVE_JOB_STATES, Job, JobKind
from reports.models import ReportFile


def report_files_for(*, user, year: int | None = None) -> QuerySet[ReportFile]:
    files = ReportFile.objects.filter(owner=user).select_related("connection")
    return files if year is None else files.filter(year=year)


def report_file_for(*, user, pk: int) -> ReportFile:
    """One of the user's files; 404 for anyone else's, as for one that does not exist."""
    found = ReportFile.objects.filter(owner=user, pk=pk).first()
    if found is None:
        raise Http404("no such report")
    return found


def report_jobs_for(*, user, year: int) -> QuerySet[Job]:
    return Job.objects.filter(
        owner=user,
        kind=JobKind.REPORT,
        state__in=ACTIVE_JOB_STATES,
        target__contains=f":report:{year}:",
    )


def report_jobs_all(*, user) -> QuerySet[Job]:
    """Every report job of the user with the files it wrote (one query more, for all of them)."""
    return Job.objects.filter(owner=user, kind=JobKind.REPORT).prefetch_related("report_files")


def report_job_for(*, user, pk: int) -> Job:
    """One of the user's report jobs; 404 for anyone else's, as for one that does not exist."""
    found = report_jobs_all(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such report")
    return found
