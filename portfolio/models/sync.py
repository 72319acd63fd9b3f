"""The sync's own bookkeeping: one row per run, one cursor per data set, reconciliation results."""

from django.db import models
from django.db.models import Q

from jobs.models import ACTIVE_JOB_STATES, JobState
from portfolio.models.fields import connection_field


class DataSet(models.TextChoices):
    ASSETS = "assets", "Assets"
    ASSET_PAIRS = "asset_pairs", "Asset pairs"
    LEDGERS = "ledgers", "Ledger entries"
    TRADES = "trades", "Trades"
    CLOSED_ORDERS = "closed_orders", "Closed orders"
    BALANCES = "balances", "Balances"
    OPEN_ORDERS = "open_orders", "Open orders"
    TRADE_BALANCE = "trade_balance", "Trade balance and open positions"
    FUTURES_ACCOUNTS = "futures_accounts", "Futures accounts and positions"
    FUTURES_FILLS = "futures_fills", "Futures fills"
    FUTURES_LOG = "futures_log", "Futures account log"


# A sync's states are its Job's (jobs.Job): the run's state mirrors the job's.
SyncState = JobState
ACTIVE_STATES = ACTIVE_JOB_STATES


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", "Sync now"
    SCHEDULE = "schedule", "Schedule"
    COMMAND = "command", "Command line"


class SyncRun(models.Model):
    """One sync of one connection: the detail of its Job (jobs.Job, kind "sync").

    The Job is the sync's life (who runs it, its heartbeat, whether it is dead); this row keeps
    what only a sync has: progress per data set, counters, notes, trigger. Its state, times and
    error are kept in step with the Job's by portfolio.sync.runs (and by the hook that follows a
    cancelled or expired Job). At most one run per connection is queued or running: partial
    unique constraints on both rows enforce it.
    """

    connection = connection_field("sync_runs")
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_run"
    )
    state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.QUEUED)
    trigger = models.CharField(max_length=16, choices=SyncTrigger.choices)
    full = models.BooleanField(default=False, help_text="Re-walk the whole history.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    counters = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Numbered per user (#1, #2... for each person), given by portfolio.sync.runs; the global id
    # is never shown, since it would tell one user how many syncs others ran.
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_sync_per_connection",
            ),
            models.UniqueConstraint(
                fields=["connection", "number"], name="unique_sync_number_per_connection"
            ),
        ]
        indexes = [models.Index(fields=["connection", "created_at"], name="syncrun_conn_created")]

    def __str__(self) -> str:
        return f"Sync #{self.shown_number} of {self.connection_id}: {self.state}"

    @property
    def shown_number(self) -> int | None:
        """The user's own number for this run (a row made outside the service shows its id)."""
        return self.number if self.number is not None else self.pk

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class SyncCursor(models.Model):
    """How far a data set is stored: everything at or before `position` is in the database.

    `position` is Kraken's own cursor, exact (a unix timestamp string for ledgers, trades and
    orders, an id for the futures log); `state` keeps a pending export's id across crashes.
    """

    connection = connection_field("sync_cursors")
    dataset = models.CharField(max_length=32, choices=DataSet.choices)
    position = models.CharField(max_length=40, blank=True)
    position_time = models.DateTimeField(null=True, blank=True)
    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "dataset"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "dataset"], name="unique_cursor_per_dataset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} of {self.connection_id} at {self.position or 'start'}"


class Reconciliation(models.Model):
    """A reconciliation of the stored ledger against Kraken's balances and trades."""

    connection = connection_field("reconciliations")
    sync_run = models.OneToOneField(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="reconciliation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    assets = models.JSONField(default=dict, help_text="asset -> computed, kraken, ok.")
    problems = models.JSONField(default=list)
    derived_trades = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Reconciliation of {self.connection_id}: {'ok' if self.ok else 'problems'}"
