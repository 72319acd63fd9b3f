"""Read jobs: a user's own, or (for the operator's command) everyone's."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from jobs.models import Job


def jobs_list(
    *, user=None, states: Sequence[str] = (), kinds: Sequence[str] = (), limit: int = 50
) -> QuerySet[Job]:
    jobs = Job.objects.select_related("owner").order_by("-created_at", "-id")
    if user is not None:
        jobs = jobs.filter(owner=user)
    if states:
        jobs = jobs.filter(state__in=states)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    return jobs[:limit]
