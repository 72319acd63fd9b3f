"""Query filters: connection, asset, type and time range on the synced tables; year, asset and
term on the books. Ids and years are bounded so no value reaches the database it cannot hold."""

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from portfolio.books.models import DisposalRow, FuturesRow, IncomeRow, LotRow, MarginRow
from portfolio.models import (
    BalanceLine,
    ClosedOrder,
    FuturesFill,
    FuturesLogEntry,
    FuturesPosition,
    LedgerEntry,
    Trade,
)

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1970, max_value=9999, **kwargs)


def _text(field: str, help_text: str) -> filters.CharFilter:
    return filters.CharFilter(field_name=field, max_length=64, help_text=help_text)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, in UTC: PostgreSQL refuses offsets past ±15:59 that Python allows."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError("This time is out of range.", code="invalid") from None


class TimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def _since(field: str) -> filters.IsoDateTimeFilter:
    return TimeFilter(
        field_name=field, lookup_expr="gte", help_text="From this time on (ISO 8601, inclusive)."
    )


def _until(field: str) -> filters.IsoDateTimeFilter:
    return TimeFilter(
        field_name=field, lookup_expr="lt", help_text="Before this time (ISO 8601, exclusive)."
    )


class _Synced(filters.FilterSet):
    connection = IdFilter(field_name="connection_id", help_text="One of your connections' ids.")


class LedgerFilter(_Synced):
    asset = _text("asset", "Normalised asset code, e.g. BTC.")
    type = _text("type", "Ledger type: trade, deposit, withdrawal, staking, ...")
    since = _since("time")
    until = _until("time")

    class Meta:
        model = LedgerEntry
        fields = ()


class TradeFilter(_Synced):
    asset = filters.CharFilter(method="by_asset", max_length=64, help_text="Base or quote asset.")
    pair = _text("pair", "Kraken pair, e.g. XXBTZUSD.")
    type = _text("type", "buy or sell.")
    since = _since("time")
    until = _until("time")

    class Meta:
        model = Trade
        fields = ()

    def by_asset(self, queryset, name, value):
        return queryset.filter(Q(base=value) | Q(quote=value))


class ClosedOrderFilter(_Synced):
    pair = _text("pair", "Kraken pair altname, e.g. XBTUSD.")
    type = _text("type", "buy or sell.")
    status = _text("status", "closed, canceled or expired.")
    since = _since("opentm")
    until = _until("opentm")

    class Meta:
        model = ClosedOrder
        fields = ()


class BalanceFilter(filters.FilterSet):
    connection = IdFilter(field_name="snapshot__connection_id", help_text="A connection's id.")
    asset = _text("asset", "Normalised asset code.")

    class Meta:
        model = BalanceLine
        fields = ()


class FuturesFillFilter(_Synced):
    symbol = _text("symbol", "Contract symbol, e.g. PF_XBTUSD.")
    type = _text("fill_type", "Fill type: maker, taker, liquidation, ...")
    since = _since("fill_time")
    until = _until("fill_time")

    class Meta:
        model = FuturesFill
        fields = ()


class FuturesLogFilter(_Synced):
    asset = _text("asset", "Normalised asset code.")
    type = _text("info", "Entry kind, e.g. futures trade, funding rate change.")
    since = _since("date")
    until = _until("date")

    class Meta:
        model = FuturesLogEntry
        fields = ()


class PositionFilter(_Synced):
    symbol = _text("symbol", "Contract symbol.")

    class Meta:
        model = FuturesPosition
        fields = ()


class LotFilter(filters.FilterSet):
    asset = _text("asset", "Asset code.")

    class Meta:
        model = LotRow
        fields = ()


class DisposalFilter(filters.FilterSet):
    year = YearFilter(field_name="tax_year", help_text="Tax year (as your jurisdiction counts).")
    asset = _text("asset", "Asset code.")
    term = filters.ChoiceFilter(
        choices=[("short", "short"), ("long", "long"), ("none", "none")],
        help_text="Holding period.",
    )

    class Meta:
        model = DisposalRow
        fields = ()


class IncomeFilter(filters.FilterSet):
    year = YearFilter(field_name="tax_year", help_text="Tax year.")
    asset = _text("asset", "Asset code.")
    type = _text("income_type", "Income type, e.g. staking.")

    class Meta:
        model = IncomeRow
        fields = ()


class MarginFilter(filters.FilterSet):
    year = YearFilter(field_name="tax_year", help_text="Tax year.")

    class Meta:
        model = MarginRow
        fields = ()


class FuturesRecordFilter(filters.FilterSet):
    year = YearFilter(field_name="tax_year", help_text="Tax year.")
    contract = _text("contract", "Contract, e.g. PF_XBTUSD.")

    class Meta:
        model = FuturesRow
        fields = ()
