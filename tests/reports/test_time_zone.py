"""Tax dates follow the profile's time zone: a New Year's Eve sale moves between tax years."""

import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Profile
from portfolio.books.models import DisposalRow
from portfolio.books.selectors import latest_run_for
from portfolio.models import LedgerEntry
from tests.factories import PASSWORD
from tests.simulated import connect

pytestmark = pytest.mark.django_db(transaction=True)

BOUGHT = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
#: 21:30 on New Year's Eve in New York, already 2025 in UTC.
SOLD = datetime(2025, 1, 1, 2, 30, tzinfo=UTC)


def _entry(connection, ledger_id, refid, when, asset, raw, amount):
    LedgerEntry.objects.create(
        connection=connection,
        ledger_id=ledger_id,
        refid=refid,
        time=when,
        type="trade",
        aclass="currency",
        asset=asset,
        raw_asset=raw,
        amount=Decimal(amount),
        fee=Decimal(0),
        balance=Decimal(0),
    )


@pytest.fixture
def trader(simulator):
    """A US user who bought 1 BTC for 20,000 USD and sold it for 30,000 USD on New Year's Eve."""
    connection = connect(simulator, simulator.add_account(seed=91, size=20))
    # rows written here as an import writes them: its data counts without a sync
    connection.csv_only = True
    connection.save(update_fields=["csv_only"])
    _entry(connection, "LBUY1", "TBUY", BOUGHT, "BTC", "XXBT", "1")
    _entry(connection, "LBUY2", "TBUY", BOUGHT, "USD", "ZUSD", "-20000")
    _entry(connection, "LSELL1", "TSELL", SOLD, "BTC", "XXBT", "-1")
    _entry(connection, "LSELL2", "TSELL", SOLD, "USD", "ZUSD", "30000")
    return connection.user


def _report(user, year, *flags) -> dict:
    out = io.StringIO()
    args = ["--user", user.username, "--year", str(year), "--format", "json", *flags]
    call_command("tax_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_time_zone_flag_moves_the_sale_between_tax_years(trader):
    assert Profile.objects.get(user=trader).time_zone == "America/New_York"
    new_york = _report(trader, 2024)
    assert new_york["disposals"] == {
        "proceeds": "30000.00",
        "cost_basis": "20000.00",
        "gain": "10000.00",
        "count": 1,
        "sales": 1,
    }
    assert _report(trader, 2025)["disposals"]["count"] == 0
    in_utc = _report(trader, 2025, "--time-zone", "UTC")
    assert in_utc["disposals"]["gain"] == "10000.00"
    assert _report(trader, 2024, "--time-zone", "UTC")["disposals"]["count"] == 0


def test_a_bad_time_zone_is_refused(trader):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not an IANA time zone"):
        _report(trader, 2024, "--time-zone", "Mars/Olympus")


def test_changing_the_profile_zone_rebuilds_into_the_other_year(client, trader):
    client.login(username=trader.username, password=PASSWORD)
    form = {"base_currency": "USD", "jurisdiction": "us", "cost_basis_method": "fifo"}
    client.post(reverse("profile"), {**form, "time_zone": "UTC"})
    run = latest_run_for(user=trader)
    assert (run.time_zone, run.jurisdiction) == ("UTC", "us")
    assert list(DisposalRow.objects.filter(run=run).values_list("tax_year", "gain")) == [
        (2025, Decimal("10000"))
    ]
    client.post(reverse("profile"), {**form, "time_zone": "America/New_York"})
    run = latest_run_for(user=trader)
    assert run.time_zone == "America/New_York"
    assert list(DisposalRow.objects.filter(run=run).values_list("tax_year", "gain")) == [
        (2024, Decimal("10000"))
    ]
