"""The user's long work as JSON, for pages that poll while something runs (never another's)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jobs.models import Job
from jobs.selectors import jobs_list
from portfolio.templatetags.numbers import when


def _when(moment) -> str | None:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def job_json(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "state": job.state,
        "state_label": job.get_state_display(),
        "active": job.is_active,
        "progress": job.progress,
        "error": job.error,
        "created": _when(job.created_at),
        "started": _when(job.started_at),
        "finished": _when(job.finished_at),
        # What the panel shows: the one date format of every page, in the user's zone.
        "created_display": when(job.created_at),
        "finished_display": when(job.finished_at) if job.finished_at else None,
    }


@login_required
@require_GET
def job_status(request: HttpRequest) -> JsonResponse:
    """The user's 20 latest jobs (`?kind=sync` to filter), newest first, and whether any runs."""
    kinds = [k for k in request.GET.getlist("kind") if k]
    jobs = [job_json(job) for job in jobs_list(user=request.user, kinds=kinds, limit=20)]
    response = JsonResponse({"jobs": jobs, "active": any(j["active"] for j in jobs)})
    response["Cache-Control"] = "no-store"
    return response
