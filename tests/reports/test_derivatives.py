"""Margin positions and futures entries in the stored books, the tax-year page and tax_report."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from portfolio.books.models import DisposalRow, FuturesRow, MarginRow, YearResult
from portfolio.books.prices import prices_fill_for
from portfolio.books.selectors import overview_for
from portfolio.books.services import accounting_rebuild
from portfolio.models import FuturesLogEntry, LedgerEntry
from tests.factories import PASSWORD
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def synced(simulator):
    connection = connect(simulator, simulator.add_account(seed=7, size=1500))
    sync(connection)
    prices_fill_for(user=connection.user)  # prices first, then numbers
    return connection


def test_margin_and_futures_are_records_never_fiat_disposals(synced, client):
    user = synced.user
    run = accounting_rebuild(user=user, daily_values=False)
    assert not DisposalRow.objects.filter(run=run, asset__in=["USD", "EUR", "GBP"]).exists()
    closes = LedgerEntry.objects.filter(connection=synced, type="margin").exclude(amount=0)
    margin = MarginRow.objects.filter(run=run)
    assert margin.count() > 0
    # base USD, USD positions: the stored PnL is exactly the ledger's margin amounts
    assert margin.aggregate(s=Sum("pnl"))["s"] == closes.aggregate(s=Sum("amount"))["s"]
    wallet = FuturesLogEntry.objects.filter(connection=synced, info="futures trade", asset="USD")
    log_pnl = wallet.aggregate(s=Sum("realized_pnl"))["s"]
    assert FuturesRow.objects.filter(run=run).aggregate(s=Sum("realized_pnl"))["s"] == log_pnl
    year = MarginRow.objects.filter(run=run).first().tax_year
    summary = YearResult.objects.get(run=run, year=year).summary
    assert summary["margin"]["count"] == margin.filter(tax_year=year).count()
    client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("tax_year", args=[year])).content.decode()
    assert 'id="margin"' in page and 'id="futures"' in page
    first = margin.filter(tax_year=year).first()
    assert first.ledger_ids  # each one links to the entry on the transactions page
    assert all(f'?q={ledger_id}">{ledger_id}</a>' in page for ledger_id in first.ledger_ids)


def test_tax_report_json_has_the_years_futures_block(synced):
    user = synced.user
    years = {}
    for year in range(2019, 2027):
        out = io.StringIO()
        args = ["--user", user.username, "--year", str(year), "--format", "json"]
        call_command("tax_report", *args, stdout=out)
        years[year] = json.loads(out.getvalue())["futures"]
    assert set(years[2023]) == {"realized_pnl", "funding", "fees", "net", "count"}
    total = sum((Decimal(b["realized_pnl"]) for b in years.values()), Decimal(0))
    log = FuturesLogEntry.objects.filter(connection=synced, info="futures trade", asset="USD")
    exact = log.aggregate(s=Sum("realized_pnl"))["s"]
    assert abs(total - exact) <= Decimal("0.01") * len(years)
    assert (
        sum(b["count"] for b in years.values())
        == FuturesLogEntry.objects.filter(connection=synced, asset="USD")
        .exclude(info="cross-exchange transfer")
        .count()
    )


def test_cash_is_in_the_holdings_and_the_portfolio_value(synced, client):
    user = synced.user
    run = accounting_rebuild(user=user, daily_values=False)
    usd = LedgerEntry.objects.filter(connection=synced, asset="USD")
    spot = usd.aggregate(a=Sum("amount"), f=Sum("fee"))
    futures = FuturesLogEntry.objects.filter(connection=synced, asset="USD")
    futures_usd = sum((e.new_balance - e.old_balance for e in futures), Decimal(0))
    cash = {(c["asset"], c["wallet"]): Decimal(c["quantity"]) for c in run.cash}
    assert cash[("USD", "spot")] == spot["a"] - spot["f"]
    assert cash[("USD", "futures")] == futures_usd
    overview = overview_for(run=run)
    in_holdings = [h for h in overview.holdings if h.is_cash]
    assert {(h.asset, h.wallet) for h in in_holdings} == set(cash)
    assert overview.market_value == sum((h.market_value for h in overview.holdings), Decimal(0))
    crypto = sum((h.market_value for h in overview.holdings if not h.is_cash), Decimal(0))
    assert overview.market_value - crypto >= cash[("USD", "spot")] + cash[("USD", "futures")]
    client.login(username=user.username, password=PASSWORD)
    assert "futures wallet" in client.get(reverse("dashboard")).content.decode()
