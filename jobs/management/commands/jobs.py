"""python manage.py jobs list [--user NAME] [--state STATE ...] [--kind KIND ...] [--limit N]
python manage.py jobs cancel ID"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs.models import Job, JobKind, JobState
from jobs.selectors import jobs_list
from jobs.services import job_cancel, jobs_expire_stale

COLUMNS = ("ID", "Kind", "Owner", "Target", "State", "Started", "Finished", "Heartbeat", "Error")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _row(job: Job) -> tuple[str, ...]:
    return (
        str(job.pk),
        job.kind,
        job.owner.username if job.owner_id else "-",
        job.target,
        job.state,
        _when(job.started_at),
        _when(job.finished_at),
        _when(job.heartbeat_at),
        job.error.splitlines()[0][:60] if job.error else "",
    )


class Command(BaseCommand):
    help = "List background jobs (syncs, rebuilds, price fetches, imports, reports) or cancel one."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="newest first")
        listing.add_argument("--user", help="only this user's jobs")
        listing.add_argument("--state", nargs="+", choices=JobState.values, default=[])
        listing.add_argument("--kind", nargs="+", choices=JobKind.values, default=[])
        listing.add_argument("--limit", type=int, default=50)
        cancel = sub.add_parser("cancel", help="stop a queued or running job")
        cancel.add_argument("job_id", type=int, metavar="ID")

    def handle(self, *args, **options) -> None:
        jobs_expire_stale()  # a dead worker's job is listed as failed, not as running
        if options["action"] == "cancel":
            self.cancel(options["job_id"])
        else:
            self.list(options)

    def list(self, options) -> None:
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        rows = [
            _row(job)
            for job in jobs_list(
                user=user, states=options["state"], kinds=options["kind"], limit=options["limit"]
            )
        ]
        if not rows:
            self.stdout.write("No jobs.")
            return
        widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        for line in [COLUMNS, *rows]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))

    def cancel(self, job_id: int) -> None:
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"No job #{job_id}.")
        if not job_cancel(job_id=job_id):
            raise CommandError(f"Job #{job_id} is not active (it is {job.state}).")
        self.stdout.write(f"Job #{job_id} ({job.kind} {job.target}) cancelled.")
