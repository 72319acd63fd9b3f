"""python manage.py accounting_rebuild --user NAME [--connection ID] [--force] [--no-fill]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import KrakenConnection
from jobs.models import JobState
from portfolio.books.models import AccountingRun
from portfolio.books.prices import prices_fill_for
from portfolio.books.rebuilds import rebuild_here


class Command(BaseCommand):
    help = "Recompute a user's lots, gains and income from the synced ledger and store them."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--connection", type=int)
        parser.add_argument("--force", action="store_true", help="even if nothing changed")
        parser.add_argument(
            "--no-fill",
            action="store_true",
            help="use only the prices already stored (no call to Kraken at all)",
        )

    def handle(self, *args, **o):
        user = get_user_model().objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"unknown user {o['user']!r}")
        connection = None
        if o["connection"] is not None:
            connection = KrakenConnection.objects.filter(pk=o["connection"], user=user).first()
            if connection is None:
                raise CommandError(f"user {user.username!r} has no connection {o['connection']}")
        if not o["no_fill"]:  # prices first (no call when they are stored), then numbers
            report = prices_fill_for(user=user, connection=connection)
            self.stdout.write(f"prices: {report.calls} calls, {report.candles} candles stored")
        job, run = rebuild_here(
            user=user, connection=connection, force=o["force"], reason="accounting_rebuild command"
        )
        if job.state != JobState.SUCCEEDED:
            raise CommandError(f"rebuild failed (job #{job.pk}): {job.error or job.state}")
        if run is None or run.state != AccountingRun.State.SUCCEEDED:
            raise CommandError(f"rebuild failed: {run.error if run else 'no run was stored'}")
        self.stdout.write(
            f"accounts rebuilt for {user.username}: {run.event_count} events, "
            f"{run.disposals.count()} disposals, {run.lots.count()} open lots, "
            f"{len(run.problems)} problems, {len(run.warnings)} warnings (run {run.pk}, "
            f"job {job.pk})"
        )
