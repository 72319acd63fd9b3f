"""Long work as rows: a sync, a rebuild, a price fill, an import, a report build.

One Job per unit of long work: what it is (kind), whose (owner), on what (target), and how it is
going (state, progress, heartbeat, error, started, finished). The sync's and the rebuild's own
records (portfolio.SyncRun, reports.AccountingRun) are that work's detail, linked to its Job.
At most one job per (kind, target) is queued or running: a partial unique constraint enforces
it, so two requests racing in two processes cannot both start one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobKind(models.TextChoices):
    SYNC = "sync", "Sync"
    REBUILD = "rebuild", "Rebuild of the accounts"
    PRICES = "prices", "Price fetch"
    IMPORT = "import", "Import"
    REPORT = "report", "Report build"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=16, choices=JobKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="empty: work for no one in particular (a shared price fill)",
    )
    target = models.CharField(
        max_length=128, help_text="what the work is on, e.g. connection:12 or user:3"
    )
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="why it was requested")
    follow_up = models.BooleanField(
        default=False, help_text="requested again while running: run once more after it ends"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_job_per_kind_and_target",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "kind", "created_at"], name="job_owner_kind_created"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"Job #{self.pk} {self.kind} {self.target}: {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES
