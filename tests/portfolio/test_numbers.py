"""Display formatting: asset decimals, zeros trimmed; money with its currency; one date format."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone

from portfolio.books.chart_data import thin, value_ranges
from portfolio.templatetags.numbers import ccy, day, pct, trimmed, when


def test_quantities_round_to_the_asset_decimals_and_drop_trailing_zeros():
    assert trimmed(Decimal("16336.8515819727"), 8) == "16,336.85158197"
    assert trimmed(Decimal("1.50000000"), 10) == "1.5"
    assert trimmed(Decimal("2.000"), 8) == "2"
    assert trimmed(Decimal("-0.000000001"), 8) == "0"
    assert trimmed(None, 8) == "—"


def test_asset_qty_reads_the_decimals_from_the_context():
    template = Template("{% load numbers %}{% asset_qty v 'SOL' %}|{% asset_qty v 'NEW' %}")
    context = Context({"v": Decimal("1.123456789012"), "asset_decimals": {"SOL": 4}})
    assert template.render(context) == "1.1235|1.123456789"  # unknown asset: Kraken's widest, 10


def test_money_has_two_decimals_and_its_currency():
    assert ccy(Decimal("1234.5"), "GBP") == "1,234.50 GBP"
    assert ccy(Decimal("-0.005"), "USD") == "-0.01 USD"
    assert ccy(Decimal("1234.5"), "JPY") == "1,235 JPY"
    assert ccy(None, "GBP") == "—"


def test_percentages_have_one_decimal():
    assert pct(Decimal("12.345")) == "12.3\u00a0%"
    assert pct(Decimal("-0.05")) == "-0.1\u00a0%"
    assert pct(None) == "—"


def test_dates_use_one_format_in_the_users_zone():
    moment = datetime(2026, 12, 6, 23, 20, tzinfo=UTC)
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert when(moment) == "7\u00a0Dec\u00a02026 08:20"
        assert day(moment) == "7\u00a0Dec\u00a02026"
        assert when("2026-12-06T23:20:00+00:00") == "7\u00a0Dec\u00a02026 08:20"
    assert day("2026-04-05") == day(date(2026, 4, 5)) == "5\u00a0Apr\u00a02026"
    assert when(None) == "—"


def test_chart_ranges_keep_the_last_month_year_and_a_thinned_whole():
    points = [(date(2020, 1, 1).fromordinal(737425 + i), Decimal(i)) for i in range(2000)]
    ranges = value_ranges(points, max_points=400)
    assert len(ranges["1M"]["values"]) == 31 and ranges["1M"]["values"][-1] == 1999.0
    assert len(ranges["1Y"]["values"]) == 366
    assert len(ranges["all"]["values"]) == 400
    assert ranges["all"]["labels"][0] == points[0][0].isoformat()
    assert ranges["all"]["labels"][-1] == points[-1][0].isoformat()
    assert thin([1, 2, 3], 5) == [1, 2, 3]
