"""The engine's stored results: holdings, lots, disposals, income, margin, futures, tax years."""

from datetime import UTC

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.api.serializers.fast import FastRows
from portfolio.books.models import (
    AccountingRun,
    DisposalRow,
    FuturesRow,
    IncomeRow,
    LotRow,
    MarginRow,
    UnknownBasisDepositRow,
    YearResult,
)


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


class RunSerializer(serializers.ModelSerializer):
    """The accounting run the figures come from, and the settings it was computed with."""

    class Meta:
        model = AccountingRun
        fields = (
            "id",
            "jurisdiction",
            "method",
            "base_currency",
            "time_zone",
            "as_of",
            "finished_at",
        )
        read_only_fields = fields


class HoldingSerializer(serializers.Serializer):
    asset = serializers.CharField()
    wallet = serializers.CharField()
    is_cash = serializers.BooleanField()
    quantity = _amount()
    cost_basis = _amount()
    market_value = _amount(allow_null=True)
    unrealized = _amount(allow_null=True)
    realized = _amount()
    price_source = serializers.CharField()
    held_outside = _amount()
    outside_cost_basis = _amount()


class HoldingsSerializer(serializers.Serializer):
    run = RunSerializer(allow_null=True)
    pending = serializers.BooleanField(
        help_text="The latest run used other settings than the profile's: a rebuild is pending."
    )
    holdings = HoldingSerializer(many=True)
    market_value = _amount(allow_null=True)
    cost_basis = _amount(allow_null=True)
    unrealized = _amount(allow_null=True)
    realized = _amount(allow_null=True)


def _rows(model_class, exclude=("run",), extra=()):
    class Meta:
        model = model_class
        fields = [f.name for f in model_class._meta.concrete_fields if f.name not in exclude]
        fields += list(extra)
        read_only_fields = fields

    return Meta


class LotSerializer(FastRows, serializers.ModelSerializer):
    Meta = _rows(LotRow)


class LotUseSerializer(serializers.Serializer):
    lot_id = serializers.CharField()
    acquired = serializers.DateTimeField(allow_null=True)
    quantity = _amount()
    basis = _amount()
    proceeds = _amount()
    gain = _amount()
    term = serializers.CharField()


class DisposalSerializer(FastRows, serializers.ModelSerializer):
    lots = serializers.SerializerMethodField()

    Meta = _rows(DisposalRow)

    @extend_schema_field(LotUseSerializer(many=True))
    def get_lots(self, row: DisposalRow) -> list[dict]:
        return row.lots


class IncomeSerializer(FastRows, serializers.ModelSerializer):
    Meta = _rows(IncomeRow)


class MarginSerializer(FastRows, serializers.ModelSerializer):
    Meta = _rows(MarginRow)


class FuturesRecordSerializer(FastRows, serializers.ModelSerializer):
    Meta = _rows(FuturesRow)


class TaxYearSerializer(serializers.ModelSerializer):
    summary = serializers.JSONField(help_text="The year's totals, amounts as decimal strings.")

    class Meta:
        model = YearResult
        fields = ("year", "summary")
        read_only_fields = fields


class EnteredBasisSerializer(serializers.Serializer):
    basis = _amount()
    acquired = serializers.DateTimeField()


class UnknownBasisSerializer(FastRows, serializers.ModelSerializer):
    entered = serializers.SerializerMethodField()

    Meta = _rows(UnknownBasisDepositRow, extra=("entered",))

    @extend_schema_field(EnteredBasisSerializer(allow_null=True))
    def get_entered(self, row: UnknownBasisDepositRow) -> dict | None:
        entered = self.context.get("entered", {}).get(row.event_id)
        return EnteredBasisSerializer(entered).data if entered is not None else None


class UtcDateTimeField(serializers.DateTimeField):
    """An input time in UTC: PostgreSQL refuses offsets past ±15:59 that Python allows."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise serializers.ValidationError("This time is out of range.") from None


class BasisInputSerializer(serializers.Serializer):
    basis = serializers.DecimalField(max_digits=38, decimal_places=18, min_value=0)
    acquired = UtcDateTimeField()


class PriceUsedSerializer(serializers.Serializer):
    asset = serializers.CharField()
    quantity = _amount()
    market_value = _amount(allow_null=True)
    price = _amount(allow_null=True)
    source = serializers.CharField()


class PricesSerializer(serializers.Serializer):
    run = RunSerializer(allow_null=True)
    quote = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)
    prices = PriceUsedSerializer(many=True)
    missing = serializers.ListField(child=serializers.DictField(), help_text="Prices not found.")
