"""The fast row output is DRF's own output, value for value (zones, decimals, nulls)."""

import pytest
from django.utils import timezone
from rest_framework import serializers

from portfolio.api.serializers import books, synced
from tests.factories import ClosedOrderFactory, LedgerEntryFactory

pytestmark = pytest.mark.django_db

CASES = [
    (synced.LedgerEntrySerializer, "ledger"),
    (synced.TradeSerializer, "trade"),
    (synced.ClosedOrderSerializer, "order"),
    (synced.BalanceSerializer, "balance"),
    (synced.FuturesFillSerializer, "fill"),
    (synced.FuturesLogEntrySerializer, "log"),
    (synced.FuturesPositionSerializer, "position"),
    (synced.SyncRunSerializer, "sync"),
    (books.LotSerializer, "lot"),
    (books.DisposalSerializer, "disposal"),
    (books.IncomeSerializer, "income"),
    (books.MarginSerializer, "margin"),
    (books.FuturesRecordSerializer, "futures"),
    (books.UnknownBasisSerializer, "unknown"),
]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize(("serializer_class", "key"), CASES, ids=[c[1] for c in CASES])
def test_fast_rows_equal_drfs_output(serializer_class, key, zone, owner):
    row = type(owner[key]).objects.get(pk=owner[key].pk)  # as read back from the database
    with timezone.override(zone):
        fast = serializer_class(row).data
        drf = serializers.ModelSerializer.to_representation(serializer_class(row), row)
    assert fast == drf
    assert list(fast) == list(drf)


def test_nulls_and_long_decimals_match_too(owner):
    entry = LedgerEntryFactory(connection=owner["connection"], amount_usd=None)
    order = ClosedOrderFactory(connection=owner["connection"], closetm=None, userref=None)
    for serializer_class, row in (
        (synced.LedgerEntrySerializer, entry),
        (synced.ClosedOrderSerializer, order),
    ):
        row = type(row).objects.get(pk=row.pk)
        fast = serializer_class(row).data
        assert fast == serializers.ModelSerializer.to_representation(serializer_class(row), row)
    assert synced.LedgerEntrySerializer(entry).data["amount_usd"] is None
