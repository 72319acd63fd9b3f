"""Tax reports: request one (built by a worker, never in the request), poll it, download it,
delete it. Thin views over reports.services and reports.selectors; the owner's only (404)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import KrakenConnection
from jobs.models import Job
from portfolio.api.errors import Conflict
from portfolio.api.serializers import reports as r
from reports.selectors import report_job_for, report_jobs_all
from reports.services import ReportBusy, report_job_delete, report_path, report_request

TAGS = ["reports"]
FILE = "The file, as an attachment: a PDF, or a ZIP of the PDF, every CSV and the JSON totals."


def _connection(user, pk: int | None) -> KrakenConnection | None:
    if pk is None:
        return None
    found = KrakenConnection.objects.filter(pk=pk, user=user).first()
    if found is None:
        raise ValidationError({"connection": ["No such connection of yours."]})
    return found


class ReportList(generics.ListAPIView):
    """Your reports (newest first), and requesting one."""

    serializer_class = r.ReportSerializer
    cursor_ordering = ("-created_at", "-id")
    queryset = Job.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return report_jobs_all(user=self.request.user)

    @extend_schema(tags=TAGS, summary="Your reports and their builds, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=r.ReportRequestSerializer,
        responses={
            202: OpenApiResponse(
                r.ReportSerializer, "Queued for a worker (or joined the same build already going)."
            )
        },
        summary="Request a report (built by a worker; poll it, then download it)",
    )
    def post(self, request):
        data = r.ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        connection = _connection(request.user, values.get("connection"))
        try:
            job = report_request(
                user=request.user, year=values["year"], fmt=values["format"], connection=connection
            )
        except Http404 as error:
            raise Conflict(str(error)) from None
        job = report_job_for(user=request.user, pk=job.pk)
        return Response(r.ReportSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ReportDetail(APIView):
    @extend_schema(
        tags=TAGS, responses=r.ReportSerializer, summary="A report: its build's state and progress"
    )
    def get(self, request, report_id: int):
        job = report_job_for(user=request.user, pk=report_id)
        return Response(r.ReportSerializer(job).data)

    @extend_schema(
        tags=TAGS,
        responses={204: OpenApiResponse(description="Deleted, with its file.")},
        summary="Delete a report and its file (409 while it is being built)",
    )
    def delete(self, request, report_id: int):
        job = report_job_for(user=request.user, pk=report_id)
        try:
            report_job_delete(job=job)
        except ReportBusy as error:
            raise Conflict(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportDownload(APIView):
    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, FILE),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, FILE),
        },
        summary="Download a report's file (404 until it is ready)",
    )
    def get(self, request, report_id: int):
        job = report_job_for(user=request.user, pk=report_id)
        report_file = r.report_file_of(job)
        if report_file is None:
            raise NotFound("This report is not ready: poll it until its state is succeeded.")
        path = report_path(report_file)
        if not path.is_file():
            raise NotFound("This report's file is gone; request it again.")
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=report_file.filename,
            content_type=r.CONTENT_TYPES.get(report_file.format, "application/octet-stream"),
        )
