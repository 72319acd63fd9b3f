"""Beat, every minute: fail the jobs whose workers died, so pages and the next request know."""

from celery import shared_task

from jobs.services import jobs_expire_stale


@shared_task(name="jobs.tasks.expire_stale_jobs")
def expire_stale_jobs() -> int:
    return len(jobs_expire_stale())
