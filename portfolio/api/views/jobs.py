"""Syncs, imports and reconciliation of a connection. Starting work only enqueues it."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import connection_for
from portfolio.api.errors import Conflict, TooLarge
from portfolio.api.serializers import synced as s
from portfolio.api.views.base import connection_ids
from portfolio.import_views import SizeLimitedUpload
from portfolio.imports.jobs import Upload, import_stage
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.models import ImportRecord, SyncRun, SyncTrigger
from portfolio.selectors import latest_reconciliation
from portfolio.sync.runs import CSV_ONLY_NOTE, sync_request
from portfolio.tasks import enqueue_sync_run

TAGS = ["syncs and imports"]


class ConnectionSyncs(generics.ListAPIView):
    """A connection's sync runs (newest first), and starting one."""

    serializer_class = s.SyncRunSerializer
    cursor_ordering = ("-created_at", "-id")
    queryset = SyncRun.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SyncRun.objects.none()
        connection = connection_for(
            user=self.request.user, connection_id=self.kwargs["connection_id"]
        )
        return SyncRun.objects.filter(connection=connection)

    @extend_schema(tags=TAGS, summary="A connection's sync runs, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=s.SyncStartSerializer,
        responses={
            202: OpenApiResponse(s.SyncRunSerializer, "A new run was queued for a worker."),
            200: OpenApiResponse(s.SyncRunSerializer, "A run was already active: that one."),
        },
        summary="Start a sync (queued for a worker; poll the run for progress)",
    )
    def post(self, request, connection_id: int):
        connection = connection_for(user=request.user, connection_id=connection_id)
        data = s.SyncStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if connection.csv_only:
            raise Conflict(CSV_ONLY_NOTE)
        run, created = sync_request(
            connection=connection,
            trigger=SyncTrigger.MANUAL,
            full=data.validated_data["full"],
            enqueue=enqueue_sync_run,
        )
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(s.SyncRunSerializer(run).data, status=code)


@extend_schema(tags=TAGS, summary="All your sync runs, newest first")
class SyncList(generics.ListAPIView):
    serializer_class = s.SyncRunSerializer
    cursor_ordering = ("-created_at", "-id")
    queryset = SyncRun.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SyncRun.objects.none()
        return SyncRun.objects.filter(connection_id__in=connection_ids(self.request.user))


class SyncDetail(APIView):
    @extend_schema(
        tags=TAGS, responses=s.SyncRunSerializer, summary="A sync run and its progress per data set"
    )
    def get(self, request, run_id: int):
        run = get_object_or_404(SyncRun, pk=run_id, connection_id__in=connection_ids(request.user))
        return Response(s.SyncRunSerializer(run).data)


class ConnectionReconciliation(APIView):
    @extend_schema(
        tags=TAGS,
        responses=s.ReconciliationSerializer,
        summary="The connection's latest reconciliation (404 before its first)",
    )
    def get(self, request, connection_id: int):
        connection = connection_for(user=request.user, connection_id=connection_id)
        found = latest_reconciliation(connection=connection)
        if found is None:
            raise NotFound("This connection has not been reconciled yet: sync or import first.")
        return Response(s.ReconciliationSerializer(found).data)


class ConnectionImports(generics.ListAPIView):
    """A connection's CSV imports, and uploading one (Kraken's CSV exports or their ZIP)."""

    serializer_class = s.ImportRecordSerializer
    cursor_ordering = ("-created_at", "-id")
    queryset = ImportRecord.objects.none()
    parser_classes = [MultiPartParser]

    def initialize_request(self, request, *args, **kwargs):
        # before anything reads the body: a file over the limit stops being stored at once
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitedUpload(request))
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportRecord.objects.none()
        connection = connection_for(
            user=self.request.user, connection_id=self.kwargs["connection_id"]
        )
        return ImportRecord.objects.filter(connection=connection)

    @extend_schema(tags=TAGS, summary="A connection's CSV imports, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={202: s.ImportRecordSerializer},
        summary=(
            "Import Kraken CSV exports (ledgers, trades, futures account log, or their ZIP); "
            f"at most {settings.KRAKEN_IMPORT_MAX_BYTES // (1024 * 1024)} MB a file"
        ),
    )
    def post(self, request, connection_id: int):
        connection = connection_for(user=request.user, connection_id=connection_id)
        files = request.FILES.getlist("files")
        refused = getattr(request._request, "import_refused", "")
        if refused:
            raise TooLarge(f"Refused: {refused}.")
        uploads = [Upload(name=f.name, size=f.size, chunks=f.chunks()) for f in files]
        try:  # its own transaction; the import's job goes to a worker after the commit
            record = import_stage(connection=connection, uploads=uploads)
        except CsvRefused as error:
            raise ValidationError({"files": [f"Refused: {error}. Nothing was imported."]}) from None
        return Response(s.ImportRecordSerializer(record).data, status=status.HTTP_202_ACCEPTED)


class ImportDetail(APIView):
    @extend_schema(
        tags=TAGS, responses=s.ImportRecordSerializer, summary="An import: progress and summary"
    )
    def get(self, request, import_id: int):
        record = get_object_or_404(
            ImportRecord, pk=import_id, connection_id__in=connection_ids(request.user)
        )
        return Response(s.ImportRecordSerializer(record).data)
