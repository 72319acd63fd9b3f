"""Synced Kraken data, sync runs, reconciliations and imports, as Kraken reported them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.api.serializers.fast import FastRows
from portfolio.imports.jobs import import_progress
from portfolio.models import (
    BalanceLine,
    ClosedOrder,
    FuturesFill,
    FuturesLogEntry,
    FuturesPosition,
    ImportRecord,
    LedgerEntry,
    Reconciliation,
    SyncRun,
    Trade,
)
from portfolio.selectors import sync_run_progress


def _model(model_class, exclude=("synced_at",)):
    class Meta:
        model = model_class
        fields = [f.name for f in model_class._meta.concrete_fields if f.name not in exclude]
        read_only_fields = fields

    return Meta


class LedgerEntrySerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(LedgerEntry)


class TradeSerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(Trade)


class ClosedOrderSerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(ClosedOrder)


class FuturesFillSerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(FuturesFill)


class FuturesLogEntrySerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(FuturesLogEntry)


class FuturesPositionSerializer(FastRows, serializers.ModelSerializer):
    Meta = _model(FuturesPosition, exclude=())


class BalanceSerializer(FastRows, serializers.ModelSerializer):
    """One asset's balance in a connection's latest Balance snapshot."""

    connection = serializers.IntegerField(source="snapshot.connection_id", read_only=True)
    taken_at = serializers.DateTimeField(source="snapshot.taken_at", read_only=True)

    class Meta:
        model = BalanceLine
        fields = (
            "id",
            "connection",
            "taken_at",
            "asset",
            "raw_asset",
            "balance",
            "balance_ex",
            "hold_trade",
            "credit",
            "credit_used",
        )
        read_only_fields = fields


class DataSetProgressSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    label = serializers.CharField()
    fetched = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    percent = serializers.IntegerField(allow_null=True)


class SyncRunSerializer(FastRows, serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = SyncRun
        fields = (
            "id",
            "connection",
            "state",
            "trigger",
            "full",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "progress",
            "counters",
            "notes",
            "error",
        )
        read_only_fields = fields

    @extend_schema_field(DataSetProgressSerializer(many=True))
    def get_progress(self, run: SyncRun) -> list[dict]:
        return DataSetProgressSerializer(sync_run_progress(run=run), many=True).data


class SyncStartSerializer(serializers.Serializer):
    full = serializers.BooleanField(default=False, help_text="Re-walk the whole history.")


class ReconciliationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reconciliation
        fields = (
            "id",
            "connection",
            "sync_run",
            "created_at",
            "ok",
            "assets",
            "problems",
            "derived_trades",
        )
        read_only_fields = fields


class ImportFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()


class ImportRecordSerializer(serializers.ModelSerializer):
    """An import job: its files (names and sizes only), live progress and, after, its summary."""

    files = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportRecord
        fields = (
            "id",
            "connection",
            "state",
            "created_at",
            "started_at",
            "finished_at",
            "files",
            "progress",
            "summary",
            "error",
        )
        read_only_fields = fields

    @extend_schema_field(ImportFileSerializer(many=True))
    def get_files(self, record: ImportRecord) -> list[dict]:
        return [{"name": f.get("name", ""), "size": f.get("size", 0)} for f in record.files]

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_progress(self, record: ImportRecord) -> dict:
        return import_progress(record=record)


class ImportUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="Kraken's ledgers, trades or futures account log CSVs, or the ZIP of them.",
    )
