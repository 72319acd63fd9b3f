"""Report files a user built: what was asked (year, scope, format, settings) and where it is.

The rows a report prints are the books' (``portfolio.books``); a ReportFile is only the written
document, stored under ``settings.REPORTS_DIR`` and served to its owner alone.
"""

from django.conf import settings
from django.db import models


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    ZIP = "zip", "ZIP (PDF, every CSV, the JSON totals)"


class ReportFile(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_files"
    )
    connection = models.ForeignKey(
        "accounts.KrakenConnection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_files",
        help_text="empty: every connection of the user",
    )
    year = models.PositiveIntegerField(help_text="the tax year that starts in this calendar year")
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    parameters = models.JSONField(
        default=dict, help_text="jurisdiction, method, base currency, zone, run: what it printed"
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="report_files"
    )
    path = models.CharField(max_length=255, help_text="relative to REPORTS_DIR")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "year"], name="report_owner_year")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.year} · {self.format}"

    @property
    def filename(self) -> str:
        scope = f"conn{self.connection_id}" if self.connection_id else "all"
        return f"kraken-tax-{self.year}-{scope}-{self.pk}.{self.format}"
