"""Report files as jobs: what was asked, how the build goes, and the file once written."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.models import Job, JobState
from reports.models import ReportFile, ReportFormat
from reports.services import report_job_parameters

CONTENT_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.ZIP: "application/zip"}


def report_file_of(job: Job) -> ReportFile | None:
    """The file a succeeded job wrote (the newest, from the prefetched files); None before."""
    if job.state != JobState.SUCCEEDED:
        return None
    files = list(job.report_files.all())
    return files[0] if files else None


class ReportFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.SerializerMethodField()
    size = serializers.IntegerField(help_text="bytes")
    created_at = serializers.DateTimeField()

    def get_content_type(self, report_file: ReportFile) -> str:
        return CONTENT_TYPES.get(report_file.format, "application/octet-stream")


class ReportSerializer(serializers.Serializer):
    """A requested report: its build job's state and progress, and the file when it is ready."""

    id = serializers.IntegerField(help_text="the report's (its build job's) id")
    year = serializers.SerializerMethodField()
    format = serializers.SerializerMethodField()
    connection = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=JobState.choices)
    progress = serializers.DictField(help_text="the build's stage and counts, as it goes")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    file = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_year(self, job: Job) -> int:
        return report_job_parameters(job)[0]

    @extend_schema_field(serializers.ChoiceField(choices=ReportFormat.choices))
    def get_format(self, job: Job) -> str:
        return report_job_parameters(job)[2]

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="null: all"))
    def get_connection(self, job: Job) -> int | None:
        return report_job_parameters(job)[1]

    @extend_schema_field(ReportFileSerializer(allow_null=True))
    def get_file(self, job: Job) -> dict | None:
        found = report_file_of(job)
        return None if found is None else ReportFileSerializer(found).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: Job) -> str | None:
        if report_file_of(job) is None:
            return None
        return reverse("api-report-download", args=[job.pk])


class ReportRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2009, max_value=2100, help_text="the tax year that starts in this calendar year"
    )
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    connection = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=10**18 - 1,
        help_text="one of your connections; empty or null: all of them",
    )
