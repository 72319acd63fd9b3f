"""Sync a user's Kraken connections in the foreground, with a progress bar per data set."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import KrakenConnection
from jobs.models import Job
from jobs.services import job_wait, was_abandoned
from portfolio.models import DataSet, SyncRun, SyncState, SyncTrigger
from portfolio.sync.errors import failure_message
from portfolio.sync.pipeline import TransientSyncError, sync_run_execute, sync_run_fail
from portfolio.sync.runs import CSV_ONLY_NOTE, sync_request

LABELS = dict(DataSet.choices)


def connections_of(username: str, connection_id: int | None) -> list[KrakenConnection]:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    connections = KrakenConnection.objects.filter(user=user).order_by("pk")
    if connection_id is not None:
        connections = connections.filter(pk=connection_id)
    found = list(connections)
    if not found:
        which = f"connection {connection_id}" if connection_id else "Kraken connections"
        raise CommandError(f"{username} has no {which}.")
    return found


class ProgressBars:
    """One tqdm bar for the data set being fetched, replaced when the sync moves on."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.bar: tqdm | None = None
        self.dataset = ""

    def update(self, run: SyncRun) -> None:
        if not run.progress:
            return
        dataset, entry = list(run.progress.items())[-1]
        if dataset != self.dataset:
            self.close()
            self.dataset = dataset
            self.bar = tqdm(desc=LABELS.get(dataset, dataset), unit=" rows", file=self.stream)
        assert self.bar is not None
        self.bar.total = entry.get("total") or None
        self.bar.n = entry.get("fetched") or 0
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "Sync a user's Kraken data now, in the foreground."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--connection", type=int, help="only this connection id")
        parser.add_argument("--full", action="store_true", help="re-walk the whole history")

    def handle(self, *args, **options) -> None:
        failures = []
        for connection in connections_of(options["user"], options.get("connection")):
            if connection.csv_only:
                self.stdout.write(f"Skipped {connection.label!r}: {CSV_ONLY_NOTE}")
                continue
            run = self.sync_one(connection, full=options["full"])
            if run.state == SyncState.SUCCEEDED:
                self.stdout.write(self.style.SUCCESS(self.summary(connection, run)))
            else:
                failures.append(
                    f"Sync #{run.shown_number} of {connection.label!r} failed: {run.error}"
                )
        if failures:
            raise CommandError("\n".join(failures))

    def sync_one(self, connection: KrakenConnection, *, full: bool) -> SyncRun:
        run, created = sync_request(connection=connection, trigger=SyncTrigger.COMMAND, full=full)
        bars = ProgressBars(self.stderr._out)
        self.stdout.write(f"Syncing {connection.label!r} (run #{run.shown_number})")
        try:
            if created:
                self.run_here(run, bars)
            else:
                self.stdout.write(f"Sync #{run.shown_number} is already running; waiting for it.")
                if self.wait(run, bars):  # its worker died: a fresh run takes over
                    return self.sync_one(connection, full=full)
        finally:
            bars.close()
        fresh = SyncRun.objects.filter(pk=run.pk).first()
        if fresh is None:
            raise CommandError(f"{connection.label!r} was deleted during the sync.")
        return fresh

    def run_here(self, run: SyncRun, bars: ProgressBars) -> None:
        try:
            sync_run_execute(run_id=run.pk, on_progress=bars.update)
        except TransientSyncError as error:
            # No task will retry it: fail the run rather than leave it queued for nobody.
            sync_run_fail(run_id=run.pk, message=failure_message(error.error))
            raise CommandError(
                f"Kraken kept failing ({error.error.message}); try again later."
            ) from error

    def wait(self, run: SyncRun, bars: ProgressBars) -> bool:
        """Follow another process's run to its end; True if it died and must be replaced."""

        def show(_job: Job) -> None:
            current = SyncRun.objects.filter(pk=run.pk).first()
            if current is not None:
                bars.update(current)

        job = job_wait(job=Job.objects.get(pk=run.job_id), on_poll=show)
        if was_abandoned(job):
            self.stdout.write(f"Sync #{run.shown_number} stopped: {job.error} Starting a new one.")
            return True
        return False

    def summary(self, connection: KrakenConnection, run: SyncRun) -> str:
        fetched = sum(int(e.get("fetched") or 0) for e in run.progress.values())
        calls = run.counters.get("api_calls", 0)
        number = run.shown_number
        return f"{connection.label!r}: sync #{number} succeeded ({fetched} rows, {calls} API calls)"
