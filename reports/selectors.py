"""Reading the report files a user built, and the report jobs still running."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jobs.models import ACTIVE_JOB_STATES, Job, JobKind
from portfolio.accounting.jurisdictions import METHOD_LABELS, get_jurisdiction
from portfolio.books.models import AccountingRun
from portfolio.books.selectors import latest_run_for, run_settings
from portfolio.books.services import settings_for
from reports.models import ReportFile


def report_files_for(*, user, year: int | None = None) -> QuerySet[ReportFile]:
    files = ReportFile.objects.filter(owner=user).select_related("connection")
    return files if year is None else files.filter(year=year)


def with_build_state(*, user, files: list[ReportFile]) -> list[ReportFile]:
    """Each file with ``settings_text`` (jurisdiction, method, zone, run) and ``stale``: built
    from a run that is not the latest successful one of its scope, or with settings other than
    the profile's now (a change of time zone, say), so requesting it again gives other figures."""
    profile = settings_for(user=user)
    wanted = (profile.jurisdiction, profile.method, profile.base_currency, profile.time_zone)
    runs = AccountingRun.objects.filter(user=user).in_bulk(
        [f.parameters["run"] for f in files if isinstance(f.parameters.get("run"), int)]
    )
    latest: dict[int | None, AccountingRun | None] = {}
    for f in files:
        run = runs.get(f.parameters.get("run"))
        if f.connection_id not in latest:
            latest[f.connection_id] = latest_run_for(user=user, connection=f.connection)
        current = latest[f.connection_id]
        stale = run is None or current is None or run.pk != current.pk
        f.stale = stale or run_settings(run) != wanted  # type: ignore[arg-type, attr-defined]
        f.settings_text = _settings_text(f, run)  # type: ignore[attr-defined]
    return files


def _settings_text(file: ReportFile, run: AccountingRun | None) -> str:
    p = file.parameters
    if run is None:  # the run was deleted since: what the file recorded
        method = p.get("method", "")
        parts = [
            p.get("jurisdiction", ""),
            METHOD_LABELS.get(method, method),
            p.get("time zone", ""),
        ]
    else:
        rules = get_jurisdiction(run.jurisdiction)
        parts = [
            rules.name,
            METHOD_LABELS.get(run.method, run.method),
            run.time_zone or str(rules.tz),
        ]
    return " · ".join([*(x for x in parts if x), f"run {p.get('run', '?')}"])


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
