"""``{% active_job_ids "rebuild" "prices" as ids %}``: the ids of the user's queued or running
jobs of those kinds, for a part of a page that waits for them (portfolio/job_wait.js)."""

from django import template

from jobs.models import ACTIVE_JOB_STATES
from jobs.selectors import jobs_list

register = template.Library()


@register.simple_tag(takes_context=True)
def active_job_ids(context, *kinds: str) -> str:
    user = context["request"].user
    states = [str(state) for state in ACTIVE_JOB_STATES]  # their values: "queued", "running"
    jobs = jobs_list(user=user, states=states, kinds=kinds, limit=20)
    return " ".join(str(job.pk) for job in jobs)
