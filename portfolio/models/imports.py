"""One CSV import of Kraken's exports into a connection: its state, progress and summary."""

from django.db import models

from portfolio.models.fields import connection_field


class ImportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Refused"
    CANCELLED = "cancelled", "Cancelled"


class ImportRecord(models.Model):
    """Files staged for import, then the summary (rows read, added, ...) or the refusal.

    The detail of a Job (jobs.Job, kind "import", target "connection:<id>"): the job carries its
    life (heartbeat, cancel, death), this record what was imported.
    """

    connection = connection_field("imports")
    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_record",
        help_text="the import job that ran it (its life: heartbeat, cancel, death)",
    )
    state = models.CharField(max_length=16, choices=ImportState.choices, default=ImportState.QUEUED)
    files = models.JSONField(default=list, help_text="[{name, path, size}] of the staged files.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress = models.JSONField(default=dict, blank=True, help_text="{done, total, note}")
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "created_at"], name="import_conn_created")]

    def __str__(self) -> str:
        return f"Import #{self.pk} into {self.connection_id}: {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)
