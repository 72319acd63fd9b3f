"""Amounts come back from the database exactly as they went in, on SQLite too."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portfolio.books.models import AccountingRun, DailyValue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXACT = [
    Decimal("123456789.123456789012345678"),
    Decimal("66091.126123073902076832"),
    Decimal("0.000000000000000001"),
    Decimal("-98765432109876543.25"),
]


@pytest.fixture
def run():
    return AccountingRun.objects.create(
        user=UserFactory(),
        jurisdiction="us",
        method="fifo",
        base_currency="USD",
        as_of=datetime(2026, 1, 1, tzinfo=UTC),
        inputs_digest="x",
    )


def test_decimals_round_trip_without_a_float_in_between(run):
    for n, value in enumerate(EXACT):
        DailyValue.objects.create(run=run, date=date(2025, 1, 1 + n), value=value)
    stored = list(
        DailyValue.objects.filter(run=run).order_by("date").values_list("value", flat=True)
    )
    assert stored == EXACT
    assert [f"{v:f}" for v in stored] == [  # padded to the column's 18 places, as on PostgreSQL
        "123456789.123456789012345678",
        "66091.126123073902076832",
        "0.000000000000000001",
        "-98765432109876543.250000000000000000",
    ]


def test_decimal_filters_compare_numbers_not_text(run):
    for n, value in enumerate(["9", "10", "-2", "100.5"]):
        DailyValue.objects.create(run=run, date=date(2025, 2, 1 + n), value=Decimal(value))
    above = DailyValue.objects.filter(run=run, value__gt=Decimal("9.5")).values_list(
        "value", flat=True
    )
    assert sorted(above) == [Decimal("10"), Decimal("100.5")]
    assert DailyValue.objects.filter(run=run, value__lt=0).count() == 1
    assert DailyValue.objects.filter(run=run, value=Decimal("10")).count() == 1
    assert DailyValue.objects.filter(run=run, value__range=(Decimal(0), Decimal(50))).count() == 2
