"""The report's lots at the year's end come from the books recorded at that year's end: units
withdrawn before it and deposited back after it are held outside, and a UK pool is the pool on
5 April, not the run's (``reports.year_end``)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from accounts.services import profile_for
from portfolio.books.models import AccountingRun, YearEndLotRow
from portfolio.books.services import accounting_rebuild
from portfolio.models import LedgerEntry
from reports import tables
from reports.content import report_for
from reports.year_end import derived_year_end_lots
from tests.factories import UserFactory, make_connection

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def _entry(connection, ledger_id, refid, when, kind, asset, raw, amount):
    LedgerEntry.objects.create(
        connection=connection,
        ledger_id=ledger_id,
        refid=refid,
        time=when,
        type=kind,
        aclass="currency",
        asset=asset,
        raw_asset=raw,
        amount=Decimal(amount),
        fee=Decimal(0),
        balance=Decimal(0),
    )


def _user(jurisdiction: str, method: str, base: str, zone: str):
    user = UserFactory()
    connection = make_connection(user=user)
    connection.csv_only = True  # rows written here as an import writes them
    connection.save(update_fields=["csv_only"])
    profile = profile_for(user=user)
    profile.jurisdiction, profile.cost_basis_method = jurisdiction, method
    profile.base_currency, profile.time_zone = base, zone
    profile.save()
    return user, connection


def _buy(connection, n, when, qty, paid, raw_fiat, fiat):
    _entry(connection, f"LB{n}A", f"TB{n}", when, "trade", "BTC", "XXBT", qty)
    _entry(connection, f"LB{n}B", f"TB{n}", when, "trade", fiat, raw_fiat, f"-{paid}")


def test_units_withdrawn_over_the_year_end_are_held_outside_in_that_years_report():
    user, connection = _user("us", "fifo", "USD", "America/New_York")
    bought = datetime(2022, 3, 1, 15, tzinfo=UTC)
    _buy(connection, 1, bought, "1", "20000", "ZUSD", "USD")
    _entry(connection, "LW1", "W1", datetime(2023, 11, 10, tzinfo=UTC), "withdrawal", "BTC",
           "XXBT", "-0.4")  # fmt: skip
    _entry(connection, "LD1", "D1", datetime(2024, 2, 1, tzinfo=UTC), "deposit", "BTC", "XXBT",
           "0.4")  # fmt: skip
    run = accounting_rebuild(user=user, as_of=datetime(2025, 6, 1, tzinfo=UTC))
    assert run.year_ends_recorded
    assert set(YearEndLotRow.objects.filter(run=run).values_list("tax_year", flat=True)) == {
        2022,
        2023,
        2024,
    }

    report = report_for(user=user, year=2023, run=run)

    assert report.rows.year_end_recorded
    assert [(r[3], r[4], r[6], r[2]) for r in report.rows.open_lots] == [
        (D("0.4"), D("8000"), True, bought),  # by asset, acquisition, lot and wallet ("" outside)
        (D("0.6"), D("12000"), False, bought),
    ]
    lots = tables.open_lots(report)
    assert lots["Held outside Kraken"].tolist() == ["yes", ""]
    # what the derivation from the run's rows said: all on Kraken
    derived = derived_year_end_lots(run=run, year_end=datetime(2024, 1, 1, 5, tzinfo=UTC))
    assert [(r[3], r[6]) for r in derived] == [(D("1"), False)]
    # 2024's end: the units are back on Kraken
    back = report_for(user=user, year=2024, run=run).rows.open_lots
    assert sum(r[3] for r in back) == D("1") and not any(r[6] for r in back)


def test_a_uk_report_shows_the_pool_on_5_april_without_a_purchase_of_10_april():
    user, connection = _user("uk", "uk", "GBP", "Europe/London")
    _buy(connection, 1, datetime(2023, 5, 1, 12, tzinfo=UTC), "10", "10000", "ZGBP", "GBP")
    _buy(connection, 2, datetime(2024, 4, 10, 12, tzinfo=UTC), "2", "5000", "ZGBP", "GBP")
    run = accounting_rebuild(user=user, as_of=datetime(2025, 6, 1, tzinfo=UTC))

    rows = report_for(user=user, year=2023, run=run).rows

    assert rows.year_end_recorded
    assert [(r[5], r[3], r[4], r[6]) for r in rows.open_lots] == [
        ("s104:BTC", D("10"), D("10000"), False)
    ]


def test_a_run_made_before_the_year_ends_were_recorded_still_derives_them():
    user, connection = _user("us", "fifo", "USD", "America/New_York")
    bought = datetime(2022, 3, 1, 15, tzinfo=UTC)
    _buy(connection, 1, bought, "1", "20000", "ZUSD", "USD")
    _entry(connection, "LW1", "W1", datetime(2023, 11, 10, tzinfo=UTC), "withdrawal", "BTC",
           "XXBT", "-0.4")  # fmt: skip
    _entry(connection, "LD1", "D1", datetime(2024, 2, 1, tzinfo=UTC), "deposit", "BTC", "XXBT",
           "0.4")  # fmt: skip
    run = accounting_rebuild(user=user, as_of=datetime(2025, 6, 1, tzinfo=UTC))
    YearEndLotRow.objects.filter(run=run).delete()  # as a run stored before them
    AccountingRun.objects.filter(pk=run.pk).update(year_ends_recorded=False)
    run.refresh_from_db()

    rows = report_for(user=user, year=2023, run=run).rows

    assert not rows.year_end_recorded
    assert [(r[3], r[6]) for r in rows.open_lots] == [(D("1.000000000000000000"), False)]
