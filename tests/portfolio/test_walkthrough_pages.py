"""What a new user's walkthrough of the demo (US, FIFO) found on the pages, one test a finding."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_for
from jobs.models import Job
from portfolio.accounting.jurisdictions import CA, DE, UK, US
from portfolio.books.models import YearResult
from portfolio.models import FuturesAccountSnapshot, OpenOrder
from tests.factories import (
    AccountingRunFactory,
    DisposalRowFactory,
    FuturesPositionFactory,
    IncomeRowFactory,
    LedgerEntryFactory,
    ReconciliationFactory,
    SyncRunFactory,
    UserFactory,
    make_connection,
    secret_for,
)
from tests.portfolio.pages_setup import user_with_pages

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
TOTALS = {"proceeds": "8400.00", "cost_basis": "4000.00", "gain": "4400.00", "count": 5, "sales": 2}


def _summary(year: int) -> dict:
    return {
        "year": year,
        "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "disposals": TOTALS, "short_term": TOTALS, "long_term": TOTALS,
        "income": {"total": "0.00", "count": 0}, "fees": "0.00",
    }  # fmt: skip


def us_user(**run_fields):
    """A US/FIFO/USD user (the profile's defaults), a connection, and a current run."""
    user = UserFactory()
    connection = make_connection(user=user)
    run = AccountingRunFactory(user=user, **run_fields)
    return user, connection, run


def test_the_first_sync_hint_is_gone_once_a_sync_succeeded(client):
    user, connection, _ = us_user(method="lifo")  # the profile says FIFO: a rebuild is pending
    client.force_login(user)
    SyncRunFactory(connection=connection, state="failed")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Recomputing for your new settings" in page
    assert "after the first sync" in page  # no sync has succeeded yet
    SyncRunFactory(connection=connection, state="succeeded")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Recomputing for your new settings" in page
    assert "after the first sync" not in page


def test_the_tax_year_menu_opens_the_latest_year_with_activity(client):
    user, _, run = us_user()
    for year in (2023, 2025):
        YearResult.objects.create(run=run, year=year, summary=_summary(year))
    client.force_login(user)
    today = timezone.localdate()
    assert US.tax_year_of(today) > 2025  # the current year is empty: the menu skips it
    assert client.get(reverse("tax_year_current")).url == reverse("tax_year", args=[2025])
    YearResult.objects.filter(run=run).delete()
    current = US.tax_year_of(today)
    assert client.get(reverse("tax_year_current")).url == reverse("tax_year", args=[current])


def test_tax_years_are_labelled_as_each_jurisdiction_names_them(client):
    assert [j.tax_year_label(2025) for j in (US, DE, CA, UK)] == [
        "2025",
        "2025",
        "2025",
        "2025\u201326",
    ]
    assert UK.tax_year_label(2099) == "2099\u201300"
    user, _, run = us_user()
    YearResult.objects.create(run=run, year=2025, summary=_summary(2025))
    client.force_login(user)
    page = client.get(reverse("tax_year", args=[2025])).content.decode()
    assert '<option value="2025" selected>2025</option>' in page
    assert "2025\u20132026" not in page
    uk_user, data = user_with_pages(entries=5, disposals=8)
    client.force_login(uk_user)
    year = data.run.years.order_by("-year").first().year
    page = client.get(reverse("tax_year", args=[year])).content.decode()
    assert f'<option value="{year}" selected>{UK.tax_year_label(year)}</option>' in page


def test_sales_and_lot_pieces_have_distinct_labels(client):
    user, _, run = us_user()
    YearResult.objects.create(run=run, year=2024, summary=_summary(2024))
    DisposalRowFactory.create_batch(2, run=run, tax_year=2024)
    client.force_login(user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert '<th class="num">Sales</th>' in dashboard and ">Disposals<" not in dashboard
    assert (
        '<td class="num" data-label="Sales">2<div class="small muted">5 Form 8949 rows</div></td>'
        in dashboard
    )
    page = client.get(reverse("tax_year", args=[2024])).content.decode()
    assert "Sales (2)" in page and "Disposals (" not in page
    assert "2 sales · 5 Form 8949 rows" in page
    uk_user, data = user_with_pages(entries=5, disposals=8)
    client.force_login(uk_user)
    year = data.run.years.order_by("-year").first().year
    sales = data.run.years.get(year=year).summary["disposals"]["sales"]
    page = client.get(reverse("tax_year", args=[year])).content.decode()
    assert f"{sales} sales · {sales} lot pieces" in page


def test_the_cost_card_is_the_base_of_the_unrealized_percentage(client):
    """Cash has no gain: the card shows the crypto's cost, the base of the percentage beside it
    (the cash card shows the cash), so 33,000.15 / 30,000.00 = 110.0 %."""
    user, _, run = us_user()
    run.cash = [
        {"asset": "USD", "quantity": "1000", "value": "1000", "source": "cash", "wallet": "spot"}
    ]
    run.save()
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-figure="cost">30,000.00 USD<' in page
    assert 'data-figure="cash">1,000.00 USD<' in page
    assert f"110.0{NBSP}% of the crypto's cost basis" in page
    assert "Cost basis of crypto" in page


def _asset_links(page: str) -> list[str]:
    return re.findall(r'data-label="Asset"><a href="(/holdings/[^"]+/)"', page)


def test_ledger_asset_links_never_lead_to_a_missing_page(client):
    user, connection, run = us_user()
    run.pnl = {**run.pnl, "USDT": {**run.pnl["BTC"]}, "ETH": {**run.pnl["BTC"]}}
    run.save()
    for asset in ("USDT.F", "KFEE", "ETH2.S", "BTC"):
        LedgerEntryFactory(connection=connection, asset=asset, raw_asset=asset)
    client.force_login(user)
    page = client.get(reverse("transactions")).content.decode()
    links = _asset_links(page)
    assert sorted(links) == ["/holdings/BTC/", "/holdings/ETH/", "/holdings/USDT/"]
    assert 'data-label="Asset">KFEE<' in page  # no page for fee credits: no link
    for link in links:
        assert client.get(link).status_code == 200, link
    for code, made_of in (("USDT.F", "USDT"), ("ETH2.S", "ETH")):  # an old link still answers
        response = client.get(reverse("asset_detail", args=[code]))
        assert response.status_code == 302 and response.url == f"/holdings/{made_of}/"
    assert client.get("/holdings/KFEE/").status_code == 404
    btc = client.get(reverse("asset_detail", args=["BTC"])).content.decode()
    assert _asset_links(btc) == ["/holdings/BTC/"]


def test_futures_money_has_its_currency_and_prices_their_quote(client):
    user = UserFactory()
    connection = make_connection(
        user=user, futures_key="FUTKEY" + "x" * 30, futures_secret=secret_for("futures")
    )
    AccountingRunFactory(user=user)
    FuturesPositionFactory(
        connection=connection, symbol="PF_XBTUSD", price=Decimal("19300.2"),
        unrealized_funding=Decimal("-1.96774331"), pnl_currency="USD",
    )  # fmt: skip
    FuturesAccountSnapshot.objects.create(
        connection=connection, taken_at=timezone.now(), name="flex",
        type="multiCollateralMarginAccount", figures={"totalUnrealized": "16532.58945"},
    )  # fmt: skip
    client.force_login(user)
    for url in (reverse("dashboard"), reverse("futures")):
        page = client.get(url).content.decode()
        assert "19,300.2 USD" in page, url
        assert "-1.97 USD" in page and "-1.96774331" not in page, url
        assert "16,532.59 USD" in page and "16,532.58945" not in page, url
        assert "flex: unrealized PnL" in page, url


def test_open_orders_say_what_kraken_codes_mean(client):
    user = UserFactory()
    connection = make_connection(
        user=user, futures_key="FUTKEY" + "x" * 30, futures_secret=secret_for("futures")
    )
    common = dict(connection=connection, volume=Decimal("1"), taken_at=timezone.now())
    OpenOrder.objects.create(
        market="futures", order_id="F-1", pair="PF_XBTUSD", side="buy", order_type="lmt",
        price=Decimal("16215"), status="untouched", **common,
    )  # fmt: skip
    OpenOrder.objects.create(
        market="spot", order_id="S-1", pair="ETHEUR", side="sell", order_type="limit",
        price=Decimal("2500.5"), status="open", **common,
    )  # fmt: skip
    client.force_login(user)
    page = client.get(reverse("open_orders")).content.decode()
    assert 'data-label="Side">Buy limit<' in page and 'data-label="Side">Sell limit<' in page
    assert ">Open, not filled<" in page and "buy lmt" not in page
    assert 'data-label="Limit">16,215 USD<' in page
    assert 'data-label="Limit">2,500.5 EUR<' in page


def test_settings_are_named_alike_and_the_zone_is_shown(client):
    user, _, run = us_user()
    YearResult.objects.create(run=run, year=2024, summary=_summary(2024))
    client.force_login(user)
    page = client.get(reverse("tax_year", args=[2024])).content.decode()
    assert "United States · FIFO (first in, first out) · figures in USD" in page
    assert "method fifo" not in page and "UNITED STATES" not in page
    assert "times in America/New_York" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "FIFO (first in, first out) · times in America/New_York" in dashboard


def test_the_background_work_panel_gets_moments_in_the_pages_format(client):
    user = UserFactory()
    profile = profile_for(user=user)
    profile.time_zone = "Europe/London"
    profile.save()
    moment = dt.datetime(2026, 12, 7, 2, 29, 59, tzinfo=dt.UTC)
    job = Job.objects.create(kind="rebuild", owner=user, state="succeeded", finished_at=moment)
    Job.objects.filter(pk=job.pk).update(created_at=moment)
    client.force_login(user)
    (job,) = client.get(reverse("job_status")).json()["jobs"]
    assert job["finished_display"] == job["created_display"] == f"7{NBSP}Dec{NBSP}2026 02:29"


def test_conversions_are_not_reported_like_a_problem(client):
    user = UserFactory()
    connection = make_connection(user=user)
    sync = SyncRunFactory(connection=connection)
    ReconciliationFactory(connection=connection, sync_run=sync, derived_trades=111)
    client.force_login(user)
    page = client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    assert "every balance agrees with Kraken" in page
    assert "111 exchanges in the ledger without a trade record" in page
    assert "found only in the ledger" not in page


def _chart_labels(page: str, element: str) -> list[str]:
    found = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))["labels"]


def test_the_income_charts_say_their_window_or_show_all_of_it(client):
    user, _, run = us_user()
    for n in range(30):  # 30 months with income, from Jan 2021
        year, month = 2021 + n // 12, n % 12 + 1
        IncomeRowFactory(run=run, time=dt.datetime(year, month, 15, tzinfo=dt.UTC), tax_year=year)
    client.force_login(user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    labels = _chart_labels(dashboard, "income-data")
    assert len(labels) == 24 and labels[0] == "Jul 2021"
    assert "The last 24 months with income" in dashboard
    income = client.get(reverse("income")).content.decode()
    labels = _chart_labels(income, "income-data")
    assert len(labels) == 30 and labels[0] == "Jan 2021"
